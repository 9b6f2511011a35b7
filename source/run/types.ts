// The command runner port. Every external command (eksctl, kubectl, helm, docker, ipmitool, ...) goes
// through it, so the real, dry-run and demo worlds differ only in which implementation is wired.

export interface CommandSpec {
  /** Executable name (resolved on PATH) or path. Never a shell string. */
  command: string;
  args: readonly string[];
  /** Step that runs it: names the log file logs/<step>-<attempt>.log. */
  step: string;
  cwd?: string;
  /** The whole environment the child gets (already sanitised). When absent the runner builds a minimal one. */
  env?: Readonly<Record<string, string>>;
  /** Values that must never be shown or logged (passwords, tokens). */
  secrets?: readonly string[];
  /**
   * Secrets that appear in args, by the environment variable the runbook should use instead of the
   * value, e.g. {KONG_ADMIN_TOKEN: token}. They are redacted like `secrets`; the recorded command has
   * ${KONG_ADMIN_TOKEN} in their place (describe the variable in envRefs).
   */
  secretEnv?: Readonly<Record<string, string>>;
  /**
   * For the runbook: environment variables the command needs, written as ${NAME} references,
   * e.g. {KONG_ADMIN_TOKEN: 'the admin token'}.
   */
  envRefs?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  /**
   * Absolute path: the child's stdout and stderr go to this file (created 0600 in a private folder,
   * never through a link) instead of pipes, and the runner follows it. For a child that must outlive
   * the wizard: a pipe to a killed wizard ends the child's next write with SIGPIPE (as Go programs
   * die on fd 1 and 2). The display buffer and the log get the same lines as with pipes.
   */
  outputFile?: string;
  /** Short human description, e.g. "Create the cluster". */
  title?: string;
}

export interface CommandResult {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Lines of output seen in total (not only those still in the ring buffer). */
  lineCount: number;
  logPath: string | null;
  /** A one-line, secret-free explanation when ok is false. */
  error?: string;
  cancelled?: boolean;
  timedOut?: boolean;
  /** True when the dry-run runner recorded the command instead of running it. */
  recorded?: boolean;
}

/** Read side of the bounded display buffer of one command's output. */
export interface OutputView {
  /** Total lines ever pushed. */
  readonly total: number;
  /** Lines still held (at most the capacity). */
  readonly size: number;
  /** Lines [from, to) counted from the oldest held line. */
  slice(from: number, to: number): string[];
  /** The last n held lines. */
  tail(n: number): string[];
  /** Called (coalesced by the consumer) whenever lines arrive. Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export interface RunningCommand {
  readonly id: number;
  readonly spec: CommandSpec;
  /** The redacted command line, for headers and summaries. */
  readonly display: string;
  readonly startedAt: number;
  readonly output: OutputView;
  readonly logPath: string | null;
  readonly done: Promise<CommandResult>;
}

/** The output file of a command another run started, followed from its start (see CommandRunner.follow). */
export interface FollowedCommand extends RunningCommand {
  /** Bytes of the file read so far. */
  readonly offset: number;
  /** Reads the file to its end once more and stops following: the process is gone. */
  stop(): Promise<void>;
  /** Settles `done` with what the caller concluded: a process that is not our child has no exit code. */
  settle(outcome: {ok: boolean; error?: string}): void;
}

export interface CommandRunner {
  start(spec: CommandSpec, signal?: AbortSignal): RunningCommand;
  /**
   * Follows the output file of a command still running from an earlier, killed run of the wizard
   * (spec.outputFile), from its start, masked like the output of a command started here.
   */
  follow?(spec: CommandSpec & {outputFile: string}): FollowedCommand;
}
