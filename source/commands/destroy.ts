// `eksa-kong destroy NAME [--yes] [--include-control-plane] [--dry-run]`: remove what the session created,
// newest first; a control plane the session deployed only on a second confirmation (typed, or the flag).
// The session stays (status destroyed) with its logs and runbook.
import type {Command} from 'commander';
import {addGlobalOptions, UsageError} from '../cli-options.js';
import type {CommandContext, ContextFor} from './index.js';
import type {DestroyOptions} from '../lifecycle/destroy.js';

export function registerDestroy(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('destroy')
      .description(
        'remove only what a session created (DP release, its secrets and namespace, the MetalLB package or kube-vip, a cluster it created); the session stays, marked destroyed',
      )
      .argument('<name>', 'session name')
      .option(
        '--include-control-plane',
        'also remove the control plane this session deployed (its release, secrets, namespace and the EKS cluster it created)',
      ),
  ).action(async (name: string, options: {includeControlPlane?: boolean}, cmd: Command) => {
    const ctx = context(cmd);
    ctx.setExit(await runDestroyCommand(ctx, name, {includeControlPlane: options.includeControlPlane === true}));
  });
}

/** Asks for a word to be typed on the terminal; true when typed exactly. */
async function typedConfirmation(question: string, expected: string): Promise<boolean> {
  const {createInterface} = await import('node:readline/promises');
  const rl = createInterface({input: process.stdin, output: process.stdout});
  try {
    return (await rl.question(question)).trim() === expected;
  } finally {
    rl.close();
  }
}

export async function runDestroyCommand(
  ctx: CommandContext,
  name: string,
  options: DestroyOptions = {},
): Promise<number> {
  const {loadSession} = await import('../session/store.js');
  const {sessionDir} = await import('../session/home.js');
  const {controlPlaneRemoved, destroyPlan, deployedControlPlane, planLines, runDestroy} =
    await import('../lifecycle/destroy.js');
  const out = (line: string) => ctx.io.stdout.write(line + '\n');
  const session = await loadSession(ctx.home, name);
  if (session.destroyedAt) {
    // A control plane kept by that destroy can still go, on its own confirmation.
    const cpLeft = deployedControlPlane(session) !== undefined && !controlPlaneRemoved(session);
    if (!cpLeft || !options.includeControlPlane) {
      out(`Session ${name} was destroyed at ${session.destroyedAt}; nothing left to remove.`);
      if (cpLeft) out(`Its control plane stays: eksa-kong destroy ${name} --include-control-plane removes it.`);
      return 0;
    }
    options = {...options, onlyControlPlane: true};
  }
  if (ctx.opts.dryRun) {
    out(`Dry run: nothing is removed. Session ${name}:`);
    for (const line of planLines(destroyPlan(session, sessionDir(ctx.home, name), ctx.io.env, options))) out(line);
    return 0;
  }
  if (!ctx.opts.yes) {
    if (!ctx.interactive)
      throw new UsageError(
        `destroy asks for the session name to be typed; without a terminal give --yes (see first: eksa-kong destroy ${name} --dry-run)`,
      );
    // The control plane this session deployed is asked about again, by its own name (issue 12).
    const cp = deployedControlPlane(session);
    if (cp && !options.includeControlPlane) {
      const word = cp.eks?.name ?? cp.release;
      options = {
        ...options,
        includeControlPlane: await typedConfirmation(
          `This session deployed the control plane (${cp.eks ? `EKS cluster ${cp.eks.name}, ` : ''}release ${cp.release}). Type ${word} to remove it too, or Enter to keep it: `,
          word,
        ),
      };
    }
    for (const line of planLines(destroyPlan(session, sessionDir(ctx.home, name), ctx.io.env, options)))
      out(line.replace(/^Would /, 'Will '));
    if (!(await typedConfirmation(`Type the session name (${name}) to remove what it created: `, name))) {
      out('Not confirmed: nothing was removed.');
      return 1;
    }
  }
  const {openForChange} = await import('../lifecycle/open.js');
  const {opened, close} = await openForChange(ctx, name, `eksa-kong destroy ${name}`);
  try {
    const current = opened.controller.get();
    const plan = destroyPlan(current, opened.dir, opened.ports.env, options);
    const outcome = await runDestroy(plan, {runner: opened.ports.runner, say: out});
    const at = new Date().toISOString();
    const dry = opened.ports.world === 'dry-run';
    for (const k of plan.kept) out(`kept: ${k}`);
    if (!outcome.ok) {
      const f = outcome.failed!;
      const log = f.log ? ` (log: ${f.log})` : '';
      opened.controller.dispatch({
        type: 'lifecycle-event',
        event: {action: 'destroy', at, result: 'failed', detail: `${f.action.title}: ${f.error}`},
      });
      ctx.io.stderr.write(`eksa-kong: destroy stopped at "${f.action.title}": ${f.error}${log}\n`);
      if (f.fix) ctx.io.stderr.write(`fix: ${f.fix}\n`);
      ctx.io.stderr.write(`What ran before it is removed; run eksa-kong destroy ${name} again once fixed.\n`);
      return 1;
    }
    const detail =
      plan.actions.length === 0
        ? 'nothing the session created was left'
        : `removed: ${plan.actions.map(a => a.id).join(', ')}`;
    opened.controller.dispatch({
      type: 'lifecycle-event',
      event: {action: 'destroy', at, result: dry ? 'dry-run' : 'done', detail},
      destroyed: !dry,
    });
    out(
      dry
        ? `Dry-run session ${name}: the commands are recorded (eksa-kong runbook ${name}).`
        : `Session ${name} is destroyed; it stays with its logs and runbook (eksa-kong runbook ${name}).`,
    );
    return 0;
  } finally {
    await close();
  }
}
