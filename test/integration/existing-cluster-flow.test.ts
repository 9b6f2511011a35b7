// A data plane on an existing cluster, headless: answers with cluster.existing and no machines skip
// discover, hardware.csv and the cluster spec; the preflight checks only kubectl, helm, the cluster
// answering and its nodes' architecture (FAKE Kubernetes API of the demo world, real kubectl,
// stand-in helm). The control plane in these answers does not answer, so the run stops there.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {startDemoWorld} from '../../source/demo/world.js';
import {FakeKubeApi} from '../helpers/kong-fakes.js';
import {clusterChecks} from '../../source/lifecycle/existing-cluster.js';
import {isExistingClusterFlow} from '../../source/lifecycle/existing-cluster-flow.js';
import {runCli, tempHome} from '../helpers/cli.js';

test(
  'existing cluster, headless: bare-metal steps skipped with the reason, narrower preflight, the cluster used as given',
  {timeout: 90_000},
  async () => {
    const dir = tempHome('eksa-kong-existing-');
    const world = await startDemoWorld({sessionDir: dir, speed: 1000});
    try {
      for (const name of ['vs-wk01', 'vs-wk02']) {
        world.apis.workload.store.put({
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {name},
          status: {
            nodeInfo: {architecture: 'amd64'},
            conditions: [{type: 'Ready', status: 'True'}],
            addresses: [{type: 'InternalIP', address: '10.30.0.21'}],
          },
        });
      }
      const answers = join(dir, 'dp2.yaml');
      writeFileSync(
        answers,
        [
          'session: dp2',
          `cluster: {existing: {kubeconfig: ${world.kubeconfigs.workload}, context: ${world.contexts.workload}}}`,
          'controlPlane: {clusterEndpoint: "127.0.0.1:9", telemetryEndpoint: "127.0.0.1:9", adminUrl: "http://127.0.0.1:9", adminToken: "tok-12345"}',
          'dataPlane: {namespace: kong, release: kong-dp2}',
        ].join('\n') + '\n',
      );
      const home = join(dir, 'home');
      const run = await runCli(['--non-interactive', '--answers', answers], {
        EKSA_KONG_HOME: home,
        PATH: world.env['PATH'],
        KUBECACHEDIR: join(dir, 'cache'),
      });
      assert.match(run.stdout, /✔ kubectl: kubectl v1\./);
      assert.match(run.stdout, /✔ helm: helm v3\./);
      assert.match(run.stdout, /✔ Existing cluster reachable: context demo-admin@demo: 2 nodes/);
      assert.match(run.stdout, /✔ Node architecture vs the data plane image: amd64/);
      assert.doesNotMatch(run.stdout, /docker|Tinkerbell|provisioning interface/i, 'no bare-metal checks');
      for (const step of ['Discover machines', 'hardware.csv', 'Cluster spec']) {
        assert.match(
          run.stdout,
          new RegExp(`\\] ${step}: skipped — not needed: the data plane goes onto the existing cluster`),
        );
      }
      const session = JSON.parse(readFileSync(join(home, 'sessions', 'dp2', 'session.json'), 'utf8'));
      assert.deepEqual(
        ['discover', 'hardware', 'cluster-spec'].map(s => session.steps[s].state),
        ['skipped', 'skipped', 'skipped'],
      );
      assert.equal(session.steps['create-cluster'].state, 'done', run.stderr);
      assert.equal(session.steps['control-plane'].state, 'failed', 'stops at the control plane that does not answer');
      assert.equal(run.code, 1);
    } finally {
      await world.close();
    }
  },
);

test('existing cluster preflight: a node of another architecture, no nodes, or no answer fail with the fix', async () => {
  const kube = new FakeKubeApi();
  kube.add('Node', '', {metadata: {name: 'z1'}, status: {nodeInfo: {architecture: 's390x'}}} as never);
  const odd = await clusterChecks(kube, 'ctx');
  assert.equal(odd.find(c => c.id === 'node-architecture')?.status, 'fail');
  assert.match(odd.find(c => c.id === 'node-architecture')!.detail, /z1: s390x/);
  assert.equal((await clusterChecks(new FakeKubeApi(), 'ctx'))[0]?.status, 'fail');
  const denied = new FakeKubeApi();
  denied.failures.set('list:Node', 403);
  const [c] = await clusterChecks(denied, 'ctx');
  assert.equal(c?.status, 'fail');
  assert.match(c!.detail, /RBAC "list"/);
  assert.equal(isExistingClusterFlow({cluster: {existing: {kubeconfig: 'k'}}}), true);
  assert.equal(
    isExistingClusterFlow({
      cluster: {existing: {kubeconfig: 'k'}},
      machines: [{hostname: 'a', mac: 'm', ip: 'i', role: 'cp', disk: '/dev/sda'}],
    }),
    false,
  );
});
