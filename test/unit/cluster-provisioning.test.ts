import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {
  kindKubeconfigPath,
  readProvisioning,
  summariseProvisioning,
  watchProvisioning,
  type ProvisioningSnapshot,
} from '../../source/cluster/provisioning.js';
import {FakeClock, FakeCommandRunner} from '../helpers/cluster-fakes.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/cluster/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as unknown;
const KIND = kindKubeconfigPath('/s', 'seed');

test('the kind kubeconfig lives under <name>/generated/', () => {
  assert.equal(KIND, '/s/seed/generated/seed.kind.kubeconfig');
});

test('one row per machine: BMC, newest job, workflow action, CAPI phase, and a verdict', () => {
  const rows = summariseProvisioning(
    {
      bmcMachines: json('bmc-machines.json') as unknown[],
      bmcJobs: json('bmc-jobs.json') as unknown[],
      workflows: json('workflows.json') as unknown[],
      capiMachines: json('capi-machines.json') as unknown[],
    },
    ['eksa-cp01', 'eksa-wk01', 'eksa-wk02', 'eksa-spare'],
  );
  assert.deepEqual(
    rows.map(r => r.hostname),
    ['eksa-cp01', 'eksa-spare', 'eksa-wk01', 'eksa-wk02', 'seed-md-0-abcde'],
  );
  const cp = rows.find(r => r.hostname === 'eksa-cp01')!;
  assert.deepEqual(cp.bmc, {power: 'on', contactable: true, message: undefined});
  assert.deepEqual(cp.job, {name: 'seed-cp-x7k2p-provision', state: 'completed', message: undefined}); // the stale failed job is older
  assert.deepEqual(cp.workflow, {
    name: 'seed-cp-x7k2p',
    state: 'RUNNING',
    action: 'write-netplan',
    actionState: 'RUNNING',
  });
  assert.deepEqual(cp.capi, {name: 'seed-cp-x7k2p', phase: 'Provisioning'});
  assert.equal(cp.role, 'control-plane');
  assert.equal(cp.verdict, 'HookOS running action "write-netplan"');
  assert.equal(cp.problem, false);

  const wk1 = rows.find(r => r.hostname === 'eksa-wk01')!;
  assert.equal(wk1.job?.state, 'running');
  assert.match(wk1.verdict, /BMC job running/);

  const wk2 = rows.find(r => r.hostname === 'eksa-wk02')!;
  assert.equal(wk2.problem, true);
  assert.match(wk2.verdict, /BMC not contactable: failed to connect to BMC: .*401 Unauthorized/);

  // a CAPI machine whose workflow does not exist yet is still shown, by its own name
  const pending = rows.find(r => r.hostname === 'seed-md-0-abcde')!;
  assert.equal(pending.role, 'worker');
  assert.equal(pending.verdict, 'Cluster API phase Pending');

  assert.equal(rows.find(r => r.hostname === 'eksa-spare')!.verdict, 'waiting');
});

test('verdicts: PXE wait after power-on, failed workflow, newer tink currentState, Running', () => {
  const afterJob = summariseProvisioning({
    bmcJobs: [
      {
        metadata: {name: 'j'},
        spec: {machineRef: {name: 'bmc-n1'}},
        status: {conditions: [{type: 'Completed', status: 'True'}]},
      },
    ],
  });
  assert.match(afterJob[0]!.verdict, /waiting for HookOS.*MAC, L2 path, PXE enabled/);

  const failed = summariseProvisioning({
    workflows: [
      {
        metadata: {name: 'w'},
        spec: {hardwareRef: 'n1'},
        status: {state: 'STATE_TIMEOUT', tasks: [{actions: [{name: 'stream-image', status: 'STATE_TIMEOUT'}]}]},
      },
    ],
  });
  assert.equal(failed[0]!.problem, true);
  assert.match(failed[0]!.verdict, /workflow timeout at "stream-image"/);

  const newer = summariseProvisioning({
    workflows: [
      {
        metadata: {name: 'w'},
        spec: {hardwareRef: 'n1'},
        status: {state: 'RUNNING', currentState: {actionName: 'stream image to disk', state: 'RUNNING'}},
      },
    ],
  });
  assert.equal(newer[0]!.workflow?.action, 'stream image to disk');

  const running = summariseProvisioning({
    capiMachines: [{metadata: {name: 'm'}, spec: {}, status: {phase: 'Running', nodeRef: {name: 'n1'}}}],
  });
  assert.deepEqual(
    running.map(r => [r.hostname, r.verdict]),
    [['n1', 'Running: node joined the cluster']],
  );
});

test('reading per kind: a CRD not installed yet hides only itself', {timeout: 5000}, async () => {
  const runner = new FakeCommandRunner({
    [`kubectl --kubeconfig ${KIND} get machines.bmc.tinkerbell.org`]: {lines: fixture('bmc-machines.json').split('\n')},
    [`kubectl --kubeconfig ${KIND} get jobs.bmc.tinkerbell.org`]: {lines: fixture('bmc-jobs.json').split('\n')},
    [`kubectl --kubeconfig ${KIND} get workflows.tinkerbell.org`]: {
      lines: ['error: the server doesn\'t have a resource type "workflows"'],
      exitCode: 1,
    },
    [`kubectl --kubeconfig ${KIND} get machines.cluster.x-k8s.io`]: {
      lines: ['Warning: something deprecated', ...fixture('capi-machines.json').split('\n')],
    },
  });
  const {input, unavailable} = await readProvisioning(runner, KIND);
  assert.equal(input.bmcMachines?.length, 3);
  assert.equal(input.capiMachines?.length, 2);
  assert.equal(input.workflows, undefined);
  assert.match(unavailable.workflows ?? '', /doesn't have a resource type/);
  assert.deepEqual(
    runner.started.map(s => s.args.slice(2, 6).join(' ')),
    [
      'get machines.bmc.tinkerbell.org -A -o',
      'get jobs.bmc.tinkerbell.org -A -o',
      'get workflows.tinkerbell.org -A -o',
      'get machines.cluster.x-k8s.io -A -o',
    ],
  );
});

test('the watch polls on the clock until aborted', {timeout: 5000}, async () => {
  const runner = new FakeCommandRunner({kubectl: {lines: ['{"items": []}']}});
  const clock = new FakeClock(1000);
  const controller = new AbortController();
  const snapshots: ProvisioningSnapshot[] = [];
  await watchProvisioning(
    {
      runner,
      clock,
      kubeconfig: KIND,
      expectedHostnames: ['n1'],
      intervalMs: 10_000,
      onSnapshot: s => {
        snapshots.push(s);
        if (snapshots.length === 3) controller.abort();
      },
    },
    controller.signal,
  );
  assert.deepEqual(
    snapshots.map(s => s.at),
    [1000, 11_000, 21_000],
  );
  assert.deepEqual(
    snapshots[0]!.machines.map(m => m.hostname),
    ['n1'],
  );
});
