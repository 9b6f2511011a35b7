// The demo's stand-in eksctl behaves like the real one where that is honest: it outlives a kill -9 of
// the wizard, and a resume finds it still creating the cluster. But it lives in the simulated data
// center: once no demo world answers (the demo session is over), it stops instead of lingering.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';

const cli = cliBuiltBefore();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Pids of processes whose command line contains `text` (pgrep -f). */
function pgrep(text: string): number[] {
  const r = spawnSync('pgrep', ['-f', text], {encoding: 'utf8'});
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(500);
  }
  return check();
}

test(
  'stand-in eksctl: survives kill -9 and resume finds it running; stops once the demo world is gone (tmux, pgrep)',
  {skip, timeout: 115_000},
  async () => {
    const home = tempHome();
    const env = {EKSA_KONG_HOME: home, NO_COLOR: '1'};
    const standin = `${home}/sessions/demo/demo-bin/eksctl`;
    const first = new TmuxSession('ek-standin', ['node', cli(), 'demo', '--autoplay', '--speed', '20'], {env});
    try {
      // A long silent stretch of the transcript (the management cluster comes up): nothing is written
      // that a closed pipe could end it with.
      await first.waitFor('Creating new management cluster', 70_000);
      assert.equal(pgrep(standin).length, 1, 'the stand-in eksctl runs');
      await first.killProgram();
    } finally {
      first.kill();
    }
    await sleep(2000);
    assert.equal(pgrep(standin).length, 1, 'like a real eksctl it outlives the killed wizard');

    const second = new TmuxSession(
      'ek-standin',
      ['sh', '-c', `node '${cli()}' resume demo; echo "EXIT=$?"; sleep 60`],
      {
        env,
      },
    );
    try {
      await second.waitFor(/eksctl \(pid \d+\) is still creating this cluster/, 30_000);
      // Longer than the stand-in's grace period: the resumed world answers, so it keeps going.
      await sleep(16_000);
      assert.equal(pgrep(standin).length, 1, 'still running while the resumed demo world is up');
      await second.keys('C-c');
      await second.waitFor('Quit eksa-kong?');
      await second.keys('y');
      await second.waitFor(/EXIT=\d+/, 15_000);
    } finally {
      second.kill();
    }
    assert.ok(
      await until(() => pgrep(standin).length === 0, 25_000),
      `the stand-in stops once the demo world is gone: ${pgrep(standin).join(' ')}`,
    );
  },
);
