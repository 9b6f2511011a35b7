// Verify: the control plane sees every data plane pod, then a request goes through the proxy.
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';

const load = (): LogicModule<'runHeadless'> => import('./step.js');

export const verifyStep: StepDefinition<'verify'> = {
  id: 'verify',
  title: 'Verify',
  purpose: [
    'Proves the data plane is connected, then sends a request through it (the httpbin route).',
    'With an api in the answers: publishes it with its policies and proves each one through the proxy.',
  ],
  reads: ['dataPlane', 'controlPlane', 'api'],
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
