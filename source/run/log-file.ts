// Per-command log files: <sessionDir>/logs/<step>-<attempt>.log, folder 0700, file 0600, appended
// when a step runs several commands in one attempt.
import {closeSync, constants as fsConstants, createWriteStream, fchmodSync, openSync, type WriteStream} from 'node:fs';
import {chmod} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {ensurePrivateDir} from '../session/home.js';

export const LOGS_DIR = 'logs';

/** Step names come from code, but they name a file: keep them to a safe alphabet. */
export function logFileName(step: string, attempt: number): string {
  const safe = step.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^\.+/, '') || 'step';
  return `${safe}-${attempt}.log`;
}

export function logPathFor(sessionDir: string, step: string, attempt: number): string {
  return join(sessionDir, LOGS_DIR, logFileName(step, attempt));
}

export interface LogWriter {
  readonly path: string;
  /** false asks the producer to wait for 'drain' (see onDrain). */
  write(data: Buffer | string): boolean;
  onDrain(listener: () => void): void;
  /** The first write error, if any; writing stops after it. */
  readonly error: Error | null;
  /** Last byte written was a newline (or nothing was written). */
  readonly atLineStart: boolean;
  close(): Promise<void>;
}

export async function openLog(path: string): Promise<LogWriter> {
  const dir = join(path, '..');
  // Never through a link: a symlinked logs/ would have its target chmod'ed and written to (ELOOP).
  ensurePrivateDir(dir);
  // A larger buffer than the 16 KiB default: output chunks are up to 64 KiB, so fewer pauses of the child.
  // O_NOFOLLOW: a log file that is a link fails with ELOOP instead of writing to its target.
  const flags = fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW;
  const stream = createWriteStream(path, {flags: flags as unknown as string, mode: 0o600, highWaterMark: 1024 * 1024});
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  // An existing file keeps its mode on open: enforce ours.
  await chmod(path, 0o600);
  return new StreamLog(path, stream);
}

/**
 * A file a child writes its stdout and stderr to (its raw output: it may hold what the wizard masks
 * on screen and in its own log, so 0600 in a 0700 folder), emptied if it existed, never through a
 * link. Returns the open descriptor to hand to the child; the caller closes it once the child started.
 */
export function openChildOutput(path: string): number {
  ensurePrivateDir(dirname(path));
  const flags =
    fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW;
  const fd = openSync(path, flags, 0o600);
  try {
    fchmodSync(fd, 0o600);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

class StreamLog implements LogWriter {
  readonly path: string;
  readonly #stream: WriteStream;
  #error: Error | null = null;
  #atLineStart = true;

  constructor(path: string, stream: WriteStream) {
    this.path = path;
    this.#stream = stream;
    stream.on('error', error => {
      this.#error ??= error;
      stream.emit('drain'); // never leave a paused producer waiting
    });
  }

  get error(): Error | null {
    return this.#error;
  }

  get atLineStart(): boolean {
    return this.#atLineStart;
  }

  write(data: Buffer | string): boolean {
    if (this.#error || data.length === 0) return true;
    const last = typeof data === 'string' ? data.charCodeAt(data.length - 1) : data[data.length - 1];
    this.#atLineStart = last === 0x0a;
    return this.#stream.write(data);
  }

  onDrain(listener: () => void): void {
    this.#stream.once('drain', listener);
  }

  close(): Promise<void> {
    return new Promise(resolve => {
      if (this.#stream.closed || this.#stream.destroyed) {
        resolve();
        return;
      }
      this.#stream.end(() => resolve());
      this.#stream.once('error', () => resolve());
    });
  }
}
