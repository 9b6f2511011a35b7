// The non-interactive path: no Ink, plain progress lines, the same step logic as the screens.
import {STEP_IDS, stepIndex} from './step-ids.js';
import {AnswerError, getStep} from './registry.js';
import {stepContext} from '../steps/context.js';
import {firstUnfinishedStep} from './reducer.js';
import type {SessionController} from './controller.js';
import type {Ports} from '../ports.js';

export interface HeadlessIo {
  out(line: string): void;
  err(line: string): void;
}

export interface HeadlessOptions {
  controller: SessionController;
  ports: Ports;
  secret(key: string): string | undefined;
  io: HeadlessIo;
  signal: AbortSignal;
}

/** Runs every unfinished step in order. Returns the exit code: 0 done, 1 a step failed, 2 missing input, 130 interrupted. */
export async function runHeadless({controller, ports, secret, io, signal}: HeadlessOptions): Promise<number> {
  const total = STEP_IDS.length;
  const at = () => new Date().toISOString();
  let session = controller.get();
  const start = firstUnfinishedStep(session);
  for (const id of STEP_IDS.slice(stepIndex(start))) {
    session = controller.get();
    if (session.currentStep !== id) controller.dispatch({type: 'goto', step: id});
    const step = getStep(id);
    const tag = `[${stepIndex(id) + 1}/${total}] ${step.title}`;
    const skip = step.skipWhen?.(session);
    if (skip) {
      controller.dispatch({type: 'step-skipped', step: id, summary: skip});
      io.out(`${tag}: skipped — ${skip}`);
      controller.dispatch({type: 'next'});
      continue;
    }
    if (!step.runHeadless) {
      io.err(`${tag}: not available yet in this build; nothing was done. Stopped here.`);
      io.err(`The session is saved: resume it with "eksa-kong resume ${session.name}".`);
      return 1;
    }
    io.out(`${tag} …`);
    controller.dispatch({type: 'step-started', step: id, at: at()});
    const ctx = stepContext(controller, ports, secret, line => io.out(`    ${line}`));
    try {
      const outcome = await step.runHeadless(ctx, signal);
      controller.dispatch({type: 'step-finished', step: id, at: at(), summary: outcome.summary, data: outcome.data});
      io.out(`${tag}: ${outcome.summary}`);
      if (id !== 'done') controller.dispatch({type: 'next'});
    } catch (err) {
      if (signal.aborted) {
        controller.dispatch({type: 'quit', at: at()});
        io.err(`${tag}: interrupted; the session is saved as interrupted.`);
        return 130;
      }
      const message = err instanceof Error ? err.message : String(err);
      controller.dispatch({type: 'step-failed', step: id, at: at(), error: message});
      io.err(`${tag}: ${message}`);
      io.err(`The session is saved: fix this, then resume it with "eksa-kong resume ${session.name}".`);
      // Answers the user must fix are usage errors (exit 2), like a missing one.
      return err instanceof AnswerError ? 2 : 1;
    }
  }
  return 0;
}
