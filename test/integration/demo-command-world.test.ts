// A demo session's simulated data center survives a restart: the fake clusters' objects and logs, the
// control plane's cluster certificate and load balancer names, the parts' kept state; kubeconfigs
// written for the old ports follow a port that had to change. And the demo command itself, headless.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';
import {startDemoWorld} from '../../source/demo/world.js';
import {DEMO_STATE_FILE, readDemoState} from '../../source/demo/persist.js';
import {runCli, tempHome} from '../helpers/cli.js';

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {name, namespace: 'kong', labels: {app: 'kong-dp'}},
  spec: {containers: [{name: 'proxy', image: 'kong/kong-gateway:3.9'}]},
  status: {phase: 'Running'},
});

test(
  'demo world with persist: a restart finds the pods, logs, CP cert and kept state as they were (fake Kubernetes API)',
  {timeout: 30_000},
  async () => {
    const dir = tempHome('eksa-kong-demo-world-');
    const first = await startDemoWorld({sessionDir: dir, speed: 1000, persist: true});
    const cert = await first.controlPlane.ready;
    const hostnames = {...first.controlPlane.hostnames};
    first.apis.workload.store.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'kong'}});
    first.apis.workload.store.put(pod('kong-dp-kong-abc12'));
    first.apis.workload.store.appendLog('kong', 'kong-dp-kong-abc12', 'data plane connected', 'proxy');
    first.keep('discovery', {bmcs: 3});
    const workloadUrl = first.apis.workload.url;
    await first.close();
    assert.equal(statSync(join(dir, DEMO_STATE_FILE)).mode & 0o777, 0o600);
    assert.ok(readDemoState(dir).state, 'a readable state file');

    const second = await startDemoWorld({sessionDir: dir, speed: 1000, persist: true});
    try {
      assert.equal(second.restored, true);
      assert.equal(second.apis.workload.url, workloadUrl, 'the same port again when it is free');
      const restored = second.apis.workload.store.get({
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'kong',
        name: 'kong-dp-kong-abc12',
      });
      assert.deepEqual(restored?.['status'], {phase: 'Running'});
      assert.ok(second.apis.workload.store.get({apiVersion: 'v1', kind: 'Namespace', name: 'kong'}));
      const res = await fetch(`${workloadUrl}/api/v1/namespaces/kong/pods/kong-dp-kong-abc12/log?container=proxy`);
      assert.equal((await res.text()).trim(), 'data plane connected');
      assert.deepEqual(await second.controlPlane.ready, cert, 'the CP keeps its cluster certificate');
      assert.deepEqual(second.controlPlane.hostnames, hostnames);
      assert.deepEqual(second.kept('discovery'), {bmcs: 3});
    } finally {
      await second.close();
    }
  },
);

test(
  'a port taken on resume: the world moves and rewrites the saved kubeconfigs that named it',
  {timeout: 30_000},
  async () => {
    const dir = tempHome('eksa-kong-demo-port-');
    const first = await startDemoWorld({sessionDir: dir, speed: 1000, persist: true});
    const old = first.apis.workload.url;
    mkdirSync(join(dir, 'demo'), {recursive: true});
    const kubeconfig = join(dir, 'demo', 'demo-eks-a-cluster.kubeconfig');
    writeFileSync(kubeconfig, `clusters:\n- cluster:\n    server: ${old}\n  name: demo\n`, {mode: 0o600});
    await first.close();
    const blocker = createServer();
    await new Promise<void>(r => blocker.listen(Number(new URL(old).port), '127.0.0.1', () => r()));
    const second = await startDemoWorld({sessionDir: dir, speed: 1000, persist: true});
    try {
      assert.notEqual(second.apis.workload.url, old);
      assert.match(readFileSync(kubeconfig, 'utf8'), new RegExp(`server: ${second.apis.workload.url}\n`));
      assert.ok(second.notices.some(n => /new ports/.test(n)));
    } finally {
      await second.close();
      blocker.close();
    }
  },
);

test('a damaged demo-state.json is reported and the world starts fresh', {timeout: 30_000}, async () => {
  const dir = tempHome('eksa-kong-demo-bad-');
  writeFileSync(join(dir, DEMO_STATE_FILE), '{not json');
  const world = await startDemoWorld({sessionDir: dir, speed: 1000, persist: true});
  try {
    assert.equal(world.restored, false);
    assert.ok(world.notices.some(n => /damaged/.test(n)));
  } finally {
    await world.close();
  }
});

test(
  'eksa-kong demo --non-interactive: a demo session with its state file, played to the end; resume restarts its world; --new makes demo-2',
  {timeout: 180_000},
  async () => {
    const home = tempHome();
    const env = {EKSA_KONG_HOME: home};
    const first = await runCli(['demo', '--non-interactive', '--speed', '200'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Demo session demo: a new simulated data center/);
    assert.match(first.stdout, /\[1\/10\] Welcome: started/);
    const session = JSON.parse(readFileSync(join(home, 'sessions', 'demo', 'session.json'), 'utf8'));
    assert.equal(session.world, 'demo');
    assert.equal(session.status, 'done');
    assert.equal(statSync(join(home, 'sessions', 'demo', DEMO_STATE_FILE)).mode & 0o777, 0o600);
    assert.equal(readDemoState(join(home, 'sessions', 'demo')).state?.speed, 200);
    const viaResume = await runCli(['resume', 'demo', '--non-interactive'], env);
    assert.equal(viaResume.code, 0, viaResume.stderr);
    assert.match(viaResume.stderr, /Demo session demo: resuming it/, 'resume of a demo session restarts its world');
    const fresh = await runCli(['demo', '--new', '--non-interactive', '--speed', '200'], env);
    assert.match(fresh.stderr, /Demo session demo-2: a new simulated data center/);
  },
);
