// What the Kong screens share around running their step: the step-started / step-failed bookkeeping of
// one attempt, and the keys of the result and done views.
import type {KeyBinding} from '../../source/ui/keys.js';
import type {StepContext, StepOutcome} from '../../source/wizard/registry.js';
import type {StepId} from '../../source/wizard/step-ids.js';
import type {ScreenProps} from '../types.js';

export type Attempt = {outcome: StepOutcome; error?: undefined} | {outcome?: undefined; error: string};

/** One attempt of the step through runWork (so Ctrl-C aborts it); a failure is recorded, not thrown. */
export async function attemptStep(
  ctx: StepContext,
  step: StepId,
  runWork: ScreenProps['runWork'],
  work: (signal: AbortSignal) => Promise<StepOutcome>,
): Promise<Attempt> {
  const at = () => new Date().toISOString();
  ctx.dispatch({type: 'step-started', step, at: at()});
  try {
    return {outcome: await runWork(work)};
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (ctx.session.steps[step].state === 'running')
      ctx.dispatch({type: 'step-failed', step, at: at(), error: message});
    return {error: message};
  }
}

/** Keys of a finished attempt: continue when it worked, else edit (or retry) and retry. */
export function resultKeys(ok: boolean, next: string, editLabel = 'edit'): KeyBinding[] {
  return ok
    ? [{id: 'confirm', keys: ['Enter'], label: 'continue', help: `It worked: go on to ${next}.`}]
    : [
        {
          id: 'confirm',
          keys: ['Enter'],
          label: editLabel,
          help: editLabel === 'retry' ? 'Run it again.' : 'Back to the fields to change what failed.',
        },
        {id: 'retry', keys: ['r'], label: 'retry', help: 'Run it again with the same answers.'},
      ];
}

/** Keys of a step that was already done when the screen opened. */
export function doneKeys(next: string, again: {key: string; label: string; help: string}): KeyBinding[] {
  return [
    {id: 'confirm', keys: ['Enter'], label: 'next', help: `Go on to ${next}.`},
    {id: 'again', keys: [again.key], label: again.label, help: again.help},
  ];
}

export interface ResultKeyHandlers {
  outcome: StepOutcome | null;
  complete(outcome: StepOutcome): void;
  /** Enter after a failure. */
  edit(): void;
  retry(): void;
  next(): void;
  /** On a step already done: the key that opens it again, and what it does. */
  againKey: string;
  again(): void;
}

/** Keys of the result and done views (resultKeys / doneKeys); true when the key was theirs. */
export function handleResultKey(mode: string, input: string, enter: boolean, h: ResultKeyHandlers): boolean {
  if (mode === 'result') {
    if (enter && h.outcome) h.complete(h.outcome);
    else if (enter) h.edit();
    else if (input === 'r' && !h.outcome) h.retry();
    return true;
  }
  if (mode === 'done') {
    if (enter) h.next();
    else if (input === h.againKey) h.again();
    return true;
  }
  return false;
}
