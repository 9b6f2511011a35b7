// Holds the live session, applies reducer actions and persists after every transition.
// The UI subscribes to it (useSyncExternalStore); it never keeps wizard state of its own.
import type {Session} from '../session/schema.js';
import {InvalidSessionError} from '../session/errors.js';
import {wizardReducer, type WizardAction} from './reducer.js';
import {getStep} from './registry.js';
import {navigationDirection, passSkippedSteps, type SkipReason} from './skips.js';

const registrySkipReason: SkipReason = (id, session) => getStep(id).skipWhen?.(session);

export class SessionController {
  private listeners = new Set<() => void>();
  private refusalListeners = new Set<(message: string) => void>();

  constructor(
    private session: Session,
    /** Saves the session and returns what was written (secrets moved out). */
    private readonly persist: (session: Session) => Session,
    /** Steps that do not apply to the session; navigation passes over them. */
    private readonly skipReason: SkipReason = registrySkipReason,
  ) {}

  get = (): Session => this.session;

  dispatch = (action: WizardAction): Session => {
    let next = wizardReducer(this.session, action);
    const direction = navigationDirection(this.session, action);
    if (direction) next = passSkippedSteps(next, direction, this.skipReason);
    if (next !== this.session) {
      try {
        this.session = this.persist({...next, updatedAt: new Date().toISOString()});
      } catch (err) {
        // The store refuses a session it could not load again (an answer outside the schema, e.g. a
        // port of 99999 typed into a screen). The transition does not happen; a UI that listens says
        // why, and everything already typed stays on its screen. Without a listener (headless) the
        // error goes up to the step, which fails with the message.
        if (!(err instanceof InvalidSessionError) || this.refusalListeners.size === 0) throw err;
        for (const listener of this.refusalListeners) listener(err.problem);
        return this.session;
      }
      for (const listener of this.listeners) listener();
    }
    return this.session;
  };

  /** Hears why a transition was refused instead of saved. */
  onRefused = (listener: (message: string) => void): (() => void) => {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
