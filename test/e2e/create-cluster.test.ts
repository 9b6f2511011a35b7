// End to end in a real terminal: the built CLI resumes a session whose earlier steps are done, with
// the demo world's stand-ins first on PATH (eksctl replays the recorded create, the fake bootstrap
// cluster is provisioned), and the create-cluster screen plays the transcript to its end at 100x30.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {createSession, saveSessionSync} from '../../source/session/store.js';
import {sessionDir} from '../../source/session/home.js';
import {STEP_IDS} from '../../source/wizard/step-ids.js';
import {renderClusterSpec} from '../../source/cluster/spec.js';
import {generateHardwareCsvFromAnswers} from '../../source/hardware/answers.js';
import {clusterDemoAnswers} from '../../source/demo/parts/cluster.js';
import type {Answers} from '../../source/session/answers.js';

const cli = cliBuiltBefore();
let world: DemoWorld | undefined;
let home = '';
after(async () => {
  await world?.close();
  if (home) rmSync(home, {recursive: true, force: true});
});

const answers: Answers = {
  ...clusterDemoAnswers(Date.now()),
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
  machines: [
    {
      hostname: 'eksa-cp01',
      mac: 'aa:bb:cc:00:00:01',
      ip: '10.20.0.11',
      role: 'cp',
      disk: '/dev/sda',
      bmc: {ip: '10.20.1.11', username: 'admin'},
    },
    {
      hostname: 'eksa-wk01',
      mac: 'aa:bb:cc:00:00:02',
      ip: '10.20.0.12',
      role: 'worker',
      disk: '/dev/sda',
      bmc: {ip: '10.20.1.12', username: 'admin'},
    },
  ],
};

test(
  'the create-cluster transcript plays to its end in a 100x30 terminal: phases, provisioning watch, nodes (tmux, demo stand-ins)',
  {skip, timeout: 120_000},
  async () => {
    home = mkdtempSync(join(tmpdir(), 'ek-e2e-create-'));
    const created = await createSession(home, 'e2ecc', 'real');
    const dir = sessionDir(home, 'e2ecc');
    const at = new Date().toISOString();
    const steps = {...created.steps};
    for (const id of STEP_IDS.slice(0, STEP_IDS.indexOf('create-cluster')))
      steps[id] = {
        state: 'done',
        attempts: [{n: 1, startedAt: at, endedAt: at, result: 'done', logs: []}],
        summary: 'done (prepared by the test)',
      };
    writeFileSync(
      join(dir, 'cluster.yaml'),
      renderClusterSpec(answers, {now: Date.parse('2026-12-06T10:00:00Z')}).yaml,
    );
    writeFileSync(join(dir, 'hardware.csv'), generateHardwareCsvFromAnswers(answers, {bmcPassword: () => 'pw'}).csv, {
      mode: 0o600,
    });
    saveSessionSync(dir, {
      ...created,
      steps,
      currentStep: 'create-cluster',
      status: 'running',
      answers: {session: 'e2ecc', ...answers},
      artifacts: {clusterYaml: 'cluster.yaml', hardwareCsv: 'hardware.csv'},
    });
    world = await startDemoWorld({sessionDir: mkdtempSync(join(home, 'world-')), speed: 100});

    // tmux keeps its server's PATH for new sessions whatever -e says: set it through env(1).
    const tmux = new TmuxSession(
      'ek-e2e-cc',
      ['env', `PATH=${world.env['PATH']!}`, process.execPath, cli(), 'resume', 'e2ecc'],
      {width: 100, height: 30, env: {EKSA_KONG_HOME: home, NO_COLOR: '1', HOME: home}},
    );
    try {
      let screen = await tmux.waitFor('Review: every answer', 20_000);
      assert.match(screen, /Step 6\/10|Create cluster/);
      assert.match(screen, /tinkerbellIP 10\.20\.0\.51/);
      await tmux.keys('Enter');
      screen = await tmux.waitFor(/Provisioning the machines/, 30_000);
      screen = await tmux.waitFor(/eksa-cp01 +cp +\S+ +\d+m\d\ds /, 30_000);
      screen = await tmux.waitFor(/seed created: 2\/2 nodes Ready/, 60_000);
      assert.match(screen, /6\/6/);
      assert.match(screen, /eksa-wk01/);
      for (const line of screen.split('\n')) assert.ok(line.length <= 100, `line wider than the terminal: ${line}`);
      await tmux.keys('Enter');
      await tmux.waitFor('Step 7/10', 10_000).catch(() => tmux.waitFor('Kong control plane', 5000));
    } finally {
      tmux.kill();
    }
  },
);
