import {test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {generateClusterCert, inspectClusterCert} from '../../source/kong/cluster-cert.js';
import {makeCert, otherKeyPem} from '../helpers/kong-fakes.js';

const DAY = 86_400_000;
const status = (report: ReturnType<typeof inspectClusterCert>, id: string) =>
  report.findings.find(f => f.id === id)?.status;

test('a kong_clustering EC P-384 pair passes and reports fingerprint and key type', async () => {
  const cert = await makeCert();
  const report = inspectClusterCert(cert.certPem, cert.keyPem);
  assert.equal(report.ok, true);
  assert.equal(report.commonName, 'kong_clustering');
  assert.equal(report.keyType, 'EC P-384');
  assert.equal(report.fingerprint256, new X509Certificate(cert.certPem).fingerprint256);
  assert.match(report.fingerprint256 ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

test('an RSA pair with CN kong_clustering passes', async () => {
  const cert = await makeCert({keyType: 'rsa'});
  const report = inspectClusterCert(cert.certPem, cert.keyPem);
  assert.equal(report.ok, true);
  assert.equal(report.keyType, 'RSA 2048');
});

test('an expired certificate fails with a renewal fix', async () => {
  const cert = await makeCert({notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY)});
  const report = inspectClusterCert(cert.certPem, cert.keyPem);
  assert.equal(report.ok, false);
  assert.equal(status(report, 'expiry'), 'fail');
  assert.match(report.findings.find(f => f.id === 'expiry')?.fix ?? '', /Renew/);
});

test('a certificate expiring within 30 days warns but passes', async () => {
  const cert = await makeCert({notAfter: new Date(Date.now() + 10 * DAY)});
  const report = inspectClusterCert(cert.certPem, cert.keyPem);
  assert.equal(report.ok, true);
  assert.equal(status(report, 'expiry'), 'warn');
});

test('a wrong CN fails in shared mode and is not checked in pki mode', async () => {
  const cert = await makeCert({cn: 'kong-cp.example.com'});
  const shared = inspectClusterCert(cert.certPem, cert.keyPem);
  assert.equal(shared.ok, false);
  assert.equal(status(shared, 'cn'), 'fail');
  assert.match(shared.findings.find(f => f.id === 'cn')?.title ?? '', /kong-cp\.example\.com/);
  assert.equal(inspectClusterCert(cert.certPem, cert.keyPem, {mode: 'pki'}).ok, true);
});

test('a DNS SAN without kong_clustering hides the CN and fails', async () => {
  const cert = await makeCert({dnsSan: ['cp.example.com']});
  assert.equal(status(inspectClusterCert(cert.certPem, cert.keyPem), 'cn'), 'fail');
});

test('a key that does not belong to the certificate fails, EC and RSA alike', async () => {
  for (const keyType of ['ec', 'rsa'] as const) {
    const cert = await makeCert({keyType});
    const other = await makeCert({keyType});
    const report = inspectClusterCert(cert.certPem, other.keyPem);
    assert.equal(report.ok, false, keyType);
    assert.equal(status(report, 'key'), 'fail');
  }
  const cert = await makeCert();
  assert.equal(status(inspectClusterCert(cert.certPem, otherKeyPem()), 'key'), 'fail');
});

test('garbage and a missing key are reported, never thrown', () => {
  assert.equal(inspectClusterCert('not a cert', undefined).findings[0]?.id, 'cert-parse');
});

test('the key never appears in the report', async () => {
  const cert = await makeCert();
  const text = JSON.stringify(inspectClusterCert(cert.certPem, cert.keyPem));
  const keyBody = cert.keyPem.split('\n')[1] ?? '';
  assert.ok(keyBody.length > 20);
  assert.equal(text.includes(keyBody), false);
});

test('generateClusterCert mirrors kong hybrid gen_cert: EC P-384, CN kong_clustering, 1095 days, no extensions', async () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const generated = await generateClusterCert({now});
  const cert = new X509Certificate(generated.certPem);
  assert.equal(cert.subject, 'CN=kong_clustering');
  assert.equal(cert.issuer, 'CN=kong_clustering');
  assert.equal(new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime(), 1095 * DAY);
  assert.equal(cert.subjectAltName, undefined);
  assert.equal(createPrivateKey(generated.keyPem).asymmetricKeyDetails?.namedCurve, 'secp384r1');
  assert.match(generated.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(
    inspectClusterCert(generated.certPem, generated.keyPem, {now: new Date('2026-07-01T00:00:00Z')}).ok,
    true,
  );
});
