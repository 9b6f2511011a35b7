// Holds the live session, applies reducer actions and persists after every transition.
// The UI subscribes to it (useSyncExternalStore); it never keeps wizard state of its own.
import type {Session} from '../session/schema.js';
import {wizardReducer, type WizardAction} from './reducer.js';

export class SessionController {
  private listeners = new Set<() => void>();

  constructor(
    private session: Session,
    /** Saves the session and returns what was written (secrets moved out). */
    private readonly persist: (session: Session) => Session,
  ) {}

  get = (): Session => this.session;

  dispatch = (action: WizardAction): Session => {
    const next = wizardReducer(this.session, action);
    if (next !== this.session) {
      this.session = this.persist({...next, updatedAt: new Date().toISOString()});
      for (const listener of this.listeners) listener();
    }
    return this.session;
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
