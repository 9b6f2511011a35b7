// Create cluster: eksctl anywhere create cluster (or an existing cluster's kubeconfig); a failed create is classified, never resumed.
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';

const load = (): LogicModule<'check' | 'runHeadless'> => import('./step.js');

export const createClusterStep: StepDefinition<'create-cluster'> = {
  id: 'create-cluster',
  title: 'Create cluster',
  purpose: ['Runs eksctl anywhere create cluster with live phase progress and a provisioning watch.'],
  reads: ['cluster', 'machines', 'network', 'admin.bootstrapIp'],
  check: async (ctx, signal) => (await load()).logic.check(ctx, signal),
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
