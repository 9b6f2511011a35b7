// Pastes in a real terminal: colour codes, terminal queries and a 10 KB blob reach the built CLI's
// raw input. Before the guard "\e[31m" crashed Ink's input parsing with a stack trace and exit 1.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';

const cli = cliBuiltBefore();
const PASTES = [
  '\u001b[31m',
  '\u001b[1;31m',
  '\u001b[38;5;196mred\u001b[0m',
  '\u001b[99;5~',
  '\u001b]0;title\u0007',
  '\u001b[?1049h',
];

test(
  'pasted escape sequences do not crash a step screen; the wizard keeps going (tmux, demo)',
  {skip, timeout: 120_000},
  async () => {
    const home = tempHome();
    const s = new TmuxSession('ek-paste', ['sh', '-c', `node '${cli()}' demo --speed 50; echo "EXIT=$?"; sleep 30`], {
      env: {EKSA_KONG_HOME: home, NO_COLOR: '1'},
    });
    try {
      await s.waitFor('Press Enter to begin');
      for (const p of PASTES) await s.paste(p);
      const screen = s.screen();
      assert.doesNotMatch(screen, /EXIT=|TypeError|at file:/, screen);
      await s.keys('Enter');
      await s.waitFor('Step 2/10');
    } finally {
      s.kill();
    }
  },
);

test(
  'a text field drops pasted escape sequences and caps a 10 KB paste (tmux, launcher)',
  {skip, timeout: 120_000},
  async () => {
    const home = tempHome();
    const s = new TmuxSession('ek-paste', ['sh', '-c', `node '${cli()}'; echo "EXIT=$?"; sleep 30`], {
      env: {EKSA_KONG_HOME: home, HOME: home, NO_COLOR: '1'},
    });
    try {
      await s.waitFor('New session');
      await s.keys('Enter');
      await s.waitFor('Session name:');
      await s.paste('ab\u001b[31mcd\u001b[0m');
      await s.paste('x'.repeat(10_000));
      // Keys of one read act one after another, so the paste may still be typing: Enter comes after it
      // and names the session with whatever the field kept.
      await s.keys('Enter');
      const screen = await s.waitFor(/session abcdx+/, 90_000);
      assert.doesNotMatch(screen, /EXIT=/);
      const names = readdirSync(join(home, 'sessions'));
      assert.deepEqual(names, ['abcd' + 'x'.repeat(59)], 'capped at 63 characters, no "[31m" left');
    } finally {
      s.kill();
    }
  },
);
