// The fake Kubernetes API against real clients: the kubectl binary and @kubernetes/client-node.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, writeFileSync, statSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startFakeKubeApi, type FakeKubeApi} from '../../source/demo/fake-kube-api.js';
import {writeKubeconfig} from '../../source/demo/kubeconfig.js';

let api: FakeKubeApi;
let dir: string;
let kubeconfig: string;

function kubectl(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise(resolve => {
    execFile(
      'kubectl',
      args,
      {
        env: {PATH: process.env['PATH'] ?? '', HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache')},
        timeout: 30_000,
      },
      (err, stdout, stderr) => resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fake-kube-'));
  api = await startFakeKubeApi({
    seed: [
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {name: 'eksa-cp01', labels: {'node-role.kubernetes.io/control-plane': ''}},
        status: {conditions: [{type: 'Ready', status: 'True'}], nodeInfo: {kubeletVersion: 'v1.33.5-eks-1-33-5'}},
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'x-1', namespace: 'default', labels: {app: 'x'}},
        spec: {containers: [{name: 'c', image: 'busybox'}]},
        status: {phase: 'Running'},
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'y-1', namespace: 'default', labels: {app: 'y'}},
        spec: {containers: [{name: 'c', image: 'busybox'}]},
      },
    ],
  });
  api.store.appendLog('default', 'x-1', 'first line\nsecond line');
  kubeconfig = writeKubeconfig(join(dir, 'kubeconfig'), {
    server: api.url,
    context: 'fake',
    user: 'fake-user',
    token: 't0k3n',
  });
});
after(async () => {
  await api.close();
  rmSync(dir, {recursive: true, force: true});
});

test('writeKubeconfig writes a 0600 file', () => {
  assert.equal(statSync(kubeconfig).mode & 0o777, 0o600);
});

test('fake Kubernetes API: kubectl get nodes shows server-side table columns', {timeout: 30_000}, async () => {
  const r = await kubectl('get', 'nodes');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
  assert.match(r.stdout, /eksa-cp01\s+Ready\s+control-plane\s+\S+\s+v1\.33\.5-eks-1-33-5/);
});

test(
  'fake Kubernetes API: kubectl apply -f namespace+secret, get -o json, re-apply, delete',
  {timeout: 60_000},
  async () => {
    const manifest = join(dir, 'm.yaml');
    const write = (v: string) =>
      writeFileSync(
        manifest,
        `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kong\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: kong-cluster-cert\n  namespace: kong\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: ${v}\n  tls.key: k\n`,
      );
    write('one');
    let r = await kubectl('apply', '-f', manifest);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/kong created/);
    assert.match(r.stdout, /secret\/kong-cluster-cert created/);
    write('two');
    r = await kubectl('apply', '-f', manifest);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/kong unchanged/);
    assert.match(r.stdout, /secret\/kong-cluster-cert configured/);
    r = await kubectl('get', 'secrets', '-n', 'kong', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as {
      items: Array<{metadata: {name: string}; type: string; data: Record<string, string>}>;
    };
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0]!.type, 'kubernetes.io/tls');
    assert.equal(Buffer.from(list.items[0]!.data['tls.crt']!, 'base64').toString(), 'two');
    r = await kubectl('delete', 'secret', 'kong-cluster-cert', '-n', 'kong');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /secret "kong-cluster-cert" deleted/);
    r = await kubectl('get', 'secret', 'kong-cluster-cert', '-n', 'kong');
    assert.equal(r.code, 1, r.stderr); // kubectl exits 1 on an error from the server
    assert.match(r.stderr, /NotFound.*secrets "kong-cluster-cert" not found/);
  },
);

test('fake Kubernetes API: kubectl get pods -l, logs, describe, CRD short names', {timeout: 60_000}, async () => {
  let r = await kubectl('get', 'pods', '-l', 'app=x', '-o', 'name');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'pod/x-1');
  r = await kubectl('get', 'pods', '-l', 'app in (x,y),app!=y');
  assert.match(r.stdout, /x-1\s+0\/1\s+Running/);
  assert.doesNotMatch(r.stdout, /y-1/);
  r = await kubectl('logs', 'x-1');
  assert.equal(r.stdout, 'first line\nsecond line\n');
  r = await kubectl('logs', 'x-1', '--tail=1');
  assert.equal(r.stdout, 'second line\n');
  r = await kubectl('describe', 'pod', 'x-1');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Labels:\s+app=x/);
  api.store.put({
    apiVersion: 'tinkerbell.org/v1alpha1',
    kind: 'Workflow',
    metadata: {name: 'wf1', namespace: 'eksa-system'},
    spec: {templateRef: 'wf1'},
    status: {state: 'RUNNING'},
  });
  r = await kubectl('get', 'workflows.tinkerbell.org', '-A');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /eksa-system\s+wf1\s+wf1\s+RUNNING/);
  r = await kubectl('get', 'machines.bmc', '-A');
  assert.equal(r.code, 0, r.stderr);
});

test(
  'fake Kubernetes API: @kubernetes/client-node read/list/create/replace/patch/delete',
  {timeout: 30_000},
  async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await core.createNamespace({body: {metadata: {name: 'cn'}}});
    const created = await core.createNamespacedSecret({
      namespace: 'cn',
      body: {metadata: {name: 's'}, type: 'Opaque', data: {a: Buffer.from('1').toString('base64')}},
    });
    assert.ok(created.metadata?.resourceVersion);
    await assert.rejects(
      core.createNamespacedSecret({namespace: 'cn', body: {metadata: {name: 's'}}}),
      (e: {code?: number}) => e.code === 409,
    );
    const read = await core.readNamespacedSecret({name: 's', namespace: 'cn'});
    read.data = {a: Buffer.from('2').toString('base64')};
    const replaced = await core.replaceNamespacedSecret({name: 's', namespace: 'cn', body: read});
    assert.equal(Buffer.from(replaced.data!['a']!, 'base64').toString(), '2');
    // A stale resourceVersion is a 409 Conflict, as on a real server.
    await assert.rejects(
      core.replaceNamespacedSecret({name: 's', namespace: 'cn', body: read}),
      (e: {code?: number}) => e.code === 409,
    );
    const patched = await core.patchNamespacedSecret({
      name: 's',
      namespace: 'cn',
      body: [{op: 'add', path: '/metadata/labels', value: {k: 'v'}}],
    });
    assert.equal(patched.metadata?.labels?.['k'], 'v');
    const secrets = await core.listNamespacedSecret({namespace: 'cn', labelSelector: 'k=v'});
    assert.equal(secrets.items.length, 1);
    await core.createNamespacedService({
      namespace: 'cn',
      body: {
        metadata: {name: 'svc', labels: {'app.kubernetes.io/instance': 'r'}},
        spec: {type: 'LoadBalancer', ports: [{name: 'kong-cluster-tls', port: 8005}]},
      },
    });
    const services = await core.listNamespacedService({namespace: 'cn', labelSelector: 'app.kubernetes.io/instance=r'});
    assert.equal(services.items[0]?.spec?.ports?.[0]?.name, 'kong-cluster-tls');
    assert.ok(services.items[0]?.spec?.ports?.[0]?.nodePort);
    await apps.createNamespacedDeployment({
      namespace: 'cn',
      body: {
        metadata: {name: 'd'},
        spec: {
          selector: {matchLabels: {a: 'b'}},
          template: {metadata: {labels: {a: 'b'}}, spec: {containers: [{name: 'proxy', image: 'kong'}]}},
        },
      },
    });
    const deps = await apps.listNamespacedDeployment({namespace: 'cn'});
    assert.equal(deps.items[0]?.spec?.template.spec?.containers[0]?.name, 'proxy');
    await core.deleteNamespacedSecret({name: 's', namespace: 'cn'});
    await assert.rejects(
      core.readNamespacedSecret({name: 's', namespace: 'cn'}),
      (e: {code?: number; body?: string}) => e.code === 404 && /NotFound/.test(String(e.body)),
    );
    await assert.rejects(
      core.createNamespacedSecret({namespace: 'missing', body: {metadata: {name: 's'}}}),
      (e: {code?: number}) => e.code === 404,
    );
    const log = await core.readNamespacedPodLog({name: 'x-1', namespace: 'default'});
    assert.match(log, /second line/);
  },
);

test('fake Kubernetes API: watch streams changes after a resourceVersion', {timeout: 10_000}, async () => {
  const list = (await (await fetch(`${api.url}/api/v1/namespaces/default/configmaps`)).json()) as {
    metadata: {resourceVersion: string};
  };
  const ctrl = new AbortController();
  const res = await fetch(
    `${api.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`,
    {signal: ctrl.signal},
  );
  api.store.put({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'w', namespace: 'default'}, data: {a: '1'}});
  const reader = res.body!.getReader();
  const {value} = await reader.read();
  const ev = JSON.parse(Buffer.from(value!).toString().split('\n')[0]!) as {
    type: string;
    object: {metadata: {name: string}};
  };
  assert.equal(ev.type, 'ADDED');
  assert.equal(ev.object.metadata.name, 'w');
  ctrl.abort();
});
