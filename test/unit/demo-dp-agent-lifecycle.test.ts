// The DP scenario with a data-plane agent through day two: a rolling update whose new pod is Ready only
// when its Kong says so (then the old pod goes and its Kong is forgotten), uninstall forgetting every
// pod, and a scenario restarted on the saved store adopting the running pods so they dial again.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startFakeKubeApi, type KubeObject} from '../../source/demo/fake-kube-api.js';
import {
  newClusterDataPlane,
  type DataPlaneAgent,
  type DpPodView,
} from '../../source/demo/scenarios/new-cluster-data-plane.js';
import {until} from '../helpers/wait.js';

/** A stand-in for the fake Kong: Ready when the test says the CP holds a configuration. */
function stubAgent() {
  const state = {configured: false, beats: new Map<string, number>(), forgotten: [] as string[]};
  const agent: DataPlaneAgent = {
    async beat(pod: DpPodView) {
      state.beats.set(pod.name, (state.beats.get(pod.name) ?? 0) + 1);
      return {ready: state.configured, log: []};
    },
    forget(name) {
      state.forgotten.push(name);
    },
  };
  return {agent, state};
}

const ready = (p: KubeObject) =>
  ((p['status'] as {conditions?: Array<{type: string; status: string}>}).conditions ?? []).some(
    c => c.type === 'Ready' && c.status === 'True',
  );
const tagOf = (p: KubeObject) => (p['spec'] as {containers: Array<{image: string}>}).containers[0]!.image.split(':')[1];
const values = (tag: string) => ({
  replicaCount: 1,
  image: {repository: 'kong/kong-gateway', tag},
  env: {role: 'data_plane'},
});

test(
  'fake DP scenario with an agent: rolling update, uninstall and restart all go through the agent',
  {timeout: 30_000},
  async () => {
    const api = await startFakeKubeApi();
    const {agent, state} = stubAgent();
    const opts = {speed: 200, namespace: 'kong', release: 'kong-dp', startSeconds: 1, agent: () => agent};
    const pods = () => api.store.list({apiVersion: 'v1', kind: 'Pod', namespace: 'kong'});
    let dp = newClusterDataPlane(api.store, opts);
    try {
      dp.install({createNamespace: true, values: values('3.9.1.2')});
      // A CP without configuration: Running, beaten, never Ready.
      await until(
        () => pods().length === 1 && (state.beats.get(pods()[0]!.metadata.name!) ?? 0) >= 2,
        'the first pod beaten twice',
      );
      assert.equal(ready(pods()[0]!), false);
      assert.equal(dp.ready(), false);
      state.configured = true;
      await until(() => pods().every(ready) && dp.ready(), 'the pod Ready once the CP has a configuration');
      const first = pods()[0]!.metadata.name!;

      // Rolling update: the new pod must turn Ready through its Kong before the old one goes.
      state.configured = false;
      dp.install({values: values('3.9.1.1')});
      await until(
        () => pods().some(p => tagOf(p) === '3.9.1.1' && (p['status'] as {phase?: string}).phase === 'Running'),
        'the new pod Running',
      );
      await new Promise(r => setTimeout(r, 100));
      assert.deepEqual(
        pods().map(tagOf).sort(),
        ['3.9.1.1', '3.9.1.2'],
        'old and new side by side while the new one is not Ready',
      );
      assert.deepEqual(state.forgotten, []);
      state.configured = true;
      await until(
        () => pods().length === 1 && tagOf(pods()[0]!) === '3.9.1.1' && dp.ready(),
        'the old pod gone once the new one is Ready',
      );
      assert.deepEqual(state.forgotten, [first], "the old pod's Kong closed its connection");
      const second = pods()[0]!.metadata.name!;

      // A world restart: a new scenario on the saved store adopts the running pod and beats it again.
      dp.stop();
      await dp.done;
      const before = state.beats.get(second) ?? 0;
      dp = newClusterDataPlane(api.store, opts);
      await dp.settled();
      assert.ok((state.beats.get(second) ?? 0) > before, 'the adopted pod dialed again');

      // Uninstall: every pod goes and its Kong is forgotten.
      const r = dp.uninstall();
      assert.ok('removed' in r);
      assert.equal(pods().length, 0);
      assert.ok((state.forgotten as string[]).includes(second));
    } finally {
      dp.stop();
      await dp.done;
      await api.close();
    }
  },
);
