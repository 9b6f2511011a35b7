// The shape of a step: the one definition object each source/steps/<id>/index.ts exports, and the
// context its logic runs with. Types only, so the registry and the step ids load without any step's code.
import type {Ports} from '../ports.js';
import type {Session} from '../session/schema.js';
import type {WizardAction} from '../wizard/reducer.js';

export interface StepContext {
  session: Session;
  ports: Ports;
  /** Applies an action to the session and persists it; returns the new session. */
  dispatch(action: WizardAction): Session;
  /** Resolves a secret (BMC password, admin token, license) without ever storing it in the session. */
  secret(key: string): string | undefined;
  /** A plain progress line (headless mode prints it; the UI may show it in a status line). */
  say(line: string): void;
}

export interface CheckResult {
  ok: boolean;
  detail: string;
}

export interface StepOutcome {
  summary: string;
  data?: Record<string, unknown>;
}

/**
 * One step. `Id` is the literal id: the registry derives StepId from its list of definitions, so each
 * index.ts annotates its object as StepDefinition<'its-id'> (an inferred type would be circular:
 * StepContext holds a Session, whose step records are keyed by StepId).
 */
export interface StepDefinition<Id extends string = string> {
  /** Part of the command-line contract (sessions --json, --step) and the session file: never renamed. */
  id: Id;
  title: string;
  /** What the step does, shown on its screen and in help. */
  purpose: readonly string[];
  /**
   * The answer keys (or key prefixes) the step reads: when one changes, this step and the finished
   * steps after it go back to pending, so nothing downstream is built from stale answers.
   */
  reads: readonly string[];
  /** Why this step does not apply to the session (e.g. bare-metal steps for an existing cluster); undefined when it runs. */
  skipWhen?(session: Session): string | undefined;
  /** Re-verifies on resume that a step marked done is still done (files present, cluster reachable...). */
  check?(ctx: StepContext, signal: AbortSignal): Promise<CheckResult>;
  /** The non-interactive path: take the answers, do the work, return a one-line summary. */
  runHeadless?(ctx: StepContext, signal: AbortSignal): Promise<StepOutcome>;
}

/** What a step's logic module (source/steps/<id>/step.ts) exports as `logic`; index.ts loads it when used. */
export type StepLogic = Pick<StepDefinition, 'check' | 'runHeadless'>;

/** `import('./step.js')` as index.ts uses it: the logic with the parts the definition delegates to it. */
export type LogicModule<Part extends keyof StepLogic> = Promise<{logic: Required<Pick<StepLogic, Part>>}>;
