// Guards the raw keyboard stream before Ink parses it. Ink 6's useInput throws on escape sequences it
// has no key name for when their parameter looks like a modifier (a pasted colour code "\e[31m" reads
// as ctrl+<unnamed key> and crashes in `input.startsWith`), so only the sequences a keyboard sends for
// keys Ink knows pass; every other CSI, SS3, OSC/DCS/APC string and C1 control is dropped.

const ESC = '\u001b';
const BEL = '\u0007';
const MAX_HELD = 64;

// Ink's parse-keypress key table: the codes it names (ESC [ number ~, ESC [ letter, ESC O letter).
const KNOWN_CSI_TILDE = new Set([
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '11',
  '12',
  '13',
  '14',
  '15',
  '17',
  '18',
  '19',
  '20',
  '21',
  '23',
  '24',
]);
const KNOWN_CSI_LETTER = new Set(['A', 'B', 'C', 'D', 'E', 'F', 'H', 'Z', 'a', 'b', 'c', 'd', 'e']);
const KNOWN_SS3 = new Set(['A', 'B', 'C', 'D', 'E', 'F', 'H', 'P', 'Q', 'R', 'S', 'a', 'b', 'c', 'd', 'e']);

const C1 = /[\u0080-\u009f]/g;

function keepCsi(params: string, intermediates: string, final: string): boolean {
  if (intermediates !== '' || /[<=>?]/.test(params)) return false;
  const parts = params.split(';');
  if (parts.length > 2 || parts.some(p => !/^\d*$/.test(p))) return false;
  if (final === '~' || final === '^' || final === '$') return KNOWN_CSI_TILDE.has(parts[0]!);
  // ESC [ 1 ; modifier letter, or ESC [ letter.
  if (parts.length === 2 && parts[0] !== '1') return false;
  return KNOWN_CSI_LETTER.has(final);
}

/** Stateful: a sequence split across reads is completed with the next one. */
export class TerminalInputFilter {
  #held = '';
  #inString = false;

  push(chunk: string): string {
    // The 8-bit CSI is the same introducer as ESC [.
    const text = (this.#held + chunk).replace(/\u009b/g, ESC + '[');
    this.#held = '';
    let out = '';
    let i = 0;
    if (this.#inString) {
      const end = stringEnd(text, 0);
      if (end === -1) return '';
      this.#inString = false;
      i = end;
    }
    while (i < text.length) {
      const c = text[i]!;
      if (c !== ESC) {
        out += c;
        i++;
        continue;
      }
      const next = text[i + 1];
      if (next === undefined) {
        out += c; // the Esc key; Ink waits briefly for more itself
        i++;
      } else if (next === '[') {
        const m = /^\u001b\[([0-?]*)([ -/]*)([@-~])?/.exec(text.slice(i));
        const [all, params = '', inter = '', final] = m!;
        if (final === undefined) {
          if (all.length < MAX_HELD && i + all.length === text.length) this.#held = all;
          i = text.length;
          break;
        }
        if (keepCsi(params, inter, final)) out += all;
        i += all.length;
      } else if (next === 'O') {
        const letter = text[i + 2];
        if (letter === undefined) {
          this.#held = ESC + 'O';
          break;
        }
        if (KNOWN_SS3.has(letter)) out += ESC + 'O' + letter;
        i += 3;
      } else if (next === ']' || next === 'P' || next === '_' || next === '^' || next === 'X') {
        const end = stringEnd(text, i + 2);
        if (end === -1) {
          this.#inString = true;
          break;
        }
        i = end;
      } else {
        out += c; // Esc then a key: Ink reads it as meta/option + key
        i++;
      }
    }
    return out.replace(C1, '');
  }
}

/** Index just past the BEL or ESC \ that ends an OSC/DCS/APC string starting at `from`, or -1. */
function stringEnd(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === BEL) return j + 1;
    if (text[j] === ESC && text[j + 1] === '\\') return j + 2;
  }
  return -1;
}

interface ReadableTty {
  read(size?: number): unknown;
}

/**
 * Filters what Ink reads from `stdin` (Ink pulls with read() on 'readable'). Returns a function that
 * puts the original read back.
 */
export function guardInput(stdin: ReadableTty): () => void {
  const filter = new TerminalInputFilter();
  const original = stdin.read;
  const guarded = function (this: unknown, size?: number): unknown {
    const chunk = original.call(stdin, size);
    if (chunk === null) return null;
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    return filter.push(text);
  };
  stdin.read = guarded;
  return () => {
    if (stdin.read === guarded) stdin.read = original;
  };
}
