// `eksa-kong export NAME --deck`: what the wizard created on the session's control plane, as decK state.
import type {Command} from 'commander';
import {addGlobalOptions, UsageError} from '../cli-options.js';
import type {CommandContext, ContextFor} from './index.js';

export function registerExport(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('export')
      .description("what the wizard created on a session's control plane, as a decK state file (--deck)")
      .argument('<name>', 'session name')
      .option('--deck', 'decK state (_format_version "3.0"); the only format so far'),
  ).action(async (name: string, options: {deck?: boolean}, cmd: Command) => {
    const ctx = context(cmd);
    ctx.setExit(await runExport(ctx, name, options));
  });
}

export async function runExport(ctx: CommandContext, name: string, options: {deck?: boolean}): Promise<number> {
  if (!options.deck) throw new UsageError('export needs a format: --deck');
  const {openForStatus} = await import('../lifecycle/open.js');
  const {openAdmin} = await import('../steps/verify/verify-step.js');
  const {cpInputFromAnswers, expandPath} = await import('../steps/control-plane/cp-step.js');
  const {adminTokenSourceFromAnswers, resolveAdminToken} = await import('../kong/admin-api.js');
  const {readWizardEntities, renderDeck} = await import('../kong/deck-export.js');
  const source = await openForStatus(ctx, name);
  try {
    const session = source.session;
    const cp = cpInputFromAnswers(session.answers);
    const cpData = session.steps['control-plane'].data ?? {};
    let token = source.secret('kong.adminToken');
    if (!token) {
      const resolved = await resolveAdminToken(adminTokenSourceFromAnswers(session.answers.controlPlane), source.env);
      if (!resolved.ok) {
        ctx.io.stderr.write(`eksa-kong export: admin token: ${resolved.message} ${resolved.fix}\n`);
        return 2;
      }
      token = resolved.token;
    }
    const opened = await openAdmin(
      {
        adminUrl: cp.adminUrl,
        cp: {
          kubeconfig: expandPath(cp.kubeconfig, source.env),
          context: cp.context ?? (typeof cpData['context'] === 'string' ? cpData['context'] : undefined),
          namespace: cp.namespace,
          release: cp.release,
        },
        podNames: [],
        smokeTest: false,
      },
      {net: source.net, clock: source.clock, token},
    );
    try {
      const entities = await readWizardEntities(opened.admin);
      ctx.io.stdout.write(renderDeck(entities, [`Session ${name}, control plane ${opened.admin.url}.`]));
      return 0;
    } catch (error) {
      ctx.io.stderr.write(`eksa-kong export: ${(error as Error).message.split('\n')[0]}\n`);
      return 1;
    } finally {
      await opened.forwarded?.close();
    }
  } finally {
    await source.close();
  }
}
