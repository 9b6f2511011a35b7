// Splits one output stream (stdout or stderr) into display lines, chunk by chunk. Lines are decoded
// one by one from bytes (\n and \r never occur inside a UTF-8 sequence), so invalid UTF-8 becomes
// U+FFFD and a multi-byte character split across chunks stays whole. A carriage return that is not
// part of \r\n is a redraw: the line shown so far is replaced, so a progress bar takes one line.
// Very long lines are held only up to a cap; the rest is counted, not kept (the log has it all).
import {cleanForDisplay} from './display-text.js';
import type {LazyLines} from './ring-buffer.js';

export const DEFAULT_MAX_LINE_BYTES = 4096;

export interface LineSink {
  /** Appends a line and returns its absolute index. */
  push(line: string): number;
  /** Appends line `nth` of a chunk's lazily decoded lines and returns its absolute index. */
  pushLazy(lines: LazyLines, nth: number): number;
  /** Replaces a previously pushed line if still held. */
  replace(index: number, line: string): boolean;
}

export interface LineSplitterOptions {
  maxLineBytes?: number;
  /** Applied to each line after cleaning, before the cut. */
  redact?: (line: string) => string;
  /** Extra bytes held past the cap so a secret straddling it is still masked whole. */
  slackBytes?: number;
}

/** Chunk bytes a lazily held line may keep alive, on average. */
const SHARE_BYTES = 512;
const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  readonly #sink: LineSink;
  readonly #maxLineBytes: number;
  readonly #holdBytes: number;
  readonly #redact: ((line: string) => string) | undefined;
  /** Bytes of the current line held from earlier chunks. */
  #parts: Buffer[] = [];
  #held = 0;
  /** Bytes of the current line seen, held or not. */
  #lineBytes = 0;
  /** Index of a line pushed by a redraw that the current line will replace. */
  #provisional = -1;
  #pendingCR = false;
  #lines = 0;
  /** The current chunk's lines pushed undecoded (one object per chunk, none per line). */
  #lazy: ChunkLines | null = null;

  constructor(sink: LineSink, options: LineSplitterOptions = {}) {
    this.#sink = sink;
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.#holdBytes = this.#maxLineBytes + (options.slackBytes ?? 0) + 64;
    this.#redact = options.redact;
  }

  /** Lines completed so far (a redrawn line counts once). */
  get lines(): number {
    return this.#lines;
  }

  write(chunk: Buffer): void {
    this.#split(chunk);
    const lazy = this.#lazy;
    if (lazy === null) return;
    this.#lazy = null;
    // Lazy lines keep their chunk alive. Worth it when many lines share a chunk (a flood); a chunk
    // with few lines is decoded now so the buffer never pins much more than its text.
    const count = lazy.indexes.length;
    if (chunk.length > count * SHARE_BYTES)
      for (let i = 0; i < count; i++) this.#sink.replace(lazy.indexes[i]!, lazy.text(i));
  }

  #split(chunk: Buffer): void {
    const length = chunk.length;
    let pos = 0;
    if (this.#pendingCR && length > 0) {
      this.#pendingCR = false;
      // The line was already shown as a redraw; a \n now only completes it.
      if (chunk[0] === LF) {
        this.#finish(chunk, 0, 0);
        pos = 1;
      }
    }
    let nextCR = -2;
    while (pos < length) {
      if (nextCR !== -1 && nextCR < pos) nextCR = chunk.indexOf(CR, pos);
      const nl = chunk.indexOf(LF, pos);
      let stop: number;
      if (nl < 0) stop = nextCR;
      else if (nextCR < 0) stop = nl;
      else stop = Math.min(nl, nextCR);
      if (stop < 0) {
        this.#hold(chunk, pos, length);
        return;
      }
      if (stop === nl) {
        this.#finish(chunk, pos, stop);
        pos = stop + 1;
      } else if (stop + 1 === length) {
        // Unknown yet whether \n follows: show it now as a redraw, so progress is not a frame late.
        this.#redraw(chunk, pos, stop);
        this.#pendingCR = true;
        return;
      } else if (chunk[stop + 1] === LF) {
        this.#finish(chunk, pos, stop);
        pos = stop + 2;
      } else {
        this.#redraw(chunk, pos, stop);
        pos = stop + 1;
      }
    }
  }

  /** The stream ended: an unterminated last line still counts. */
  end(): void {
    this.#pendingCR = false;
    if (this.#lineBytes > 0 || this.#provisional >= 0) this.#finish(Buffer.alloc(0), 0, 0);
  }

  #hold(chunk: Buffer, from: number, to: number): void {
    this.#lineBytes += to - from;
    const room = this.#holdBytes - this.#held;
    if (room <= 0 || to === from) return;
    const piece = chunk.subarray(from, Math.min(to, from + room));
    // Copy: a view would pin the whole chunk while the line stays open.
    this.#parts.push(Buffer.from(piece));
    this.#held += piece.length;
  }

  #finish(chunk: Buffer, from: number, to: number): void {
    // A whole line inside one chunk, short enough not to be cut: decode it only if it is ever shown.
    if (this.#held === 0 && to > from && to - from <= this.#maxLineBytes && this.#provisional < 0) {
      this.#lineBytes = 0;
      const lazy = (this.#lazy ??= new ChunkLines(chunk, this.#redact, this.#maxLineBytes));
      lazy.indexes.push(this.#sink.pushLazy(lazy, lazy.add(from, to)));
      this.#lines++;
      return;
    }
    const text = this.#take(chunk, from, to);
    if (this.#provisional >= 0) {
      if (text !== null) this.#sink.replace(this.#provisional, text);
      this.#provisional = -1;
    } else {
      this.#sink.push(text ?? '');
    }
    this.#lines++;
  }

  #redraw(chunk: Buffer, from: number, to: number): void {
    const text = this.#take(chunk, from, to);
    if (text === null) return;
    if (this.#provisional >= 0) this.#sink.replace(this.#provisional, text);
    else this.#provisional = this.#sink.push(text);
  }

  /** The current line's display text (null when it is empty), and a reset for the next one. */
  #take(chunk: Buffer, from: number, to: number): string | null {
    const lineBytes = this.#lineBytes + (to - from);
    let raw: string;
    let kept: number;
    if (this.#held === 0) {
      if (lineBytes === 0) return this.#reset(null);
      kept = Math.min(to - from, this.#holdBytes);
      raw = chunk.toString('utf8', from, from + kept);
    } else {
      this.#hold(chunk, from, to);
      kept = this.#held;
      raw = (this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#held)).toString('utf8');
    }
    let text = cleanForDisplay(raw);
    if (this.#redact) text = this.#redact(text);
    if (kept < lineBytes || text.length > this.#maxLineBytes) {
      if (kept < lineBytes) text = text.replace(/\uFFFD$/, ''); // a character cut by the hold cap
      text = cutLine(text, this.#maxLineBytes, lineBytes);
    }
    return this.#reset(text);
  }

  #reset<T>(value: T): T {
    this.#parts = [];
    this.#held = 0;
    this.#lineBytes = 0;
    return value;
  }
}

/** Lines held as byte ranges of the chunk they came in (chunks are never reused, so holding them is safe). */
class ChunkLines implements LazyLines {
  readonly #bounds: number[] = [];
  /** Absolute index of each line in the sink, for decoding a sparse chunk's lines in place. */
  readonly indexes: number[] = [];

  constructor(
    readonly chunk: Buffer,
    readonly redact: ((line: string) => string) | undefined,
    readonly maxChars: number,
  ) {}

  /** Adds a line's byte range; returns which line of the chunk it is. */
  add(from: number, to: number): number {
    this.#bounds.push(from, to);
    return this.#bounds.length / 2 - 1;
  }

  text(nth: number): string {
    const from = this.#bounds[2 * nth]!;
    const to = this.#bounds[2 * nth + 1]!;
    let text = cleanForDisplay(this.chunk.toString('utf8', from, to));
    if (this.redact) text = this.redact(text);
    // Tabs expand: a short line in bytes can still be long on screen.
    return text.length > this.maxChars ? cutLine(text, this.maxChars, to - from) : text;
  }
}
function cutLine(text: string, maxChars: number, lineBytes: number): string {
  let end = Math.min(maxChars, text.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  return `${text.slice(0, end)} … [line cut, ${lineBytes.toLocaleString('en-US')} bytes in the log]`;
}
