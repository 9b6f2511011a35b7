// The demo world end to end with its fake clusters: stand-in eksctl/helm/docker run as real child
// processes from the stand-in folder on PATH, and the scenarios move the fake clusters' objects.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {renderClusterSpec} from '../../source/cluster/spec.js';
import {pinnedClock} from '../helpers/clock.js';
import {createDemoNet} from '../../source/demo/net.js';
import {createServer} from 'node:net';

let world: DemoWorld;
let dir: string;
let transcripts: string;
// Kubernetes 1.35 below is in standard support on this date (the wizard and the stand-in read the clock).
const clock = pinnedClock();

function run(
  cmd: string,
  args: string[],
  extra: Record<string, string> = {},
): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise(resolve => {
    execFile(cmd, args, {cwd: dir, env: {...world.env, HOME: dir, ...extra}, timeout: 60_000}, (err, stdout, stderr) =>
      resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

const wait = async (what: string, ok: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-world-'));
  transcripts = join(dir, 'transcripts');
  // A short create-cluster transcript in the 2-column format, plus the repository's own helm/docker ones.
  const repo = new URL('../../templates/transcripts/', import.meta.url);
  const {mkdirSync, cpSync} = await import('node:fs');
  mkdirSync(transcripts);
  cpSync(repo, transcripts, {recursive: true});
  writeFileSync(
    join(transcripts, 'eksctl-create-cluster.txt'),
    [
      '0.0\tPerforming setup and validations',
      '1\t✅ Tinkerbell Provider setup is valid',
      '2\tCreating new bootstrap cluster',
      '4\tProvider specific pre-capi-install-setup on bootstrap cluster',
      '6\tProvider specific post-setup',
      '8\tCreating new management cluster',
      '1400\tCreating EKS-A namespace',
      '1402\tMoving the cluster management components from the bootstrap cluster to the management cluster',
      '1404\tMoving cluster spec to workload cluster',
      '1405\tWriting cluster config file',
      '1406\tDeleting bootstrap cluster',
      '1410\t🎉 Cluster created!',
      '',
    ].join('\n'),
  );
  world = await startDemoWorld({sessionDir: dir, speed: 200, transcriptsDir: transcripts, clock});
});
after(async () => {
  await world.close();
  rmSync(dir, {recursive: true, force: true});
});

test('demo stand-in (fake eksctl/helm/docker): unknown arguments exit 2', {timeout: 20_000}, async () => {
  for (const [cmd, args] of [
    ['eksctl', ['frobnicate']],
    ['helm', ['plugin', 'list']],
    ['docker', ['run', 'x']],
  ] as const) {
    const r = await run(cmd, [...args]);
    assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, /^demo stand-in: unsupported arguments/);
  }
});

test('demo stand-in (fake): version commands replay their transcripts', {timeout: 20_000}, async () => {
  assert.match((await run('eksctl', ['anywhere', 'version'])).stdout, /^Version: v0\.\d+\.\d+\nRelease Manifest URL: /);
  assert.match((await run('helm', ['version', '--short'])).stdout, /^v3\.\d+\.\d+/);
  const d = await run('docker', ['version', '--format', '{{.Server.Version}}']);
  assert.equal(d.code, 0);
  assert.match(d.stdout, /^\d+\.\d+\.\d+\n$/);
});

test(
  'fake world: eksctl anywhere create cluster replays at high speed, writes kubeconfigs, provisions nodes',
  {timeout: 60_000},
  async () => {
    // A spec as the wizard writes it: the stand-in refuses what eksctl refuses (see demo-cluster.test.ts).
    const spec = renderClusterSpec(
      {
        network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
        machines: [
          {hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
          {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
        ],
        cluster: {
          name: 'seed',
          kubernetesVersion: '1.35',
          endpoint: '10.20.0.50',
          tinkerbellIp: '10.20.0.51',
          osImageUrl: 'http://10.20.0.10/ubuntu-kube-1-35.gz',
        },
      },
      {now: clock.now()},
    );
    assert.deepEqual(spec.errors, []);
    writeFileSync(join(dir, 'cluster.yaml'), spec.yaml);
    writeFileSync(
      join(dir, 'hardware.csv'),
      'hostname,mac,ip_address,netmask,gateway,nameservers,labels,disk,bmc_ip,bmc_username,bmc_password\n' +
        'eksa-cp01,aa:bb:cc:00:00:01,10.20.0.11,255.255.255.0,10.20.0.1,10.20.0.2,type=cp,/dev/sda,10.20.1.11,admin,"p,w"\n' +
        'eksa-wk01,aa:bb:cc:00:00:02,10.20.0.12,255.255.255.0,10.20.0.1,10.20.0.2,type=worker,/dev/sda,10.20.1.12,admin,pw\n',
    );
    const lines: string[] = [];
    const off = world.onEvent(e => void (e.type === 'eksctl-line' && lines.push(e.text)));
    const started = Date.now();
    const r = await run('eksctl', [
      'anywhere',
      'create',
      'cluster',
      '-f',
      'cluster.yaml',
      '--hardware-csv',
      'hardware.csv',
      '--tinkerbell-bootstrap-ip',
      '10.20.0.10',
    ]);
    off();
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - started < 20_000, 'speed 200 shrinks ~1400 s to ~7 s');
    assert.match(r.stdout, /Creating new management cluster\n[\s\S]*🎉 Cluster created!\n$/);
    assert.ok(lines.includes('Provider specific post-setup'));
    const kubeconfig = join(dir, 'seed', 'seed-eks-a-cluster.kubeconfig');
    assert.equal(statSync(kubeconfig).mode & 0o777, 0o600);
    assert.ok(readFileSync(kubeconfig, 'utf8').includes(`server: ${world.endpoints.workload}`));
    assert.ok(existsSync(join(dir, 'seed', 'seed-eks-a-cluster.yaml')));
    assert.ok(!existsSync(join(dir, 'seed', 'generated')), 'generated/ is removed on success');
    // The nodes registered Ready on the new cluster, and kubectl sees them through eksctl's kubeconfig.
    const nodes = world.apis.workload.store.list({apiVersion: 'v1', kind: 'Node'});
    assert.deepEqual(nodes.map(n => n.metadata.name).sort(), ['eksa-cp01', 'eksa-wk01']);
    const k = await run('kubectl', ['get', 'nodes', '--kubeconfig', kubeconfig], {KUBECACHEDIR: join(dir, 'cache')});
    assert.equal(k.code, 0, k.stderr);
    assert.match(k.stdout, /eksa-cp01\s+Ready\s+control-plane/);
    const wf = world.apis.workload.store.list({
      apiVersion: 'tinkerbell.org/v1alpha1',
      kind: 'Workflow',
      namespace: 'eksa-system',
    });
    assert.ok(wf.length === 2 && wf.every(w => (w['status'] as {state: string}).state === 'SUCCESS'));
    // A second create with the same name is refused, as eksctl does.
    const again = await run('eksctl', [
      'anywhere',
      'create',
      'cluster',
      '-f',
      'cluster.yaml',
      '--hardware-csv',
      'hardware.csv',
    ]);
    assert.equal(again.code, 255);
    assert.match(again.stderr, /old cluster config file exists under seed/);
  },
);

test('fake world: helm upgrade --install makes DP pods appear and become Ready', {timeout: 60_000}, async () => {
  const kubeconfig = world.kubeconfigs.workload;
  assert.equal(
    (await run('helm', ['repo', 'add', 'kong', 'https://charts.konghq.com'])).stdout,
    '"kong" has been added to your repositories\n',
  );
  assert.match(
    (await run('helm', ['repo', 'update'])).stdout,
    /Successfully got an update from the "kong" chart repository/,
  );
  writeFileSync(
    join(dir, 'values.yaml'),
    'env:\n  role: data_plane\n  database: "off"\n  cluster_control_plane: cp.example.com:8005\nsecretVolumes:\n  - kong-cluster-cert\nproxy:\n  type: NodePort\n  http: {enabled: true, nodePort: 32080}\n  tls: {enabled: true, nodePort: 32443}\n',
  );
  const noNs = await run('helm', [
    'upgrade',
    '--install',
    'kong-dp',
    'kong/kong',
    '-n',
    'kong',
    '-f',
    'values.yaml',
    '--kubeconfig',
    kubeconfig,
  ]);
  assert.equal(noNs.code, 1);
  assert.match(noNs.stderr, /namespaces "kong" not found/);
  const r = await run('helm', [
    'upgrade',
    '--install',
    'kong-dp',
    'kong/kong',
    '-n',
    'kong',
    '--create-namespace',
    '-f',
    'values.yaml',
    '--kubeconfig',
    kubeconfig,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^Release "kong-dp" does not exist\. Installing it now\.\nNAME: kong-dp\nLAST DEPLOYED: .+\nNAMESPACE: kong\nSTATUS: deployed\nREVISION: 1\n/,
  );
  const store = world.apis.workload.store;
  const pods = () =>
    store.list({apiVersion: 'v1', kind: 'Pod', namespace: 'kong', labelSelector: 'app.kubernetes.io/instance=kong-dp'});
  assert.equal(pods().length, 1);
  // The cluster cert is missing: the pod waits like the kubelet would, then starts once it exists.
  await wait('FailedMount event', () =>
    store.list({apiVersion: 'v1', kind: 'Event', namespace: 'kong'}).some(e => e['reason'] === 'FailedMount'),
  );
  store.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name: 'kong-cluster-cert', namespace: 'kong'},
    type: 'kubernetes.io/tls',
    stringData: {'tls.crt': 'c', 'tls.key': 'k'},
  });
  await wait('DP pod Ready', () => pods().some(p => (p['status'] as {phase?: string}).phase === 'Running'));
  const dep = store.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kong', name: 'kong-dp-kong'})!;
  const env = (dep['spec'] as {template: {spec: {containers: Array<{env: Array<{name: string; value?: string}>}>}}})
    .template.spec.containers[0]!.env;
  assert.ok(env.some(e => e.name === 'KONG_CLUSTER_CONTROL_PLANE' && e.value === 'cp.example.com:8005'));
  const svc = store.get({apiVersion: 'v1', kind: 'Service', namespace: 'kong', name: 'kong-dp-kong-proxy'})!;
  assert.deepEqual(
    (svc['spec'] as {ports: Array<{nodePort: number}>}).ports.map(p => p.nodePort),
    [32080, 32443],
  );
  const k = await run(
    'kubectl',
    ['logs', '-n', 'kong', '-l', 'app.kubernetes.io/instance=kong-dp', '--kubeconfig', kubeconfig],
    {KUBECACHEDIR: join(dir, 'cache')},
  );
  assert.match(k.stdout, /connecting to control plane at cp\.example\.com:8005/);
  const again = await run('helm', [
    'upgrade',
    '--install',
    'kong-dp',
    'kong/kong',
    '-n',
    'kong',
    '-f',
    'values.yaml',
    '--kubeconfig',
    kubeconfig,
    '--wait',
    '--timeout',
    '30s',
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /has been upgraded\. Happy Helming!/);
  assert.match(again.stdout, /REVISION: 2/);
});

test('fake world: control plane cluster has LB services, cert and license secrets', {timeout: 30_000}, async () => {
  const cert = await world.controlPlane.ready;
  const {X509Certificate, createPrivateKey} = await import('node:crypto');
  const x = new X509Certificate(cert.certPem);
  assert.equal(x.subject, 'CN=kong_clustering');
  assert.ok(x.checkPrivateKey(createPrivateKey(cert.keyPem)));
  assert.equal((x.publicKey.asymmetricKeyDetails as {namedCurve?: string}).namedCurve, 'secp384r1');
  const store = world.apis.controlPlane.store;
  await wait('LB hostnames', () =>
    store
      .list({apiVersion: 'v1', kind: 'Service', namespace: 'kong'})
      .every(s => ((s['status'] as {loadBalancer?: {ingress?: unknown[]}}).loadBalancer?.ingress ?? []).length > 0),
  );
  const svc = store.list({
    apiVersion: 'v1',
    kind: 'Service',
    namespace: 'kong',
    labelSelector: 'app.kubernetes.io/instance=kong-cp',
  });
  const ports = svc.flatMap(s =>
    (s['spec'] as {ports: Array<{name: string; port: number}>}).ports.map(p => `${p.name}:${p.port}`),
  );
  for (const p of [
    'kong-cluster-tls:8005',
    'kong-clustertelemetry-tls:8006',
    'kong-admin:8001',
    'kong-admin-tls:8444',
    'kong-proxy:80',
    'kong-proxy-tls:443',
  ])
    assert.ok(ports.includes(p), p);
  assert.ok(store.get({apiVersion: 'v1', kind: 'Secret', namespace: 'kong', name: 'kong-enterprise-license'}));
  const k = await run('kubectl', ['get', 'svc', '-n', 'kong', '--kubeconfig', world.kubeconfigs.controlPlane], {
    KUBECACHEDIR: join(dir, 'cache'),
  });
  assert.match(
    k.stdout,
    /kong-cp-kong-cluster\s+LoadBalancer\s+\S+\s+k8s-kong-\S+\.elb\.us-east-1\.amazonaws\.com\s+8005:\d+\/TCP/,
  );
});

test(
  'fake world: docker ps shows no leftovers after a successful create; rm of a missing container fails',
  {timeout: 20_000},
  async () => {
    const ps = await run('docker', ['ps', '-a', '--format', 'json']);
    assert.equal(ps.code, 0);
    assert.equal(ps.stdout, '');
    const rm = await run('docker', ['rm', '-f', 'smee']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /No such container: smee/);
  },
);

test(
  'fake world: the stand-in eksctl refuses an endpoint that answers on the simulated network, in eksctl’s words',
  {timeout: 60_000},
  async () => {
    const spec = renderClusterSpec(
      {
        network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
        machines: [
          {hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
          {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
        ],
        cluster: {
          name: 'busy',
          kubernetesVersion: '1.35',
          endpoint: '10.20.0.60',
          tinkerbellIp: '10.20.0.61',
          osImageUrl: 'http://10.20.0.10/ubuntu-kube-1-35.gz',
        },
      },
      {now: clock.now()},
    );
    writeFileSync(join(dir, 'busy.yaml'), spec.yaml);
    writeFileSync(
      join(dir, 'busy.csv'),
      'hostname,mac,ip_address,netmask,gateway,nameservers,labels,disk\n' +
        'eksa-cp01,aa:bb:cc:00:00:01,10.20.0.11,255.255.255.0,10.20.0.1,10.20.0.2,type=cp,/dev/sda\n' +
        'eksa-wk01,aa:bb:cc:00:00:02,10.20.0.12,255.255.255.0,10.20.0.1,10.20.0.2,type=worker,/dev/sda\n',
    );
    // Something listens where the simulated network puts 10.20.0.60:80.
    const server = createServer(socket => socket.destroy());
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as {port: number}).port;
    const create = (...extra: string[]) =>
      run('eksctl', ['anywhere', 'create', 'cluster', '-f', 'busy.yaml', '--hardware-csv', 'busy.csv', ...extra]);
    try {
      world.setNet(createDemoNet([{host: '10.20.0.60', port: 80, to: {host: '127.0.0.1', port}}], {}));
      const r = await create();
      assert.equal(r.code, 255);
      assert.equal(r.stderr, 'Error: validations failed: control plane endpoint ip in use: 10.20.0.60\n');
      assert.match(r.stdout, /❌ Validation failed\t\{"validation":"tinkerbell Provider setup is valid"/);
      assert.ok(!existsSync(join(dir, 'busy', 'generated')), 'nothing was started');
      // A port nobody listens on: the host still answers (RST), which eksctl also counts as in use.
      const closed = createServer();
      await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as {port: number}).port;
      await new Promise(resolve => closed.close(resolve));
      world.setNet(createDemoNet([{host: '10.20.0.61', port: 80, to: {host: '127.0.0.1', port: closedPort}}], {}));
      assert.equal(
        (await create()).stderr,
        'Error: validations failed: tinkerbellIP <10.20.0.61> is already in use, please provide a unique IP\n',
      );
    } finally {
      world.setNet(createDemoNet([], {}));
      await new Promise(resolve => server.close(resolve));
    }
  },
);
