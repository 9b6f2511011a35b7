// `eksa-kong demo [NAME] [--speed N] [--autoplay] [--new]`: the whole flow against the simulated data
// center. Without a terminal (or with --non-interactive) it runs to the end with plain lines.
import type {Command} from 'commander';
import {addGlobalOptions} from '../cli-options.js';
import type {ContextFor} from './index.js';

export function registerDemo(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('demo')
      .description('the whole flow against a simulated data center on this machine (nothing real is touched)')
      .argument('[name]', 'demo session to resume or create (default: the newest unfinished demo, else a new one)')
      .option('--speed <n>', 'time scale of the simulation: 10 plays ten times faster (default 1, or what a resumed demo used)')
      .option('--autoplay', 'the demo moves on by itself and exits 0 a few seconds after Done')
      .option('--new', 'start a new demo session even when an unfinished one exists'),
  ).action(async (name: string | undefined, options: {speed?: string; autoplay?: boolean; new?: boolean}, cmd: Command) => {
    const ctx = context(cmd);
    const {parseSpeed, runDemo} = await import('../demo/run-demo.js');
    const speed = parseSpeed(options.speed);
    ctx.setExit(await runDemo(ctx, {...(speed === undefined ? {} : {speed}), autoplay: Boolean(options.autoplay), name, fresh: Boolean(options.new)}));
  });
}

/**
 * `resume [NAME]` of a demo session must start its simulated world again (PATH, routes, saved
 * state); opened without it, a demo session would run its steps against the real machine. start.ts
 * does not know about worlds yet, so its resume action is wrapped here: demo sessions go to the demo
 * runner, every other session to the same runSession call start.ts makes.
 */
export function routeDemoResume(program: Command, context: ContextFor): void {
  const resume = program.commands.find(c => c.name() === 'resume');
  if (!resume) return;
  resume.action(async (name: string | undefined, _options: unknown, cmd: Command) => {
    const ctx = context(cmd);
    const {UsageError} = await import('../cli-options.js');
    const {sessionRows} = await import('./sessions.js');
    const {listSessions} = await import('../session/store.js');
    let target = name;
    if (!target) {
      const {rows} = await sessionRows(ctx.home);
      target = rows.find(r => r.status !== 'done')?.name;
      if (!target) throw new UsageError(`no unfinished session to resume in ${ctx.home}; start one with "eksa-kong"`);
    }
    const world = (await listSessions(ctx.home)).find(s => s.name === target)?.world;
    if (world === 'demo') {
      const {runDemo} = await import('../demo/run-demo.js');
      ctx.setExit(await runDemo(ctx, {autoplay: false, name: target}));
      return;
    }
    const {loadAnswersFile} = await import('../session/answers-file.js');
    const {runSession} = await import('./run-session.js');
    const answers = ctx.opts.answers ? await loadAnswersFile(ctx.opts.answers) : undefined;
    ctx.setExit(await runSession(ctx, {name: target, answers}));
  });
}
