import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import yaml from 'js-yaml';
import {
  buildDpValues,
  generateDpValuesCli,
  renderDpValues,
  DpValuesError,
  type DpValuesInput,
} from '../../source/kong/dp-values.js';
import {templatesDir} from '../../source/templates.js';

const shared: DpValuesInput = {
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
  replicas: 2,
};

type Values = {
  image: {repository: string; tag: string};
  env: Record<string, string>;
  secretVolumes: string[];
  enterprise: {enabled: boolean; license_secret?: string; vitals: {enabled: boolean}};
  proxy: {type: string; http: Record<string, unknown>; tls: Record<string, unknown>};
  replicaCount: number;
  admin: {enabled: boolean};
  manager: {enabled: boolean};
  ingressController: {enabled: boolean};
};

test('templatesDir finds templates/kong from the source tree', () => {
  assert.ok(existsSync(join(templatesDir(), 'kong', 'dp-values-shared.yaml')));
  assert.ok(existsSync(join(templatesDir(), 'kong', 'dp-values-pki.yaml')));
});

test('templatesDir also works from a bundled dist/cli.js and fails clearly elsewhere', () => {
  const root = join(templatesDir(), '..');
  assert.equal(templatesDir(pathToFileURL(join(root, 'dist', 'cli.js')).href), join(root, 'templates'));
  assert.throws(() => templatesDir(pathToFileURL('/nowhere/at/all.js').href), /templates\/ not found/);
});

test('shared mode values match the reference shape', () => {
  const v = yaml.load(renderDpValues(shared)) as Values;
  assert.deepEqual(v.image, {repository: 'kong/kong-gateway', tag: '3.9.1.2'});
  assert.equal(v.env.role, 'data_plane');
  assert.equal(v.env.database, 'off');
  assert.equal(v.env.cluster_mtls, 'shared');
  assert.equal(v.env.cluster_control_plane, shared.clusterEndpoint);
  assert.equal(v.env.cluster_telemetry_endpoint, shared.telemetryEndpoint);
  assert.equal(v.env.cluster_cert, '/etc/secrets/kong-cluster-cert/tls.crt');
  assert.equal(v.env.cluster_cert_key, '/etc/secrets/kong-cluster-cert/tls.key');
  assert.equal(v.env.lua_ssl_trusted_certificate, '/etc/secrets/kong-cluster-cert/tls.crt,system');
  assert.equal(v.env.router_flavor, 'traditional_compatible');
  assert.equal(v.env.cluster_ca_cert, undefined);
  assert.deepEqual(v.secretVolumes, ['kong-cluster-cert']);
  assert.equal(v.enterprise.license_secret, 'kong-enterprise-license');
  assert.equal(v.enterprise.vitals.enabled, false);
  assert.equal(v.admin.enabled, false);
  assert.equal(v.manager.enabled, false);
  assert.equal(v.ingressController.enabled, false);
  assert.equal(v.proxy.type, 'NodePort');
  assert.equal(v.proxy.http.nodePort, 32080);
  assert.equal(v.proxy.tls.nodePort, 32443);
  assert.equal(v.proxy.http.containerPort, 8000);
  assert.equal(v.replicaCount, 2);
});

test('the rendered file names the helm command and keeps database "off" a string', () => {
  const command =
    'helm upgrade --install --kubeconfig k -n kong -f kong-dp-values.yaml --version 3.4.1 -- kong-dp kong/kong';
  const text = renderDpValues(shared, command);
  assert.ok(text.split('\n').slice(0, 4).includes(`# ${command}`), text);
  assert.doesNotMatch(renderDpValues(shared), /helm/, 'no command it was not given');
  assert.match(text, /database: "off"/);
  assert.doesNotMatch(text, /CHANGEME/);
});

test('a two-part version tag stays a string in YAML', () => {
  const v = yaml.load(renderDpValues({...shared, image: {repository: 'kong/kong-gateway', tag: '3.10'}})) as Values;
  assert.equal(v.image.tag, '3.10');
});

test('LoadBalancer proxy has no nodePorts; no license secret leaves license_secret out', () => {
  const v = buildDpValues({
    ...shared,
    proxy: {type: 'LoadBalancer', httpNodePort: 32080},
    licenseSecret: null,
  }) as Values;
  assert.equal(v.proxy.type, 'LoadBalancer');
  assert.equal(v.proxy.http.nodePort, undefined);
  assert.equal(v.enterprise.license_secret, undefined);
  assert.equal(v.enterprise.enabled, true);
});

test('pki mode: cluster_mtls pki, CA path, server names, separate CA secret mounted', () => {
  const v = buildDpValues({
    ...shared,
    mode: 'pki',
    clusterCertSecret: 'kong-dp-cert',
    pki: {caSecret: 'kong-cluster-ca', serverName: 'cp.example.com', telemetryServerName: 'tp.example.com'},
  }) as Values;
  assert.equal(v.env.cluster_mtls, 'pki');
  assert.equal(v.env.cluster_cert, '/etc/secrets/kong-dp-cert/tls.crt');
  assert.equal(v.env.cluster_ca_cert, '/etc/secrets/kong-cluster-ca/ca.crt');
  assert.equal(v.env.lua_ssl_trusted_certificate, '/etc/secrets/kong-cluster-ca/ca.crt,system');
  assert.equal(v.env.cluster_server_name, 'cp.example.com');
  assert.equal(v.env.cluster_telemetry_server_name, 'tp.example.com');
  assert.deepEqual(v.secretVolumes, ['kong-dp-cert', 'kong-cluster-ca']);
});

test('pki mode: the DP secret carries ca.crt; cluster_server_name is required, never left to the LB hostname', () => {
  const v = buildDpValues({...shared, mode: 'pki', pki: {serverName: 'kong-cp.example.com'}}) as Values;
  assert.equal(v.env.cluster_ca_cert, '/etc/secrets/kong-cluster-cert/ca.crt');
  assert.deepEqual(v.secretVolumes, ['kong-cluster-cert']);
  assert.equal(v.env.cluster_server_name, 'kong-cp.example.com');
  // Without it the DP checks the load balancer's hostname on the CP certificate: "certificate host mismatch".
  assert.throws(
    () => buildDpValues({...shared, mode: 'pki'}),
    (e: unknown) => e instanceof DpValuesError && e.key === 'controlPlane.clusterServerName',
  );
});

test('bad endpoints and secret names are refused with the answers key', () => {
  assert.throws(
    () => buildDpValues({...shared, clusterEndpoint: 'cp.example.com/path:8005'}),
    (e: unknown) => e instanceof DpValuesError && e.key === 'controlPlane.clusterEndpoint',
  );
  assert.throws(() => buildDpValues({...shared, clusterCertSecret: 'kong.cluster.cert'}), /DNS label/);
  // A scheme is stripped: Kong wants host:port.
  assert.equal(
    (buildDpValues({...shared, clusterEndpoint: 'https://cp.example.com:8005'}) as Values).env.cluster_control_plane,
    'cp.example.com:8005',
  );
});

const answers = {
  controlPlane: {version: '3.9.1.2', clusterEndpoint: 'cp.example.com:8005', telemetryEndpoint: 'tp.example.com:8006'},
  dataPlane: {namespace: 'edge', release: 'dp1', httpNodePort: 31080},
};

test('generate dp-values CLI: values on stdout, image tag from controlPlane.version', () => {
  const out = generateDpValuesCli(answers, input => `helm -n ${input.namespace}`);
  assert.equal(out.exitCode, 0);
  assert.equal(out.stderr, '');
  const v = yaml.load(out.stdout) as Values;
  assert.equal(v.image.tag, '3.9.1.2');
  assert.equal(v.env.cluster_control_plane, 'cp.example.com:8005');
  assert.equal(v.proxy.http.nodePort, 31080);
  assert.equal(v.proxy.tls.nodePort, 32443);
  assert.equal(v.enterprise.license_secret, undefined);
  assert.match(out.stdout, /-n edge/);
  const licensed = yaml.load(
    generateDpValuesCli({...answers, controlPlane: {...answers.controlPlane, licenseFile: '/x/license.json'}}).stdout,
  ) as Values;
  assert.equal(licensed.enterprise.license_secret, 'kong-enterprise-license');
});

test('generate dp-values CLI: exit 2 naming each missing key', () => {
  for (const key of ['version', 'clusterEndpoint', 'telemetryEndpoint'] as const) {
    const controlPlane: Record<string, string> = {...answers.controlPlane};
    delete controlPlane[key];
    const out = generateDpValuesCli({controlPlane});
    assert.equal(out.exitCode, 2, key);
    assert.equal(out.stdout, '');
    assert.match(out.stderr, new RegExp(`controlPlane\\.${key}`));
  }
  assert.match(generateDpValuesCli({}).stderr, /controlPlane\.version/);
});

test('generate dp-values CLI: a DP image newer than the CP is refused', () => {
  const out = generateDpValuesCli({...answers, dataPlane: {image: 'kong/kong-gateway:3.10.0.0'}});
  assert.equal(out.exitCode, 2);
  assert.match(out.stderr, /dataPlane\.image/);
  assert.match(out.stderr, /newer minor/);
  const ok = yaml.load(
    generateDpValuesCli({...answers, dataPlane: {image: 'registry.local/kong/kong-gateway:3.9.0.0'}}).stdout,
  ) as Values;
  assert.deepEqual(ok.image, {repository: 'registry.local/kong/kong-gateway', tag: '3.9.0.0'});
});
