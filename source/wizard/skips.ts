// Steps that do not apply to a session (the bare-metal steps of a data plane on an existing cluster)
// are passed over by navigation: marked skipped with their reason, never landed on by Enter or Esc.
import type {Session} from '../session/schema.js';
import type {StepId} from './step-ids.js';
import {stepIndex} from './step-ids.js';
import {wizardReducer, type WizardAction} from './reducer.js';

/** Why a step does not apply to this session, or undefined when it runs. */
export type SkipReason = (step: StepId, session: Session) => string | undefined;

/** Which way a navigation action moves (goto moves forward past skipped targets); null for the rest. */
export function navigationDirection(before: Session, action: WizardAction): 1 | -1 | null {
  if (action.type === 'next') return 1;
  if (action.type === 'back') return -1;
  if (action.type === 'goto') return stepIndex(action.step) < stepIndex(before.currentStep) ? -1 : 1;
  return null;
}

/** Moves on from every step that does not apply, marking it skipped with its reason, until one that does. */
export function passSkippedSteps(session: Session, direction: 1 | -1, reasonFor: SkipReason): Session {
  let s = session;
  for (;;) {
    const id = s.currentStep;
    const reason = reasonFor(id, s);
    const record = s.steps[id];
    if (!reason || record.state === 'running') return s;
    if (record.state !== 'skipped' || record.summary !== reason) {
      s = wizardReducer(s, {type: 'step-skipped', step: id, summary: reason});
    }
    const moved = wizardReducer(s, {type: direction === 1 ? 'next' : 'back'});
    if (moved === s) return s;
    s = moved;
  }
}
