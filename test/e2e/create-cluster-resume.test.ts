// End to end in a real terminal: the demo plays to the middle of `eksctl anywhere create cluster`, the
// wizard is killed with kill -9, and `resume demo` names the eksctl still running and, on w, shows the
// provisioning of the machines again (its output file followed from the start: the phases replay, then
// the live per-machine table) instead of starting a second create, and the provisioning goes on to the
// end: the resumed demo world carries it on from demo-state.json, and the step ends as after its own create.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';
import {procProcessLister} from '../../source/cluster/processes.js';
import {findCreateProcess} from '../../source/cluster/resume.js';
import {UBUNTU_ACTIONS} from '../../source/demo/scenarios/bootstrap-provisioning.js';

const cli = cliBuiltBefore();

/** The demo's create, left running by the killed wizard: stopped when the test ends. */
async function stopOrphan(sessionDir: string): Promise<void> {
  const orphan = findCreateProcess(await procProcessLister().list(), sessionDir);
  if (orphan) process.kill(orphan.pid, 'SIGKILL');
}

test(
  'demo: kill -9 mid-create, then resume names the running eksctl and w shows the provisioning table again (tmux)',
  {
    skip,
    timeout: 700_000,
  },
  async () => {
    const home = tempHome();
    const env = {EKSA_KONG_HOME: home, NO_COLOR: '1'};
    const sessionDir = join(home, 'sessions', 'demo');
    try {
      const first = new TmuxSession('ek-cc-resume', ['node', cli(), 'demo', '--speed', '10', '--autoplay'], {env});
      try {
        // A long silent stretch of the transcript (the machines provision): eksctl writes nothing that the
        // closed pipe of the killed wizard could end it with, as a real eksctl would not.
        await first.waitFor('Creating new management cluster', 180_000);
        await first.killProgram();
      } finally {
        first.kill();
      }
      assert.ok(findCreateProcess(await procProcessLister().list(), sessionDir), 'eksctl outlives the killed wizard');

      const second = new TmuxSession('ek-cc-resume', ['node', cli(), 'resume', 'demo'], {env});
      try {
        await second.waitFor(/eksctl \(pid \d+\) is still creating this cluster/, 30_000);
        let screen = await second.waitFor(/w watch and wait/);
        assert.match(screen, /w: watch the provisioning and wait for it to end/);
        await second.keys('w');
        // eksctl's output file, followed from its start: the phases replay up to where it is.
        screen = await second.waitFor(/still creating this cluster · following it/, 30_000);
        screen = await second.waitFor(/\d\/6 (Provisioning the machines|Moving management)/, 30_000);
        assert.match(screen, /✔ Bootstrap/, 'the phases before it replay as done');
        assert.match(screen, /Creating new management cluster|Applying cluster spec|Waiting for control plane/);
        // The live per-machine table of the bootstrap cluster, read again from the resumed world.
        screen = await second.waitFor(/eksa-cp01 +\S+ +\S+ +\d+m\d\ds/, 60_000);
        assert.match(screen, /MACHINE +ROLE +STATE +FOR +ACTION/);
        assert.doesNotMatch(screen, /Review: every answer/, 'no second create is offered while one runs');
        // The machines' Tinkerbell workflows run again in the resumed world: an action shows on the row.
        await second.waitFor(new RegExp(`eksa-cp01 .*(${UBUNTU_ACTIONS.map(a => a.name).join('|')})`), 120_000);
        // It ends on its own; the outcome is read from what can be seen (its success line, the new
        // cluster answering) and the step ends as after a create of its own: the nodes, then go on.
        screen = await second.waitFor(/seed created: \d\/\d nodes Ready/, 300_000);
        assert.match(screen, /6\/6/);
      } finally {
        second.kill();
      }
    } finally {
      await stopOrphan(sessionDir);
    }
  },
);
