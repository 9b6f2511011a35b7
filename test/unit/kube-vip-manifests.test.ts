// kube-vip for Services as the wizard writes it (lb-config.ts), parsed back; and the fake cloud
// provider's address rules (fake-kube-vip.ts), which follow kube-vip-cloud-provider's.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import {
  generateLbConfigCli,
  KUBE_VIP_CLOUD_PROVIDER_IMAGE,
  KUBE_VIP_CP_LEASE,
  KUBE_VIP_IMAGE,
  KUBE_VIP_SERVICES_LEASE,
  kubeVipManifestYaml,
  lbPlanFromAnswers,
} from '../../source/kong/lb-config.js';
import {kubeVipAddressFor, parseKubeVipCidrs, parseKubeVipRanges} from '../../source/demo/fake-kube-vip.js';
import type {Answers} from '../../source/session/answers.js';

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: {name: string; namespace?: string; labels?: Record<string, string>};
  [k: string]: unknown;
}
type Container = {image: string; env?: Array<{name: string; value?: string}>; args?: string[]; command?: string[]};
const podOf = (d: Doc) =>
  (d['spec'] as {template: {spec: {serviceAccountName: string; hostNetwork?: boolean; containers: Container[]}}})
    .template.spec;

const answers = (addresses: string, nic?: string): Answers => ({
  admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1'},
  machines: [{hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'}],
  cluster: {
    name: 'seed',
    endpoint: '10.20.0.50',
    tinkerbellIp: '10.20.0.51',
    ...(nic ? {loadBalancerInterface: nic} : {}),
  },
  dataPlane: {loadBalancer: {provider: 'kube-vip', addresses}},
});

const docsFor = (a: Answers) => yaml.loadAll(kubeVipManifestYaml(lbPlanFromAnswers(a)!)) as Doc[];

test('kube-vip manifests: RBAC, the services DaemonSet beside the control plane’s kube-vip, the cloud provider, the pool', () => {
  const docs = docsFor(answers(' 10.20.0.200 - 10.20.0.209 ', 'eno2'));
  assert.deepEqual(
    docs.map(d => `${d.kind}/${d.metadata.name}`),
    [
      'ConfigMap/kubevip',
      'ServiceAccount/kube-vip',
      'ClusterRole/system:kube-vip-role',
      'ClusterRoleBinding/system:kube-vip-binding',
      'DaemonSet/kube-vip-ds',
      'ServiceAccount/kube-vip-cloud-controller',
      'ClusterRole/system:kube-vip-cloud-controller-role',
      'ClusterRoleBinding/system:kube-vip-cloud-controller-binding',
      'Deployment/kube-vip-cloud-provider',
    ],
  );
  for (const d of docs) assert.equal(d.metadata.labels?.['app.kubernetes.io/managed-by'], 'eksa-kong', d.kind);
  const byKind = (kind: string, name?: string) =>
    docs.find(d => d.kind === kind && (!name || d.metadata.name === name))!;
  // The range as the provider's parser takes it (no spaces).
  assert.deepEqual(byKind('ConfigMap')['data'], {'range-global': '10.20.0.200-10.20.0.209'});
  assert.equal(byKind('ConfigMap').metadata.namespace, 'kube-system');

  const ds = byKind('DaemonSet');
  const pod = podOf(ds);
  assert.equal(pod.serviceAccountName, 'kube-vip');
  assert.equal(pod.hostNetwork, true, 'ARP needs the node’s network');
  const c = pod.containers[0]!;
  assert.equal(c.image, KUBE_VIP_IMAGE);
  assert.match(c.image, /:v\d+\.\d+\.\d+$/, 'a pinned release');
  assert.deepEqual(c.args, ['manager']);
  const env = Object.fromEntries((c.env ?? []).filter(e => e.value !== undefined).map(e => [e.name, e.value]));
  assert.equal(env['vip_arp'], 'true');
  assert.equal(env['svc_enable'], 'true');
  assert.equal(env['cp_enable'], 'false', 'the control plane’s static-pod kube-vip keeps the cluster endpoint');
  assert.equal(env['vip_leaderelection'], 'true');
  assert.equal(env['svc_leasename'], KUBE_VIP_SERVICES_LEASE);
  assert.notEqual(env['svc_leasename'], KUBE_VIP_CP_LEASE);
  assert.equal(env['vip_leasename'], undefined);
  assert.equal(env['vip_address'], undefined, 'no VIP of its own: only the Services’ addresses');
  assert.equal(env['vip_interface'], 'eno2', 'cluster.loadBalancerInterface');
  const binding = byKind('ClusterRoleBinding', 'system:kube-vip-binding');
  assert.deepEqual(binding['subjects'], [{kind: 'ServiceAccount', name: 'kube-vip', namespace: 'kube-system'}]);
  const rules = byKind('ClusterRole', 'system:kube-vip-role')['rules'] as Array<{resources: string[]; verbs: string[]}>;
  assert.ok(rules.some(r => r.resources.includes('services/status') && r.verbs.includes('update')));
  assert.ok(rules.some(r => r.resources.includes('leases') && r.verbs.includes('create')));

  const provider = byKind('Deployment');
  const pc = podOf(provider).containers[0]!;
  assert.equal(pc.image, KUBE_VIP_CLOUD_PROVIDER_IMAGE);
  assert.equal(podOf(provider).serviceAccountName, 'kube-vip-cloud-controller');
  const pRules = byKind('ClusterRole', 'system:kube-vip-cloud-controller-role')['rules'] as Array<{
    resources: string[];
    verbs: string[];
  }>;
  assert.ok(pRules.some(r => r.resources.includes('services') && r.verbs.includes('update')));
  assert.ok(pRules.some(r => r.resources.includes('configmaps')));

  // Without loadBalancerInterface kube-vip takes the default route’s interface: no vip_interface.
  const auto = podOf(docsFor(answers('10.20.0.200/29')).find(d => d.kind === 'DaemonSet')!).containers[0]!;
  assert.equal(
    auto.env?.find(e => e.name === 'vip_interface'),
    undefined,
  );
  assert.deepEqual(docsFor(answers('10.20.0.200/29'))[0]!['data'], {'cidr-global': '10.20.0.200/29'});
});

test('generate lb-config for kube-vip prints exactly the manifest that is applied, with the command', () => {
  const a = answers('10.20.0.200-10.20.0.209');
  const out = generateLbConfigCli(a);
  assert.equal(out.exitCode, 0);
  assert.match(out.stdout, /^# .*kubectl apply -f kube-vip-services\.yaml/m);
  assert.ok(out.stdout.endsWith(kubeVipManifestYaml(lbPlanFromAnswers(a)!)));
  assert.equal((yaml.loadAll(out.stdout) as Doc[]).length, 9);
});

test('fake cloud provider: pool lookup order, .0/.255 skipped, exhaustion and parse errors in the provider’s words', () => {
  const none = new Set<string>();
  assert.equal(kubeVipAddressFor({'range-global': '10.20.0.200-10.20.0.209'}, 'kong', none), '10.20.0.200');
  // Namespace before global, cidr before range.
  assert.equal(
    kubeVipAddressFor(
      {'range-global': '10.20.0.200-10.20.0.209', 'range-kong': '10.20.0.220-10.20.0.221'},
      'kong',
      none,
    ),
    '10.20.0.220',
  );
  assert.equal(
    kubeVipAddressFor({'range-global': '10.20.0.200-10.20.0.209', 'cidr-global': '10.20.0.240/30'}, 'kong', none),
    '10.20.0.240',
  );
  assert.equal(kubeVipAddressFor({'cidr-global': '10.20.1.0/30'}, 'kong', none), '10.20.1.1', 'the .0 is skipped');
  assert.equal(
    kubeVipAddressFor({'range-global': '10.20.0.200-10.20.0.201'}, 'kong', new Set(['10.20.0.200'])),
    '10.20.0.201',
  );
  const message = (r: string | Error) => (r instanceof Error ? r.message : `address ${r}`);
  assert.equal(
    message(
      kubeVipAddressFor({'range-global': '10.20.0.200-10.20.0.201'}, 'kong', new Set(['10.20.0.200', '10.20.0.201'])),
    ),
    'no addresses available in [kong] range [10.20.0.200-10.20.0.201]',
  );
  assert.equal(
    message(kubeVipAddressFor({'range-global': '10.20.0.255-10.20.0.255'}, 'kong', none)),
    'no addresses available in [kong] range [10.20.0.255-10.20.0.255]',
  );
  assert.equal(message(kubeVipAddressFor({}, 'kong', none)), 'no address pools could be found');
  assert.equal(
    message(kubeVipAddressFor({'range-global': '10.20.0.200/29'}, 'kong', none)),
    'unable to parse IP range [10.20.0.200/29]',
  );
  assert.equal(
    message(kubeVipAddressFor({'range-global': '10.20.0.200'}, 'kong', none)),
    'unable to parse IP range [10.20.0.200]',
  );
  assert.equal(
    message(kubeVipAddressFor({'range-global': '10.20.0.200-10.20.0.300'}, 'kong', none)),
    'ParseAddr("10.20.0.300"): IPv4 field has value >255',
  );
  assert.ok(parseKubeVipRanges('10.20.0.1-10.20.0.2,10.20.0.9-10.20.0.9') instanceof Array);
  assert.match(String((parseKubeVipCidrs('10.20.0.0') as Error).message), /no '\/'/);
});
