import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdirSync, readFileSync, writeFileSync, existsSync} from 'node:fs';
import {join} from 'node:path';
import {cleanupInk, KEYS, until} from '../helpers/ink.js';
import {FakeCommandRunner, type FakeReply} from '../helpers/cluster-fakes.js';
import {RingBuffer} from '../../source/run/ring-buffer.js';
import type {CommandResult, CommandRunner, CommandSpec, RunningCommand} from '../../source/run/types.js';
import {templatesDir} from '../../source/templates.js';
import {parseTranscriptFile} from '../../source/cluster/progress.js';
import {renderStep, sessionAt, specAnswers} from '../helpers/step-screen.js';
import {testPorts} from '../helpers/step-context.js';

afterEach(() => cleanupInk());

/** A live eksctl: the test feeds its lines and decides when it exits. Other commands answer at once. */
class LiveRunner implements CommandRunner {
  readonly started: CommandSpec[] = [];
  readonly out = new RingBuffer(5000);
  #exit!: (r: CommandResult) => void;
  constructor(public reply: (line: string) => FakeReply | undefined) {}
  start(spec: CommandSpec): RunningCommand {
    this.started.push(spec);
    const line = [spec.command, ...spec.args].join(' ');
    if (line.startsWith('eksctl anywhere create cluster')) {
      const done = new Promise<CommandResult>(r => (this.#exit = r));
      return {
        id: 99,
        spec,
        display: line,
        startedAt: Date.now(),
        output: this.out,
        logPath: join(spec.cwd ?? '', 'logs', 'create-cluster-1.log'),
        done,
      };
    }
    const r = this.reply(line);
    return new FakeCommandRunner(r ? {[line]: r} : {}).start(spec);
  }
  feed(...lines: string[]) {
    this.out.batch(() => lines.forEach(l => this.out.push(l)));
  }
  exit(code: number) {
    this.#exit({
      ok: code === 0,
      exitCode: code,
      signal: null,
      durationMs: 1000,
      lineCount: this.out.total,
      logPath: null,
      ...(code ? {error: `exited with ${code}`} : {}),
    });
  }
}

const nodesJson = JSON.stringify({
  items: [
    {
      metadata: {name: 'eksa-cp01', labels: {'node-role.kubernetes.io/control-plane': ''}},
      status: {
        conditions: [{type: 'Ready', status: 'True'}],
        nodeInfo: {kubeletVersion: 'v1.35.0'},
        addresses: [{type: 'InternalIP', address: '10.20.0.11'}],
      },
    },
    {
      metadata: {name: 'eksa-wk01', labels: {}},
      status: {
        conditions: [{type: 'Ready', status: 'True'}],
        nodeInfo: {kubeletVersion: 'v1.35.0'},
        addresses: [{type: 'InternalIP', address: '10.20.0.12'}],
      },
    },
  ],
});

function prepared(runner: CommandRunner) {
  const ports = testPorts({runner, speed: 50});
  writeFileSync(join(ports.sessionDir, 'cluster.yaml'), 'kind: Cluster\n');
  writeFileSync(join(ports.sessionDir, 'hardware.csv'), 'hostname\n');
  const session = sessionAt('create-cluster', {
    ...specAnswers,
    cluster: {...specAnswers.cluster, endpoint: '10.20.0.50', tinkerbellIp: '10.20.0.51'},
  });
  session.artifacts = {clusterYaml: 'cluster.yaml', hardwareCsv: 'hardware.csv'};
  return {ports, session};
}

const transcript = (name: string) =>
  parseTranscriptFile(readFileSync(join(templatesDir(), 'transcripts', name), 'utf8')).map(l =>
    l.line.replaceAll('{{name}}', 'seed'),
  );

test(
  'create cluster: review of the answers and the exact command, then the phase bar advances over a fed transcript with the provisioning watch',
  {timeout: 30_000},
  async () => {
    const machines = JSON.stringify({
      items: [
        {
          metadata: {name: 'eksa-cp01-x', labels: {'cluster.x-k8s.io/control-plane': ''}},
          spec: {infrastructureRef: {name: 'seed-cp'}},
          status: {phase: 'Provisioning'},
        },
      ],
    });
    const workflows = JSON.stringify({
      items: [
        {
          metadata: {name: 'seed-cp'},
          spec: {hardwareRef: 'eksa-cp01'},
          status: {state: 'STATE_RUNNING', currentState: {actionName: 'stream-image', state: 'STATE_RUNNING'}},
        },
      ],
    });
    const runner = new LiveRunner(line => {
      if (line.startsWith('docker ps')) return {lines: []};
      if (line.includes('get nodes')) return {lines: [nodesJson]};
      if (line.includes('workflows.tinkerbell.org')) return {lines: [workflows]};
      if (line.includes('machines.cluster.x-k8s.io')) return {lines: [machines]};
      if (line.includes(' get ')) return {lines: ['{"items": []}']};
      return undefined;
    });
    const {ports, session} = prepared(runner);
    const h = renderStep('create-cluster', session, ports, {columns: 100, rows: 34});
    let screen = await h.app.waitFor('Review: every answer', {timeoutMs: 10_000});
    assert.match(screen, /Endpoint +10\.20\.0\.50 · tinkerbellIP 10\.20\.0\.51/);
    assert.match(
      screen.replace(/\s+/g, ' '),
      /Command eksctl anywhere create cluster -f cluster\.yaml --hardware-csv hardware\.csv --tinkerbell-bootstrap-ip=10\.20\.0\.10 /,
    );
    await h.app.press(KEYS.enter);
    await until(() => runner.started.some(s => s.command === 'eksctl'), 'eksctl started', {timeoutMs: 8000});
    const create = runner.started.find(s => s.command === 'eksctl')!;
    assert.equal(create.cwd, ports.sessionDir);
    assert.equal(h.controller.get().steps['create-cluster'].state, 'running');

    const lines = transcript('eksctl-create-cluster.txt');
    const at = (re: RegExp) => lines.findIndex(l => re.test(l));
    runner.feed(...lines.slice(0, at(/Creating new bootstrap cluster/)));
    screen = await h.app.waitFor('Validations: 6/6 ✔');
    assert.match(screen, /\[[■□]+\] 1\/6 Bootstrap cluster and Tinkerbell stack|\[[■□]+\] 0\/6 Setup and validations/);
    runner.feed(...lines.slice(at(/Creating new bootstrap cluster/), at(/Creating new management cluster/) + 1));
    mkdirSync(join(ports.sessionDir, 'seed', 'generated'), {recursive: true});
    writeFileSync(join(ports.sessionDir, 'seed', 'generated', 'seed.kind.kubeconfig'), 'apiVersion: v1\n');
    screen = await h.app.waitFor('2/6 Provisioning the machines');
    assert.match(screen, /✔ Setup and validations/);
    assert.match(screen, /▶ Provisioning the machines/);
    screen = await h.app.waitFor('HookOS running action "stream-image"', {timeoutMs: 10_000});
    // A live table: machine, role, state, for how long, action.
    assert.match(screen, /eksa-cp01 +cp +running +\d+m\d\ds +HookOS running action "stream-image"/);
    runner.feed(...lines.slice(at(/Creating new management cluster/) + 1));
    writeFileSync(join(ports.sessionDir, 'seed', 'seed-eks-a-cluster.kubeconfig'), 'apiVersion: v1\n');
    runner.exit(0);
    screen = await h.app.waitFor('2/2 nodes Ready', {timeoutMs: 10_000});
    assert.match(screen, /✔ eksa-cp01 +control-plane +Ready/);
    assert.match(screen, /6\/6/);
    await h.app.press(KEYS.enter);
    assert.equal(h.completed.length, 1);
    assert.equal(h.controller.get().artifacts.kubeconfig, join('seed', 'seed-eks-a-cluster.kubeconfig'));
  },
);

test(
  'create cluster: a failed create is explained with its fix, the evidence and the leftovers; cleanup then allows a new create',
  {timeout: 30_000},
  async () => {
    let smee = false;
    const runner = new LiveRunner(line => {
      if (line.startsWith('docker ps'))
        return {
          lines: smee ? [JSON.stringify({ID: '1', Names: 'smee', Image: 'smee', State: 'running', Labels: ''})] : [],
        };
      if (line === 'docker rm -f smee') {
        smee = false;
        return {lines: ['smee']};
      }
      return undefined;
    });
    const {ports, session} = prepared(runner);
    const h = renderStep('create-cluster', session, ports, {columns: 100, rows: 34});
    await h.app.waitFor('Review: every answer', {timeoutMs: 10_000});
    await h.app.press(KEYS.enter);
    await until(() => runner.started.some(s => s.command === 'eksctl'), 'eksctl started', {timeoutMs: 8000});
    runner.feed(...transcript('eksctl-create-cluster-failed.txt'));
    smee = true;
    mkdirSync(join(ports.sessionDir, 'eksa-cli-logs'), {recursive: true});
    writeFileSync(join(ports.sessionDir, 'eksa-cli-logs', '2026-01-01T00_00_00.log'), '{}\n');
    runner.exit(255);
    let screen = await h.app.waitFor('✘ Not enough machines for selector {"type":"worker"}: have 0, need 1', {
      timeoutMs: 10_000,
    });
    assert.match(screen, /Fix: Label more machines type=cp \/ type=worker/);
    assert.match(screen, /Evidence: eksa-cli-logs\/2026-01-01T00_00_00\.log/);
    assert.match(screen, /Validations: 5\/6 ✔ · 1 ✘/);
    assert.match(screen, /Leftovers: smee/);
    assert.equal(h.controller.get().steps['create-cluster'].state, 'failed');
    await h.app.press('c');
    screen = await h.app.waitFor('Clean up now?');
    assert.match(screen, /\$ docker rm -f smee/);
    await h.app.press('y');
    screen = await h.app.waitFor('Review: every answer', {timeoutMs: 10_000});
    assert.ok(runner.started.some(s => s.args.join(' ') === 'rm -f smee'));
  },
);

test(
  'create cluster on resume: finished -> the kubeconfig is recorded and the nodes shown',
  {timeout: 20_000},
  async () => {
    const runner = new LiveRunner(line =>
      line.startsWith('docker ps') ? {lines: []} : line.includes('get nodes') ? {lines: [nodesJson]} : undefined,
    );
    const {ports, session} = prepared(runner);
    mkdirSync(join(ports.sessionDir, 'seed'), {recursive: true});
    writeFileSync(join(ports.sessionDir, 'seed', 'seed-eks-a-cluster.kubeconfig'), 'apiVersion: v1\n');
    const h = renderStep('create-cluster', session, ports);
    const screen = await h.app.waitFor('2/2 nodes Ready', {timeoutMs: 10_000});
    assert.match(screen, /eksa-wk01/);
    assert.ok(!runner.started.some(s => s.command === 'eksctl'), 'no second create');
    assert.equal(h.controller.get().artifacts.kubeconfig, join('seed', 'seed-eks-a-cluster.kubeconfig'));
  },
);

test(
  'create cluster on resume: an orphaned eksctl still running in the session folder is named, never started twice',
  {timeout: 20_000},
  async () => {
    const runner = new LiveRunner(line => (line.startsWith('docker ps') ? {lines: []} : undefined));
    const {ports, session} = prepared(runner);
    const orphan = spawn(
      process.execPath,
      ['-e', 'setTimeout(() => {}, 20000)', 'anywhere', 'create', 'cluster', '-f', 'cluster.yaml'],
      {argv0: 'eksctl', cwd: ports.sessionDir, stdio: 'ignore'},
    );
    try {
      await until(
        () =>
          existsSync(`/proc/${orphan.pid}/cmdline`) &&
          readFileSync(`/proc/${orphan.pid}/cmdline`, 'utf8').startsWith('eksctl'),
        'the orphan',
        {timeoutMs: 8000},
      );
      const h = renderStep('create-cluster', session, ports);
      const screen = await h.app.waitFor(`eksctl (pid ${orphan.pid}) is still creating this cluster`, {
        timeoutMs: 10_000,
      });
      assert.match(screen, /w: watch the provisioning and wait/);
      await h.app.press(KEYS.enter);
      assert.ok(!runner.started.some(s => s.command === 'eksctl'), 'no second create over a running one');
      await h.app.press('w');
      await h.app.waitFor('Provisioning watch');
      orphan.kill('SIGKILL');
      await h.app.waitFor('Review: every answer', {timeoutMs: 10_000});
    } finally {
      orphan.kill('SIGKILL');
    }
  },
);

test(
  'create cluster on resume: a failed earlier create (leftovers) offers cleanup first',
  {timeout: 20_000},
  async () => {
    const runner = new LiveRunner(line =>
      line.startsWith('docker ps')
        ? {
            lines: [
              JSON.stringify({
                ID: '2',
                Names: 'seed-eks-a-cluster-control-plane',
                Image: 'kind',
                State: 'running',
                Labels: '',
              }),
            ],
          }
        : undefined,
    );
    const {ports, session} = prepared(runner);
    const h = renderStep('create-cluster', session, ports);
    const screen = await h.app.waitFor('An earlier create of this cluster did not finish', {timeoutMs: 10_000});
    assert.match(screen, /container seed-eks-a-cluster-control-plane: KinD bootstrap cluster/);
    assert.match(screen, /A create never resumes/);
    await h.app.press(KEYS.enter);
    assert.ok(!runner.started.some(s => s.command === 'eksctl'));
  },
);
