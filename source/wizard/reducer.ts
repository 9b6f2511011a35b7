// The navigation reducer: a pure function over the session document. The UI and the headless runner
// dispatch actions; the store persists the result after every transition.
import type {Answers} from '../session/answers.js';
import type {CommandRecord, LifecycleEvent, Session, StepRecord, StepState} from '../session/schema.js';
import {STEP_IDS, stepIndex, type StepId} from './step-ids.js';
import {STEP_DEPENDENCIES} from '../steps/registry.js';

export type WizardAction =
  | {type: 'next'}
  | {type: 'back'}
  | {type: 'goto'; step: StepId}
  /** `external`: from an answers file, not from the current step's screen, so no step is exempt. */
  /** `unset`: dotted keys removed before the patch (a form choice that drops a section, e.g. controlPlane.deploy.eks). */
  | {type: 'set-answers'; patch: Answers; external?: boolean; unset?: readonly string[]}
  | {type: 'step-started'; step: StepId; at: string}
  | {type: 'step-finished'; step: StepId; at: string; summary?: string; data?: Record<string, unknown>}
  | {type: 'step-failed'; step: StepId; at: string; error: string}
  | {type: 'step-interrupted'; step: StepId; at: string}
  | {type: 'step-skipped'; step: StepId; summary?: string}
  | {type: 'step-data'; step: StepId; data: Record<string, unknown>}
  | {type: 'step-invalidated'; step: StepId; reason: string}
  | {type: 'attempt-log'; step: StepId; log: string}
  | {type: 'record-artifact'; key: keyof Session['artifacts']; path: string}
  | {type: 'trust'; host: string; fingerprint: string}
  | {type: 'recovered'; at: string}
  | {type: 'quit'; at: string}
  | {type: 'command-recorded'; record: CommandRecord}
  /** A day-two action finished (upgrade, rollback, destroy); `destroyed` marks the session destroyed. */
  | {type: 'lifecycle-event'; event: LifecycleEvent; destroyed?: boolean};

const FINISHED: ReadonlySet<StepState> = new Set(['done', 'skipped']);

export function isFinished(state: StepState): boolean {
  return FINISHED.has(state);
}

/** The first step that is not done or skipped: where a resumed or pre-filled session opens. */
export function firstUnfinishedStep(session: Session): StepId {
  return STEP_IDS.find(id => !isFinished(session.steps[id].state)) ?? 'done';
}

/** Next is allowed once the current step is done or skipped. */
export function canGoNext(session: Session): boolean {
  const i = stepIndex(session.currentStep);
  return i < STEP_IDS.length - 1 && isFinished(session.steps[session.currentStep].state);
}

export function canGoBack(session: Session): boolean {
  return stepIndex(session.currentStep) > 0 && session.steps[session.currentStep].state !== 'running';
}

/** A step may be opened when every step before it is finished (or it is the current one). */
export function canOpen(session: Session, step: StepId): boolean {
  const target = stepIndex(step);
  return STEP_IDS.slice(0, target).every(id => isFinished(session.steps[id].state));
}

/** Done only when every step is finished: a re-run that breaks an earlier step reopens the session. */
export function deriveStatus(session: Session): Session['status'] {
  if (session.destroyedAt) return 'destroyed';
  const states = STEP_IDS.map(id => session.steps[id].state);
  if (states.every(isFinished)) return 'done';
  if (states.includes('running')) return 'running';
  if (states.includes('failed')) return 'failed';
  if (states.includes('interrupted')) return 'interrupted';
  if (states.every(s => s === 'pending')) return 'new';
  return session.status === 'interrupted' ? 'interrupted' : 'running';
}

export function wizardReducer(session: Session, action: WizardAction): Session {
  const reduced = reduce(session, action);
  if (reduced === session) return session;
  const next = reopenSummary(reduced);
  const keepStatus = action.type === 'recovered' || action.type === 'quit';
  return {...next, status: keepStatus ? next.status : deriveStatus(next)};
}

/**
 * The final step sums up all the others: once any of them is no longer finished (changed answers, a failed
 * re-check, a new attempt), its summary no longer holds, so it goes back to pending with them.
 */
function reopenSummary(session: Session): Session {
  if (!isFinished(session.steps.done.state)) return session;
  if (STEP_IDS.every(id => id === 'done' || isFinished(session.steps[id].state))) return session;
  return withStep(session, 'done', {...session.steps.done, state: 'pending', summary: undefined});
}

function reduce(session: Session, action: WizardAction): Session {
  switch (action.type) {
    case 'next': {
      if (!canGoNext(session)) return session;
      return {...session, currentStep: STEP_IDS[stepIndex(session.currentStep) + 1]!};
    }
    case 'back': {
      if (!canGoBack(session)) return session;
      return {...session, currentStep: STEP_IDS[stepIndex(session.currentStep) - 1]!};
    }
    case 'goto': {
      if (action.step === session.currentStep || !canOpen(session, action.step)) return session;
      if (session.steps[session.currentStep].state === 'running') return session;
      return {...session, currentStep: action.step};
    }
    case 'set-answers': {
      const answers = mergeAnswers(withoutKeys(session.answers, action.unset ?? []), action.patch);
      const changed = changedKeys(session.answers, answers);
      if (changed.length === 0) return session;
      return invalidate({...session, answers}, changed, action.external ? null : session.currentStep);
    }
    case 'step-started': {
      const record = session.steps[action.step];
      const n = record.attempts.length + 1;
      return withStep(session, action.step, {
        ...record,
        state: 'running',
        error: undefined,
        attempts: [...record.attempts, {n, startedAt: action.at, result: 'running', logs: []}],
      });
    }
    case 'step-finished':
      return endAttempt(session, action.step, action.at, 'done', {
        summary: action.summary,
        data: action.data ?? session.steps[action.step].data,
      });
    case 'step-failed':
      return endAttempt(session, action.step, action.at, 'failed', {error: action.error});
    case 'step-interrupted':
      return endAttempt(session, action.step, action.at, 'interrupted', {});
    case 'step-skipped':
      return withStep(session, action.step, {...session.steps[action.step], state: 'skipped', summary: action.summary});
    case 'step-data':
      return withStep(session, action.step, {
        ...session.steps[action.step],
        data: {...session.steps[action.step].data, ...action.data},
      });
    case 'step-invalidated': {
      const record = session.steps[action.step];
      if (record.state === 'pending') return session;
      return withStep(session, action.step, {...record, state: 'pending', summary: undefined, error: action.reason});
    }
    case 'attempt-log': {
      const record = session.steps[action.step];
      const last = record.attempts.at(-1);
      if (!last || last.logs.includes(action.log)) return session;
      const attempts = [...record.attempts.slice(0, -1), {...last, logs: [...last.logs, action.log]}];
      return withStep(session, action.step, {...record, attempts});
    }
    case 'record-artifact':
      return {...session, artifacts: {...session.artifacts, [action.key]: action.path}};
    case 'command-recorded':
      return {...session, commands: [...session.commands, action.record]};
    case 'lifecycle-event':
      return {
        ...session,
        lifecycle: [...session.lifecycle, action.event],
        ...(action.destroyed ? {destroyedAt: action.event.at} : {}),
      };
    case 'trust':
      return {...session, trust: {...session.trust, [action.host]: action.fingerprint}};
    case 'recovered': {
      // A step that was running when the process died is interrupted, not running.
      let s = session;
      for (const id of STEP_IDS) {
        if (s.steps[id].state === 'running') s = endAttempt(s, id, action.at, 'interrupted', {});
      }
      return s === session ? session : {...s, status: 'interrupted'};
    }
    case 'quit': {
      // Leaving on purpose: running work was stopped, the session waits to be resumed.
      let s = session;
      for (const id of STEP_IDS) {
        if (s.steps[id].state === 'running') s = endAttempt(s, id, action.at, 'interrupted', {});
      }
      return {
        ...s,
        status: s.destroyedAt
          ? 'destroyed'
          : STEP_IDS.every(id => isFinished(s.steps[id].state))
            ? 'done'
            : 'interrupted',
      };
    }
  }
}

function withStep(session: Session, step: StepId, record: StepRecord): Session {
  return {...session, steps: {...session.steps, [step]: record}};
}

function endAttempt(
  session: Session,
  step: StepId,
  at: string,
  result: 'done' | 'failed' | 'interrupted',
  extra: Partial<StepRecord>,
): Session {
  const record = session.steps[step];
  const last = record.attempts.at(-1);
  const attempts =
    last && last.result === 'running'
      ? [...record.attempts.slice(0, -1), {...last, endedAt: at, result, ...(extra.error ? {error: extra.error} : {})}]
      : record.attempts;
  const state: StepState = result;
  return withStep(session, step, {
    ...record,
    ...extra,
    state,
    attempts,
    error: result === 'done' ? undefined : (extra.error ?? record.error),
  });
}

/**
 * Every finished step that reads a changed answer goes back to pending, except the step that set it
 * (the current one, when the change comes from its screen).
 */
function invalidate(session: Session, changed: string[], editing: StepId | null): Session {
  let s = session;
  for (const id of STEP_IDS) {
    if (id === editing) continue;
    const deps = STEP_DEPENDENCIES[id];
    const hit = changed.find(key =>
      deps.some(dep => key === dep || key.startsWith(dep + '.') || dep.startsWith(key + '.')),
    );
    if (hit && isFinished(s.steps[id].state)) {
      s = withStep(s, id, {...s.steps[id], state: 'pending', summary: undefined, error: `answer ${hit} changed`});
    }
  }
  return s;
}

/** Deep merge where the patch wins and arrays are replaced whole. */
export function mergeAnswers(base: Answers, patch: Answers): Answers {
  return mergeObjects(base as Record<string, unknown>, patch as Record<string, unknown>) as Answers;
}

/** A copy of `answers` without the dotted keys (objects on the way copied, the rest shared). */
export function withoutKeys(answers: Answers, keys: readonly string[]): Answers {
  if (keys.length === 0) return answers;
  const out = {...answers} as Record<string, unknown>;
  for (const key of keys) {
    const path = key.split('.');
    let node: Record<string, unknown> | undefined = out;
    for (const seg of path.slice(0, -1)) {
      const next: unknown = node[seg];
      if (!isPlainObject(next)) {
        node = undefined;
        break;
      }
      node = node[seg] = {...next};
    }
    if (node) delete node[path[path.length - 1]!];
  }
  return out as Answers;
}

function mergeObjects(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...base};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const old = out[key];
    out[key] = isPlainObject(old) && isPlainObject(value) ? mergeObjects(old, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Dotted keys whose values differ (arrays compared whole). */
export function changedKeys(a: unknown, b: unknown, prefix = ''): string[] {
  // A section that appears or disappears changes only the keys it holds.
  if (a === undefined && isPlainObject(b)) a = {};
  if (b === undefined && isPlainObject(a)) b = {};
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap(k => changedKeys(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}
