// Hardware: hardware.csv from the answers or the machines picked in Discover, validated and written 0600.
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';
import {bareMetalSkipReason} from '../../lifecycle/existing-cluster-flow.js';

const load = (): LogicModule<'check' | 'runHeadless'> => import('./step.js');

export const hardwareStep: StepDefinition<'hardware'> = {
  id: 'hardware',
  title: 'hardware.csv',
  purpose: ['Builds hardware.csv as EKS Anywhere reads it (and stricter): hostnames, IPs, roles, disks, BMCs.'],
  reads: ['machines', 'network'],
  skipWhen: bareMetalSkipReason,
  check: async (ctx, signal) => (await load()).logic.check(ctx, signal),
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
