// End to end in a real terminal: `eksa-kong demo --speed 50` shows the DEMO banner and the narrator,
// moves through the steps, survives kill -9, and `resume` brings its world back.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';

const cli = cliBuiltBefore();

test(
  'demo --speed 50 in 100x30: banner, narrator per step, kill -9, resume restarts the world (tmux)',
  {skip, timeout: 120_000},
  async () => {
    const home = tempHome();
    const env = {EKSA_KONG_HOME: home, NO_COLOR: '1'};
    const first = new TmuxSession('ek-demo', ['node', cli(), 'demo', '--speed', '50'], {env});
    try {
      let screen = await first.waitFor('Press Enter to begin');
      assert.match(screen, /DEMO · simulated data center/);
      assert.match(screen, /Narrator: Kong runs here in hybrid mode/);
      await first.keys('Enter');
      screen = await first.waitFor('Step 2/10');
      assert.match(screen, /Narrator: The admin server does the heavy lifting/);
      assert.ok(existsSync(join(home, 'sessions', 'demo', 'demo-state.json')), 'the simulated data center is saved');
      await first.killProgram();
    } finally {
      first.kill();
    }

    const second = new TmuxSession('ek-demo', ['sh', '-c', `node '${cli()}' resume demo; echo "EXIT=$?"; sleep 30`], {
      env,
    });
    try {
      const screen = await second.waitFor('Step 2/10');
      assert.match(screen, /DEMO · simulated data center/, 'resumed as a demo');
      assert.match(screen, /✔ +1 Welcome/);
      await second.keys('C-c');
      await second.waitFor('Quit eksa-kong?');
      await second.keys('y');
      assert.match(await second.waitFor(/EXIT=\d+/, 15_000), /EXIT=130/);
    } finally {
      second.kill();
    }
  },
);

test(
  'demo --autoplay plays the steps; create-cluster plays its transcript to the end (tmux)',
  {skip, timeout: 240_000},
  async () => {
    const home = tempHome();
    const env = {EKSA_KONG_HOME: home, NO_COLOR: '1'};
    const s = new TmuxSession(
      'ek-demo',
      ['sh', '-c', `node '${cli()}' demo --speed 50 --autoplay; echo "EXIT=$?"; sleep 60`],
      {env},
    );
    try {
      await s.waitFor('Narrator:');
      // Autoplay leaves Welcome by itself.
      await s.waitFor(/✔ +1 Welcome/, 20_000);
      const screen = await s.waitFor(/✔ +6 Create cluster|EXIT=\d+/, 200_000);
      assert.match(screen, /✔ +6 Create cluster/, 'the create-cluster transcript played to the end');
    } finally {
      s.kill();
    }
  },
);
