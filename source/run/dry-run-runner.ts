// Dry run: commands are recorded (session.json, then the runbook) and shown, never executed.
import {toCommandRecord} from './command-record.js';
import {SecretAwareRunner, type RunnerOptions} from './execa-runner.js';
import type {CommandResult, CommandSpec, RunningCommand} from './types.js';

export type DryRunRunnerOptions = Omit<RunnerOptions, 'sessionDir' | 'attemptFor'>;

export const DRY_RUN_PREFIX = '(dry run) would run: ';

export class DryRunRunner extends SecretAwareRunner {
  readonly #options: DryRunRunnerOptions;

  constructor(options: DryRunRunnerOptions = {}) {
    super(options.secrets, options);
    this.#options = options;
  }

  start(spec: CommandSpec, signal?: AbortSignal): RunningCommand {
    const {now, secrets, display, output} = this.begin(spec, this.#options);
    const startedAt = now();
    let result: CommandResult;
    if (signal?.aborted) {
      result = {
        ok: false,
        exitCode: null,
        signal: null,
        durationMs: 0,
        lineCount: 0,
        logPath: null,
        cancelled: true,
        error: 'cancelled',
      };
    } else {
      const record = toCommandRecord(spec, secrets, new Date(startedAt));
      if (record) this.#options.onRecord?.(record);
      output.push(`${DRY_RUN_PREFIX}${display}`);
      result = {
        ok: true,
        recorded: true,
        exitCode: 0,
        signal: null,
        durationMs: 0,
        lineCount: output.total,
        logPath: null,
      };
    }
    return {id: this.nextId(), spec, display, startedAt, output, logPath: null, done: Promise.resolve(result)};
  }
}

export function createDryRunRunner(options: DryRunRunnerOptions = {}): DryRunRunner {
  return new DryRunRunner(options);
}
