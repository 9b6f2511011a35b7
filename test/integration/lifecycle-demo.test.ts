// Day two against the simulated data center (fake Kubernetes APIs, fake Kong Admin API, stand-in
// helm/eksctl): one finished demo session, then status, upgrade and destroy on it, in that order.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';

const home = tempHome('eksa-kong-day2-');
const env = {EKSA_KONG_HOME: home};
const sessionFile = () => JSON.parse(readFileSync(join(home, 'sessions', 'demo', 'session.json'), 'utf8'));

test('a finished demo session to work on (demo --non-interactive)', {timeout: 120_000}, async () => {
  const run = await runCli(['demo', '--non-interactive', '--speed', '200'], env);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  assert.equal(sessionFile().status, 'done');
});

test(
  'status --json: only controlPlane, dataPlanes, cluster, proxy, read from the simulated world',
  {timeout: 60_000},
  async () => {
    const run = await runCli(['status', 'demo', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(doc), ['controlPlane', 'dataPlanes', 'cluster', 'proxy']);
    assert.deepEqual(Object.keys(doc.controlPlane), ['version', 'clusterEndpoint', 'telemetryEndpoint', 'reachable']);
    assert.equal(doc.controlPlane.version, '3.9.1.2');
    assert.equal(doc.controlPlane.reachable, true);
    assert.match(doc.controlPlane.clusterEndpoint, /\.elb\.us-east-1\.amazonaws\.com:8005$/);
    assert.match(doc.controlPlane.telemetryEndpoint, /:8006$/);
    const pods: string[] = sessionFile().steps['data-plane'].data.pods;
    assert.equal(doc.dataPlanes.length, pods.length);
    for (const dp of doc.dataPlanes) {
      assert.deepEqual(Object.keys(dp), ['hostname', 'version', 'syncStatus', 'lastSeen', 'session']);
      assert.ok(pods.includes(dp.hostname), `${dp.hostname} is a pod the session deployed`);
      assert.equal(dp.version, '3.9.1.2');
      assert.equal(dp.syncStatus, 'normal');
      assert.equal(dp.session, 'demo');
      assert.ok(!Number.isNaN(Date.parse(dp.lastSeen)));
    }
    assert.equal(doc.cluster.name, 'seed');
    assert.deepEqual(doc.cluster.nodes.map((n: {name: string}) => n.name).sort(), ['eksa-cp01', 'eksa-wk01']);
    assert.ok(doc.cluster.nodes.every((n: {ready: boolean}) => n.ready));
    assert.deepEqual(doc.proxy, {url: 'http://10.20.0.200', ok: true});
    assert.doesNotMatch(run.stdout, /demo-admin-token/, 'no admin token in the output');
  },
);

test('status (text): grouped by session, nodes and the route check', {timeout: 60_000}, async () => {
  const run = await runCli(['status', 'demo'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Admin API reachable/);
  assert.match(run.stdout, /session demo:\n\s+kong-dp-kong-\S+\s+3\.9\.1\.2\s+normal/);
  assert.match(run.stdout, /Cluster seed: 2\/2 nodes Ready/);
  assert.match(run.stdout, /GET \/httpbin\/anything → 200/);
});

test('status of a session that does not exist exits 2 naming it', {timeout: 20_000}, async () => {
  const run = await runCli(['status', 'nope', '--json'], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /nope/);
  assert.equal(run.stdout, '');
});

test(
  'upgrade --dp-version 3.10.0.0 under a 3.9 control plane is refused with the rule, nothing changes',
  {timeout: 60_000},
  async () => {
    const before = sessionFile();
    const run = await runCli(['upgrade', 'demo', '--dp-version', '3.10.0.0'], env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /refused: 3\.10\.0\.0 under a 3\.9\.1\.2 control plane/);
    assert.match(run.stderr, /newer minor than the control plane/);
    assert.doesNotMatch(run.stdout, /helm upgrade/);
    const after = sessionFile();
    assert.equal(after.commands.length, before.commands.length, 'no command ran');
    assert.deepEqual(after.steps['data-plane'].data.pods, before.steps['data-plane'].data.pods);
  },
);

test(
  'upgrade --dp-version 3.9.1.1: helm upgrade, the rollout, verified again, recorded in session and runbook',
  {timeout: 90_000},
  async () => {
    const run = await runCli(['upgrade', 'demo', '--dp-version', '3.9.1.1'], env);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(
      run.stdout,
      /\$ helm upgrade -n kong -f kong-dp-values\.yaml --version 3\.4\.1 --set image\.repository=kong\/kong-gateway --set image\.tag=3\.9\.1\.1 --kubeconfig \S+ -- kong-dp kong\/kong\n/,
    );
    assert.match(run.stdout, /pods: .*3\.9\.1\.1 Ready \(new\)/);
    assert.match(
      run.stdout,
      /✔ Upgraded: 1 pod\(s\) connected on 3\.9\.1\.1 \(sync_status normal\) · GET http:\/\/10\.20\.0\.200\/httpbin\/anything → 200/,
    );
    const s = sessionFile();
    assert.deepEqual(s.lifecycle.at(-1), {
      ...s.lifecycle.at(-1),
      action: 'upgrade',
      result: 'done',
      from: '3.9.1.2',
      to: '3.9.1.1',
      revision: 2,
    });
    assert.equal(s.steps['data-plane'].data.image, 'kong/kong-gateway:3.9.1.1');
    const status = JSON.parse((await runCli(['status', 'demo', '--json'], env)).stdout);
    const mine = status.dataPlanes.filter((d: {session: string}) => d.session === 'demo');
    assert.deepEqual(
      mine.map((d: {hostname: string}) => d.hostname),
      s.steps['data-plane'].data.pods,
    );
    assert.ok(
      mine.every((d: {version: string; syncStatus: string}) => d.version === '3.9.1.1' && d.syncStatus === 'normal'),
    );
    const runbook = await runCli(['runbook', 'demo'], env);
    assert.match(
      runbook.stdout,
      /# --- Step: Upgrade the data plane ---\n# Upgrade the data plane kong-dp to 3\.9\.1\.1\n.*helm upgrade .* -- kong-dp kong\/kong\n/,
    );
  },
);

test(
  'upgrade to a tag the registry lacks: the rollout fails, --yes rolls back to the revision before',
  {timeout: 90_000},
  async () => {
    const run = await runCli(['upgrade', 'demo', '--dp-version', '3.9.0.9', '--yes'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /pods: .*3\.9\.1\.1 Ready \(old\) \| .*3\.9\.0\.9 (ErrImagePull|ImagePullBackOff) \(new\)/,
    );
    assert.match(run.stderr, /upgrade to 3\.9\.0\.9 failed: rollout failing: .*ImagePullBackOff|ErrImagePull/);
    assert.match(
      run.stderr,
      /Roll back to revision 2 \(3\.9\.1\.1\) with: helm rollback -n kong --kubeconfig \S+ --wait -- kong-dp 2\n/,
    );
    assert.match(run.stdout, /✔ Rolled back to revision 2: back on 3\.9\.1\.1/);
    const events = sessionFile()
      .lifecycle.slice(-2)
      .map((e: {action: string; result: string}) => `${e.action}:${e.result}`);
    assert.deepEqual(events, ['upgrade:failed', 'rollback:done']);
  },
);

test('destroy without a terminal and without --yes exits 2 and removes nothing', {timeout: 30_000}, async () => {
  const run = await runCli(['destroy', 'demo', '--non-interactive'], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /give --yes/);
  assert.equal(sessionFile().status, 'done');
});

test(
  'destroy --dry-run lists the commands in reverse order and what stays, and changes nothing',
  {timeout: 30_000},
  async () => {
    const run = await runCli(['destroy', 'demo', '--dry-run'], env);
    assert.equal(run.code, 0, run.stderr);
    const order = [
      'helm uninstall -n kong',
      'kubectl delete secret -n kong -l app.kubernetes.io/managed-by=eksa-kong',
      'kubectl delete namespace -l app.kubernetes.io/managed-by=eksa-kong --field-selector metadata.name=kong',
      'eksctl anywhere delete packages kong-dp-metallb --cluster seed --kubeconfig seed/seed-eks-a-cluster.kubeconfig',
      'kubectl delete namespace -l app.kubernetes.io/managed-by=eksa-kong --field-selector metadata.name=metallb-system',
      'eksctl anywhere delete cluster -f cluster.yaml -w seed/seed-eks-a-cluster.kubeconfig',
    ];
    const at = order.map(c => run.stdout.indexOf(c));
    assert.ok(
      at.every(i => i >= 0),
      run.stdout,
    );
    assert.deepEqual(
      [...at].sort((a, b) => a - b),
      at,
      'data plane first, then the MetalLB it stood behind, the cluster last',
    );
    assert.doesNotMatch(run.stdout, /load balancer.*stays/);
    assert.match(run.stdout, /control plane: not deployed by this session/);
    assert.equal(sessionFile().status, 'done');
  },
);

test(
  'destroy --yes removes exactly what the session created; the session stays, destroyed, with its runbook',
  {timeout: 120_000},
  async () => {
    const run = await runCli(['destroy', 'demo', '--yes'], env);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /release "kong-dp" uninstalled/);
    assert.match(run.stdout, /secret "kong-cluster-cert" deleted/);
    assert.match(run.stdout, /namespace "kong" deleted/);
    assert.match(run.stdout, /package\.packages\.eks\.amazonaws\.com "kong-dp-metallb" deleted/);
    assert.match(run.stdout, /namespace "metallb-system" deleted/);
    assert.match(run.stdout, /Cluster deleted!/);
    const sessions = JSON.parse((await runCli(['sessions', '--json'], env)).stdout);
    assert.deepEqual(
      sessions.map((s: {name: string; status: string}) => [s.name, s.status]),
      [['demo', 'destroyed']],
    );
    const runbook = (await runCli(['runbook', 'demo'], env)).stdout;
    assert.match(runbook, /# --- Step: Destroy what the session created ---/);
    assert.match(runbook, /eksctl anywhere delete packages kong-dp-metallb --cluster seed/);
    assert.match(runbook, /eksctl anywhere delete cluster -f cluster\.yaml -w seed\/seed-eks-a-cluster\.kubeconfig/);
    // The simulated cluster API, read from the saved world: nothing labelled managed-by=eksa-kong, no release.
    const {readDemoState} = await import('../../source/demo/persist.js');
    const state = readDemoState(join(home, 'sessions', 'demo')).state!;
    const left = state.stores.workload.objects.filter(
      o =>
        o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'eksa-kong' || o.metadata.labels?.['owner'] === 'helm',
    );
    assert.deepEqual(left, []);
    assert.ok(
      state.stores.controlPlane.objects.some(o => o.kind === 'Secret' && o.metadata.name === 'kong-cluster-cert'),
      'the control plane it did not deploy is untouched',
    );
    const again = await runCli(['destroy', 'demo', '--yes'], env);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /was destroyed at .*nothing left to remove/);
  },
);
