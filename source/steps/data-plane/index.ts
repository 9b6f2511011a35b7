// Kong data plane: values from the templates, then the DP deployed with Helm onto the cluster.
// reads: not dataPlane.smokeTest (only verify reads it).
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';

const load = (): LogicModule<'check' | 'runHeadless'> => import('./step.js');

export const dataPlaneStep: StepDefinition<'data-plane'> = {
  id: 'data-plane',
  title: 'Kong data plane',
  purpose: [
    'Deploys the Kong data plane with Helm onto the new cluster, with a copy of the cluster certificate.',
    'With a load-balancer pool, MetalLB (EKS Anywhere curated package) or kube-vip (ARP, with its cloud provider) gives the proxy an address from it first.',
  ],
  reads: [
    'dataPlane.namespace',
    'dataPlane.release',
    'dataPlane.image',
    'dataPlane.proxyType',
    'dataPlane.httpNodePort',
    'dataPlane.httpsNodePort',
    'dataPlane.replicas',
    'dataPlane.loadBalancer',
    'controlPlane',
    'cluster.name',
    'cluster.existing',
  ],
  check: async (ctx, signal) => (await load()).logic.check(ctx, signal),
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
