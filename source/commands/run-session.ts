// Runs an opened session: the Ink app on a terminal, plain progress lines otherwise.
import {openSession, type OpenOptions, type OpenedSession} from '../wizard/open-session.js';
import {runHeadless} from '../wizard/headless.js';
import {allSteps} from '../wizard/registry.js';
import type {CommandContext} from './index.js';
import {allowLiveScreens} from '../cli-options.js';
import {installLastResort} from '../run/last-resort.js';
import {escapeControlsByLine} from '../run/display-text.js';

/**
 * On resume, a step marked done is re-verified; one that no longer holds goes back to pending. The
 * checks run side by side (each bounded at 10 s): they probe different things, and a resume should
 * not wait for them one after another.
 */
async function recheckDoneSteps(opened: OpenedSession): Promise<string[]> {
  const ctx = {
    get session() {
      return opened.controller.get();
    },
    ports: opened.ports,
    dispatch: opened.controller.dispatch,
    secret: opened.secret,
    say: () => undefined,
  };
  const steps = allSteps().filter(step => step.check && opened.controller.get().steps[step.id].state === 'done');
  const results = await Promise.all(
    steps.map(async step => {
      try {
        return {step, result: await step.check!(ctx, AbortSignal.timeout(10_000))};
      } catch (err) {
        return {step, error: err instanceof Error ? err.message : String(err)};
      }
    }),
  );
  const notices: string[] = [];
  // Applied in step order, after all have answered, so the session changes in one predictable way.
  for (const r of results) {
    if ('error' in r) notices.push(`${r.step.title}: could not re-check (${r.error}).`);
    else if (!r.result.ok) {
      opened.controller.dispatch({type: 'step-invalidated', step: r.step.id, reason: r.result.detail});
      notices.push(`${r.step.title}: ${r.result.detail}; it must run again.`);
    }
  }
  return notices;
}

/** While a session is open, an error nothing caught ends it as interrupted, lock released, in one line. */
export function installSessionLastResort(opened: Pick<OpenedSession, 'controller' | 'close'>): () => void {
  return installLastResort({
    markInterrupted: () => opened.controller.dispatch({type: 'quit', at: new Date().toISOString()}),
    release: () => opened.close(),
    sessionName: opened.controller.get().name,
  });
}

export async function runSession(
  ctx: CommandContext,
  open: Omit<OpenOptions, 'home' | 'env' | 'command' | 'assumeYes'>,
  extra: {autoplay?: boolean; beforeClose?: () => Promise<void> | void} = {},
): Promise<number> {
  const opened = await openSession({
    ...open,
    home: ctx.home,
    env: ctx.io.env,
    command: ['eksa-kong', ...process.argv.slice(2)].join(' '),
    assumeYes: Boolean(ctx.opts.yes),
  });
  const uninstall = installSessionLastResort(opened);
  try {
    const notices = [...opened.notices, ...(await recheckDoneSteps(opened))];
    if (ctx.interactive) {
      allowLiveScreens();
      const {runInteractive} = await import('../interactive.js');
      return await runInteractive({
        controller: opened.controller,
        ports: opened.ports,
        secret: opened.secret,
        monochrome: ctx.monochrome,
        autoplay: extra.autoplay,
        notices,
      });
    }
    // Progress lines and errors quote answers values: none may drive the terminal.
    const safe = escapeControlsByLine;
    for (const n of notices) ctx.io.stderr.write(`${safe(n)}\n`);
    const abort = new AbortController();
    const onSignal = () => abort.abort(new Error('interrupted'));
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, onSignal);
    try {
      return await runHeadless({
        controller: opened.controller,
        ports: opened.ports,
        secret: opened.secret,
        signal: abort.signal,
        io: {out: line => ctx.io.stdout.write(safe(line) + '\n'), err: line => ctx.io.stderr.write(safe(line) + '\n')},
      });
    } finally {
      for (const s of signals) process.off(s, onSignal);
    }
  } finally {
    await extra.beforeClose?.();
    opened.close();
    uninstall();
  }
}
