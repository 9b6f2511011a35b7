// deployDataPlane with FAKE Kubernetes APIs and a FAKE runner: a brand-new control plane (connected,
// NotReady only because it has no entities) ends the step; without the CP's word it would time out;
// a license under another key reaches the chart's `license` key; the API writes are recorded as their
// kubectl equivalent for the runbook.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {deployDataPlane, type DpPlan} from '../../source/steps/data-plane/dp-step.js';
import type {CommandSpec} from '../../source/run/types.js';
import {FakeCommandRunner, FakeKubeApi, fakeClock, makeCert, tlsSecret} from '../helpers/kong-fakes.js';

async function setup() {
  const cert = await makeCert();
  const cp = new FakeKubeApi();
  cp.add('Secret', 'kong', {...tlsSecret('kong-cluster-cert', cert), metadata: {name: 'kong-cluster-cert'}} as never);
  cp.add('Secret', 'kong', {
    metadata: {name: 'kong-license'},
    type: 'Opaque',
    data: {'license.json': Buffer.from('{"license":1}').toString('base64')},
  });
  const workload = new FakeKubeApi();
  // The DP pod as a brand-new CP leaves it: running, NotReady (readiness probe 503).
  workload.add('Pod', 'kong', {
    metadata: {
      name: 'kong-dp-kong-abc-1',
      labels: {'app.kubernetes.io/instance': 'kong-dp', 'app.kubernetes.io/component': 'app'},
    },
    status: {
      phase: 'Running',
      conditions: [{type: 'Ready', status: 'False'}],
      containerStatuses: [
        {name: 'proxy', ready: false, restartCount: 0, state: {running: {startedAt: '2026-06-01T00:00:00Z'}}},
      ],
    },
  });
  const plan: DpPlan = {
    values: {
      mode: 'shared',
      namespace: 'kong',
      release: 'kong-dp',
      image: {repository: 'kong/kong-gateway', tag: '3.9.1.2'},
      clusterEndpoint: 'cp.example.com:8005',
      telemetryEndpoint: 'tp.example.com:8006',
      clusterCertSecret: 'kong-cluster-cert',
      licenseSecret: 'kong-license',
      proxy: {type: 'NodePort', httpNodePort: 32080},
      replicas: 1,
    },
    workload: {kubeconfig: '/s/seed.kubeconfig', context: 'seed-admin@seed'},
    cp: {kubeconfig: '/s/cp.kubeconfig', namespace: 'kong', licenseKey: 'license.json'},
    generateCert: false,
    fallbackNodeIps: ['10.20.0.12'],
  };
  return {cp, workload, plan, dir: mkdtempSync(join(tmpdir(), 'dp-step-'))};
}

test('deployDataPlane: connected to a CP with no entities ends ok (awaiting config), licence key copied to `license`, API writes recorded as kubectl', async () => {
  const {cp, workload, plan, dir} = await setup();
  const recorded: CommandSpec[] = [];
  const asked: string[][] = [];
  const result = await deployDataPlane(plan, {
    runner: new FakeCommandRunner(),
    clock: fakeClock(),
    env: {PATH: '/usr/bin'},
    sessionDir: dir,
    cpKube: cp,
    workloadKube: workload,
    podTimeoutMs: 600_000,
    cpView: async pods => {
      asked.push(pods);
      return {ok: true, cpEmpty: true, verification: {ok: true, source: 'data-planes', pods: [], ignoredRows: 0}};
    },
    record: spec => recorded.push(spec),
  });
  assert.equal(result.ok, true, JSON.stringify(result.checks));
  assert.equal(result.facts.awaitingConfig, true);
  assert.deepEqual(asked, [['kong-dp-kong-abc-1']]);
  assert.match(
    result.checks.find(c => c.id === 'pods')?.title ?? '',
    /not Ready only because the control plane has no Services or Routes yet/,
  );
  const license = await workload.get('Secret', 'kong', 'kong-license');
  assert.equal(Buffer.from(license?.data?.['license'] ?? '', 'base64').toString(), '{"license":1}');
  assert.deepEqual(
    recorded.map(s => [s.command, ...s.args]),
    [
      [
        'kubectl',
        '--kubeconfig',
        '/s/seed.kubeconfig',
        '--context',
        'seed-admin@seed',
        'apply',
        '-f',
        'kong-dp-secrets.yaml',
      ],
    ],
  );
  assert.equal(statSync(join(dir, 'kong-dp-secrets.yaml')).mode & 0o777, 0o600);
});

test('deployDataPlane: a CP that does not confirm the connection leaves the step failing at the timeout, never ok', async () => {
  const {cp, workload, plan, dir} = await setup();
  const result = await deployDataPlane(plan, {
    runner: new FakeCommandRunner(),
    clock: fakeClock(),
    env: {},
    sessionDir: dir,
    cpKube: cp,
    workloadKube: workload,
    podTimeoutMs: 30_000,
    cpView: async () => ({ok: false, verification: {ok: false, source: 'data-planes', pods: [], ignoredRows: 0}}),
  });
  assert.equal(result.ok, false);
  assert.equal(result.pods?.status, 'timeout');
});
