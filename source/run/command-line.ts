// A command line as text people can read and paste into a POSIX shell, with secrets masked.
import {redactText, sortSecrets} from './redact.js';

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Quotes one word for a POSIX shell. Words with control characters use $'…' so they stay on one line. */
export function shellQuote(word: string): string {
  if (word.length > 0 && PLAIN.test(word)) return word;
  if (CONTROL.test(word)) return dollarQuote(word);
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function dollarQuote(word: string): string {
  let out = "$'";
  for (const ch of word) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

export function formatCommandLine(command: string, args: readonly string[], secrets: Iterable<string> = []): string {
  const sorted = sortSecrets(secrets);
  return [command, ...args].map(word => shellQuote(redactText(word, sorted))).join(' ');
}
