// The one way to build the context a step's logic runs with, for the headless runner and the screens
// alike: the session is read live from the controller, so work that dispatches sees its own changes.
import type {Ports} from '../ports.js';
import type {SessionController} from '../wizard/controller.js';
import type {StepContext} from './types.js';

export function stepContext(
  controller: SessionController,
  ports: Ports,
  secret: (key: string) => string | undefined,
  say: (line: string) => void,
): StepContext {
  return {
    get session() {
      return controller.get();
    },
    ports,
    dispatch: controller.dispatch,
    secret,
    say,
  };
}
