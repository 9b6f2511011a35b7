// The certificates of a pki-mode control plane (cluster_mtls: pki, kong.md 1.7) as an admin's CA would
// make them: a CA (EC P-384, CA:TRUE, keyCertSign) and the CP's cluster certificate issued by it for the
// name data planes check (cluster_server_name), EKU serverAuth.
import {webcrypto, randomBytes} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type {ClusterCert} from './kong-control-plane.js';

const DAY = 86_400_000;
const alg = {name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384'};

async function keyPemOf(crypto: Crypto, key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

const serial = () => {
  const s = randomBytes(16);
  s[0]! &= 0x7f;
  return s.toString('hex');
};

export async function generatePkiControlPlane(
  serverName: string,
  now = new Date(),
): Promise<{ca: ClusterCert; cp: ClusterCert}> {
  const crypto = webcrypto as unknown as Crypto;
  const caKeys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: 'CN=Kong Cluster CA',
      notBefore: now,
      notAfter: new Date(now.getTime() + 3650 * DAY),
      signingAlgorithm: alg,
      keys: caKeys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 1, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const cpKeys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cpCert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: `CN=${serverName}`,
      issuer: caCert.subject,
      notBefore: now,
      notAfter: new Date(now.getTime() + 1095 * DAY),
      signingAlgorithm: alg,
      publicKey: cpKeys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{type: 'dns', value: serverName}]),
      ],
    },
    crypto,
  );
  return {
    ca: {certPem: caCert.toString('pem') + '\n', keyPem: await keyPemOf(crypto, caKeys.privateKey)},
    cp: {certPem: cpCert.toString('pem') + '\n', keyPem: await keyPemOf(crypto, cpKeys.privateKey)},
  };
}
