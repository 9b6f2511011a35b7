// Discover: find the machines (PXE, Redfish, IPMI, neighbour table, a hardware.csv) and pick the nodes.
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';
import {bareMetalSkipReason} from '../../lifecycle/existing-cluster-flow.js';

const load = (): LogicModule<'check' | 'runHeadless'> => import('./step.js');

export const discoverStep: StepDefinition<'discover'> = {
  id: 'discover',
  title: 'Discover machines',
  purpose: [
    'Finds the machines: PXE DHCP requests, Redfish and IPMI on the BMCs, the neighbour table,',
    'or an existing hardware.csv; you pick which become control-plane and worker nodes.',
  ],
  reads: ['discovery', 'admin.interface'],
  skipWhen: bareMetalSkipReason,
  check: async (ctx, signal) => (await load()).logic.check(ctx, signal),
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
