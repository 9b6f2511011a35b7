// Cluster-certificate secrets whose keys are not tls.crt / tls.key (issue 13, item 5): an Opaque secret
// made from `kong hybrid gen_cert`'s files (cluster.crt / cluster.key) or by hand (cert / key) is read,
// copied with the keys it has, and the values point the data plane at those keys.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readClusterCertSecret, discoverControlPlane} from '../../source/kong/cp-discovery.js';
import {buildDpValues} from '../../source/kong/dp-values.js';
import {deployDataPlane, dpValuesFor, type DpPlan} from '../../source/steps/data-plane/dp-step.js';
import {FakeCommandRunner, FakeKubeApi, fakeClock, makeCert} from '../helpers/kong-fakes.js';

const opaque = (name: string, cert: {certPem: string; keyPem: string}, certKey: string, keyKey: string) => ({
  metadata: {name},
  type: 'Opaque',
  data: {
    [certKey]: Buffer.from(cert.certPem).toString('base64'),
    [keyKey]: Buffer.from(cert.keyPem).toString('base64'),
  },
});

test('readClusterCertSecret: gen_cert file names (cluster.crt / cluster.key) are found and reported', async () => {
  const cert = await makeCert();
  const kube = new FakeKubeApi();
  kube.add('Secret', 'kong', opaque('kong-cluster-cert', cert, 'cluster.crt', 'cluster.key'));
  const read = await readClusterCertSecret(kube, 'kong', {name: 'kong-cluster-cert'});
  assert.equal(read.status, 'ok', read.title);
  assert.equal(read.certKey, 'cluster.crt');
  assert.equal(read.keyKey, 'cluster.key');
});

test('discovery: the keys the CP Deployment mounts (KONG_CLUSTER_CERT …/cert) are the ones read', async () => {
  const cert = await makeCert();
  const kube = new FakeKubeApi();
  kube.add('Secret', 'kong', opaque('kong-cluster-cert', cert, 'cert', 'key'));
  kube.add('Deployment', 'kong', {
    metadata: {name: 'kong-cp-kong', labels: {'app.kubernetes.io/instance': 'kong-cp'}},
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'proxy',
              env: [
                {name: 'KONG_ROLE', value: 'control_plane'},
                {name: 'KONG_CLUSTER_CERT', value: '/etc/secrets/kong-cluster-cert/cert'},
                {name: 'KONG_CLUSTER_CERT_KEY', value: '/etc/secrets/kong-cluster-cert/key'},
              ],
              volumeMounts: [{name: 'kong-cluster-cert', mountPath: '/etc/secrets/kong-cluster-cert'}],
            },
          ],
          volumes: [{name: 'kong-cluster-cert', secret: {secretName: 'kong-cluster-cert'}}],
        },
      },
    },
  } as never);
  const found = await discoverControlPlane(kube, {namespace: 'kong', release: 'kong-cp'});
  assert.equal(found.cert?.status, 'ok', found.cert?.title);
  assert.deepEqual([found.cert?.certKey, found.cert?.keyKey], ['cert', 'key']);
});

test('values: the key names the control-plane step recorded are where cluster_cert / cluster_cert_key point', () => {
  const input = dpValuesFor(
    {
      controlPlane: {
        version: '3.9.1.2',
        clusterEndpoint: 'cp.example.com:8005',
        telemetryEndpoint: 'tp.example.com:8006',
        clusterCertSecret: 'kong-cluster-cert',
      },
    },
    {clusterCertSecret: 'kong-cluster-cert', clusterCertKey: 'cluster.crt', clusterCertKeyKey: 'cluster.key'},
  );
  const env = buildDpValues(input)['env'] as Record<string, string>;
  assert.equal(env['cluster_cert'], '/etc/secrets/kong-cluster-cert/cluster.crt');
  assert.equal(env['cluster_cert_key'], '/etc/secrets/kong-cluster-cert/cluster.key');
  assert.equal(env['lua_ssl_trusted_certificate'], '/etc/secrets/kong-cluster-cert/cluster.crt,system');
});

test('deployDataPlane: an Opaque secret with cert / key is copied with those keys (byte for byte)', async () => {
  const cert = await makeCert();
  const cp = new FakeKubeApi();
  cp.add('Secret', 'kong', opaque('kong-cluster-cert', cert, 'cert', 'key'));
  const workload = new FakeKubeApi();
  workload.add('Pod', 'kong', {
    metadata: {
      name: 'kong-dp-kong-abc-1',
      labels: {'app.kubernetes.io/instance': 'kong-dp', 'app.kubernetes.io/component': 'app'},
    },
    status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]},
  });
  const plan: DpPlan = {
    values: {
      mode: 'shared',
      namespace: 'kong',
      release: 'kong-dp',
      image: {repository: 'kong/kong-gateway', tag: '3.9.1.2'},
      clusterEndpoint: 'cp.example.com:8005',
      telemetryEndpoint: 'tp.example.com:8006',
      clusterCertSecret: 'kong-cluster-cert',
      certKey: 'cert',
      keyKey: 'key',
      licenseSecret: null,
      proxy: {type: 'NodePort', httpNodePort: 32080},
    },
    workload: {kubeconfig: '/s/seed.kubeconfig'},
    cp: {kubeconfig: '/s/cp.kubeconfig', namespace: 'kong'},
    generateCert: false,
    fallbackNodeIps: ['10.20.0.12'],
  };
  const result = await deployDataPlane(plan, {
    runner: new FakeCommandRunner(),
    clock: fakeClock(),
    env: {},
    sessionDir: mkdtempSync(join(tmpdir(), 'cert-keys-')),
    cpKube: cp,
    workloadKube: workload,
  });
  assert.equal(result.ok, true, JSON.stringify(result.checks));
  const copy = await workload.get('Secret', 'kong', 'kong-cluster-cert');
  assert.deepEqual(Object.keys(copy?.data ?? {}).sort(), ['cert', 'key']);
  assert.equal(copy?.type, 'Opaque');
});
