// Done: what exists, where the files are, what to do next.
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';

const load = (): LogicModule<'runHeadless'> => import('./step.js');

export const doneStep: StepDefinition<'done'> = {
  id: 'done',
  title: 'Done',
  purpose: ['What now exists, where the artifacts and logs are, and what to do next.'],
  reads: [],
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
