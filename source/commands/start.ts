// `eksa-kong` (start: new session, resume a saved one, or the guided demo) and `eksa-kong resume [NAME]`.
import type {Command} from 'commander';
import {addGlobalOptions, allowLiveScreens, UsageError} from '../cli-options.js';
import {sessionRows} from './sessions.js';
import type {runSession as RunSession} from './run-session.js';
import type {CommandContext, ContextFor} from './index.js';

// Running a session needs the runner, the store and the steps: loaded only when a session opens.
const runSession: typeof RunSession = async (...args) => (await import('./run-session.js')).runSession(...args);

async function startFromAnswers(ctx: CommandContext, file: string): Promise<number> {
  const {loadAnswersFile} = await import('../session/answers-file.js');
  const answers = await loadAnswersFile(file);
  if (!answers.session) {
    throw new UsageError(`${file}: missing answer: session (the session's name, e.g. "session: lab1")`);
  }
  return runSession(ctx, {name: answers.session, create: ctx.opts.dryRun ? 'dry-run' : 'real', answers});
}

async function resume(ctx: CommandContext, name: string | undefined): Promise<number> {
  let target = name;
  if (!target) {
    const {rows} = await sessionRows(ctx.home);
    target = rows.find(r => r.status !== 'done' && r.status !== 'destroyed')?.name;
    if (!target) throw new UsageError(`no unfinished session to resume in ${ctx.home}; start one with "eksa-kong"`);
  }
  return openByWorld(ctx, target);
}

/**
 * A demo session runs only inside its simulated world (stand-ins on PATH, routes, saved state):
 * opened without it, its steps would act on the real machine.
 */
async function openByWorld(ctx: CommandContext, name: string): Promise<number> {
  const {listSessions} = await import('../session/list.js');
  const world = (await listSessions(ctx.home)).find(s => s.name === name)?.world;
  if (world === 'demo') {
    const {runDemo} = await import('./run-demo.js');
    return runDemo(ctx, {autoplay: false, name});
  }
  const {loadAnswersFile} = await import('../session/answers-file.js');
  const answers = ctx.opts.answers ? await loadAnswersFile(ctx.opts.answers) : undefined;
  return runSession(ctx, {name, answers});
}

/** A bare `eksa-kong` on a terminal: the launcher, then what the admin chose there. */
export async function launch(ctx: CommandContext): Promise<number> {
  const {rows} = await sessionRows(ctx.home);
  allowLiveScreens();
  const {runLauncher} = await import('../launcher.js');
  const choice = await runLauncher(rows, true, ctx.monochrome);
  switch (choice.kind) {
    case 'quit':
      return choice.interrupted ? 130 : 0;
    case 'new':
      return runSession(ctx, {name: choice.name, create: ctx.opts.dryRun ? 'dry-run' : 'real'});
    case 'existing':
      // The form stands for the welcome: the session opens at the preflight, with cluster.existing set.
      return runSession(ctx, {
        name: choice.name,
        create: ctx.opts.dryRun ? 'dry-run' : 'real',
        answers: {cluster: {existing: {kubeconfig: choice.kubeconfig, context: choice.context}}},
        welcomed: 'a data plane on an existing cluster, from the launcher',
      });
    case 'resume':
      return openByWorld(ctx, choice.name);
    case 'demo': {
      const {runDemo} = await import('./run-demo.js');
      return runDemo(ctx, {autoplay: false});
    }
    case 'status': {
      const {runStatus} = await import('./status.js');
      return runStatus(ctx, choice.name, {watch: true});
    }
  }
}

export function registerStart(program: Command, context: ContextFor): void {
  program.action(async (_options: unknown, cmd: Command) => {
    const ctx = context(cmd);
    if (ctx.opts.answers) {
      ctx.setExit(await startFromAnswers(ctx, ctx.opts.answers));
      return;
    }
    if (!ctx.interactive) {
      throw new UsageError('nothing to do without a terminal: give --answers FILE, or "eksa-kong resume NAME"');
    }
    ctx.setExit(await launch(ctx));
  });

  addGlobalOptions(
    program
      .command('resume')
      .description('resume a saved session at the step it stopped (default: the newest unfinished one)')
      .argument('[name]', 'session name'),
  ).action(async (name: string | undefined, _options: unknown, cmd: Command) => {
    const ctx = context(cmd);
    ctx.setExit(await resume(ctx, name));
  });
}
