// Resizing the built CLI in tmux (resize-window): a terminal smaller than the layout (80x24) shows one
// line saying so instead of squeezed, overlapping boxes, ignores keys but Ctrl-C, and a terminal that
// grows again shows exactly what a fresh start at that size shows, with no line of an earlier frame left.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';

const cli = cliBuiltBefore();
const settle = () => new Promise(r => setTimeout(r, 1500));
const TOO_SMALL = (size: string) => `eksa-kong needs at least 80×24; this terminal is ${size}. Enlarge it to go on.`;

/** The screen's text with its wrapping undone. */
const unwrapped = (screen: string) =>
  screen
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
    .join(' ');

function demo(width: number, height: number, ...args: string[]): TmuxSession {
  return new TmuxSession('ek-resize', ['node', cli(), 'demo', ...args], {
    env: {EKSA_KONG_HOME: tempHome(), NO_COLOR: '1'},
    width,
    height,
  });
}

async function fresh(width: number, height: number): Promise<string> {
  const s = demo(width, height);
  try {
    await s.waitFor('Enter begin');
    await settle();
    return s.screen();
  } finally {
    s.kill();
  }
}

/** What every full frame of the demo has once: the banner on top, one header, the key line last, whole boxes. */
function assertWholeFrame(screen: string, when: string): void {
  const lines = screen.split('\n').filter(l => l.trim() !== '');
  assert.match(lines[0] ?? '', /^ DEMO · simulated data center/, `${when}: banner first\n${screen}`);
  assert.equal(lines.filter(l => l.startsWith('eksa-kong · session')).length, 1, `${when}: one header\n${screen}`);
  assert.equal(lines.filter(l => l.includes('? help')).length, 1, `${when}: one key line\n${screen}`);
  assert.match(lines.at(-1) ?? '', /\? help/, `${when}: the key line last\n${screen}`);
  const count = (ch: string) => [...screen].filter(c => c === ch).length;
  assert.equal(count('╭'), count('╰'), `${when}: every box closed\n${screen}`);
  assert.doesNotMatch(screen, /needs at least/, `${when}\n${screen}`);
}

test(
  'demo welcome: 100x30 → 40x10 shows one line → 100x30 and 80x24 redraw as a fresh start (tmux)',
  {skip, timeout: 120_000},
  async () => {
    const big = await fresh(100, 30);
    const standard = await fresh(80, 24);
    const s = demo(100, 30);
    try {
      await s.waitFor('Enter begin');
      await settle();
      assert.equal(s.screen(), big);
      s.resize(40, 10);
      await settle();
      assert.equal(unwrapped(s.screen()), TOO_SMALL('40×10'), 'after shrinking: one line, no boxes');
      // A key typed blind does not act on the hidden screen.
      await s.keys('Enter');
      s.resize(100, 30);
      await settle();
      assert.equal(s.screen(), big, 'after growing back: the frame a fresh 100x30 start draws');
      s.resize(80, 24);
      await settle();
      assert.equal(s.screen(), standard, 'at 80x24: the frame a fresh 80x24 start draws');
      await s.keys('Enter');
      await s.waitFor('Step 2/10');
    } finally {
      s.kill();
    }
  },
);

test(
  'a fresh start at 40x10 shows one line, not overlapping boxes; growing shows the welcome (tmux)',
  {skip, timeout: 90_000},
  async () => {
    const big = await fresh(100, 30);
    const s = demo(40, 10);
    try {
      await s.waitFor('Enlarge it');
      await settle();
      assert.equal(unwrapped(s.screen()), TOO_SMALL('40×10'));
      s.resize(100, 30);
      await settle();
      assert.equal(s.screen(), big);
    } finally {
      s.kill();
    }
  },
);

test(
  'create cluster while it runs: 100x30 → 40x10 → 100x30 → 80x24 → 120x40, each frame whole (tmux)',
  {skip, timeout: 180_000},
  async () => {
    const s = demo(100, 30, '--autoplay', '--speed', '4');
    try {
      await s.waitFor(/Step 6\/10[\s\S]*running/, 120_000);
      for (const [w, h] of [
        [40, 10],
        [100, 30],
        [80, 24],
        [120, 40],
        [100, 30],
      ] as const) {
        s.resize(w, h);
        await settle();
        const screen = s.screen();
        if (w < 80) assert.equal(unwrapped(screen), TOO_SMALL(`${w}×${h}`));
        else assertWholeFrame(screen, `${w}x${h}`);
      }
    } finally {
      s.kill();
    }
  },
);

test('launcher at 40x10: the one line, and Ctrl-C leaves with 130 (tmux)', {skip, timeout: 60_000}, async () => {
  // Through a shell that prints the status: tmux may mark a pane dead before it learns the status.
  const s = new TmuxSession('ek-resize', ['sh', '-c', `node '${cli()}'; echo "EXIT=$?"; sleep 30`], {
    env: {EKSA_KONG_HOME: tempHome(), NO_COLOR: '1'},
    width: 40,
    height: 10,
  });
  try {
    await s.waitFor('Enlarge it');
    assert.equal(unwrapped(s.screen()), TOO_SMALL('40×10'));
    await s.keys('C-c');
    assert.match(await s.waitFor(/EXIT=\d+/, 10_000), /EXIT=130/);
  } finally {
    s.kill();
  }
});
