// Scenario drivers on a fake Kubernetes API store, at high speed, and the fake's patch/selector logic.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  startFakeKubeApi,
  parseLabelSelector,
  matchesLabels,
  matchesFields,
  strategicMergePatch,
  jsonPatch,
  mergePatch,
  type KubeObject,
} from '../../source/demo/fake-kube-api.js';
import {bootstrapProvisioning, UBUNTU_ACTIONS} from '../../source/demo/scenarios/bootstrap-provisioning.js';
import {newClusterDataPlane} from '../../source/demo/scenarios/new-cluster-data-plane.js';

test('fake store: label and field selectors', () => {
  const reqs = parseLabelSelector('app in (a, b),tier!=db,!legacy,env');
  assert.equal(matchesLabels({app: 'a', env: 'x'}, reqs), true);
  assert.equal(matchesLabels({app: 'c', env: 'x'}, reqs), false);
  assert.equal(matchesLabels({app: 'a', env: 'x', legacy: '1'}, reqs), false);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name: 'p'},
    spec: {nodeName: 'n1'},
    status: {phase: 'Running'},
  } as KubeObject;
  assert.equal(matchesFields(pod, 'spec.nodeName=n1,status.phase!=Failed'), true);
  assert.equal(matchesFields(pod, 'metadata.name==q'), false);
});

test('fake store: merge, strategic merge (by name) and JSON patches', () => {
  const dep = {
    spec: {
      containers: [
        {name: 'proxy', image: 'a', env: [{name: 'X', value: '1'}]},
        {name: 'side', image: 's'},
      ],
    },
  };
  const smp = strategicMergePatch(dep, {
    spec: {
      containers: [{name: 'proxy', image: 'b', env: [{name: 'Y', value: '2'}]}],
      '$setElementOrder/containers': [{name: 'proxy'}],
    },
  }) as typeof dep;
  assert.equal(smp.spec.containers.length, 2);
  assert.equal(smp.spec.containers[0]!.image, 'b');
  assert.deepEqual(
    smp.spec.containers[0]!.env!.map(e => e.name),
    ['X', 'Y'],
  );
  assert.deepEqual(mergePatch({a: 1, b: {c: 2}}, {b: {c: null, d: 3}}), {a: 1, b: {d: 3}});
  assert.deepEqual(
    jsonPatch({a: [1, 2]}, [
      {op: 'add', path: '/a/-', value: 3},
      {op: 'replace', path: '/a/0', value: 0},
    ]),
    {a: [0, 2, 3]},
  );
});

test(
  'fake world scenario: bootstrap provisioning progresses Rufio, workflows, CAPI machines and nodes in order',
  {timeout: 30_000},
  async () => {
    const bootstrap = await startFakeKubeApi();
    const workload = await startFakeKubeApi();
    try {
      const seen: string[] = [];
      bootstrap.store.onChange(ev => {
        const o = ev.object;
        const st = o['status'] as Record<string, unknown> | undefined;
        if (o.kind === 'Workflow' && st?.['state'])
          seen.push(`wf:${String(st['state'])}:${String(st['currentAction'] ?? '')}`);
        if (o.kind === 'Machine' && o.apiVersion.startsWith('cluster.x-k8s.io') && st?.['phase'])
          seen.push(`capi:${String(st['phase'])}`);
      });
      let open!: () => void;
      const gate = new Promise<void>(r => (open = r));
      const h = bootstrapProvisioning(bootstrap.store, {
        speed: 2000,
        gate,
        workload: workload.store,
        kubernetesVersion: '1.33',
        machines: [
          {hostname: 'cp1', mac: 'aa:bb:cc:00:00:01', bmcIp: '10.0.1.1', role: 'cp'},
          {hostname: 'wk1', mac: 'aa:bb:cc:00:00:02', bmcIp: '10.0.1.2', role: 'worker'},
        ],
      });
      // Before the gate: hardware and Contactable Rufio machines only.
      const contactable = () =>
        bootstrap.store
          .list({apiVersion: 'bmc.tinkerbell.org/v1alpha1', kind: 'Machine', namespace: 'eksa-system'})
          .every(m =>
            ((m['status'] as {conditions?: Array<{type: string; status: string}>} | undefined)?.conditions ?? []).some(
              c => c.type === 'Contactable' && c.status === 'True',
            ),
          );
      for (let i = 0; i < 100 && !contactable(); i++) await new Promise(r => setTimeout(r, 20));
      assert.ok(contactable());
      assert.equal(
        bootstrap.store.list({apiVersion: 'tinkerbell.org/v1alpha1', kind: 'Hardware', namespace: 'eksa-system'})
          .length,
        2,
      );
      assert.equal(bootstrap.store.list({apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Machine'}).length, 0);
      open();
      await h.done;
      const first = (s: string) => seen.findIndex(x => x.startsWith(s));
      assert.ok(first('wf:PENDING') < first('wf:RUNNING:stream-image'));
      for (let i = 1; i < UBUNTU_ACTIONS.length; i++)
        assert.ok(first(`wf:RUNNING:${UBUNTU_ACTIONS[i - 1]!.name}`) < first(`wf:RUNNING:${UBUNTU_ACTIONS[i]!.name}`));
      assert.ok(first('wf:RUNNING') < first('wf:SUCCESS'));
      assert.ok(
        first('capi:Provisioning') < first('capi:Provisioned') && first('capi:Provisioned') < first('capi:Running'),
      );
      const nodes = workload.store.list({apiVersion: 'v1', kind: 'Node'});
      assert.deepEqual(
        nodes.map(n => n.metadata.name),
        ['cp1', 'wk1'],
      );
      assert.ok(
        nodes.every(n => (n['status'] as {conditions: Array<{status: string}>}).conditions[0]!.status === 'True'),
      );
      const jobs = bootstrap.store.list({
        apiVersion: 'bmc.tinkerbell.org/v1alpha1',
        kind: 'Job',
        namespace: 'eksa-system',
      });
      assert.equal(jobs.length, 2);
    } finally {
      await bootstrap.close();
      await workload.close();
    }
  },
);

test('fake world scenario: data plane stop() interrupts a rollout', {timeout: 10_000}, async () => {
  const api = await startFakeKubeApi();
  try {
    const dp = newClusterDataPlane(api.store, {speed: 1, namespace: 'kong', release: 'kong-dp'});
    const r = dp.install({createNamespace: true, values: {replicaCount: 2}});
    assert.deepEqual(r, {revision: 1, firstInstall: true});
    const pods = () => api.store.list({apiVersion: 'v1', kind: 'Pod', namespace: 'kong'});
    for (let i = 0; i < 100 && pods().length < 2; i++) await new Promise(res => setTimeout(res, 10));
    assert.equal(pods().length, 2);
    dp.stop();
    await dp.done;
    assert.equal(dp.ready(), false);
  } finally {
    await api.close();
  }
});
