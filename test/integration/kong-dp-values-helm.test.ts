// Every values variant the wizard writes, rendered and linted by a REAL helm against the REAL kong/kong
// 3.4.1 chart (test fixtures, not part of the product). Asserts on what the chart makes of the values:
// the DP container's KONG_* env, the certificate paths inside mounted secret volumes, the image, the
// license env and the proxy Service.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import yaml from 'js-yaml';
import {dpValuesInputFromAnswers, renderDpValues, type DpValuesInput} from '../../source/kong/dp-values.js';
import {pkiSecret, resolvePki} from '../../source/kong/pki.js';
import {generatePkiControlPlane} from '../../source/demo/scenarios/kong-pki.js';

const CHART = resolve('..', 'shared', 'fixtures', 'kong-chart', 'kong');
const TOOL = resolve('..', 'shared', 'tools', 'real-helm.sh');

function findHelm(): {path?: string; reason?: string} {
  if (!existsSync(CHART) || !existsSync(TOOL))
    return {reason: 'the kong chart fixture or real-helm.sh is not here (../shared)'};
  const found = spawnSync(TOOL, {encoding: 'utf8', timeout: 300_000});
  if (found.status !== 0)
    return {reason: `no real helm: ${(found.stderr || 'real-helm.sh failed').trim().split('\n').pop()}`};
  return {path: found.stdout.trim()};
}
const helm = findHelm();
const skip = helm.path ? false : helm.reason;

const base: DpValuesInput = {
  mode: 'shared',
  namespace: 'kong',
  release: 'kong-dp',
  image: {repository: 'kong/kong-gateway', tag: '3.9.1.2'},
  clusterEndpoint: 'k8s-kong-cp-1.elb.us-east-1.amazonaws.com:8005',
  telemetryEndpoint: 'k8s-kong-tp-2.elb.us-east-1.amazonaws.com:8006',
  clusterCertSecret: 'kong-cluster-cert',
  licenseSecret: 'kong-enterprise-license',
  routerFlavor: 'traditional_compatible',
  proxy: {type: 'NodePort', httpNodePort: 32080, httpsNodePort: 32443},
  replicas: 1,
};

type K8s = {kind: string; metadata: {name: string}; spec: Record<string, any>};

function render(input: DpValuesInput): {docs: K8s[]; lint: string} {
  const dir = mkdtempSync(join(tmpdir(), 'dp-helm-'));
  const values = join(dir, 'values.yaml');
  writeFileSync(values, renderDpValues(input, '3.4.1'));
  const out = spawnSync(helm.path!, ['template', input.release, CHART, '-n', input.namespace, '-f', values], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {...process.env, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir},
  });
  assert.equal(out.status, 0, out.stderr);
  const lint = spawnSync(helm.path!, ['lint', CHART, '-f', values], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {...process.env, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir},
  });
  assert.equal(lint.status, 0, `${lint.stdout}\n${lint.stderr}`);
  return {docs: (yaml.loadAll(out.stdout) as Array<K8s | null>).filter((d): d is K8s => d !== null), lint: lint.stdout};
}

function dpContainer(docs: K8s[]) {
  const deployment = docs.find(d => d.kind === 'Deployment');
  assert.ok(deployment, 'a Deployment is rendered');
  const pod = deployment.spec['template'].spec;
  const proxy = pod.containers.find((c: {name: string}) => c.name === 'proxy');
  const env = Object.fromEntries(
    (proxy.env as Array<{name: string; value?: string; valueFrom?: unknown}>).map(e => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );
  /** The secret a container path lives in, through the volume mounts. */
  const secretOf = (path: string) => {
    const mount = (proxy.volumeMounts as Array<{name: string; mountPath: string}>).find(m =>
      path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`),
    );
    return (pod.volumes as Array<{name: string; secret?: {secretName: string}}>).find(v => v.name === mount?.name)
      ?.secret?.secretName;
  };
  return {env, image: proxy.image as string, secretOf, proxy};
}

test(
  'REAL helm template + lint, shared mode NodePort with licence: a DB-less data plane with the cluster cert mounted',
  {skip, timeout: 120_000},
  () => {
    const {docs} = render(base);
    const {env, image, secretOf} = dpContainer(docs);
    assert.equal(env['KONG_ROLE'], 'data_plane');
    assert.equal(env['KONG_DATABASE'], 'off');
    assert.equal(env['KONG_CLUSTER_MTLS'], 'shared');
    assert.equal(env['KONG_CLUSTER_CONTROL_PLANE'], 'k8s-kong-cp-1.elb.us-east-1.amazonaws.com:8005');
    assert.equal(env['KONG_CLUSTER_TELEMETRY_ENDPOINT'], 'k8s-kong-tp-2.elb.us-east-1.amazonaws.com:8006');
    assert.equal(secretOf(String(env['KONG_CLUSTER_CERT'])), 'kong-cluster-cert');
    assert.equal(secretOf(String(env['KONG_CLUSTER_CERT_KEY'])), 'kong-cluster-cert');
    assert.equal(secretOf(String(env['KONG_LUA_SSL_TRUSTED_CERTIFICATE']).split(',')[0]!), 'kong-cluster-cert');
    assert.equal(env['KONG_ROUTER_FLAVOR'], 'traditional_compatible');
    assert.deepEqual(env['KONG_LICENSE_DATA'], {secretKeyRef: {name: 'kong-enterprise-license', key: 'license'}});
    assert.equal(image, 'kong/kong-gateway:3.9.1.2');
    const svc = docs.find(d => d.kind === 'Service' && d.metadata.name === 'kong-dp-kong-proxy');
    assert.equal(svc?.spec['type'], 'NodePort');
    assert.deepEqual(svc?.spec['ports'].map((p: {nodePort?: number}) => p.nodePort).sort(), [32080, 32443]);
    // A data plane gets no admin API Service and no ingress controller.
    assert.equal(
      docs.some(d => d.kind === 'Service' && /admin/.test(d.metadata.name)),
      false,
    );
  },
);

test(
  'REAL helm template + lint: LoadBalancer, no licence, custom image, expressions router',
  {skip, timeout: 120_000},
  () => {
    const {docs} = render({
      ...base,
      licenseSecret: null,
      image: {repository: 'registry.example.com/kong/kong-gateway', tag: '3.8.1.0'},
      routerFlavor: 'expressions',
      proxy: {type: 'LoadBalancer'},
      replicas: 3,
    });
    const {env, image} = dpContainer(docs);
    assert.equal(image, 'registry.example.com/kong/kong-gateway:3.8.1.0');
    assert.equal(env['KONG_ROUTER_FLAVOR'], 'expressions');
    assert.equal(env['KONG_LICENSE_DATA'], undefined);
    assert.equal(docs.find(d => d.kind === 'Deployment')?.spec['replicas'], 3);
    const svc = docs.find(d => d.kind === 'Service' && d.metadata.name === 'kong-dp-kong-proxy');
    assert.equal(svc?.spec['type'], 'LoadBalancer');
    assert.ok(svc?.spec['ports'].every((p: {nodePort?: number}) => p.nodePort === undefined));
  },
);

test(
  'REAL helm template + lint, pki mode: CA and server name set, the CA path inside its own mounted secret',
  {skip, timeout: 120_000},
  () => {
    const {docs} = render({
      ...base,
      mode: 'pki',
      clusterCertSecret: 'kong-dp-client-cert',
      pki: {caSecret: 'kong-cluster-ca', caKey: 'ca.crt', serverName: 'kong-cp.example.com'},
    });
    const {env, secretOf} = dpContainer(docs);
    assert.equal(env['KONG_CLUSTER_MTLS'], 'pki');
    assert.equal(env['KONG_CLUSTER_SERVER_NAME'], 'kong-cp.example.com');
    assert.equal(secretOf(String(env['KONG_CLUSTER_CERT'])), 'kong-dp-client-cert');
    assert.equal(secretOf(String(env['KONG_CLUSTER_CA_CERT'])), 'kong-cluster-ca');
    assert.match(String(env['KONG_CLUSTER_CA_CERT']), /\/ca\.crt$/);
  },
);

/** The secret key a container path names: <mountPath>/<key> of a mounted secret volume. */
function keyOf(docs: K8s[], path: string): {secret?: string; key: string} {
  const {secretOf, proxy} = dpContainer(docs);
  const mount = (proxy.volumeMounts as Array<{mountPath: string}>).find(m =>
    path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`),
  );
  return {secret: secretOf(path), key: mount ? path.slice(mount.mountPath.replace(/\/$/, '').length + 1) : path};
}

test(
  'REAL helm template + lint, pki as the wizard writes it: every KONG_CLUSTER_* path is a key of the DP secret the wizard creates',
  {skip, timeout: 120_000},
  async () => {
    const {ca, cp} = await generatePkiControlPlane('kong-cp.example.internal');
    const dir = mkdtempSync(join(tmpdir(), 'pki-helm-'));
    writeFileSync(join(dir, 'ca.crt'), ca.certPem);
    writeFileSync(join(dir, 'ca.key'), ca.keyPem, {mode: 0o600});
    const answers = {
      controlPlane: {
        version: '3.9.1.2',
        clusterEndpoint: base.clusterEndpoint,
        telemetryEndpoint: base.telemetryEndpoint,
        mode: 'pki' as const,
        clusterServerName: 'kong-cp.example.internal',
        licenseSecret: 'kong-enterprise-license',
      },
    };
    const input = dpValuesInputFromAnswers(answers);
    const material = await resolvePki({
      target: {namespace: 'kong', release: 'kong-cp'},
      answers: {clusterCaCertFile: join(dir, 'ca.crt'), clusterCaKeyFile: join(dir, 'ca.key')},
      env: {},
      cpCertPem: cp.certPem,
    });
    const secret = pkiSecret(input.clusterCertSecret, input.namespace, material);
    const {docs} = render(input);
    const {env} = dpContainer(docs);
    assert.equal(env['KONG_CLUSTER_MTLS'], 'pki');
    assert.equal(env['KONG_CLUSTER_SERVER_NAME'], 'kong-cp.example.internal');
    for (const name of ['KONG_CLUSTER_CERT', 'KONG_CLUSTER_CERT_KEY', 'KONG_CLUSTER_CA_CERT']) {
      const where = keyOf(docs, String(env[name]));
      assert.equal(where.secret, secret.metadata.name, `${name} lies in a mounted volume of the DP secret`);
      assert.ok(secret.data?.[where.key], `${name}: key ${where.key} exists in the secret the wizard creates`);
    }
    assert.equal(keyOf(docs, String(env['KONG_CLUSTER_CA_CERT'])).key, 'ca.crt');
    assert.equal(
      Buffer.from(secret.data!['ca.crt']!, 'base64').toString(),
      ca.certPem,
      'ca.crt is the CA the CP trusts',
    );
  },
);

test(
  'REAL helm template + lint: a copied secret with cluster.crt / cluster.key keys is mounted and pointed at',
  {skip, timeout: 120_000},
  () => {
    const {docs} = render({...base, certKey: 'cluster.crt', keyKey: 'cluster.key'});
    const {env} = dpContainer(docs);
    assert.deepEqual(keyOf(docs, String(env['KONG_CLUSTER_CERT'])), {secret: 'kong-cluster-cert', key: 'cluster.crt'});
    assert.deepEqual(keyOf(docs, String(env['KONG_CLUSTER_CERT_KEY'])), {
      secret: 'kong-cluster-cert',
      key: 'cluster.key',
    });
  },
);
