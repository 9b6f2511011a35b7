// Fakes for the cluster tests: a scripted command runner (stands in for source/run/, which another
// developer builds) that answers by command line, and recorders of what was started.
import type {CommandResult, CommandRunner, CommandSpec, OutputView, RunningCommand} from '../../source/run/types.js';

export interface FakeReply {
  lines?: string[];
  exitCode?: number;
  /** Simulates a missing executable (the real runner reports it as an error). */
  notFound?: boolean;
  /** Simulates the dry-run runner: recorded, not run, no output. */
  recorded?: boolean;
}

/** Answers a command with the reply whose key is a prefix of "command arg1 arg2 ...". */
export class FakeCommandRunner implements CommandRunner {
  readonly started: CommandSpec[] = [];
  private nextId = 1;

  constructor(
    private readonly replies: Record<string, FakeReply>,
    private readonly capacity = 10_000,
  ) {}

  start(spec: CommandSpec): RunningCommand {
    this.started.push(spec);
    const line = [spec.command, ...spec.args].join(' ');
    const key = Object.keys(this.replies)
      .filter(k => line === k || line.startsWith(k + ' '))
      .sort((a, b) => b.length - a.length)[0];
    const reply: FakeReply = key === undefined ? {notFound: true} : this.replies[key]!;
    const all = reply.lines ?? [];
    const held = all.slice(Math.max(0, all.length - this.capacity));
    const exitCode = reply.notFound ? null : (reply.exitCode ?? 0);
    const result: CommandResult = {
      ok: exitCode === 0,
      exitCode,
      signal: null,
      durationMs: 1,
      lineCount: all.length,
      logPath: null,
      ...(reply.recorded ? {recorded: true} : {}),
      ...(exitCode === 0
        ? {}
        : {error: reply.notFound ? `${spec.command}: command not found` : `exited with ${exitCode}`}),
    };
    const output: OutputView = {
      total: all.length,
      size: held.length,
      slice: (from, to) => held.slice(from, to),
      tail: n => held.slice(Math.max(0, held.length - n)),
      subscribe: () => () => {},
    };
    return {
      id: this.nextId++,
      spec,
      display: line,
      startedAt: 0,
      output,
      logPath: null,
      done: Promise.resolve(result),
    };
  }
}

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public t = 0) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    this.t += ms;
  };
}
