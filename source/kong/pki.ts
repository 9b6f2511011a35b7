// pki mode (cluster_mtls: pki, kong.md 1.7): what a data plane needs besides the endpoints — the CA the
// control plane trusts (cluster_ca_cert), a name on the control plane's certificate (cluster_server_name:
// without it the DP checks the load balancer's hostname and logs "certificate host mismatch"), and a client
// certificate of its own issued by that CA. Never the control plane's own server certificate.
import {createPrivateKey, randomBytes, webcrypto, X509Certificate, type KeyObject} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {inspect} from 'node:util';
import {expandTilde} from '../session/home.js';
import {loadX509} from './cluster-cert.js';
import {readCpDeployment, type CpDeploymentInfo, type CpTarget, type SecretRef} from './cp-discovery.js';
import type {KubeApi, KubeSecret} from './kube-api.js';
import {MANAGED_BY_LABEL} from './deploy.js';

/** The answers keys of pki mode (controlPlane.*). */
export interface PkiAnswers {
  clusterServerName?: string;
  /** A secret in the control plane namespace holding the CA: tls.crt + tls.key (a cert-manager CA issuer's secret). */
  clusterCaSecret?: string;
  clusterCaCertFile?: string;
  clusterCaKeyFile?: string;
  dataPlaneCertFile?: string;
  dataPlaneKeyFile?: string;
}

/** What pki needs is not known or not usable: the answers key that supplies it (exit 2). */
export class PkiError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'PkiError';
  }
}

/** The DP's pki material. The key is reachable through keyPem() only and hidden from JSON and inspect. */
export class PkiMaterial {
  readonly #keyPem: string;

  constructor(
    readonly caCertPem: string,
    readonly certPem: string,
    keyPem: string,
    readonly serverName: string,
    /** Where each part came from, in words (no secret). */
    readonly sources: {ca: string; cert: string; serverName: string},
    readonly issued: boolean,
  ) {
    this.#keyPem = keyPem;
  }

  keyPem(): string {
    return this.#keyPem;
  }

  toJSON(): object {
    return {serverName: this.serverName, sources: this.sources, issued: this.issued};
  }

  [inspect.custom](): string {
    return `PkiMaterial<${this.serverName}, ${this.sources.cert}>`;
  }
}

/** The keys of the data plane's pki secret: its own pair, and the CA the chart points cluster_ca_cert at. */
export const PKI_CA_KEY = 'ca.crt';

/** kubernetes.io/tls (tls.crt/tls.key are the DP's own client pair) plus ca.crt: one secret, one mount. */
export function pkiSecret(name: string, namespace: string, material: PkiMaterial): KubeSecret {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name, namespace, labels: {...MANAGED_BY_LABEL}},
    type: 'kubernetes.io/tls',
    data: {'tls.crt': b64(material.certPem), 'tls.key': b64(material.keyPem()), [PKI_CA_KEY]: b64(material.caCertPem)},
  };
}

const DAY_MS = 86_400_000;
/** Validity of an issued DP certificate (capped by the CA's own). */
export const DP_CERT_DAYS = 365;

function pem(label: string, der: ArrayBuffer | Buffer): string {
  const lines =
    Buffer.from(der as ArrayBuffer)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** WebCrypto signing parameters for a CA key (EC by its curve, RSA with SHA-256). */
function signingAlgorithm(key: KeyObject): {import: EcKeyImportParams | RsaHashedImportParams; sign: Algorithm} {
  if (key.asymmetricKeyType === 'ec') {
    const curves: Record<string, [string, string]> = {
      prime256v1: ['P-256', 'SHA-256'],
      secp384r1: ['P-384', 'SHA-384'],
      secp521r1: ['P-521', 'SHA-512'],
    };
    const found = curves[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!found) throw new Error(`the CA key's curve ${key.asymmetricKeyDetails?.namedCurve} is not supported`);
    return {
      import: {name: 'ECDSA', namedCurve: found[0]},
      sign: {name: 'ECDSA', hash: found[1]} as Algorithm,
    };
  }
  if (key.asymmetricKeyType === 'rsa')
    return {
      import: {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'},
      sign: {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'} as Algorithm,
    };
  throw new Error(`a ${key.asymmetricKeyType} CA key is not supported (EC or RSA)`);
}

/**
 * A client certificate for the data plane, issued by the CA: EC P-384 key, EKU clientAuth (kong.md 1.7),
 * not a CA, valid DP_CERT_DAYS or until the CA expires.
 */
export async function issueDataPlaneCert(options: {
  caCertPem: string;
  caKeyPem: string;
  commonName: string;
  now?: Date;
  days?: number;
}): Promise<{certPem: string; keyPem: string}> {
  const x509 = await loadX509();
  const crypto = webcrypto as unknown as Crypto;
  const ca = new x509.X509Certificate(options.caCertPem);
  const caKey = createPrivateKey(options.caKeyPem);
  const alg = signingAlgorithm(caKey);
  const signingKey = await crypto.subtle.importKey(
    'pkcs8',
    caKey.export({type: 'pkcs8', format: 'der'}),
    alg.import,
    false,
    ['sign'],
  );
  const dpAlg = {name: 'ECDSA', namedCurve: 'P-384'};
  const keys = (await crypto.subtle.generateKey(dpAlg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const notBefore = options.now ?? new Date();
  const notAfter = new Date(
    Math.min(notBefore.getTime() + (options.days ?? DP_CERT_DAYS) * DAY_MS, ca.notAfter.getTime()),
  );
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial.toString('hex'),
      subject: `CN=${options.commonName}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: alg.sign,
      publicKey: keys.publicKey,
      signingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca, false, crypto),
      ],
    },
    crypto,
  );
  const certPem = cert.toString('pem').trimEnd() + '\n';
  const keyPem = pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const check = new X509Certificate(certPem);
  if (
    !check.checkPrivateKey(createPrivateKey(keyPem)) ||
    !check.verify(new X509Certificate(options.caCertPem).publicKey)
  )
    throw new Error('the issued data plane certificate does not verify against the CA');
  return {certPem, keyPem};
}

function parseCert(text: string, key: string, what: string): X509Certificate {
  try {
    return new X509Certificate(text);
  } catch {
    throw new PkiError(key, `${key}: ${what} is not a PEM certificate`);
  }
}

function parseKey(text: string, key: string, what: string): KeyObject {
  try {
    return createPrivateKey(text);
  } catch {
    throw new PkiError(key, `${key}: ${what} is not an unencrypted PEM private key`);
  }
}

/** The name the DP checks on the CP certificate: a DNS SAN, else the CN. */
function nameOnCert(cert: X509Certificate): string | undefined {
  const dns = (cert.subjectAltName ?? '')
    .split(', ')
    .filter(n => n.startsWith('DNS:'))
    .map(n => n.slice(4))
    .find(n => !n.includes('*'));
  if (dns) return dns;
  return /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
}

export interface PkiSourcesInput {
  /** The control plane cluster; absent in a dry run (only files are read). */
  kube?: KubeApi;
  target: CpTarget;
  answers: PkiAnswers;
  env: Readonly<Record<string, string | undefined>>;
  /** Already read by the caller (the control-plane step). */
  deployment?: CpDeploymentInfo;
  /** The control plane's own cluster certificate (public part), to name it and to refuse it as the DP's. */
  cpCertPem?: string;
  /** The host of cluster_control_plane: Kong's default server name. */
  clusterHost?: string;
  /** CN of an issued certificate (default: kong-dp). */
  commonName?: string;
  now?: Date;
}

async function readAnswerFile(key: string, path: string, env: PkiSourcesInput['env']): Promise<string> {
  const full = expandTilde(path, env['HOME'] || '/');
  try {
    return await readFile(full, 'utf8');
  } catch (error) {
    throw new PkiError(
      key,
      `${key}: cannot read ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

async function readSecretKey(
  kube: KubeApi,
  namespace: string,
  ref: SecretRef,
  answerKey: string,
): Promise<string | undefined> {
  let secret;
  try {
    secret = await kube.get('Secret', namespace, ref.name);
  } catch (error) {
    throw new PkiError(
      answerKey,
      `cannot read secret ${namespace}/${ref.name} (${(error as Error).message.split('\n')[0]}): reading it needs "get" on secrets in the control plane namespace`,
    );
  }
  const b64 = secret?.data?.[ref.key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

const CA_KEY_HINT =
  'give the CA key (controlPlane.clusterCaKeyFile, or controlPlane.clusterCaSecret naming a secret with tls.crt and tls.key ' +
  'in the control plane namespace) so the wizard issues the data plane its own client certificate, or give one you issued ' +
  '(controlPlane.dataPlaneCertFile and controlPlane.dataPlaneKeyFile)';

/**
 * Everything pki needs, from the CP Deployment (KONG_CLUSTER_SERVER_NAME, KONG_CLUSTER_CA_CERT and the
 * secret it points into) and the answers. Throws PkiError naming the controlPlane.* key to give.
 */
export async function resolvePki(input: PkiSourcesInput): Promise<PkiMaterial> {
  const {answers, env, kube, target} = input;
  const deployment = input.deployment ?? (kube ? await readCpDeployment(kube, target) : undefined);

  // The CA of a given CA secret (tls.crt, or ca.crt as cert-manager adds it) and its key.
  let caSecretCert: string | undefined;
  let caSecretKey: string | undefined;
  if (answers.clusterCaSecret) {
    if (!kube)
      throw new PkiError(
        'controlPlane.clusterCaKeyFile',
        'controlPlane.clusterCaSecret is read from the control plane cluster, which a dry run does not contact: give controlPlane.clusterCaCertFile and controlPlane.clusterCaKeyFile instead',
      );
    const name = answers.clusterCaSecret;
    caSecretCert =
      (await readSecretKey(kube, target.namespace, {name, key: 'tls.crt'}, 'controlPlane.clusterCaSecret')) ??
      (await readSecretKey(kube, target.namespace, {name, key: PKI_CA_KEY}, 'controlPlane.clusterCaSecret'));
    caSecretKey = await readSecretKey(kube, target.namespace, {name, key: 'tls.key'}, 'controlPlane.clusterCaSecret');
    if (!caSecretCert || !caSecretKey)
      throw new PkiError(
        'controlPlane.clusterCaSecret',
        `controlPlane.clusterCaSecret: secret ${target.namespace}/${name} must hold the CA certificate and key under tls.crt and tls.key`,
      );
  }

  // 1. The CA: what the control plane trusts (its KONG_CLUSTER_CA_CERT) first, then the answers.
  let caCertPem: string | undefined;
  let caSource = '';
  const cpCa = deployment?.caSecret;
  if (cpCa && kube) {
    caCertPem = await readSecretKey(kube, target.namespace, cpCa, 'controlPlane.clusterCaCertFile');
    if (!caCertPem)
      throw new PkiError(
        'controlPlane.clusterCaCertFile',
        `the control plane's KONG_CLUSTER_CA_CERT points at key ${cpCa.key} of secret ${target.namespace}/${cpCa.name}, which does not exist: give controlPlane.clusterCaCertFile`,
      );
    caSource = `secret ${target.namespace}/${cpCa.name} key ${cpCa.key} (the control plane's KONG_CLUSTER_CA_CERT)`;
  } else if (answers.clusterCaCertFile) {
    caCertPem = await readAnswerFile('controlPlane.clusterCaCertFile', answers.clusterCaCertFile, env);
    caSource = `file ${answers.clusterCaCertFile}`;
  } else if (caSecretCert) {
    caCertPem = caSecretCert;
    caSource = `secret ${target.namespace}/${answers.clusterCaSecret}`;
  }
  if (!caCertPem)
    throw new PkiError(
      'controlPlane.clusterCaCertFile',
      `pki mode: the CA the control plane trusts (cluster_ca_cert) is not known${deployment?.caCertPath ? ` (KONG_CLUSTER_CA_CERT is ${deployment.caCertPath}, not in a mounted secret)` : ''}: give controlPlane.clusterCaCertFile (PEM) or controlPlane.clusterCaSecret`,
    );
  const caKeyName = cpCa
    ? 'controlPlane.clusterCaCertFile'
    : answers.clusterCaCertFile
      ? 'controlPlane.clusterCaCertFile'
      : 'controlPlane.clusterCaSecret';
  const ca = parseCert(caCertPem, caKeyName, 'the CA certificate');
  if (!ca.ca)
    throw new PkiError(
      caKeyName,
      `${caKeyName}: ${ca.subject.replace(/\n/g, ', ')} is not a CA certificate (basicConstraints CA:FALSE or absent)`,
    );
  const now = input.now ?? new Date();
  if (now.getTime() > new Date(ca.validTo).getTime())
    throw new PkiError(caKeyName, `${caKeyName}: the CA certificate expired on ${new Date(ca.validTo).toISOString()}`);

  // 2. The server name: the answer, the CP's KONG_CLUSTER_SERVER_NAME (cert-manager setups), a name on its certificate.
  let serverName = answers.clusterServerName;
  let nameSource = 'controlPlane.clusterServerName';
  if (!serverName && deployment?.serverName) {
    serverName = deployment.serverName;
    nameSource = "the control plane's KONG_CLUSTER_SERVER_NAME";
  }
  const cpCert = input.cpCertPem ? new X509Certificate(input.cpCertPem) : undefined;
  if (!serverName && cpCert) {
    serverName = nameOnCert(cpCert);
    nameSource = "a name on the control plane's cluster certificate";
  }
  if (!serverName)
    throw new PkiError(
      'controlPlane.clusterServerName',
      `pki mode: the name on the control plane's cluster certificate is not known (cluster_server_name; without it the data plane checks ${input.clusterHost ?? 'the load balancer hostname'} and fails with "certificate host mismatch"): give controlPlane.clusterServerName`,
    );
  if (cpCert && cpCert.checkHost(serverName) === undefined)
    throw new PkiError(
      'controlPlane.clusterServerName',
      `controlPlane.clusterServerName: ${serverName} is not a name on the control plane's cluster certificate (${cpCert.subject.replace(/\n/g, ', ')}${cpCert.subjectAltName ? `; ${cpCert.subjectAltName}` : ''}): the data plane would log "certificate host mismatch"`,
    );

  // 3. The DP's own client certificate: the admin's, or issued from the CA key.
  if (answers.dataPlaneCertFile || answers.dataPlaneKeyFile) {
    if (!answers.dataPlaneCertFile || !answers.dataPlaneKeyFile) {
      const missing = answers.dataPlaneCertFile ? 'controlPlane.dataPlaneKeyFile' : 'controlPlane.dataPlaneCertFile';
      throw new PkiError(
        missing,
        `pki mode: ${missing} is missing: the data plane certificate and its key go together`,
      );
    }
    const certPem = await readAnswerFile('controlPlane.dataPlaneCertFile', answers.dataPlaneCertFile, env);
    const keyPem = await readAnswerFile('controlPlane.dataPlaneKeyFile', answers.dataPlaneKeyFile, env);
    const cert = parseCert(certPem, 'controlPlane.dataPlaneCertFile', 'the data plane certificate');
    const key = parseKey(keyPem, 'controlPlane.dataPlaneKeyFile', 'the data plane key');
    if (!cert.checkPrivateKey(key))
      throw new PkiError(
        'controlPlane.dataPlaneKeyFile',
        'controlPlane.dataPlaneKeyFile: the key does not belong to controlPlane.dataPlaneCertFile',
      );
    if (cpCert && cert.fingerprint256 === cpCert.fingerprint256)
      throw new PkiError(
        'controlPlane.dataPlaneCertFile',
        "controlPlane.dataPlaneCertFile is the control plane's own cluster certificate: in pki mode the data plane needs a client certificate of its own issued by the CA",
      );
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey))
      throw new PkiError(
        'controlPlane.dataPlaneCertFile',
        `controlPlane.dataPlaneCertFile: issued by ${cert.issuer.replace(/\n/g, ', ')}, not by the CA the control plane trusts (${ca.subject.replace(/\n/g, ', ')}): the control plane would answer 400 "The SSL certificate error"`,
      );
    if (now.getTime() > new Date(cert.validTo).getTime())
      throw new PkiError(
        'controlPlane.dataPlaneCertFile',
        `controlPlane.dataPlaneCertFile: the certificate expired on ${new Date(cert.validTo).toISOString()}`,
      );
    if (cert.keyUsage && !cert.keyUsage.includes('1.3.6.1.5.5.7.3.2'))
      throw new PkiError(
        'controlPlane.dataPlaneCertFile',
        'controlPlane.dataPlaneCertFile: its extended key usage does not allow clientAuth, which the control plane requires of a data plane certificate',
      );
    return new PkiMaterial(
      caCertPem,
      certPem,
      keyPem,
      serverName,
      {ca: caSource, cert: `file ${answers.dataPlaneCertFile}`, serverName: nameSource},
      false,
    );
  }
  let caKeyPem: string | undefined;
  let keySource = '';
  let keyAnswer = 'controlPlane.clusterCaKeyFile';
  if (answers.clusterCaKeyFile) {
    caKeyPem = await readAnswerFile('controlPlane.clusterCaKeyFile', answers.clusterCaKeyFile, env);
    keySource = `file ${answers.clusterCaKeyFile}`;
  } else if (caSecretKey) {
    caKeyPem = caSecretKey;
    keySource = `secret ${target.namespace}/${answers.clusterCaSecret}`;
    keyAnswer = 'controlPlane.clusterCaSecret';
  }
  if (!caKeyPem)
    throw new PkiError(
      'controlPlane.clusterCaKeyFile',
      `pki mode: the data plane needs a client certificate of its own; ${CA_KEY_HINT}`,
    );
  const caKey = parseKey(caKeyPem, keyAnswer, 'the CA key');
  if (!ca.checkPrivateKey(caKey))
    throw new PkiError(
      keyAnswer,
      `${keyAnswer}: the CA key does not belong to the CA the control plane trusts (${ca.subject.replace(/\n/g, ', ')}, from ${caSource})`,
    );
  const issued = await issueDataPlaneCert({caCertPem, caKeyPem, commonName: input.commonName ?? 'kong-dp', now});
  return new PkiMaterial(
    caCertPem,
    issued.certPem,
    issued.keyPem,
    serverName,
    {ca: caSource, cert: `issued by the CA (key from ${keySource})`, serverName: nameSource},
    true,
  );
}

/** The data plane's pki secret (its own client pair + ca.crt), for the data-plane step. */
export async function dataPlanePkiSecret(options: {
  kube?: KubeApi;
  target: CpTarget;
  answers: PkiAnswers;
  env: Readonly<Record<string, string | undefined>>;
  name: string;
  namespace: string;
  commonName?: string;
}): Promise<{secret: KubeSecret; material: PkiMaterial}> {
  const material = await resolvePki({
    kube: options.kube,
    target: options.target,
    answers: options.answers,
    env: options.env,
    commonName: options.commonName,
  });
  return {secret: pkiSecret(options.name, options.namespace, material), material};
}
