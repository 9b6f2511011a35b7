// The places in a command line where a value IS a secret, whatever it looks like: the value after a
// secret flag (--password X, -P X as ipmitool takes it, --token=X), the value of a secret-named key
// (token=X, "Kong-Admin-Token: X", password: X), the credentials of "Authorization: Bearer X", and a
// URL's password (https://user:X@host). Only there is a value that merely equals a known secret taken
// for one; anywhere else it is just text (a token "kong" and `helm repo add kong`).

export interface Slot {
  /** Offset in the word where the value starts. */
  start: number;
  /** Whether `secret` is the whole value in this slot. */
  fits(secret: string): boolean;
}

const SECRET_WORD = '(?:password|passwd|pwd|pass|token|secret|api[-_]?key|licen[cs]e|credentials?|authorization)';
const SECRET_FLAG = new RegExp(`^-{1,2}(?:[A-Za-z0-9]+-)*${SECRET_WORD}(?:-[A-Za-z]+)*$`, 'i');
/** Short flags that take a password: ipmitool -P. */
const SHORT_SECRET_FLAGS = new Set(['-P']);
const KEY_VALUE = new RegExp(
  `(?:^|[^A-Za-z0-9_.-])[A-Za-z0-9_.-]*${SECRET_WORD}[A-Za-z0-9_.-]*"?\\s*[:=]\\s*(?:(?:Bearer|Basic|Token)\\s+)?["']?`,
  'gi',
);
const URL_PASSWORD = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\s:@]*:/g;
/** What may follow a value inside a longer word. */
const VALUE_END = /[\s&;,"'}\]]/;

function isSecretFlag(word: string | undefined): boolean {
  return word !== undefined && (SHORT_SECRET_FLAGS.has(word) || SECRET_FLAG.test(word));
}

/** The secret slots of each word of an argument list. */
export function secretSlots(words: readonly string[]): Slot[][] {
  return words.map((word, i) => {
    const slots: Slot[] = [];
    if (isSecretFlag(words[i - 1])) slots.push({start: 0, fits: s => s === word});
    const eq = word.indexOf('=');
    if (word.startsWith('-') && eq > 0 && isSecretFlag(word.slice(0, eq)))
      slots.push({start: eq + 1, fits: s => word.slice(eq + 1) === s});
    for (const m of word.matchAll(KEY_VALUE)) {
      const start = m.index + m[0].length;
      slots.push({start, fits: s => endsValue(word, start, s, VALUE_END)});
    }
    for (const m of word.matchAll(URL_PASSWORD)) {
      const start = m.index + m[0].length;
      slots.push({start, fits: s => endsValue(word, start, s, /@/)});
    }
    return slots;
  });
}

function endsValue(word: string, start: number, secret: string, end: RegExp): boolean {
  if (!word.startsWith(secret, start)) return false;
  const next = word[start + secret.length];
  return next === undefined || end.test(next);
}
