// Drives the real binary in a tmux terminal: send keys, read the screen.
import {execFileSync, spawnSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {before} from 'node:test';

/**
 * The tests' own tmux server: sessions a person (or another test run) has open on the default server
 * are never touched, and killing one of theirs cannot end ours.
 */
const SOCKET_NAME = `eksa-kong-test-${process.pid}`;
const SOCKET = ['-L', SOCKET_NAME];
process.once('exit', () => {
  spawnSync('tmux', [...SOCKET, 'kill-server'], {stdio: 'ignore'});
  // tmux leaves its socket file behind when the server is killed.
  const uid = process.getuid?.() ?? 0;
  rmSync(join(process.env['TMUX_TMPDIR'] ?? tmpdir(), `tmux-${uid}`, SOCKET_NAME), {force: true});
});

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

/** Why the tmux tests are skipped here, or false when tmux runs: pass as the test's `skip` option. */
export const tmuxSkip: string | false = hasTmux() ? false : 'tmux is not installed';

/**
 * Builds the CLI in a before hook of the calling test file (unless tmux tests are skipped) and returns
 * its absolute path once built. EKSA_KONG_CLI names a CLI built elsewhere (e.g. while the working tree
 * does not build).
 */
export function cliBuiltBefore(): () => string {
  let cli = '';
  before(() => {
    if (tmuxSkip) return;
    cli = process.env['EKSA_KONG_CLI'] ? resolve(process.env['EKSA_KONG_CLI']) : resolve(buildCli());
  });
  return () => cli;
}

export class TmuxSession {
  readonly name: string;
  constructor(
    prefix: string,
    command: string[],
    opts: {width?: number; height?: number; env?: Record<string, string>; cwd?: string} = {},
  ) {
    this.name = `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    // Through env(1): tmux's own -e does not reach every variable (PATH) of a new session's command.
    const envArgs = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
    execFileSync('tmux', [
      ...SOCKET,
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(opts.width ?? 100),
      '-y',
      String(opts.height ?? 30),
      ...(opts.cwd ? ['-c', opts.cwd] : []),
      'env',
      ...envArgs,
      ...command,
    ]);
    // Keep the pane (and its last screen) after the program exits, so exit codes can be read.
    spawnSync('tmux', [...SOCKET, 'set-option', '-t', this.name, 'remain-on-exit', 'on']);
  }

  screen(): string {
    const r = spawnSync('tmux', [...SOCKET, 'capture-pane', '-p', '-t', this.name], {encoding: 'utf8'});
    return r.stdout ?? '';
  }

  /** One key at a time, the way a person types (tmux key names: Enter, Escape, C-c, Up...). */
  async keys(...keys: string[]): Promise<void> {
    for (const key of keys) {
      execFileSync('tmux', [...SOCKET, 'send-keys', '-t', this.name, key]);
      await new Promise(r => setTimeout(r, 120));
    }
  }

  /** Text sent as it is, the way a terminal delivers a paste (escape sequences included). */
  async paste(text: string): Promise<void> {
    execFileSync('tmux', [...SOCKET, 'send-keys', '-t', this.name, '-l', text]);
    await new Promise(r => setTimeout(r, 120));
  }

  async waitFor(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) {
        // Ink draws a screen before its key handlers subscribe (they do in an effect): a key sent in
        // that instant is lost, as it would be for a person only if they typed within milliseconds.
        await new Promise(r => setTimeout(r, 150));
        return last;
      }
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${String(pattern)}; screen was:\n${last}`);
  }

  /** kill -9 of the pane's program, then waits (up to 5 s) until it is gone (reaped), as it would be long before anyone looks. */
  async killProgram(): Promise<void> {
    process.kill(this.panePid(), 'SIGKILL');
    const gone = Date.now() + 5000;
    while (Date.now() < gone && this.exitStatus() === null) await new Promise(r => setTimeout(r, 50));
  }

  /** Resizes the window, as a terminal window being dragged smaller or larger. */
  resize(width: number, height: number): void {
    execFileSync('tmux', [...SOCKET, 'resize-window', '-t', this.name, '-x', String(width), '-y', String(height)]);
  }

  panePid(): number {
    const r = spawnSync('tmux', [...SOCKET, 'list-panes', '-t', this.name, '-F', '#{pane_pid}'], {encoding: 'utf8'});
    return Number(r.stdout.trim().split('\n')[0]);
  }

  /** Exit status of the pane's program once it has ended, else null. */
  exitStatus(): number | null {
    const r = spawnSync('tmux', [...SOCKET, 'list-panes', '-t', this.name, '-F', '#{pane_dead} #{pane_dead_status}'], {
      encoding: 'utf8',
    });
    const [dead, status] = r.stdout.trim().split(' ');
    return dead === '1' ? Number(status) : null;
  }

  kill(): void {
    spawnSync('tmux', [...SOCKET, 'kill-session', '-t', this.name]);
  }
}

/**
 * Builds the CLI the way users get it, into a folder of this test process's own (.smoke/e2e-PID): the
 * runner runs two files at once, and a rebuild of a shared dist/ would pull cli.js away from a terminal
 * that is starting it. Removed when the process ends.
 */
export function buildCli(): string {
  const outdir = join('.smoke', `e2e-${process.pid}`);
  execFileSync(process.execPath, ['scripts/build.mjs', outdir], {stdio: 'inherit'});
  process.once('exit', () => rmSync(outdir, {recursive: true, force: true}));
  return join(outdir, 'cli.js');
}
