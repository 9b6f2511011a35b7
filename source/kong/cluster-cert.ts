// The hybrid-mode cluster certificate: checks before it is copied to the data plane, and generation of a
// new one (the equivalent of `kong hybrid gen_cert`) for a control plane the admin also manages.
import {X509Certificate, createPrivateKey, randomBytes, webcrypto, type KeyObject} from 'node:crypto';
import type {KongFinding} from './finding.js';

export const CLUSTER_CN = 'kong_clustering';
/** kong hybrid gen_cert's default validity. */
export const GEN_CERT_DAYS = 1095;
const DAY_MS = 86_400_000;

export interface ClusterCertReport {
  ok: boolean;
  subject?: string;
  commonName?: string;
  validFrom?: string;
  validTo?: string;
  daysLeft?: number;
  /** SHA-256 fingerprint of the certificate, colon-separated hex as openssl prints it. */
  fingerprint256?: string;
  /** e.g. "EC P-384" or "RSA 2048". */
  keyType?: string;
  findings: KongFinding[];
}

export interface InspectOptions {
  mode?: 'shared' | 'pki';
  now?: Date;
  /** Warn when fewer days are left (default 30). */
  warnDays?: number;
}

function commonNameOf(subject: string): string | undefined {
  for (const line of subject.split('\n')) {
    if (line.startsWith('CN=')) return line.slice(3);
  }
  return undefined;
}

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve;
    const names: Record<string, string> = {secp384r1: 'P-384', prime256v1: 'P-256', secp521r1: 'P-521'};
    return `EC ${curve ? (names[curve] ?? curve) : ''}`.trim();
  }
  if (key.asymmetricKeyType === 'rsa') return `RSA ${details.modulusLength ?? ''}`.trim();
  return String(key.asymmetricKeyType ?? 'unknown').toUpperCase();
}

/**
 * Checks a cluster certificate and key (PEM). Shared mode needs CN kong_clustering (or a DNS SAN with it),
 * a certificate that is still valid, and a key that belongs to it. Nothing of the key is returned.
 */
export function inspectClusterCert(
  certPem: string,
  keyPem: string | undefined,
  options: InspectOptions = {},
): ClusterCertReport {
  const mode = options.mode ?? 'shared';
  const now = options.now ?? new Date();
  const warnDays = options.warnDays ?? 30;
  const findings: KongFinding[] = [];
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    findings.push({
      id: 'cert-parse',
      status: 'fail',
      title: 'The certificate (tls.crt) is not a valid PEM certificate',
      fix: 'Recreate the secret from the PEM files: kubectl create secret tls kong-cluster-cert --cert=tls.crt --key=tls.key',
    });
    return {ok: false, findings};
  }
  const commonName = commonNameOf(cert.subject);
  const report: ClusterCertReport = {
    ok: true,
    subject: cert.subject.replace(/\n/g, ', '),
    commonName,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256,
    findings,
  };
  const validTo = new Date(cert.validTo).getTime();
  const validFrom = new Date(cert.validFrom).getTime();
  report.daysLeft = Math.floor((validTo - now.getTime()) / DAY_MS);

  if (mode === 'shared') {
    // The DP checks the host name kong_clustering against the CP certificate; a DNS SAN hides the CN.
    const matches = cert.checkHost(CLUSTER_CN) !== undefined;
    if (matches && commonName === CLUSTER_CN) {
      findings.push({id: 'cn', status: 'ok', title: `Common name is ${CLUSTER_CN}`});
    } else if (matches) {
      findings.push({
        id: 'cn',
        status: 'warn',
        title: `A SAN names ${CLUSTER_CN} but the CN is ${commonName ?? 'absent'}`,
        fix: `Prefer CN=${CLUSTER_CN}, as kong hybrid gen_cert makes it.`,
      });
    } else {
      findings.push({
        id: 'cn',
        status: 'fail',
        title: `Common name is ${commonName ?? 'absent'}, not ${CLUSTER_CN}`,
        detail: 'In shared mode the data plane rejects the control plane with "certificate host mismatch".',
        fix: `Use a certificate with CN=${CLUSTER_CN} and no DNS SAN without it on both the control plane and the data plane.`,
      });
    }
  }

  if (now.getTime() > validTo) {
    findings.push({
      id: 'expiry',
      status: 'fail',
      title: `The certificate expired on ${report.validTo}`,
      fix: 'Renew the cluster certificate on the control plane (replace its secret and restart its pods), then copy it again.',
    });
  } else if (now.getTime() < validFrom) {
    findings.push({
      id: 'expiry',
      status: 'fail',
      title: `The certificate is not valid before ${report.validFrom}`,
      fix: 'Check the clock of this host and of the control plane.',
    });
  } else if (report.daysLeft < warnDays) {
    findings.push({
      id: 'expiry',
      status: 'warn',
      title: `The certificate expires in ${report.daysLeft} days (${report.validTo})`,
      fix: 'Plan its renewal: shared mode has no overlap, the control plane and every data plane switch together.',
    });
  } else {
    findings.push({id: 'expiry', status: 'ok', title: `Valid until ${report.validTo} (${report.daysLeft} days)`});
  }

  if (keyPem === undefined) {
    findings.push({
      id: 'key',
      status: 'fail',
      title: 'The secret has no private key (tls.key)',
      fix: 'The cluster secret must hold tls.crt and tls.key.',
    });
  } else {
    let key: KeyObject | undefined;
    try {
      key = createPrivateKey(keyPem);
    } catch {
      findings.push({
        id: 'key',
        status: 'fail',
        title: 'The private key (tls.key) is not a valid unencrypted PEM key',
        fix: 'Store the key unencrypted in PEM (PKCS#8 or SEC1/PKCS#1).',
      });
    }
    if (key) {
      report.keyType = describeKey(key);
      if (cert.checkPrivateKey(key)) {
        findings.push({id: 'key', status: 'ok', title: `Private key matches the certificate (${report.keyType})`});
      } else {
        findings.push({
          id: 'key',
          status: 'fail',
          title: 'The private key does not belong to the certificate',
          detail: 'Kong cannot complete the mutual TLS handshake with a mismatched pair.',
          fix: 'Put the matching tls.key next to tls.crt in the secret (both from the same gen_cert run).',
        });
      }
    }
  }
  report.ok = !findings.some(f => f.status === 'fail');
  return report;
}

export interface GeneratedClusterCert {
  certPem: string;
  /** PKCS#8 PEM, which Kong reads. Secret: never log it. */
  keyPem: string;
  fingerprint256: string;
  validTo: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

type X509Module = typeof import('@peculiar/x509');

/**
 * @peculiar/x509 loaded on first use. Under tsx the namespace has the named exports; in the esbuild
 * bundle the package is CommonJS wrapped for a dynamic import, so they sit under `default` only.
 */
export async function loadX509(): Promise<X509Module> {
  const mod = (await import('@peculiar/x509')) as X509Module & {default?: X509Module};
  const lib = typeof mod.X509CertificateGenerator === 'function' ? mod : mod.default;
  if (!lib || typeof lib.X509CertificateGenerator !== 'function')
    throw new Error('the @peculiar/x509 library could not be loaded');
  return lib;
}

/**
 * A new self-signed EC P-384 certificate with CN=kong_clustering and no extensions, like
 * `kong hybrid gen_cert`. Only for a control plane the admin also manages: replacing the CP's
 * certificate disconnects every data plane that still holds the old one.
 */
export async function generateClusterCert(options: {days?: number; now?: Date} = {}): Promise<GeneratedClusterCert> {
  const x509 = await loadX509();
  const crypto = webcrypto as unknown as Crypto;
  const algorithm = {name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384'};
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive serial number
  const notBefore = options.now ?? new Date();
  const notAfter = new Date(notBefore.getTime() + (options.days ?? GEN_CERT_DAYS) * DAY_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: `CN=${CLUSTER_CN}`,
      notBefore,
      notAfter,
      signingAlgorithm: algorithm,
      keys,
      extensions: [],
    },
    crypto,
  );
  const certPem = cert.toString('pem').trimEnd() + '\n';
  const keyPem = pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const check = new X509Certificate(certPem);
  if (!check.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('generated certificate and key do not match');
  return {certPem, keyPem, fingerprint256: check.fingerprint256, validTo: new Date(check.validTo).toISOString()};
}
