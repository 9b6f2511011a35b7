// `eksa-kong status [NAME] [--json] [--watch]`: the whole hybrid deployment of a session at a glance.
import type {Command} from 'commander';
import {addGlobalOptions, allowLiveScreens, UsageError} from '../cli-options.js';
import type {CommandContext, ContextFor} from './index.js';

export function registerStatus(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('status')
      .description('the control plane, every data plane it knows, the nodes and the proxy of a session')
      .argument('[name]', 'session name (default: the newest finished session)')
      .option('--json', 'only {"controlPlane", "dataPlanes", "cluster", "proxy"} as JSON')
      .option('--watch', 'redraw in place every few seconds until q'),
  ).action(async (name: string | undefined, options: {json?: boolean; watch?: boolean}, cmd: Command) => {
    const ctx = context(cmd);
    ctx.setExit(await runStatus(ctx, name, options));
  });
}

/** The status of a session once (lines or JSON), or redrawn until q; the exit code. */
export async function runStatus(
  ctx: CommandContext,
  name: string | undefined,
  options: {json?: boolean; watch?: boolean},
): Promise<number> {
  if (options.json && options.watch)
    throw new UsageError('--json and --watch cannot be combined: --json prints once for scripts');
  if (options.watch && !ctx.interactive)
    throw new UsageError('--watch needs a terminal; without one, run status (or status --json) in a loop');
  const {collectStatus, defaultStatusSession, statusJson, statusLines} = await import('../lifecycle/status.js');
  const {openForStatus} = await import('../lifecycle/open.js');
  const target = name ?? (await defaultStatusSession(ctx.home));
  if (!target) throw new UsageError(`no finished session in ${ctx.home}; name one: eksa-kong status NAME`);
  const source = await openForStatus(ctx, target);
  try {
    if (options.watch) {
      allowLiveScreens();
      const {runStatusWatch} = await import('../../screens/Status.js');
      await runStatusWatch(
        {refresh: async signal => statusLines(await collectStatus(source, {signal})), intervalMs: 3000},
        ctx.monochrome,
      );
      return 0;
    }
    const report = await collectStatus(source);
    if (options.json) ctx.io.stdout.write(JSON.stringify(statusJson(report)) + '\n');
    else ctx.io.stdout.write(statusLines(report).join('\n') + '\n');
    // A part that did not answer is worth a non-zero exit for scripts.
    return report.problems.length > 0 ? 1 : 0;
  } finally {
    await source.close();
  }
}
