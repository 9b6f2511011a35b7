// A resize redraws the whole screen: 100x30 → 40x10 → 100x30 shows exactly what a fresh start at
// each size shows, with no line of the earlier frame left beside the new one (tmux resize-window).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';

const cli = cliBuiltBefore();
const settle = () => new Promise(r => setTimeout(r, 1500));

async function fresh(width: number, height: number): Promise<string> {
  const s = new TmuxSession('ek-resize', ['node', cli(), 'demo'], {
    env: {EKSA_KONG_HOME: tempHome(), NO_COLOR: '1'},
    width,
    height,
  });
  try {
    await s.waitFor('Enter begin');
    await settle();
    return s.screen();
  } finally {
    s.kill();
  }
}

test('demo welcome: 100x30 → 40x10 → 100x30 redraws fully each time (tmux)', {skip, timeout: 90_000}, async () => {
  const big = await fresh(100, 30);
  const small = await fresh(40, 10);
  const s = new TmuxSession('ek-resize', ['node', cli(), 'demo'], {env: {EKSA_KONG_HOME: tempHome(), NO_COLOR: '1'}});
  try {
    await s.waitFor('Enter begin');
    await settle();
    assert.equal(s.screen(), big);
    s.resize(40, 10);
    await settle();
    assert.equal(s.screen(), small, 'after shrinking: the frame a fresh 40x10 start draws');
    s.resize(100, 30);
    await settle();
    assert.equal(s.screen(), big, 'after growing back: the frame a fresh 100x30 start draws');
    // Still alive and answering keys after the resizes.
    await s.keys('Enter');
    await s.waitFor('Step 2/10');
  } finally {
    s.kill();
  }
});
