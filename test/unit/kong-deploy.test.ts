import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {
  applySecret,
  applySecretManifestsCommand,
  dataPlaneSecretCopy,
  ensureNamespace,
  helmCommands,
  licenseSecretFromText,
  runHelm,
  watchDpPods,
  writeSecretManifests,
} from '../../source/kong/deploy.js';
import {readClusterCertSecret} from '../../source/kong/cp-discovery.js';
import {diagnoseDpLog, matchDpLogLine} from '../../source/kong/dp-log-failures.js';
import type {KubePod} from '../../source/kong/kube-api.js';
import {FakeCommandRunner, FakeKubeApi, fakeClock, makeCert, tlsSecret} from '../helpers/kong-fakes.js';

test('the data plane copy of the cluster secret is byte-identical and free of server metadata', async () => {
  const cp = new FakeKubeApi();
  const cert = await makeCert();
  // Data with a trailing newline and an extra key: bytes must survive exactly.
  cp.add(
    'Secret',
    'kong',
    tlsSecret('kong-cluster-cert', cert, {'ca.crt': Buffer.from('\u0000\u00ffraw\n').toString('base64')}),
  );
  const read = await readClusterCertSecret(cp, 'kong', {name: 'kong-cluster-cert'});
  assert.ok(read.material);
  const source = read.material.unwrap();
  assert.ok(source.metadata.uid && source.metadata.resourceVersion);

  const dp = new FakeKubeApi();
  assert.equal((await ensureNamespace(dp, 'kong-dp')).status, 'created');
  assert.equal((await ensureNamespace(dp, 'kong-dp')).status, 'exists');
  const copy = dataPlaneSecretCopy(read.material, 'kong-dp');
  assert.deepEqual(Object.keys(copy.metadata).sort(), ['labels', 'name', 'namespace']);
  assert.equal(copy.metadata.labels?.['app.kubernetes.io/managed-by'], 'eksa-kong');
  assert.equal((await applySecret(dp, copy)).status, 'created');
  const stored = await dp.get('Secret', 'kong-dp', 'kong-cluster-cert');
  assert.equal(stored?.type, 'kubernetes.io/tls');
  assert.deepEqual(stored?.data, source.data);
  for (const key of Object.keys(source.data ?? {})) {
    assert.ok(Buffer.from(stored!.data![key]!, 'base64').equals(Buffer.from(source.data![key]!, 'base64')), key);
  }
  assert.equal((await applySecret(dp, copy)).status, 'unchanged');
});

test('a DP secret that differs is replaced (with its resourceVersion); a type clash is refused', async () => {
  const dp = new FakeKubeApi();
  const old = await makeCert();
  const fresh = await makeCert();
  dp.add('Secret', 'kong', {...tlsSecret('kong-cluster-cert', old), metadata: {name: 'kong-cluster-cert'}});
  const result = await applySecret(dp, dataPlaneSecretCopy(tlsSecret('kong-cluster-cert', fresh), 'kong'));
  assert.equal(result.status, 'replaced');
  assert.equal(
    Buffer.from((await dp.get('Secret', 'kong', 'kong-cluster-cert'))!.data!['tls.crt']!, 'base64').toString(),
    fresh.certPem,
  );
  const clash = await applySecret(dp, {...licenseSecretFromText('kong-cluster-cert', 'kong', 'x')});
  assert.equal(clash.status, 'failed');
  assert.match(clash.fix ?? '', /kubectl delete secret/);
});

test('secret writes refused by RBAC fail without leaking data', async () => {
  const dp = new FakeKubeApi();
  dp.failures.set('create:Secret', 403);
  const result = await applySecret(dp, licenseSecretFromText('kong-enterprise-license', 'kong', 'TOP-SECRET-LICENSE'));
  assert.equal(result.status, 'failed');
  assert.doesNotMatch(JSON.stringify(result), /TOP-SECRET|VE9QLVNFQ1JFVC/);
});

test('dry-run manifests: valid Secret YAML in a 0600 file; the runbook command references the file only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kong-dry-'));
  const path = join(dir, 'kong-dp-secrets.yaml');
  writeFileSync(path, 'old', {mode: 0o644});
  const cert = await makeCert();
  await writeSecretManifests(path, [
    dataPlaneSecretCopy(tlsSecret('kong-cluster-cert', cert), 'kong'),
    licenseSecretFromText('kong-enterprise-license', 'kong', 'LICENSE-TEXT'),
  ]);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const docs = yaml.loadAll(readFileSync(path, 'utf8')) as Array<{
    kind: string;
    metadata: {name: string};
    data: Record<string, string>;
  }>;
  assert.deepEqual(
    docs.map(d => [d.kind, d.metadata.name]),
    [
      ['Secret', 'kong-cluster-cert'],
      ['Secret', 'kong-enterprise-license'],
    ],
  );
  assert.equal(Buffer.from(docs[1]!.data.license!, 'base64').toString(), 'LICENSE-TEXT');
  const spec = applySecretManifestsCommand({
    release: 'kong-dp',
    namespace: 'kong',
    kubeconfig: '/s/seed/seed-eks-a-cluster.kubeconfig',
    env: {PATH: '/usr/bin'},
  });
  assert.deepEqual(
    [spec.command, ...spec.args],
    ['kubectl', '--kubeconfig', '/s/seed/seed-eks-a-cluster.kubeconfig', 'apply', '-f', 'kong-dp-secrets.yaml'],
  );
  const withContext = applySecretManifestsCommand({
    release: 'kong-dp',
    namespace: 'kong',
    kubeconfig: '/k',
    context: 'seed-admin@seed',
    env: {},
  });
  assert.deepEqual(withContext.args.slice(0, 4), ['--kubeconfig', '/k', '--context', 'seed-admin@seed']);
  assert.doesNotMatch(JSON.stringify(spec), /LICENSE-TEXT|BEGIN/);
});

test('helm commands: repo add, repo update, upgrade --install with values and chart version; sanitised env', async () => {
  const specs = helmCommands({
    release: 'kong-dp',
    namespace: 'kong',
    kubeconfig: '/home/a/.eksa-kong/sessions/lab1/seed/seed-eks-a-cluster.kubeconfig',
    env: {
      PATH: '/usr/bin',
      HOME: '/home/a',
      AWS_SECRET_ACCESS_KEY: 'nope',
      KONG_ADMIN_TOKEN: 'nope',
      HTTPS_PROXY: 'http://proxy:3128',
    },
  });
  assert.deepEqual(
    specs.map(s => [s.command, ...s.args].join(' ')),
    [
      'helm repo add kong https://charts.konghq.com --force-update',
      'helm repo update kong',
      // The cluster is in the arguments, not only in KUBECONFIG: the runbook reruns it against the same cluster.
      'helm upgrade --install --kubeconfig /home/a/.eksa-kong/sessions/lab1/seed/seed-eks-a-cluster.kubeconfig -n kong -f kong-dp-values.yaml --version 3.4.1 -- kong-dp kong/kong',
    ],
  );
  for (const spec of specs) {
    assert.deepEqual(Object.keys(spec.env ?? {}).sort(), ['HOME', 'HTTPS_PROXY', 'KUBECONFIG', 'PATH']);
    assert.equal(spec.env?.KUBECONFIG, '/home/a/.eksa-kong/sessions/lab1/seed/seed-eks-a-cluster.kubeconfig');
    assert.equal(spec.step, 'data-plane');
  }
  const runner = new FakeCommandRunner([0, 1, 0]);
  const run = await runHelm(runner, specs);
  assert.equal(run.ok, false);
  assert.equal(runner.specs.length, 2, 'stops after the failing command');
});

function pod(name: string, ready: boolean, waiting?: string, restarts = 0): KubePod {
  return {
    metadata: {name, labels: {'app.kubernetes.io/instance': 'kong-dp', 'app.kubernetes.io/component': 'app'}},
    spec: {nodeName: 'eksa-wk01'},
    status: {
      phase: ready ? 'Running' : 'Pending',
      hostIP: '10.20.0.12',
      conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}],
      containerStatuses: [
        {name: 'proxy', ready, restartCount: restarts, state: waiting ? {waiting: {reason: waiting}} : {running: {}}},
      ],
    },
  };
}

test('pod watch: Ready pods end the watch', async () => {
  const kube = new FakeKubeApi();
  kube.add('Pod', 'kong', pod('kong-dp-kong-1', true));
  kube.add('Pod', 'kong', pod('kong-dp-kong-2', true));
  kube.add('Pod', 'kong', {
    ...pod('other', false),
    metadata: {name: 'other', labels: {'app.kubernetes.io/instance': 'else'}},
  });
  const result = await watchDpPods(kube, {namespace: 'kong', release: 'kong-dp', clock: fakeClock(), replicas: 2});
  assert.equal(result.status, 'ready');
  assert.deepEqual(
    result.pods.map(p => p.name),
    ['kong-dp-kong-1', 'kong-dp-kong-2'],
  );
  assert.equal(result.pods[0]?.hostIP, '10.20.0.12');
});

test('pod watch: a permanent log failure stops the watch with the diagnosis', async () => {
  const kube = new FakeKubeApi();
  kube.add('Pod', 'kong', pod('kong-dp-kong-1', false));
  kube.logs.set(
    'kong/kong-dp-kong-1',
    '2026/06/01 10:00:00 [warn] 1#0: *3 [lua] data_plane.lua:150: communicate(): [clustering] connection to control plane wss://cp.example.com:8005/v1/outlet?node_id=x broken: ssl handshake failed: 18: self-signed certificate (retrying after 7 seconds) [cp.example.com:8005]\n',
  );
  const updates: number[] = [];
  const result = await watchDpPods(kube, {
    namespace: 'kong',
    release: 'kong-dp',
    clock: fakeClock(),
    onUpdate: pods => updates.push(pods.length),
  });
  assert.equal(result.status, 'failing');
  assert.equal(result.diagnoses[0]?.id, 'self-signed');
  assert.match(result.fix ?? '', /byte-identical/);
  assert.deepEqual(updates, [1]);
});

test('pod watch: a missing secret (CreateContainerConfigError) fails; a transient DNS error waits until the timeout', async () => {
  const kube = new FakeKubeApi();
  kube.add('Pod', 'kong', pod('kong-dp-kong-1', false, 'CreateContainerConfigError'));
  const stuck = await watchDpPods(kube, {namespace: 'kong', release: 'kong-dp', clock: fakeClock()});
  assert.equal(stuck.status, 'failing');
  assert.match(stuck.fix ?? '', /secret/);

  const slow = new FakeKubeApi();
  slow.add('Pod', 'kong', pod('kong-dp-kong-1', false));
  slow.logs.set(
    'kong/kong-dp-kong-1',
    '[clustering] connection to control plane wss://x:8005/v1/outlet broken: failed to connect: [cosocket] DNS resolution failed: dns server error: 3 name error. (retrying after 5 seconds)',
  );
  const clock = fakeClock();
  const timedOut = await watchDpPods(slow, {
    namespace: 'kong',
    release: 'kong-dp',
    clock,
    timeoutMs: 30_000,
    intervalMs: 5000,
  });
  assert.equal(timedOut.status, 'timeout');
  assert.equal(timedOut.diagnoses[0]?.id, 'dns');
  assert.equal(clock.slept.length, 6);
});

test('pod watch stops when cancelled', async () => {
  const kube = new FakeKubeApi();
  kube.add('Pod', 'kong', pod('kong-dp-kong-1', false));
  const controller = new AbortController();
  const clock = fakeClock();
  const result = await watchDpPods(kube, {
    namespace: 'kong',
    release: 'kong-dp',
    clock,
    signal: controller.signal,
    onUpdate: () => controller.abort(),
  });
  assert.equal(result.status, 'cancelled');
});

test('the failure table: each documented log line maps to its diagnosis', () => {
  const cases: Array<[string, string]> = [
    [
      '[clustering] connection to control plane wss://a:8005/v1/outlet broken: failed to connect: [cosocket] DNS resolution failed: dns server error: 3 name error. Tried: ["(short)a:(na) - cache-miss"] (retrying after 9 seconds) [a:8005]',
      'dns',
    ],
    ['broken: failed to connect: a could not be resolved (3: Host not found)', 'dns'],
    [
      '[clustering] connection to control plane wss://a:8005/v1/outlet broken: failed to connect: connection refused (retrying after 5 seconds)',
      'refused',
    ],
    [
      '[clustering] connection to control plane wss://a:8005/v1/outlet broken: failed to connect: timeout (retrying after 6 seconds)',
      'timeout',
    ],
    ['broken: ssl handshake failed: 18: self-signed certificate (retrying after 7 seconds)', 'self-signed'],
    ['broken: ssl handshake failed: certificate host mismatch (retrying after 8 seconds)', 'host-mismatch'],
    [
      '[clustering] data plane presented incorrect client certificate during handshake (digest does not match the control plane certificate)',
      'digest-mismatch',
    ],
    [
      '[clustering] unable to connect data plane: data plane version 3.10.0.0 is incompatible with older control plane version 3.9.0.1',
      'version',
    ],
    ['[clustering] configured acme plugin 3.9.0 is missing from data plane', 'plugin-missing'],
    ['Error: cluster certificate and key must be provided to use Hybrid mode', 'cert-missing'],
    ['Error: cluster_cert: failed loading certificate from /etc/secrets/kong-cluster-cert/tls.crt', 'cert-missing'],
    ['Error: only in-memory storage can be used when role = "data_plane"', 'database'],
    ['Error: cluster_telemetry_listen must be specified when role = "control_plane"', 'telemetry-listen'],
    ['no configuration available (empty configuration present)', 'empty-config'],
  ];
  for (const [line, id] of cases) {
    const diagnosis = matchDpLogLine(line);
    assert.equal(diagnosis?.id, id, line);
    assert.ok(diagnosis.title && diagnosis.explanation && diagnosis.fix);
  }
  assert.equal(matchDpLogLine('2026/06/01 [notice] 1#0: signal process started'), null);
  const many = diagnoseDpLog(cases.map(c => c[0]).join('\n') + '\n' + cases[0]![0]);
  assert.equal(many.length, new Set(cases.map(c => c[1])).size);
});
