// End to end in a real terminal: start from an answers file, move forward, kill -9, list, resume.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';

const cli = cliBuiltBefore();

test(
  'kill -9 mid-session, then sessions --json and resume reopen the same step (tmux)',
  {skip, timeout: 60_000},
  async () => {
    const home = tempHome();
    const answers = join(home, 'answers.yaml');
    writeFileSync(answers, 'session: e2e1\nnetwork: {netmask: 255.255.255.0, gateway: 10.20.0.1}\n');
    const env = {EKSA_KONG_HOME: home, NO_COLOR: '1'};
    const first = new TmuxSession('ek-e2e', ['node', cli(), '--answers', answers], {env});
    try {
      await first.waitFor('Step 1/10');
      await first.waitFor('Press Enter to begin');
      await first.keys('Enter');
      const screen = await first.waitFor('Step 2/10');
      assert.match(screen, /Preflight/);
      // kill -9, and wait until the process is gone (reaped), as it would be long before anyone lists sessions.
      await first.killProgram();
    } finally {
      first.kill();
    }

    const list = spawnSync(process.execPath, [cli(), 'sessions', '--json'], {
      env: {...process.env, ...env},
      encoding: 'utf8',
    });
    assert.equal(list.status, 0);
    const rows = JSON.parse(list.stdout);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].name, 'e2e1');
    assert.equal(rows[0].step, 'preflight');
    assert.equal(rows[0].status, 'interrupted');

    // Through a shell that prints the exit status: tmux may mark a pane dead before it learns the status.
    const second = new TmuxSession('ek-e2e', ['sh', '-c', `node '${cli()}' resume e2e1; echo "EXIT=$?"; sleep 30`], {
      env,
    });
    try {
      const screen = await second.waitFor('Step 2/10');
      assert.match(screen, /✔ +1 Welcome/);
      assert.match(screen, /Preflight/);
      // A second process on the same session is refused, naming the holder.
      const again = spawnSync(process.execPath, [cli(), 'resume', 'e2e1', '--non-interactive'], {
        env: {...process.env, ...env},
        encoding: 'utf8',
      });
      assert.equal(again.status, 1, again.stderr);
      assert.match(again.stderr, /in use by pid \d+/);
      await second.keys('C-c');
      await second.waitFor('Quit eksa-kong?');
      await second.keys('y');
      const screen2 = await second.waitFor(/EXIT=\d+/, 10_000);
      assert.match(screen2, /EXIT=130/);
    } finally {
      second.kill();
    }
  },
);
