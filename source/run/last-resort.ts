// The last-resort handler of a running session: an error nothing else caught (a throw inside a
// library's event handler, a rejected promise nobody awaited) must not leave a raw-mode terminal, a
// stack trace with bundle source, a held lock and a session that looks like it is still running.
// It restores the terminal, saves the session as interrupted, releases the lock, prints one line and
// exits 1. The 'exit' handlers still run (running children are stopped by process-group.ts).
import {cleanForDisplay} from './display-text.js';

export interface LastResortOptions {
  /** Saves the session as interrupted (synchronously: the process exits right after). */
  markInterrupted(): void;
  /** Releases the session lock. */
  release(): void;
  /** Where `eksa-kong resume NAME` would pick it up. */
  sessionName: string;
  stdin?: {isTTY?: boolean; setRawMode?(mode: boolean): unknown};
  stderr?: {write(text: string): unknown};
  exit?(code: number): void;
}

const MAX_MESSAGE = 300;

/** One line about the error: its message only, control characters removed, capped. */
export function fatalLine(error: unknown, sessionName: string): string {
  const raw = error instanceof Error ? error.message : String(error);
  const first = cleanForDisplay(raw.split(/\r?\n/)[0] ?? '').slice(0, MAX_MESSAGE);
  return `eksa-kong: unexpected error: ${first || 'unknown'}; the session is saved as interrupted (eksa-kong resume ${cleanForDisplay(sessionName)})\n`;
}

export function installLastResort(options: LastResortOptions): () => void {
  const stdin = options.stdin ?? process.stdin;
  const stderr = options.stderr ?? process.stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let handled = false;
  const handler = (error: unknown) => {
    if (handled) return;
    handled = true;
    const attempt = (fn: () => void) => {
      try {
        fn();
      } catch {
        // Each part is on its own: one failing must not stop the others.
      }
    };
    attempt(() => {
      if (stdin.isTTY) stdin.setRawMode?.(false);
    });
    // Cursor shown, colours reset, on a line of its own.
    attempt(() => stderr.write('\u001b[?25h\u001b[0m\n'));
    attempt(() => options.markInterrupted());
    attempt(() => options.release());
    attempt(() => stderr.write(fatalLine(error, options.sessionName)));
    exit(1);
  };
  process.on('uncaughtException', handler);
  process.on('unhandledRejection', handler);
  return () => {
    process.off('uncaughtException', handler);
    process.off('unhandledRejection', handler);
  };
}
