// The demo world's kube-vip (a FAKE of kube-vip in ARP services mode and of kube-vip-cloud-provider) with
// the wizard's own installKubeVip, through the real kubectl against the fake Kubernetes API: the manifests
// apply, the DaemonSet and the cloud provider turn Ready, a LoadBalancer Service gets an address from the
// `kubevip` ConfigMap's range; the fake refuses what the real provider refuses, leaving the Service pending
// with the provider's error.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {
  foreignKubeVip,
  installKubeVip,
  kubeProxyStrictArpProblem,
  loadBalancerPendingReason,
  waitForLoadBalancerIp,
} from '../../source/kong/lb-install.js';
import {KUBE_VIP_MANIFEST_FILE, lbPlanFromAnswers} from '../../source/kong/lb-config.js';
import {createKubeApi} from '../../source/kong/kube-client.js';
import {ExecaRunner} from '../../source/run/execa-runner.js';
import {DryRunRunner} from '../../source/run/dry-run-runner.js';
import {systemClock} from '../../source/ports.js';
import type {KubeObject} from '../../source/demo/fake-kube-api.js';
import {until} from '../helpers/wait.js';

let world: DemoWorld;
let dir: string;
let session: string;

function kubectl(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise(resolve => {
    execFile(
      'kubectl',
      [...args, '--kubeconfig', world.kubeconfigs.workload],
      {cwd: session, env: {...world.env, HOME: dir}, timeout: 30_000},
      (err, stdout, stderr) => resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

const answers = (addresses: string) => ({
  admin: {bootstrapIp: '10.20.0.10'},
  network: {netmask: '255.255.255.0'},
  cluster: {name: 'seed'},
  dataPlane: {loadBalancer: {provider: 'kube-vip' as const, addresses}},
});

const lbService = (name: string, namespace = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {name, namespace},
  spec: {type: 'LoadBalancer', ports: [{port: 80}]},
});

const warnings = (name: string) =>
  world.apis.workload.store
    .list({apiVersion: 'v1', kind: 'Event', namespace: 'default'})
    .filter(e => (e['involvedObject'] as {name?: string}).name === name)
    .map(e => `${String(e['reason'])}: ${String(e['message'])}`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-kube-vip-'));
  session = join(dir, 'session');
  mkdirSync(session, {recursive: true});
  world = await startDemoWorld({sessionDir: dir, speed: 50});
  // The cluster's nodes, where the DaemonSet runs (the world adds them when the demo creates the cluster).
  for (const [i, ip] of ['10.20.0.11', '10.20.0.12'].entries())
    world.apis.workload.store.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {name: `eksa-node-${i}`},
      status: {addresses: [{type: 'InternalIP', address: ip}], conditions: [{type: 'Ready', status: 'True'}]},
    });
});
after(async () => {
  await world.close();
  rmSync(dir, {recursive: true, force: true});
});

test(
  'installKubeVip through kubectl: dry run records the apply; then the DaemonSet and cloud provider turn Ready and Services get range addresses',
  {timeout: 60_000},
  async () => {
    const plan = lbPlanFromAnswers(answers('10.20.0.200 - 10.20.0.201'))!;
    const kube = createKubeApi(world.kubeconfigs.workload);
    const target = {kubeconfig: world.kubeconfigs.workload};
    const env = {...world.env, HOME: dir};
    const store = world.apis.workload.store;

    const recorded: string[] = [];
    const dry = await installKubeVip(plan, target, {
      runner: new DryRunRunner({onRecord: r => recorded.push([r.command, ...r.args].join(' '))}),
      clock: systemClock,
      env,
      sessionDir: session,
      kube,
      dryRun: true,
    });
    assert.ok(dry.ok);
    assert.deepEqual(recorded, [
      `kubectl --kubeconfig ${world.kubeconfigs.workload} apply -f ${KUBE_VIP_MANIFEST_FILE}`,
    ]);
    assert.equal(
      store.get({apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-vip-ds'}),
      undefined,
      'a dry run creates nothing',
    );

    const result = await installKubeVip(plan, target, {
      runner: new ExecaRunner({sessionDir: session}),
      clock: systemClock,
      env,
      sessionDir: session,
      kube,
      dryRun: false,
      speed: 50,
      timeoutMs: 20_000,
    });
    assert.ok(result.ok, JSON.stringify(result.checks));
    assert.deepEqual(
      result.checks.map(c => `${c.id} ${c.status}`),
      ['lb-manifests ok', 'lb-daemonset ok', 'lb-controller ok'],
    );
    const written = yaml.loadAll(readFileSync(join(session, KUBE_VIP_MANIFEST_FILE), 'utf8')) as KubeObject[];
    assert.equal(written.length, 9);
    // The range as the provider parses it: no spaces around the dash.
    assert.deepEqual(
      store.get({apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kubevip'})?.['data'],
      {
        'range-global': '10.20.0.200-10.20.0.201',
      },
    );

    store.put(lbService('kong-dp-kong-proxy'));
    const first = await waitForLoadBalancerIp(kube, 'default', 'kong-dp-kong-proxy', {
      clock: systemClock,
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    assert.equal(first.ip, '10.20.0.200');
    const svc = store.get({apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'kong-dp-kong-proxy'})!;
    assert.equal(svc.metadata.annotations?.['kube-vip.io/loadbalancerIPs'], '10.20.0.200');
    assert.equal(svc.metadata.labels?.['implementation'], 'kube-vip');

    // The range holds two addresses: the second Service gets the next, a third stays <pending> with the
    // provider's error on its events.
    store.put(lbService('second'));
    const second = await waitForLoadBalancerIp(kube, 'default', 'second', {
      clock: systemClock,
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    assert.equal(second.ip, '10.20.0.201');
    store.put(lbService('third'));
    await until(() => warnings('third').length > 0, 'the provider error on the third Service', {timeoutMs: 10_000});
    assert.deepEqual(warnings('third'), [
      'SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: no addresses available in [default] range [10.20.0.200-10.20.0.201]',
    ]);
    // What the data-plane step reports for a proxy Service left pending.
    assert.equal(
      await loadBalancerPendingReason(kube, 'default', 'third'),
      'SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: no addresses available in [default] range [10.20.0.200-10.20.0.201]',
    );
    assert.equal(await loadBalancerPendingReason(kube, 'default', 'second'), undefined);
    const pending = await kubectl(['get', 'svc', 'third', '-n', 'default']);
    assert.match(pending.stdout, /<pending>/, pending.stdout + pending.stderr);
  },
);

test(
  'fake cloud provider: a range it cannot parse leaves the Service pending with its words',
  {timeout: 30_000},
  async () => {
    const store = world.apis.workload.store;
    store.update({apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kubevip'}, cur =>
      cur ? {...cur, data: {'range-global': '10.20.0.210 - 10.20.0.219'}} : undefined,
    );
    store.put(lbService('spaced'));
    await until(() => warnings('spaced').length > 0, 'the parse error', {timeoutMs: 10_000});
    assert.deepEqual(warnings('spaced'), [
      'SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: ParseAddr("10.20.0.210 "): unable to parse IP',
    ]);
    assert.equal(
      store.get({apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'spaced'})?.metadata.annotations,
      undefined,
    );
  },
);

test('destroy’s kubectl delete -f removes every kube-vip object the install applied', {timeout: 30_000}, async () => {
  const r = await kubectl(['delete', '-f', KUBE_VIP_MANIFEST_FILE, '--ignore-not-found', '--wait']);
  assert.equal(r.code, 0, r.stderr);
  const store = world.apis.workload.store;
  assert.equal(
    store.get({apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-vip-ds'}),
    undefined,
  );
  assert.equal(
    store.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kube-system', name: 'kube-vip-cloud-provider'}),
    undefined,
  );
  assert.equal(
    store.get({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'system:kube-vip-role'}),
    undefined,
  );
  const again = await kubectl(['delete', '-f', KUBE_VIP_MANIFEST_FILE, '--ignore-not-found', '--wait']);
  assert.equal(again.code, 0, 'a second destroy finds nothing and goes on');
});

test('fake kube-vip: without its ServiceAccount the DaemonSet never turns Ready', {timeout: 30_000}, async () => {
  const file = join(session, 'no-sa.yaml');
  const ds = (yaml.loadAll(readFileSync(join(session, KUBE_VIP_MANIFEST_FILE), 'utf8')) as KubeObject[]).find(
    d => d.kind === 'DaemonSet',
  )!;
  writeFileSync(file, yaml.dump(ds));
  assert.equal((await kubectl(['apply', '-f', file])).code, 0);
  const store = world.apis.workload.store;
  await until(
    () =>
      store
        .list({apiVersion: 'v1', kind: 'Event', namespace: 'kube-system'})
        .some(e => /serviceaccount "kube-vip" not found/.test(String(e['message']))),
    'the FailedCreate event',
    {timeoutMs: 10_000},
  );
  const got = store.get({apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-vip-ds'});
  assert.ok(!((got?.['status'] as {numberReady?: number} | undefined)?.numberReady ?? 0));
});

test(
  'kube-proxy in IPVS mode without strictARP: installKubeVip refuses before applying anything, naming the fix',
  {timeout: 30_000},
  async () => {
    const kube = createKubeApi(world.kubeconfigs.workload);
    const store = world.apis.workload.store;
    assert.equal(await kubeProxyStrictArpProblem(kube), undefined, 'no kube-proxy ConfigMap: nothing to check');
    const proxyConfig = (conf: string) =>
      store.put({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'kube-proxy', namespace: 'kube-system'},
        data: {'config.conf': conf},
      });
    proxyConfig(
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nipvs:\n  strictARP: false\n',
    );
    assert.equal(await kubeProxyStrictArpProblem(kube), undefined, 'iptables mode: strictARP changes nothing');
    proxyConfig(
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  strictARP: false\n',
    );
    const recorded: string[] = [];
    const refused = await installKubeVip(
      lbPlanFromAnswers(answers('10.20.0.220-10.20.0.221'))!,
      {kubeconfig: world.kubeconfigs.workload},
      {
        runner: new DryRunRunner({onRecord: r => recorded.push(r.command)}),
        clock: systemClock,
        env: {...world.env, HOME: dir},
        sessionDir: session,
        kube,
        dryRun: false,
      },
    );
    assert.equal(refused.ok, false);
    assert.match(refused.checks[0]!.title, /IPVS mode without strictARP/);
    assert.match(refused.checks[0]!.fix!, /strictARP: true/);
    assert.deepEqual(recorded, [], 'nothing applied');
    proxyConfig('mode: ipvs\nipvs:\n  strictARP: true\n');
    assert.equal(await kubeProxyStrictArpProblem(kube), undefined);
    store.delete({apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy'});
  },
);

test('a kube-vip someone else installed is neither overwritten nor adopted', {timeout: 30_000}, async () => {
  const kube = createKubeApi(world.kubeconfigs.workload);
  const store = world.apis.workload.store;
  assert.equal(await foreignKubeVip(kube), undefined);
  store.put({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'kubevip', namespace: 'kube-system'},
    data: {'cidr-global': '10.20.0.128/28'},
  });
  const recorded: string[] = [];
  const refused = await installKubeVip(
    lbPlanFromAnswers(answers('10.20.0.220-10.20.0.221'))!,
    {kubeconfig: world.kubeconfigs.workload},
    {
      runner: new DryRunRunner({onRecord: r => recorded.push(r.command)}),
      clock: systemClock,
      env: {...world.env, HOME: dir},
      sessionDir: session,
      kube,
      dryRun: false,
    },
  );
  assert.equal(refused.ok, false);
  assert.equal(
    refused.checks[0]!.title,
    'kube-vip is already installed in kube-system, not by eksa-kong (configmap kubevip)',
  );
  assert.deepEqual(recorded, [], 'nothing applied');
  assert.deepEqual(
    store.get({apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kubevip'})?.['data'],
    {
      'cidr-global': '10.20.0.128/28',
    },
  );
  store.delete({apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kubevip'});
});

test(
  'fake kube-vip: the provider acts only once bound to its ClusterRole; kube-vip announces only with svc_enable',
  {timeout: 30_000},
  async () => {
    const store = world.apis.workload.store;
    for (const kind of ['DaemonSet', 'Deployment'])
      for (const o of store.list({apiVersion: 'apps/v1', kind, namespace: 'kube-system'}))
        store.delete({apiVersion: 'apps/v1', kind, namespace: 'kube-system', name: o.metadata.name!});
    const docs = yaml.loadAll(readFileSync(join(session, KUBE_VIP_MANIFEST_FILE), 'utf8')) as KubeObject[];
    const binding = docs.find(d => d.metadata.name === 'system:kube-vip-cloud-controller-binding')!;
    for (const d of docs) {
      if (d === binding) continue;
      if (d.kind === 'DaemonSet') {
        const c = (d['spec'] as {template: {spec: {containers: Array<{env: Array<{name: string; value?: string}>}>}}})
          .template.spec.containers[0]!;
        c.env = c.env.map(e => (e.name === 'svc_enable' ? {...e, value: 'false'} : e));
      }
      // A range of its own, wide enough for the earlier tests' pending Services too (they get served first).
      if (d.kind === 'ConfigMap') d['data'] = {'range-global': '10.20.0.230-10.20.0.239'};
      store.put(d);
    }
    const ready = (kind: string, name: string) => {
      const s = (store.get({apiVersion: 'apps/v1', kind, namespace: 'kube-system', name})?.['status'] ?? {}) as Record<
        string,
        number
      >;
      return (s['numberReady'] ?? s['readyReplicas'] ?? 0) > 0;
    };
    await until(() => ready('Deployment', 'kube-vip-cloud-provider') && ready('DaemonSet', 'kube-vip-ds'), 'rollout', {
      timeoutMs: 10_000,
    });
    store.put(lbService('unbound'));
    const svc = () => store.get({apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'unbound'})!;
    assert.equal(svc().metadata.annotations?.['kube-vip.io/loadbalancerIPs'], undefined, 'no rights, no address');
    store.put(binding);
    await until(() => !!svc().metadata.annotations?.['kube-vip.io/loadbalancerIPs'], 'the provider’s address', {
      timeoutMs: 10_000,
    });
    assert.deepEqual(
      (svc()['status'] as {loadBalancer?: {ingress?: unknown[]}}).loadBalancer?.ingress ?? [],
      [],
      'svc_enable=false: kube-vip does not announce it',
    );
  },
);
