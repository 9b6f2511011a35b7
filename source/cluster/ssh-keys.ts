// SSH public keys for the nodes' ec2-user. An empty key is fine: eksctl anywhere then generates one
// into <name>/eks-a-id_rsa. A non-empty one must parse as an authorized_keys line, or create fails.
import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {goParsesAuthorizedKey} from './ssh-authorized-key.js';

const KEY_TYPES = [
  'ssh-rsa',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-dss',
];

export interface PublicKeyFile {
  path: string;
  key: string;
  type: string;
  comment: string;
}

/** OpenSSH certificates: golang.org/x/crypto/ssh ParsePublicKey (what eksctl's ParseAuthorizedKey uses) reads them all. */
const CERT_TYPES = KEY_TYPES.map(t => `${t.replace(/@openssh\.com$/, '')}-cert-v01@openssh.com`);
const ALL_TYPES = [...KEY_TYPES, ...CERT_TYPES];

/**
 * The authorized_keys options before the key type ('from="10.0.0.0/8",no-pty ssh-ed25519 ...'), split
 * off as ssh.ParseAuthorizedKey does: they end at the first space or tab outside double quotes (a
 * quote preceded by a backslash does not count). Returns undefined when nothing follows them.
 */
function withoutOptions(line: string): {options: string; rest: string} | undefined {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (!inQuote && (c === ' ' || c === '\t')) {
      const rest = line.slice(i).trim();
      return rest === '' ? undefined : {options: line.slice(0, i), rest};
    }
    if (c === '"' && (i === 0 || line[i - 1] !== '\\')) inQuote = !inQuote;
  }
  return undefined;
}

/** Returns why the key is not usable, or undefined when it is a well-formed single public key. */
export function sshKeyProblem(key: string): string | undefined {
  const trimmed = key.trim();
  if (trimmed === '') return undefined;
  if (trimmed.includes('\n')) return 'give exactly one key (one line)';
  if (/PRIVATE KEY/.test(trimmed)) return 'this is a private key; give the .pub file’s content';
  let line = trimmed;
  const first = trimmed.split(/\s+/)[0] ?? '';
  if (!ALL_TYPES.includes(first)) {
    const split = withoutOptions(trimmed);
    const next = split?.rest.split(/\s+/)[0];
    if (!split || !next || !ALL_TYPES.includes(next))
      return `unknown key type "${first}" (expected ssh-ed25519, ssh-rsa, ecdsa-sha2-* or their -cert-v01@openssh.com certificates, optionally after authorized_keys options)`;
    line = split.rest;
  }
  const [type = '', blob] = line.split(/\s+/);
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob))
    return 'the key data is not base64 (is it a placeholder like "AAAA..."?)';
  // The blob starts with the key type as an SSH string: a 4-byte length then the name.
  const raw = Buffer.from(blob, 'base64');
  if (raw.length < 4) return 'the key data is too short';
  const length = raw.readUInt32BE(0);
  const embedded = raw.subarray(4, 4 + length).toString('latin1');
  if (embedded !== type) return `the key data does not hold a ${type} key`;
  // What eksctl itself runs on the key: the fields of that key type must all be there and well formed.
  if (!goParsesAuthorizedKey(trimmed)) return `the key data is not a complete ${type} key`;
  return undefined;
}

/** The public keys in <home>/.ssh/*.pub that parse. */
export async function listPublicKeys(home: string): Promise<PublicKeyFile[]> {
  const dir = join(home, '.ssh');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: PublicKeyFile[] = [];
  for (const name of names.filter(n => n.endsWith('.pub')).sort()) {
    try {
      const key = (await readFile(join(dir, name), 'utf8')).trim();
      if (sshKeyProblem(key) !== undefined || key === '') continue;
      const fields = key.split(/\s+/);
      // after authorized_keys options the type is the first field that names one
      const at = Math.max(
        0,
        fields.findIndex(f => ALL_TYPES.includes(f)),
      );
      const [type = '', , ...comment] = fields.slice(at);
      out.push({path: join(dir, name), key, type, comment: comment.join(' ')});
    } catch {
      // unreadable: skip it
    }
  }
  return out;
}
