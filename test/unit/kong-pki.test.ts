// pki material (issue 13, item 4): the DP's own client certificate issued from the CA (EC and RSA CAs),
// taken from the admin's files, and every refusal naming the controlPlane.* key that supplies what is
// missing (exit 2). The key never shows in JSON or inspect.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {inspect} from 'node:util';
import {issueDataPlaneCert, PkiError, resolvePki, pkiSecret, type PkiAnswers} from '../../source/kong/pki.js';
import type {CpDeploymentInfo} from '../../source/kong/cp-discovery.js';
import {generateDpValuesCli} from '../../source/kong/dp-values.js';
import {generatePkiControlPlane} from '../../source/demo/scenarios/kong-pki.js';
import {FakeKubeApi, makeCaWithLeaves, makeCert} from '../helpers/kong-fakes.js';

const NAME = 'kong-cp.example.internal';
const target = {namespace: 'kong', release: 'kong-cp'};
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function files(entries: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'pki-'));
  return Object.fromEntries(
    Object.entries(entries).map(([name, text]) => {
      writeFileSync(join(dir, name), text, {mode: 0o600});
      return [name, join(dir, name)];
    }),
  );
}

/** A CP Deployment as the chart with cert-manager leaves it: ca.crt next to the CP's pair, the server name set. */
function cpDeployment(over: Partial<CpDeploymentInfo> = {}): CpDeploymentInfo {
  return {
    status: 'ok',
    clusterMtls: 'pki',
    findings: [],
    title: 'cp',
    caSecret: {name: 'kong-cluster-cert', key: 'ca.crt'},
    serverName: NAME,
    ...over,
  };
}

async function setup() {
  const {ca, cp} = await generatePkiControlPlane(NAME);
  const kube = new FakeKubeApi();
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  kube.add('Secret', 'kong', {
    metadata: {name: 'kong-cluster-cert'},
    type: 'kubernetes.io/tls',
    data: {'tls.crt': b64(cp.certPem), 'tls.key': b64(cp.keyPem), 'ca.crt': b64(ca.certPem)},
  });
  kube.add('Secret', 'kong', {
    metadata: {name: 'kong-cluster-ca'},
    type: 'kubernetes.io/tls',
    data: {'tls.crt': b64(ca.certPem), 'tls.key': b64(ca.keyPem)},
  });
  return {ca, cp, kube};
}

const refuses = async (promise: Promise<unknown>, key: string, message: RegExp) =>
  assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof PkiError, String(e));
    assert.equal(e.key, key);
    assert.match(e.message, message);
    return true;
  });

test('issueDataPlaneCert: EC and RSA CAs issue a clientAuth leaf that chains to the CA, never a CA itself', async () => {
  const {ca} = await generatePkiControlPlane(NAME);
  const rsa = await makeCert({cn: 'RSA Cluster CA', keyType: 'rsa'});
  for (const issuer of [ca, rsa]) {
    const issued = await issueDataPlaneCert({
      caCertPem: issuer.certPem,
      caKeyPem: issuer.keyPem,
      commonName: 'kong-dp.kong',
    });
    const cert = new X509Certificate(issued.certPem);
    const caCert = new X509Certificate(issuer.certPem);
    assert.ok(cert.checkIssued(caCert) && cert.verify(caCert.publicKey));
    assert.deepEqual(cert.keyUsage, [CLIENT_AUTH]);
    assert.equal(cert.ca, false);
    assert.equal(cert.subject, 'CN=kong-dp.kong');
  }
});

test('resolvePki: the CA from the CP (KONG_CLUSTER_CA_CERT), the name from KONG_CLUSTER_SERVER_NAME, a DP cert issued from clusterCaSecret', async () => {
  const {ca, cp, kube} = await setup();
  const material = await resolvePki({
    kube,
    target,
    answers: {clusterCaSecret: 'kong-cluster-ca'},
    env: {},
    deployment: cpDeployment(),
    cpCertPem: cp.certPem,
  });
  assert.equal(material.caCertPem, ca.certPem);
  assert.equal(material.serverName, NAME);
  assert.equal(material.issued, true);
  assert.notEqual(material.certPem, cp.certPem, "never the CP's own certificate");
  const secret = pkiSecret('kong-cluster-cert', 'kong', material);
  assert.deepEqual(Object.keys(secret.data!).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  assert.ok(!JSON.stringify(material).includes('PRIVATE KEY'));
  assert.ok(!inspect(material).includes('PRIVATE KEY'));
});

test('resolvePki: CA files on this host, and the server name read off the CP certificate when the CP does not set it', async () => {
  const {ca, cp} = await setup();
  const f = files({'ca.crt': ca.certPem, 'ca.key': ca.keyPem});
  const material = await resolvePki({
    target,
    answers: {clusterCaCertFile: f['ca.crt'], clusterCaKeyFile: f['ca.key']},
    env: {},
    deployment: cpDeployment({caSecret: undefined, serverName: undefined}),
    cpCertPem: cp.certPem,
  });
  assert.equal(material.serverName, NAME);
  assert.match(material.sources.serverName, /a name on the control plane's cluster certificate/);
});

test("resolvePki: a DP certificate the admin issued is taken as is; the CP's own or one from another CA is refused", async () => {
  const {ca, cp, kube} = await setup();
  const dp = await issueDataPlaneCert({caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName: 'dp'});
  const stranger = await makeCaWithLeaves(['dp.example.com']);
  const f = files({
    'dp.crt': dp.certPem,
    'dp.key': dp.keyPem,
    'cp.crt': cp.certPem,
    'cp.key': cp.keyPem,
    'x.crt': stranger.leaves[0]!.certPem,
    'x.key': stranger.leaves[0]!.keyPem,
  });
  const base = {kube, target, env: {}, deployment: cpDeployment(), cpCertPem: cp.certPem};
  const given = await resolvePki({...base, answers: {dataPlaneCertFile: f['dp.crt'], dataPlaneKeyFile: f['dp.key']}});
  assert.equal(given.certPem, dp.certPem);
  assert.equal(given.issued, false);
  await refuses(
    resolvePki({...base, answers: {dataPlaneCertFile: f['cp.crt'], dataPlaneKeyFile: f['cp.key']}}),
    'controlPlane.dataPlaneCertFile',
    /the control plane's own cluster certificate/,
  );
  await refuses(
    resolvePki({...base, answers: {dataPlaneCertFile: f['x.crt'], dataPlaneKeyFile: f['x.key']}}),
    'controlPlane.dataPlaneCertFile',
    /not by the CA the control plane trusts .*"The SSL certificate error"/,
  );
  await refuses(
    resolvePki({...base, answers: {dataPlaneCertFile: f['dp.crt']}}),
    'controlPlane.dataPlaneKeyFile',
    /go together/,
  );
  await refuses(
    resolvePki({...base, answers: {dataPlaneCertFile: f['dp.crt'], dataPlaneKeyFile: f['x.key']}}),
    'controlPlane.dataPlaneKeyFile',
    /does not belong/,
  );
});

test('resolvePki: what pki needs but nobody said, each refusal names its controlPlane.* key', async () => {
  const {ca, cp, kube} = await setup();
  const other = await generatePkiControlPlane(NAME);
  const f = files({'ca.key': other.ca.keyPem, 'ca.crt': ca.certPem});
  const run = (answers: PkiAnswers, deployment = cpDeployment(), cpCertPem: string | null = cp.certPem) =>
    resolvePki({kube, target, answers, env: {}, deployment, cpCertPem: cpCertPem ?? undefined});
  await refuses(run({}), 'controlPlane.clusterCaKeyFile', /client certificate of its own/);
  await refuses(
    run({clusterCaKeyFile: f['ca.key']}),
    'controlPlane.clusterCaKeyFile',
    /does not belong to the CA the control plane trusts/,
  );
  await refuses(
    run({}, cpDeployment({caSecret: undefined, caCertPath: '/opt/ca.pem'})),
    'controlPlane.clusterCaCertFile',
    /KONG_CLUSTER_CA_CERT is \/opt\/ca\.pem, not in a mounted secret/,
  );
  await refuses(
    run({clusterCaSecret: 'kong-cluster-ca'}, cpDeployment({serverName: undefined}), null),
    'controlPlane.clusterServerName',
    /certificate host mismatch/,
  );
  await refuses(
    run({clusterCaSecret: 'kong-cluster-ca', clusterServerName: 'k8s-kong-cp.elb.amazonaws.com'}),
    'controlPlane.clusterServerName',
    /not a name on the control plane's cluster certificate/,
  );
  await refuses(
    run({clusterCaSecret: 'kong-missing'}),
    'controlPlane.clusterCaSecret',
    /must hold the CA certificate and key under tls\.crt and tls\.key/,
  );
  await refuses(
    run({clusterCaCertFile: '/nonexistent/ca.crt'}, cpDeployment({caSecret: undefined})),
    'controlPlane.clusterCaCertFile',
    /cannot read "\/nonexistent\/ca\.crt" \(ENOENT\)/,
  );
});

test('generate dp-values in pki mode without controlPlane.clusterServerName: exit 2 naming it', () => {
  const out = generateDpValuesCli({
    controlPlane: {
      version: '3.9.1.2',
      clusterEndpoint: 'cp.example.com:8005',
      telemetryEndpoint: 'tp.example.com:8006',
      mode: 'pki',
    },
  });
  assert.equal(out.exitCode, 2);
  assert.match(out.stderr, /missing controlPlane\.clusterServerName/);
  const ok = generateDpValuesCli({
    controlPlane: {
      version: '3.9.1.2',
      clusterEndpoint: 'cp.example.com:8005',
      telemetryEndpoint: 'tp.example.com:8006',
      mode: 'pki',
      clusterServerName: NAME,
    },
  });
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.stdout, /cluster_server_name: kong-cp\.example\.internal/);
  assert.match(ok.stdout, /cluster_ca_cert: \/etc\/secrets\/kong-cluster-cert\/ca\.crt/);
});
