// What every step screen gets from the app shell.
import type {Session} from '../source/session/schema.js';
import type {StepContext, StepDefinition, StepOutcome} from '../source/wizard/registry.js';

export interface ScreenProps {
  session: Session;
  step: StepDefinition;
  ctx: StepContext;
  width: number;
  height: number;
  /** False while an overlay (help, quit dialog) is up. Keys: useKeys('screen', …) from source/ui/KeyDispatcher. */
  isActive: boolean;
  /**
   * Runs cancellable work; Ctrl-C aborts its signal and waits for it before saving and exiting.
   * `leaves`: what stopping it now would leave behind (the quit dialog says it), if anything.
   */
  runWork<T>(work: (signal: AbortSignal) => Promise<T>, opts?: {leaves?: () => string | undefined}): Promise<T>;
  /** Marks the step done with a one-line summary and moves to the next step. */
  complete(outcome: StepOutcome): void;
  /** True in a guided demo with --autoplay: the screen drives itself at a readable pace. */
  autoplay: boolean;
}
