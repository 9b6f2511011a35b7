// Screen-test helpers over Ink: a terminal of fixed size (columns and rows, which
// ink-testing-library cannot set), keys sent one at a time, and waiting for text with a deadline.
import {EventEmitter} from 'node:events';
import {render as inkRender} from 'ink';
import {createElement, type ReactElement} from 'react';
import {KeyProvider} from '../../source/ui/KeyDispatcher.js';
import {tick, until, type WaitOptions} from './wait.js';

export {tick, until, type WaitOptions};

/** Escape sequences a terminal sends for keys, as Ink 6 parses them. */
export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
  tab: '\t',
  shiftTab: '\u001b[Z',
  enter: '\r',
  escape: '\u001b',
  /** Most terminals send DEL for Backspace; Ink 6 reports it as key.delete. */
  backspace: '\u007f',
  delete: '\u001b[3~',
  space: ' ',
  ctrlC: '\u0003',
} as const;

// CSI and OSC sequences, enough for what Ink writes (colours, cursor moves).
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export class FakeStdout extends EventEmitter {
  columns: number;
  rows: number;
  readonly frames: string[] = [];
  #last: string | undefined;

  constructor(columns: number, rows: number) {
    super();
    this.columns = columns;
    this.rows = rows;
  }

  write = (frame: string): boolean => {
    this.frames.push(frame);
    this.#last = frame;
    return true;
  };

  lastFrame = (): string | undefined => this.#last;
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  #queue: string[] = [];

  write = (data: string): void => {
    this.#queue.push(data);
    this.emit('readable');
    this.emit('data', data);
  };

  read = (): string | null => this.#queue.shift() ?? null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export type TextMatcher = string | RegExp | ((screen: string) => boolean);

export interface RenderOptions {
  columns?: number;
  rows?: number;
}

export interface Rendered {
  stdout: FakeStdout;
  stdin: FakeStdin;
  /** Every frame Ink wrote, raw. */
  frames: string[];
  lastFrame(): string | undefined;
  /** The last frame without escape sequences and trailing spaces: what the user sees. */
  screen(): string;
  rerender(tree: ReactElement): void;
  unmount(): void;
  /** Sends keys one at a time, letting the app react between them. */
  press(...keys: string[]): Promise<void>;
  /** Types text one character at a time. */
  type(text: string): Promise<void>;
  /** Resolves with the screen once it matches; rejects with the last screen after the deadline. */
  waitFor(matcher: TextMatcher, options?: WaitOptions): Promise<string>;
  /** Changes the terminal size and tells Ink, like a real terminal would. */
  resize(columns: number, rows: number): Promise<void>;
}

function toScreen(frame: string | undefined): string {
  return stripAnsi(frame ?? '')
    .split('\n')
    .map(line => line.trimEnd())
    .join('\n');
}

function matches(screen: string, matcher: TextMatcher): boolean {
  if (typeof matcher === 'string') return screen.includes(matcher);
  if (matcher instanceof RegExp) return matcher.test(screen);
  return matcher(screen);
}

/** Polls a frame source until it matches. Usable with ink-testing-library's lastFrame too. */
export async function waitFor(
  getFrame: () => string | undefined,
  matcher: TextMatcher,
  options: WaitOptions = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 3000);
  for (;;) {
    const screen = toScreen(getFrame());
    if (matches(screen, matcher)) return screen;
    if (Date.now() > deadline) throw new Error(`waitFor(${String(matcher)}) timed out; the screen was:\n${screen}`);
    await tick(options.intervalMs ?? 10);
  }
}

/** Sends keys one by one to any stdin with write(), ticking before and after each. */
export async function press(stdin: {write(data: string): void}, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    await tick();
    stdin.write(key);
    await tick();
  }
}

const mounted = new Set<{unmount(): void}>();

/** Components declare their keys through the app's dispatcher; a tree rendered alone gets one too. */
const withKeys = (tree: ReactElement): ReactElement => createElement(KeyProvider, null, tree);

export function renderInk(tree: ReactElement, options: RenderOptions = {}): Rendered {
  const stdout = new FakeStdout(options.columns ?? 100, options.rows ?? 30);
  const stderr = new FakeStdout(options.columns ?? 100, options.rows ?? 30);
  const stdin = new FakeStdin();
  const instance = inkRender(withKeys(tree), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    // Unthrottled, one full frame per render: tests see every state.
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const handle = {unmount: () => instance.unmount()};
  mounted.add(handle);
  return {
    stdout,
    stdin,
    frames: stdout.frames,
    lastFrame: stdout.lastFrame,
    screen: () => toScreen(stdout.lastFrame()),
    rerender: tree2 => instance.rerender(withKeys(tree2)),
    unmount: () => {
      mounted.delete(handle);
      instance.unmount();
    },
    press: (...keys) => press(stdin, ...keys),
    type: text => press(stdin, ...Array.from(text)),
    waitFor: (matcher, waitOptions) => waitFor(stdout.lastFrame, matcher, waitOptions),
    resize: async (columns, rows) => {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
      await tick();
    },
  };
}

/** Unmounts everything renderInk mounted (call from an after/afterEach hook). */
export function cleanupInk(): void {
  for (const handle of mounted) handle.unmount();
  mounted.clear();
}
