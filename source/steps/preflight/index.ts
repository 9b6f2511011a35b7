// Preflight: the admin-server checks (or, for a data plane on an existing cluster, what that flow needs).
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';

const load = (): LogicModule<'runHeadless'> => import('./step.js');

export const preflightStep: StepDefinition<'preflight'> = {
  id: 'preflight',
  title: 'Preflight',
  purpose: [
    'Checks this admin server: eksctl and the eksctl-anywhere plugin, docker, kubectl, helm,',
    'CPU, memory and disk, the ports Tinkerbell needs, the provisioning interface and bootstrap IP,',
    'and leftovers of an earlier failed create.',
  ],
  reads: ['admin'],
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
