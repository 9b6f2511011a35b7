import {test} from 'node:test';
import assert from 'node:assert/strict';
import {inspect} from 'node:util';
import {
  discoverControlPlane,
  discoverCpEndpoints,
  evaluateListenerService,
  manualCpEndpoints,
  readCpDeployment,
  readLicenseSecret,
} from '../../source/kong/cp-discovery.js';
import {parseKubeContexts} from '../../source/kong/kubeconfig-contexts.js';
import type {KubeDeployment, KubeService} from '../../source/kong/kube-api.js';
import {FakeKubeApi, makeCert, tlsSecret} from '../helpers/kong-fakes.js';

const target = {namespace: 'kong', release: 'kong-cp'};
const labels = {'app.kubernetes.io/instance': 'kong-cp'};
const nlb = {
  'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
  'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
};

function service(
  name: string,
  portName: string,
  port: number,
  extra: Partial<KubeService> & {annotations?: Record<string, string>; type?: string} = {},
): KubeService {
  return {
    metadata: {name, labels, annotations: extra.annotations ?? nlb},
    spec: {type: extra.type ?? 'LoadBalancer', ports: [{name: portName, port, targetPort: port}]},
    status: extra.status ?? {loadBalancer: {}},
  };
}

test('LoadBalancer with a hostname: host:port from the named port', async () => {
  const kube = new FakeKubeApi();
  kube.add(
    'Service',
    'kong',
    service('kong-cp-kong-cluster', 'kong-cluster-tls', 8005, {
      status: {loadBalancer: {ingress: [{hostname: 'k8s-kong-cp-abc.elb.us-east-1.amazonaws.com'}]}},
    }),
  );
  kube.add(
    'Service',
    'kong',
    service('kong-cp-kong-clustertelemetry', 'kong-clustertelemetry-tls', 8006, {
      status: {loadBalancer: {ingress: [{ip: '203.0.113.7'}]}},
    }),
  );
  kube.add('Service', 'kong', service('kong-cp-kong-admin', 'kong-admin', 8001, {type: 'NodePort'}));
  const found = await discoverCpEndpoints(kube, target);
  assert.equal(found.cluster.status, 'ok');
  assert.equal(found.cluster.value, 'k8s-kong-cp-abc.elb.us-east-1.amazonaws.com:8005');
  assert.equal(found.cluster.addressKind, 'hostname');
  assert.equal(found.telemetry.status, 'ok');
  assert.equal(found.telemetry.value, '203.0.113.7:8006');
  assert.equal(found.telemetry.addressKind, 'ip');
  assert.deepEqual(found.cluster.warnings, []);
});

test('no address yet: pending, so the caller polls', () => {
  const result = evaluateListenerService(service('kong-cp-kong-cluster', 'kong-cluster-tls', 8005), 'cluster');
  assert.equal(result.status, 'pending');
  assert.equal(result.value, undefined);
});

test('ClusterIP and NodePort are refused, naming the control-plane Helm values', () => {
  for (const type of ['ClusterIP', 'NodePort']) {
    const result = evaluateListenerService(
      service('kong-cp-kong-clustertelemetry', 'kong-clustertelemetry-tls', 8006, {type}),
      'telemetry',
    );
    assert.equal(result.status, 'refused', type);
    assert.match(result.title, new RegExp(type));
    assert.match(result.fix ?? '', /clustertelemetry\.type=LoadBalancer/);
    assert.match(result.fix ?? '', /aws-load-balancer-scheme=internet-facing/);
  }
});

test('an internal load balancer is refused (scheme annotation or legacy internal annotation)', () => {
  const internal = service('c', 'kong-cluster-tls', 8005, {
    annotations: {...nlb, 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal'},
    status: {loadBalancer: {ingress: [{hostname: 'k8s-x.elb.amazonaws.com'}]}},
  });
  const result = evaluateListenerService(internal, 'cluster');
  assert.equal(result.status, 'refused');
  assert.match(result.fix ?? '', /cluster\.type=LoadBalancer/);
  const legacy = service('c', 'kong-cluster-tls', 8005, {
    annotations: {'service.beta.kubernetes.io/aws-load-balancer-internal': 'true'},
  });
  assert.equal(evaluateListenerService(legacy, 'cluster').status, 'refused');
});

test('no scheme annotation or a private address: accepted with a warning', () => {
  const noScheme = evaluateListenerService(
    service('c', 'kong-cluster-tls', 8005, {annotations: {}, status: {loadBalancer: {ingress: [{ip: '10.0.3.4'}]}}}),
    'cluster',
  );
  assert.equal(noScheme.status, 'ok');
  assert.deepEqual(noScheme.warnings.map(w => w.id).sort(), ['cluster-private-ip', 'cluster-scheme']);
});

test('an in-tree NLB (aws-load-balancer-type: nlb, as the deploy path sets it) needs no scheme annotation', () => {
  const inTree = evaluateListenerService(
    service('c', 'kong-cluster-tls', 8005, {
      annotations: {'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'},
      status: {loadBalancer: {ingress: [{hostname: 'k8s-kong-c.elb.eu-west-3.amazonaws.com'}]}},
    }),
    'cluster',
  );
  assert.equal(inTree.status, 'ok');
  assert.deepEqual(inTree.warnings, []);
  const internal = evaluateListenerService(
    service('c', 'kong-cluster-tls', 8005, {
      annotations: {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
        'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
      },
    }),
    'cluster',
  );
  assert.equal(internal.status, 'refused');
});

test('services missing from the release: status missing with the values to enable', async () => {
  const kube = new FakeKubeApi();
  const found = await discoverCpEndpoints(kube, target);
  assert.equal(found.cluster.status, 'missing');
  assert.match(found.cluster.fix ?? '', /cluster\.tls\.enabled=true/);
});

test('services with overridden labels are still found by port name', async () => {
  const kube = new FakeKubeApi();
  const svc = service('custom-name', 'kong-cluster-tls', 443, {
    status: {loadBalancer: {ingress: [{hostname: 'a.elb.amazonaws.com'}]}},
  });
  svc.metadata.labels = {};
  kube.add('Service', 'kong', svc);
  assert.equal((await discoverCpEndpoints(kube, target)).cluster.value, 'a.elb.amazonaws.com:443');
});

test('RBAC refusal is reported as an error with the need', async () => {
  const kube = new FakeKubeApi();
  kube.failures.set('list:Service', 403);
  const found = await discoverCpEndpoints(kube, target);
  assert.equal(found.cluster.status, 'error');
  assert.match(found.cluster.title, /RBAC "list"/);
});

test('endpoints typed by hand are validated; default ports apply', () => {
  const typed = manualCpEndpoints('https://cp.example.com', '[2001:db8::1]:9006');
  assert.equal(typed.cluster.value, 'cp.example.com:8005');
  assert.equal(typed.cluster.warnings[0]?.id, 'cluster-scheme-stripped');
  assert.equal(typed.telemetry.value, '[2001:db8::1]:9006');
  assert.equal(manualCpEndpoints('bad_host!:8005', 'x:8006').cluster.status, 'error');
  assert.equal(manualCpEndpoints('cp.example.com:70000', 'x:8006').cluster.status, 'error');
});

function cpDeployment(
  env: Array<{name: string; value?: string; valueFrom?: {secretKeyRef: {name: string; key: string}}}>,
): KubeDeployment {
  return {
    metadata: {name: 'kong-cp-kong', labels},
    spec: {
      template: {
        spec: {
          containers: [
            {name: 'clear-stale-pid', image: 'kong/kong-gateway:3.9.1.2'},
            {
              name: 'proxy',
              image: 'kong/kong-gateway:3.9.1.2',
              env,
              volumeMounts: [{name: 'kong-cluster-cert', mountPath: '/etc/secrets/kong-cluster-cert', readOnly: true}],
            },
          ],
          volumes: [{name: 'kong-cluster-cert', secret: {secretName: 'kong-cluster-cert'}}],
        },
      },
    },
  };
}

const cpEnv = [
  {name: 'KONG_ROLE', value: 'control_plane'},
  {name: 'KONG_CLUSTER_CERT', value: '/etc/secrets/kong-cluster-cert/tls.crt'},
  {name: 'KONG_CLUSTER_CERT_KEY', value: '/etc/secrets/kong-cluster-cert/tls.key'},
  {name: 'KONG_ROUTER_FLAVOR', value: 'expressions'},
  {name: 'KONG_LICENSE_DATA', valueFrom: {secretKeyRef: {name: 'kong-enterprise-license', key: 'license'}}},
];

test('the CP Deployment env and volumes lead to the cluster certificate secret', async () => {
  const kube = new FakeKubeApi();
  kube.add('Deployment', 'kong', cpDeployment(cpEnv));
  const info = await readCpDeployment(kube, target);
  assert.equal(info.status, 'ok');
  assert.equal(info.role, 'control_plane');
  assert.equal(info.clusterMtls, 'shared');
  assert.equal(info.routerFlavor, 'expressions');
  assert.equal(info.imageTag, '3.9.1.2');
  assert.deepEqual(info.certSecret, {name: 'kong-cluster-cert', key: 'tls.crt'});
  assert.deepEqual(info.keySecret, {name: 'kong-cluster-cert', key: 'tls.key'});
  assert.deepEqual(info.licenseSecret, {name: 'kong-enterprise-license', key: 'license'});
});

test('a data_plane or pki Deployment is described as such', async () => {
  const kube = new FakeKubeApi();
  kube.add(
    'Deployment',
    'kong',
    cpDeployment([
      {name: 'KONG_ROLE', value: 'data_plane'},
      {name: 'KONG_CLUSTER_MTLS', value: 'pki'},
    ]),
  );
  const info = await readCpDeployment(kube, target);
  assert.equal(info.clusterMtls, 'pki');
  assert.equal(info.findings.find(f => f.id === 'role')?.status, 'fail');
  assert.equal(info.findings.find(f => f.id === 'cert-secret')?.status, 'fail');
  assert.equal((await readCpDeployment(new FakeKubeApi(), target)).status, 'missing');
});

test('full discovery: certificate checked, license present, secrets hidden from JSON and inspect', async () => {
  const kube = new FakeKubeApi();
  const cert = await makeCert();
  kube.add('Deployment', 'kong', cpDeployment(cpEnv));
  kube.add('Secret', 'kong', tlsSecret('kong-cluster-cert', cert));
  kube.add('Secret', 'kong', {
    metadata: {name: 'kong-enterprise-license'},
    type: 'Opaque',
    data: {license: Buffer.from('{"license":{"signature":"SECRET-LICENSE"}}').toString('base64')},
  });
  kube.add(
    'Service',
    'kong',
    service('kong-cp-kong-cluster', 'kong-cluster-tls', 8005, {
      status: {loadBalancer: {ingress: [{hostname: 'a.elb.amazonaws.com'}]}},
    }),
  );
  const found = await discoverControlPlane(kube, target);
  assert.equal(found.cert?.status, 'ok');
  assert.equal(found.cert?.report?.commonName, 'kong_clustering');
  assert.equal(found.license?.present, true);
  const text = JSON.stringify(found) + inspect(found, {depth: 10}) + String(found.license?.material);
  assert.equal(text.includes('SECRET-LICENSE'), false);
  assert.equal(text.includes(Buffer.from('SECRET-LICENSE').toString('base64').slice(0, 12)), false);
  assert.equal(text.includes(cert.keyPem.split('\n')[1]!), false);
  assert.equal(text.includes(Buffer.from(cert.keyPem).toString('base64').slice(0, 40)), false);
  // The deploy step can still get the value.
  assert.match(found.license?.material?.value('license')?.toString() ?? '', /SECRET-LICENSE/);
});

test('cluster certificate secret: wrong CN or missing secret', async () => {
  const kube = new FakeKubeApi();
  kube.add('Deployment', 'kong', cpDeployment(cpEnv));
  const found = await discoverControlPlane(kube, target);
  assert.equal(found.cert?.status, 'missing');
  kube.add('Secret', 'kong', tlsSecret('kong-cluster-cert', await makeCert({cn: 'not-kong'})));
  const again = await discoverControlPlane(kube, target);
  assert.equal(again.cert?.status, 'invalid');
  assert.match(again.cert?.fix ?? '', /kong_clustering/);
});

test('license secret absent: not present, with a fix', async () => {
  const result = await readLicenseSecret(new FakeKubeApi(), 'kong', {name: 'kong-enterprise-license'});
  assert.equal(result.present, false);
  assert.match(result.fix ?? '', /licenseFile/);
});

test('kubeconfig contexts are listed without client-node', () => {
  const parsed = parseKubeContexts(`
apiVersion: v1
clusters:
- name: eks
  cluster: {server: https://ABC.gr7.us-east-1.eks.amazonaws.com}
users:
- name: eks-user
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
contexts:
- name: kong-cp
  context: {cluster: eks, user: eks-user, namespace: kong}
- name: lab
  context: {cluster: other, user: admin}
current-context: lab
`);
  assert.equal(parsed.status, 'ok');
  if (parsed.status !== 'ok') return;
  assert.deepEqual(
    parsed.contexts.map(c => [c.name, c.current, c.execAuth, c.server ?? null]),
    [
      ['kong-cp', false, true, 'https://ABC.gr7.us-east-1.eks.amazonaws.com'],
      ['lab', true, false, null],
    ],
  );
  assert.equal(parseKubeContexts('contexts: []').status, 'error');
  assert.equal(parseKubeContexts(': : :').status, 'error');
});
