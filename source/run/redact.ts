// Secret redaction for everything we show or write: pane lines, log files, command lines, errors.
export const MASK = '***';

/**
 * Output and logs: values shorter than this are not masked, since masking every "ab" of a tool's output
 * hides nothing and mangles every line. They are never put in a command line or output by the wizard
 * (secrets travel in environments and files); in a recorded command, any secret however short is
 * replaced where it stands in a secret-bearing slot (command-record.ts, secret-slots.ts).
 */
export const MIN_SECRET_LENGTH = 4;

/** A growing set of secret values; hands out a snapshot sorted longest first so that a secret that
 * contains another one is masked whole. */
export class SecretSet {
  readonly #values = new Set<string>();
  #sorted: string[] | null = null;

  constructor(values: Iterable<string> = []) {
    for (const v of values) this.add(v);
  }

  add(value: string): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    this.#sorted = null;
  }

  get size(): number {
    return this.#values.size;
  }

  values(): readonly string[] {
    this.#sorted ??= [...this.#values].sort((a, b) => b.length - a.length);
    return this.#sorted;
  }
}

export function sortSecrets(values: Iterable<string>): string[] {
  return new SecretSet(values).values().slice();
}

/** Masks every occurrence of every secret (secrets sorted longest first). */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

const MASK_BYTES = Buffer.from(MASK);

export function redactBuffer(buf: Buffer, secrets: readonly Buffer[]): Buffer {
  let out = buf;
  for (const secret of secrets) {
    let at = out.indexOf(secret);
    if (at < 0) continue;
    const pieces: Buffer[] = [];
    let from = 0;
    while (at >= 0) {
      pieces.push(out.subarray(from, at), MASK_BYTES);
      from = at + secret.length;
      at = out.indexOf(secret, from);
    }
    pieces.push(out.subarray(from));
    out = Buffer.concat(pieces);
  }
  return out;
}

/**
 * Redacts a byte stream whose secrets may be split across chunks. Bytes at the end of a chunk that
 * could be the start of a secret are held back until the next chunk decides; nothing else is held,
 * so stdout and stderr written to one log stay in the order they arrived. Works across newlines too,
 * so multi-line secrets are caught.
 */
export class StreamRedactor {
  readonly #secrets: Buffer[];
  #carry: Buffer = Buffer.alloc(0);

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets.filter(s => s.length > 0).map(s => Buffer.from(s));
    this.#secrets.sort((a, b) => b.length - a.length);
  }

  /** Returns the bytes that are safe to write now. */
  push(chunk: Buffer): Buffer {
    if (this.#secrets.length === 0) return chunk;
    const data = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const safe = data.length - this.#pendingPrefix(data);
    // An occurrence that starts before `safe` is complete (else it would be pending); emit up to its
    // end so that it is masked whole.
    let end = safe;
    for (const secret of this.#secrets) {
      for (let at = data.indexOf(secret); at >= 0 && at < safe; at = data.indexOf(secret, at + 1)) {
        end = Math.max(end, at + secret.length);
      }
    }
    // Copy the carry so it does not pin the whole chunk.
    this.#carry = Buffer.from(data.subarray(end));
    return redactBuffer(data.subarray(0, end), this.#secrets);
  }

  /** Returns whatever is still held, redacted (the stream ended). */
  flush(): Buffer {
    const rest = redactBuffer(this.#carry, this.#secrets);
    this.#carry = Buffer.alloc(0);
    return rest;
  }

  /** Length of the longest end of data that is a proper start of a secret. */
  #pendingPrefix(data: Buffer): number {
    let longest = 0;
    for (const secret of this.#secrets) {
      for (let k = Math.min(secret.length - 1, data.length); k > longest; k--) {
        if (data[data.length - k] === secret[0] && data.subarray(data.length - k).equals(secret.subarray(0, k))) {
          longest = k;
          break;
        }
      }
    }
    return longest;
  }
}
