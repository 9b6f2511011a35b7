// The stand-in eksctl prints at the verbosity it is given, as eksctl's logger does (pkg/logger/init.go):
// the V(3) "Waiting for control plane to be ready" activities (pkg/clustermanager/applier.go) only at
// -v 3 or more, and from -v 4 every logger line with an ISO8601 time and its V<n> level. The create
// step runs eksctl at -v 3, and the progress parser reads what the stand-in prints at each level.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {renderClusterSpec} from '../../source/cluster/spec.js';
import {CreateProgressParser, PHASES} from '../../source/cluster/progress.js';
import {CREATE_VERBOSITY, createCommandFor} from '../../source/steps/create-cluster/create-run.js';
import {pinnedClock} from '../helpers/clock.js';

let world: DemoWorld;
let dir: string;
const clock = pinnedClock();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-eksctl-v-'));
  // The repository's own create transcript (~34 min recorded), replayed fast.
  world = await startDemoWorld({sessionDir: dir, speed: 1000, clock});
});
after(async () => {
  await world.close();
  rmSync(dir, {recursive: true, force: true});
});

function eksctl(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise(resolve => {
    execFile('eksctl', args, {cwd: dir, env: {...world.env, HOME: dir}, timeout: 60_000}, (err, stdout, stderr) =>
      resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

function writeInputs(name: string): void {
  const spec = renderClusterSpec(
    {
      network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
      machines: [
        {hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
        {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
      ],
      cluster: {
        name,
        kubernetesVersion: '1.35',
        endpoint: '10.20.0.50',
        tinkerbellIp: '10.20.0.51',
        osImageUrl: 'http://10.20.0.10/ubuntu-kube-1-35.gz',
      },
    },
    {now: clock.now()},
  );
  assert.deepEqual(spec.errors, []);
  writeFileSync(join(dir, `${name}.yaml`), spec.yaml);
  writeFileSync(
    join(dir, `${name}.csv`),
    'hostname,mac,ip_address,netmask,gateway,nameservers,labels,disk\n' +
      'eksa-cp01,aa:bb:cc:00:00:01,10.20.0.11,255.255.255.0,10.20.0.1,10.20.0.2,type=cp,/dev/sda\n' +
      'eksa-wk01,aa:bb:cc:00:00:02,10.20.0.12,255.255.255.0,10.20.0.1,10.20.0.2,type=worker,/dev/sda\n',
  );
}

async function create(name: string, verbosity: string[]) {
  writeInputs(name);
  const r = await eksctl([
    'anywhere',
    'create',
    'cluster',
    '-f',
    `${name}.yaml`,
    '--hardware-csv',
    `${name}.csv`,
    '--tinkerbell-bootstrap-ip=10.20.0.10',
    ...verbosity,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(l => l !== '');
  const parser = new CreateProgressParser({now: () => Date.now()});
  const activities = new Set<string>();
  for (const line of lines) {
    parser.push(line);
    const a = parser.state().activity;
    if (a) activities.add(a);
  }
  return {lines, activities, state: parser.finish(0)};
}

const WAITS = /^Waiting for (control plane to be ready|default CNI|worker nodes|cluster changes)/;

test('the create step runs eksctl at -v 3', () => {
  assert.equal(CREATE_VERBOSITY, 3);
  const args = createCommandFor({sessionDir: dir, bootstrapIp: '10.20.0.10', env: {}}).args;
  assert.deepEqual(args.slice(-2), ['-v', '3']);
});

test(
  'stand-in eksctl at -v 3: the V(3) waits appear, plain, and the progress parser shows them',
  {timeout: 60_000},
  async () => {
    const {lines, activities, state} = await create('vthree', ['-v', '3']);
    assert.deepEqual(
      lines.filter(l => WAITS.test(l) || l === 'Applying cluster spec'),
      [
        'Applying cluster spec',
        'Waiting for control plane to be ready',
        'Waiting for default CNI to be updated',
        'Waiting for worker nodes to be ready',
        'Waiting for cluster changes to be completed',
      ],
    );
    assert.ok(
      activities.has('Waiting for the control plane (PXE boot, image stream, kubeadm)'),
      [...activities].join('\n'),
    );
    assert.equal(state.outcome, 'succeeded');
    assert.equal(state.phases.length, PHASES.length);
    assert.ok(state.phases.every(p => p.state === 'done'));
  },
);

test('stand-in eksctl at the default verbosity prints no V(3) line', {timeout: 60_000}, async () => {
  const {lines, activities, state} = await create('vzero', []);
  assert.deepEqual(
    lines.filter(l => WAITS.test(l) || l === 'Applying cluster spec'),
    [],
  );
  assert.ok(![...activities].some(a => /control plane/.test(a)));
  assert.equal(state.outcome, 'succeeded');
});

test(
  'stand-in eksctl at -v 4: every logger line has a time and its level; the parser strips them',
  {timeout: 60_000},
  async () => {
    const {lines, activities, state} = await create('vfour', ['--verbosity=4']);
    const prefix = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\tV(\d)\t/;
    assert.ok(lines.length > 20);
    for (const line of lines) assert.match(line, prefix);
    assert.ok(lines.some(l => /\tV3\tWaiting for control plane to be ready$/.test(l)));
    assert.ok(lines.some(l => /\tV0\tCreating new management cluster$/.test(l)));
    assert.ok(activities.has('Waiting for the control plane (PXE boot, image stream, kubeadm)'));
    assert.equal(state.outcome, 'succeeded');
    assert.ok(state.phases.every(p => p.state === 'done'));
  },
);

test('stand-in eksctl refuses a -v that is not an integer, as cobra does', {timeout: 30_000}, async () => {
  writeInputs('vbad');
  const r = await eksctl(['anywhere', 'create', 'cluster', '-f', 'vbad.yaml', '--hardware-csv', 'vbad.csv', '-v', 'x']);
  assert.equal(r.code, 255);
  assert.equal(
    r.stderr,
    'Error: invalid argument "x" for "-v, --verbosity" flag: strconv.ParseInt: parsing "x": invalid syntax\n',
  );
});
