// Bounded display buffer of one command's output. The log file keeps everything; this keeps only the
// last `capacity` lines so a 60-minute run cannot grow memory. Writers batch pushes per chunk so
// subscribers hear once per chunk, not once per line.
import type {OutputView} from './types.js';

export const DEFAULT_CAPACITY = 5000;

/**
 * The lines of one output chunk, decoded only when read. In a flood almost every line is pushed out
 * of the buffer before a pane draws it, so decoding (or even allocating an object for) each line on
 * the thread that drains the pipe is wasted: a chunk's lines share this one object.
 */
export interface LazyLines {
  text(nth: number): string;
}

export type HeldLine = string | LazyLines;

export class RingBuffer implements OutputView {
  readonly capacity: number;
  readonly #lines: HeldLine[];
  /** For a lazily held line: which line of its chunk it is. */
  readonly #nth: Int32Array;
  #start = 0;
  #size = 0;
  #total = 0;
  #version = 0;
  #batchDepth = 0;
  #dirty = false;
  readonly #listeners = new Set<() => void>();

  constructor(capacity: number = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#lines = new Array<HeldLine>(capacity);
    this.#nth = new Int32Array(capacity);
  }

  get total(): number {
    return this.#total;
  }

  get size(): number {
    return this.#size;
  }

  /** Absolute index (0-based over all lines ever pushed) of the oldest held line. */
  get first(): number {
    return this.#total - this.#size;
  }

  /** Changes on every push or replace; lets a consumer tell whether anything moved. */
  get version(): number {
    return this.#version;
  }

  /** Appends a line and returns its absolute index. */
  push(line: string): number {
    return this.#append(line, 0);
  }

  /** Appends line `nth` of a chunk's lazily decoded lines; returns its absolute index. */
  pushLazy(lines: LazyLines, nth: number): number {
    return this.#append(lines, nth);
  }

  #append(line: HeldLine, nth: number): number {
    let at: number;
    if (this.#size < this.capacity) {
      at = (this.#start + this.#size) % this.capacity;
      this.#size++;
    } else {
      at = this.#start;
      this.#start = (this.#start + 1) % this.capacity;
    }
    this.#lines[at] = line;
    this.#nth[at] = nth;
    this.#total++;
    this.#changed();
    return this.#total - 1;
  }

  /** Replaces the line at an absolute index if it is still held (used for `\r` redraws). */
  replace(index: number, line: string): boolean {
    const relative = index - this.first;
    if (relative < 0 || relative >= this.#size) return false;
    this.#lines[(this.#start + relative) % this.capacity] = line;
    this.#changed();
    return true;
  }

  slice(from: number, to: number): string[] {
    const start = Math.max(0, Math.min(this.#size, Math.trunc(from)));
    const end = Math.max(start, Math.min(this.#size, Math.trunc(to)));
    const out = new Array<string>(end - start);
    for (let i = start; i < end; i++) {
      const at = (this.#start + i) % this.capacity;
      const held = this.#lines[at]!;
      if (typeof held === 'string') out[i - start] = held;
      else this.#lines[at] = out[i - start] = held.text(this.#nth[at]!); // decode once, keep the text
    }
    return out;
  }

  tail(n: number): string[] {
    return this.slice(this.#size - Math.max(0, n), this.#size);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Runs fn and notifies subscribers at most once afterwards. */
  batch<T>(fn: () => T): T {
    this.#batchDepth++;
    try {
      return fn();
    } finally {
      this.#batchDepth--;
      if (this.#batchDepth === 0 && this.#dirty) this.#notify();
    }
  }

  #changed(): void {
    this.#version++;
    if (this.#batchDepth > 0) this.#dirty = true;
    else this.#notify();
  }

  #notify(): void {
    this.#dirty = false;
    for (const listener of [...this.#listeners]) listener();
  }
}
