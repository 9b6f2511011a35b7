// Runs one command through the CommandRunner port and returns its output lines.
import type {CommandRunner, CommandSpec} from '../run/types.js';

export interface DiscoveryCommandContext {
  runner: CommandRunner;
  /** Step id that owns the commands (names the log file). Default "discover". */
  step?: string;
  /** The environment the wizard was started with; only PATH is passed on. */
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type CommandOutcome =
  {ok: true; lines: string[]} | {ok: false; lines: string[]; error: string; timedOut?: boolean};

export async function runForLines(
  ctx: DiscoveryCommandContext,
  spec: Omit<CommandSpec, 'step' | 'env'> & {extraEnv?: Record<string, string>},
): Promise<CommandOutcome> {
  const {extraEnv, ...rest} = spec;
  const path = (ctx.env ?? process.env).PATH;
  const env: Record<string, string> = {...(path ? {PATH: path} : {}), LC_ALL: 'C', ...extraEnv};
  const full: CommandSpec = {
    ...rest,
    step: ctx.step ?? 'discover',
    env,
    ...((spec.timeoutMs ?? ctx.timeoutMs) ? {timeoutMs: spec.timeoutMs ?? ctx.timeoutMs} : {}),
  };
  const running = ctx.runner.start(full, ctx.signal);
  const result = await running.done;
  const lines = running.output.slice(0, running.output.size);
  if (result.ok) return {ok: true, lines};
  const out: CommandOutcome = {ok: false, lines, error: result.error ?? `exit code ${result.exitCode ?? 'none'}`};
  if (result.timedOut) out.timedOut = true;
  return out;
}
