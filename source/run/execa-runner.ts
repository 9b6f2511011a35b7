// The real command runner: execa with argument arrays (never a shell), no stdin (Ink owns the
// terminal), an explicit environment, output streamed chunk by chunk into a bounded display buffer
// and, in full and redacted, into the step's log file. Children run in their own process group so a
// cancel or timeout ends helpers they started too.
import {closeSync} from 'node:fs';
import {stat} from 'node:fs/promises';
import {basename} from 'node:path';
import {execa} from 'execa';
import type {CommandRecord} from '../session/schema.js';
import {fsReason} from '../session/errors.js';
import {formatCommandLine} from './command-line.js';
import {toCommandRecord} from './command-record.js';
import {sanitisedEnv} from './env.js';
import {formatDuration} from './format.js';
import {LineSplitter} from './line-splitter.js';
import {followFile, type FileFollower} from './follow-file.js';
import {logPathFor, openChildOutput, openLog, type LogWriter} from './log-file.js';
import {groupAlive, signalGroup, trackGroup} from './process-group.js';
import {redactText, SecretSet, StreamRedactor} from './redact.js';
import {DEFAULT_CAPACITY, RingBuffer} from './ring-buffer.js';
import type {CommandResult, CommandRunner, CommandSpec, FollowedCommand, RunningCommand} from './types.js';

export type SecretSource = Iterable<string> | (() => Iterable<string>);

export interface RunnerOptions {
  /** Where logs/<step>-<attempt>.log go; null writes no logs (tests, one-shot commands). */
  sessionDir: string | null;
  /** The attempt number of a step, for the log file name. Default 1. */
  attemptFor?: (step: string) => number;
  /** Called for each command started, with a secret-free record for session.json and the runbook. */
  onRecord?: (record: CommandRecord) => void;
  /** Secrets known to the session; a function is read again for every command. */
  secrets?: SecretSource;
  /** Lines kept for display per command. */
  capacity?: number;
  now?: () => number;
}

export interface ExecaRunnerOptions extends RunnerOptions {
  /** The environment the minimal child environment is built from. Default process.env. */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  /** SIGTERM to SIGKILL delay on cancel or timeout. Default 5 s. */
  killGraceMs?: number;
  /** How long to wait for the output pipes after the child exited (a background grandchild may hold them). */
  drainMs?: number;
  maxLineBytes?: number;
}

/** Secrets of a runner and of one spec, longest first. */
export abstract class SecretAwareRunner implements CommandRunner {
  readonly #own = new SecretSet();
  readonly #source: SecretSource | undefined;
  readonly #display: Pick<RunnerOptions, 'capacity' | 'now'>;
  #nextId = 0;

  protected constructor(source: SecretSource | undefined, display: Pick<RunnerOptions, 'capacity' | 'now'> = {}) {
    this.#source = source;
    this.#display = display;
  }

  /** Adds a value that must be masked from now on (a password typed in, a token fetched). */
  addSecret(value: string): void {
    this.#own.add(value);
  }

  abstract start(spec: CommandSpec, signal?: AbortSignal): RunningCommand;

  follow(spec: CommandSpec & {outputFile: string}): FollowedCommand {
    const {now, secrets, display, output} = this.begin(spec, this.#display);
    const startedAt = now();
    const splitter = new LineSplitter(output, splitterOptions(secrets));
    let readError: string | undefined;
    const follower = followFile(spec.outputFile, chunk => output.batch(() => splitter.write(chunk)), {
      onError: error => (readError = `cannot read ${basename(spec.outputFile)}: ${fsReason(error)}`),
    });
    let resolve!: (result: CommandResult) => void;
    const done = new Promise<CommandResult>(r => (resolve = r));
    return {
      id: this.nextId(),
      spec,
      display,
      startedAt,
      output,
      logPath: null,
      done,
      get offset() {
        return follower.offset;
      },
      async stop() {
        await follower.stop();
        output.batch(() => splitter.end());
      },
      settle(outcome) {
        const error = outcome.error ?? (outcome.ok ? undefined : readError);
        resolve({
          ok: outcome.ok,
          exitCode: null,
          signal: null,
          durationMs: Math.max(0, now() - startedAt),
          lineCount: splitter.lines,
          logPath: null,
          ...(error === undefined ? {} : {error: redactText(error, secrets)}),
        });
      },
    };
  }

  protected nextId(): number {
    return ++this.#nextId;
  }

  /** What every runner needs before it starts: the secrets to mask, the masked command line, an empty display buffer. */
  protected begin(
    spec: CommandSpec,
    options: Pick<RunnerOptions, 'capacity' | 'now'>,
  ): {now: () => number; secrets: string[]; display: string; output: RingBuffer} {
    const now = options.now ?? Date.now;
    const secrets = this.secretsFor(spec);
    const display = formatCommandLine(spec.command, spec.args, secrets);
    return {now, secrets, display, output: new RingBuffer(options.capacity ?? DEFAULT_CAPACITY)};
  }

  protected secretsFor(spec: CommandSpec): string[] {
    const set = new SecretSet(this.#own.values());
    const source = typeof this.#source === 'function' ? this.#source() : this.#source;
    for (const s of source ?? []) set.add(s);
    for (const s of spec.secrets ?? []) set.add(s);
    for (const s of Object.values(spec.secretEnv ?? {})) set.add(s);
    return set.values().slice();
  }
}

export class ExecaRunner extends SecretAwareRunner {
  readonly #options: ExecaRunnerOptions;

  constructor(options: ExecaRunnerOptions) {
    super(options.secrets, options);
    this.#options = options;
  }

  start(spec: CommandSpec, signal?: AbortSignal): RunningCommand {
    const {now, secrets, display, output} = this.begin(spec, this.#options);
    const {sessionDir} = this.#options;
    const logPath =
      sessionDir === null ? null : logPathFor(sessionDir, spec.step, this.#options.attemptFor?.(spec.step) ?? 1);
    const startedAt = now();
    const done = this.#run({spec, signal, secrets, display, output, logPath, startedAt, now});
    return {id: this.nextId(), spec, display, startedAt, output, logPath, done};
  }

  async #run(job: Job): Promise<CommandResult> {
    const {spec, signal, secrets, display, output, logPath, startedAt, now} = job;
    const name = redactText(basename(spec.command), secrets);
    const result = (fields: Partial<CommandResult> & {ok: boolean}, lineCount = 0): CommandResult => ({
      exitCode: null,
      signal: null,
      durationMs: Math.max(0, now() - startedAt),
      lineCount,
      logPath,
      ...fields,
    });
    if (signal?.aborted) return result({ok: false, cancelled: true, error: 'cancelled'});

    let log: LogWriter | null = null;
    if (logPath !== null) {
      try {
        log = await openLog(logPath);
      } catch (error) {
        return result({
          ok: false,
          error: `cannot write the log file: ${fsReason(error)}`,
        });
      }
      log.write(`$ ${display}\n`);
    }
    let outputFd: number | undefined;
    if (spec.outputFile !== undefined) {
      try {
        outputFd = openChildOutput(spec.outputFile);
      } catch (error) {
        await log?.close();
        return result({ok: false, error: `cannot write ${name}'s output file: ${fsReason(error)}`});
      }
    }
    const record = toCommandRecord(spec, secrets, new Date(now()));
    if (record) this.#options.onRecord?.(record);

    const subprocess = execa(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ? {...spec.env} : sanitisedEnv(this.#options.baseEnv ?? process.env),
      extendEnv: false,
      stdin: 'ignore',
      // Both to one file descriptor opened O_APPEND: stdout and stderr stay in the order written. (Typed
      // as 'pipe' so one call covers both: with a descriptor, subprocess.stdout/stderr are null, filtered below.)
      stdout: (outputFd ?? 'pipe') as 'pipe',
      stderr: (outputFd ?? 'pipe') as 'pipe',
      buffer: false,
      encoding: 'buffer',
      detached: true,
      reject: false,
      windowsHide: true,
    });

    // The child holds its own copy now (or was never started).
    if (outputFd !== undefined) closeSync(outputFd);
    const lineOptions = splitterOptions(secrets, this.#options.maxLineBytes);
    const streams = [subprocess.stdout, subprocess.stderr].filter(s => s !== null);
    const splitters: LineSplitter[] = [];
    const redactors: StreamRedactor[] = [];
    let follower: FileFollower | undefined;
    if (spec.outputFile !== undefined) {
      const splitter = new LineSplitter(output, lineOptions);
      const redactor = new StreamRedactor(secrets);
      splitters.push(splitter);
      redactors.push(redactor);
      follower = followFile(spec.outputFile, chunk => {
        output.batch(() => splitter.write(chunk));
        // The file is read no faster than the log is written: memory stays bounded.
        if (log && !log.write(redactor.push(chunk))) return new Promise<void>(resolve => log.onDrain(resolve));
      });
    }
    for (const stream of streams) {
      const splitter = new LineSplitter(output, lineOptions);
      const redactor = new StreamRedactor(secrets);
      splitters.push(splitter);
      redactors.push(redactor);
      stream.on('data', (chunk: Buffer) => {
        output.batch(() => splitter.write(chunk));
        if (log && !log.write(redactor.push(chunk))) {
          // Backpressure: the child blocks on its pipe until the disk catches up.
          for (const s of streams) s.pause();
          log.onDrain(() => {
            for (const s of streams) s.resume();
          });
        }
      });
      stream.on('error', () => {}); // reported through the subprocess result
    }

    const pid = subprocess.pid;
    const untrack = pid === undefined ? () => {} : trackGroup(pid);
    let cancelled = false;
    let timedOut = false;
    let exited = false;
    let forceTimer: NodeJS.Timeout | undefined;
    const killGraceMs = this.#options.killGraceMs ?? 5000;
    const stop = (): void => {
      if (pid === undefined || forceTimer !== undefined) return;
      signalGroup(pid, 'SIGTERM');
      forceTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), killGraceMs);
    };
    const onAbort = (): void => {
      if (exited && !cancelled) return;
      cancelled = true;
      stop();
    };
    signal?.addEventListener('abort', onAbort, {once: true});
    const timeout =
      spec.timeoutMs !== undefined && spec.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, spec.timeoutMs)
        : undefined;

    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    const exit = new Promise<void>(resolve => {
      subprocess.once('exit', (code, sig) => {
        exited = true;
        exitCode = code;
        exitSignal = sig;
        resolve();
      });
    });
    const drainMs = this.#options.drainMs ?? 2000;
    const settled = Promise.resolve(subprocess);
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      settled.then(() => true),
      exit.then(() => new Promise<boolean>(resolve => (drainTimer = setTimeout(() => resolve(false), drainMs)))),
    ]);
    clearTimeout(drainTimer);
    if (!drained) {
      // The child is gone but something it left behind holds the pipes: stop reading.
      for (const s of streams) s.destroy();
    }
    const outcome = await settled;
    // The child is gone: what it wrote last is in the file by now.
    await follower?.stop();
    clearTimeout(timeout);
    signal?.removeEventListener('abort', onAbort);

    if ((cancelled || timedOut) && pid !== undefined) {
      // Report "done" only once the whole group is gone, SIGKILL after the grace period.
      await waitForGroupExit(pid, killGraceMs);
    }
    clearTimeout(forceTimer);
    untrack();

    output.batch(() => {
      for (const s of splitters) s.end();
    });
    const lineCount = splitters.reduce((n, s) => n + s.lines, 0);
    exitCode ??= outcome.exitCode ?? null;
    exitSignal ??= outcome.signal ?? null;

    let error: string | undefined;
    const spawnCode = pid === undefined ? outcome.code : undefined;
    if (cancelled) error = 'cancelled';
    else if (timedOut) error = `timed out after ${formatDuration(spec.timeoutMs ?? 0)}`;
    else if (spawnCode === 'ENOENT' && spec.cwd !== undefined && (await missingDir(spec.cwd)))
      error = `${name} not started: its working folder does not exist`;
    else if (spawnCode === 'ENOENT')
      error = spec.command.includes('/') ? `${name} was not found` : `${name} was not found on PATH`;
    else if (spawnCode === 'EACCES') error = `${name} is not executable`;
    else if (spawnCode !== undefined) error = `${name} could not be started (${spawnCode})`;
    else if (exitSignal !== null) error = `${name} was killed by ${exitSignal}`;
    else if (exitCode !== 0) error = `${name} exited with code ${exitCode}`;
    if (error !== undefined) error = redactText(error, secrets);

    if (log) {
      for (const r of redactors) log.write(r.flush());
      if (!log.atLineStart) log.write('\n');
      log.write(`# ${error ?? 'exit code 0'} after ${formatDuration(now() - startedAt)}\n`);
      await log.close();
    }

    const ok = error === undefined;
    return result(
      {
        ok,
        exitCode,
        signal: exitSignal,
        ...(error === undefined ? {} : {error}),
        ...(cancelled ? {cancelled: true} : {}),
        ...(timedOut ? {timedOut: true} : {}),
      },
      lineCount,
    );
  }
}

function splitterOptions(secrets: readonly string[], maxLineBytes?: number) {
  const redact = secrets.length > 0 ? (line: string) => redactText(line, secrets) : undefined;
  const slackBytes = secrets.reduce((max, s) => Math.max(max, Buffer.byteLength(s)), 0);
  return {maxLineBytes, redact, slackBytes};
}

interface Job {
  spec: CommandSpec;
  signal: AbortSignal | undefined;
  secrets: string[];
  display: string;
  output: RingBuffer;
  logPath: string | null;
  startedAt: number;
  now: () => number;
}

async function waitForGroupExit(pgid: number, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) {
      signalGroup(pgid, 'SIGKILL');
      await new Promise(resolve => setTimeout(resolve, 20));
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

async function missingDir(dir: string): Promise<boolean> {
  try {
    return !(await stat(dir)).isDirectory();
  } catch {
    return true;
  }
}

export function createExecaRunner(options: ExecaRunnerOptions): ExecaRunner {
  return new ExecaRunner(options);
}
