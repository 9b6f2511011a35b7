// The confirmed one-key cleanup of a failed create's leftovers: remove the containers (through the
// runner, so each command shows in a pane and lands in the log) and move the cluster folder aside.
// The folder is never deleted: it may hold the only copy of a kubeconfig or the logs of the failure.
import {rename} from 'node:fs/promises';
import {basename} from 'node:path';
import type {CommandResult, CommandRunner, RunningCommand} from '../run/types.js';
import type {StepId} from '../wizard/step-ids.js';
import {movedAsideName, type LeftoverReport} from './leftovers.js';

export interface CleanupOptions {
  runner: CommandRunner;
  /** The step running the cleanup: its log gets the output. */
  step: StepId;
  /** True in a dry run: the commands are recorded and the folder is left where it is. */
  dryRun: boolean;
  now?: () => Date;
  /** Each command as it starts, for a pane. */
  onCommand?(command: RunningCommand): void;
  /** Moves a folder; injected by tests. */
  move?(from: string, to: string): Promise<void>;
}

export interface CleanupResult {
  ok: boolean;
  /** One line per action, for the screen and headless output. */
  lines: string[];
  results: CommandResult[];
  movedTo: string | undefined;
}

export async function cleanupLeftovers(
  report: LeftoverReport,
  o: CleanupOptions,
  signal?: AbortSignal,
): Promise<CleanupResult> {
  const lines: string[] = [];
  const results: CommandResult[] = [];
  let ok = true;
  for (const spec of report.cleanup) {
    const running = o.runner.start({...spec, step: o.step}, signal);
    o.onCommand?.(running);
    const result = await running.done;
    results.push(result);
    const missing = result.exitCode === 1 && running.output.tail(5).some(l => /No such container/i.test(l));
    if (result.recorded) lines.push(`○ recorded: ${running.display}`);
    else if (result.ok || missing) lines.push(`✔ ${running.display}`);
    else {
      ok = false;
      lines.push(`✘ ${running.display}: ${result.error ?? 'failed'}`);
    }
    if (signal?.aborted) return {ok: false, lines, results, movedTo: undefined};
  }
  let movedTo: string | undefined;
  if (report.folderToMoveAside) {
    const target = movedAsideName(report.folderToMoveAside, (o.now ?? (() => new Date()))());
    if (o.dryRun)
      lines.push(`○ dry run: ${basename(report.folderToMoveAside)}/ would be moved to ${basename(target)}/`);
    else {
      try {
        await (o.move ?? rename)(report.folderToMoveAside, target);
        movedTo = target;
        lines.push(`✔ moved ${basename(report.folderToMoveAside)}/ aside to ${basename(target)}/`);
      } catch (error) {
        ok = false;
        lines.push(
          `✘ could not move ${basename(report.folderToMoveAside)}/ aside: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        );
      }
    }
  }
  return {ok, lines, results, movedTo};
}
