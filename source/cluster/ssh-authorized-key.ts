// What eksctl does with a TinkerbellMachineConfig's SSH key: golang.org/x/crypto/ssh ParseAuthorizedKey
// (pkg/providers/common/common.go StripSshAuthorizedKeyComment, called by the Tinkerbell provider's
// configureSshKeys), which fails with "ssh: no key found". Followed here: the line scan (blank and "#"
// lines skipped, an authorized_keys options prefix tried when the line does not parse as it is), the
// base64 blob and ParsePublicKey's framing per key type, certificates included. The declared type word
// before the blob is not compared with it, as in Go. Not done: DSA parameter checks and certificate
// signature verification (ssh does not verify them when parsing either).
import {createPublicKey} from 'node:crypto';

class Reader {
  constructor(
    private buf: Buffer,
    private at = 0,
  ) {}
  get rest(): number {
    return this.buf.length - this.at;
  }
  uint32(): number {
    if (this.rest < 4) throw new Error('short');
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  uint64(): void {
    if (this.rest < 8) throw new Error('short');
    this.at += 8;
  }
  string(): Buffer {
    const n = this.uint32();
    if (this.rest < n) throw new Error('short');
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
}

const CURVES: Record<string, {crv: string; size: number}> = {
  nistp256: {crv: 'P-256', size: 32},
  nistp384: {crv: 'P-384', size: 48},
  nistp521: {crv: 'P-521', size: 66},
};

function ecdsaPoint(r: Reader, curveName: string): void {
  const name = r.string().toString('latin1');
  const curve = CURVES[curveName];
  if (!curve || name !== curveName) throw new Error('ssh: unsupported curve');
  const point = r.string();
  if (point.length !== 1 + 2 * curve.size || point[0] !== 4) throw new Error('ssh: invalid curve point');
  const b64 = (b: Buffer) => b.toString('base64url');
  // elliptic.Unmarshal: the point must be on the curve (createPublicKey checks it).
  createPublicKey({
    key: {
      kty: 'EC',
      crv: curve.crv,
      x: b64(point.subarray(1, 1 + curve.size)),
      y: b64(point.subarray(1 + curve.size)),
    },
    format: 'jwk',
  });
}

/** The type-specific fields after the algorithm name (parsePubKey). */
function keyBody(r: Reader, algo: string): void {
  switch (algo) {
    case 'ssh-rsa': {
      const e = r.string();
      r.string(); // N
      const exp = BigInt(`0x${e.toString('hex') || '0'}`);
      if (e.length > 0 && e[0]! & 0x80) throw new Error('ssh: negative exponent');
      if (exp >= 1n << 24n) throw new Error('ssh: exponent too large');
      if (exp < 3n || exp % 2n === 0n) throw new Error('ssh: incorrect exponent');
      return;
    }
    case 'ssh-dss':
      for (let i = 0; i < 4; i++) r.string(); // P, Q, G, Y
      return;
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com':
      if (r.string().length !== 32) throw new Error('ssh: invalid size for Ed25519 public key');
      if (algo.startsWith('sk-')) r.string(); // application
      return;
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      ecdsaPoint(r, algo.slice('ecdsa-sha2-'.length));
      return;
    case 'sk-ecdsa-sha2-nistp256@openssh.com':
      ecdsaPoint(r, 'nistp256');
      r.string(); // application
      return;
    default: {
      const cert = /^(.+)-cert-v01@openssh\.com$/.exec(algo);
      if (!cert) throw new Error(`ssh: unknown key algorithm: ${algo}`);
      const underlying = cert[1]!.startsWith('sk-') ? `${cert[1]}@openssh.com` : cert[1]!;
      if (underlying.endsWith('-cert-v01@openssh.com')) throw new Error('ssh: nested certificate');
      r.string(); // nonce
      keyBody(r, underlying);
      r.uint64(); // serial
      r.uint32(); // type
      r.string(); // key id
      const principals = new Reader(r.string());
      while (principals.rest > 0) principals.string();
      r.uint64(); // valid after
      r.uint64(); // valid before
      for (const tuples of [r.string(), r.string()]) {
        const t = new Reader(tuples); // critical options, extensions
        while (t.rest > 0) {
          t.string();
          t.string();
        }
      }
      r.string(); // reserved
      parsePublicKey(r.string()); // the signature key must be a key itself
      const signature = new Reader(r.string());
      signature.string(); // format
      signature.string(); // blob
      return;
    }
  }
}

/** ParsePublicKey: the algorithm name, its fields, nothing after them. Throws when Go would fail. */
function parsePublicKey(blob: Buffer): void {
  const r = new Reader(blob);
  const algo = r.string().toString('latin1');
  keyBody(r, algo);
  if (r.rest > 0) throw new Error('ssh: trailing junk in public key');
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** parseAuthorizedKey: the base64 blob up to the first space or tab, then the comment. */
function parsesAt(text: string): boolean {
  const t = text.trim();
  const end = t.search(/[ \t]/);
  const b64 = end === -1 ? t : t.slice(0, end);
  // base64.StdEncoding: padded, standard alphabet.
  if (b64.length % 4 !== 0 || !B64.test(b64)) return false;
  try {
    parsePublicKey(Buffer.from(b64, 'base64'));
    return true;
  } catch {
    return false;
  }
}

/** Where the authorized_keys options end: the first space or tab outside double quotes. */
function afterOptions(line: string): string | undefined {
  let inQuote = false;
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (!inQuote && (c === ' ' || c === '\t')) break;
    if (c === '"' && (i === 0 || line[i - 1] !== '\\')) inQuote = !inQuote;
  }
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i === line.length ? undefined : line.slice(i);
}

/** Does ssh.ParseAuthorizedKey find a key in this text (eksctl's test of sshAuthorizedKeys[0])? */
export function goParsesAuthorizedKey(text: string): boolean {
  for (const raw of text.split('\n')) {
    const cr = raw.indexOf('\r');
    const line = (cr === -1 ? raw : raw.slice(0, cr)).trim();
    if (line === '' || line.startsWith('#')) continue;
    const i = line.search(/[ \t]/);
    if (i === -1) continue;
    if (parsesAt(line.slice(i))) return true;
    // No key type recognised: maybe an options field comes first.
    const rest = afterOptions(line);
    if (rest === undefined) continue;
    const j = rest.search(/[ \t]/);
    if (j !== -1 && parsesAt(rest.slice(j))) return true;
  }
  return false;
}
