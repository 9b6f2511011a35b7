// Cluster spec: cluster.yaml from the answers, validated as eksctl would and stricter, network probed.
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';
import {bareMetalSkipReason} from '../../lifecycle/existing-cluster-flow.js';

const load = (): LogicModule<'check' | 'runHeadless'> => import('./step.js');

export const clusterSpecStep: StepDefinition<'cluster-spec'> = {
  id: 'cluster-spec',
  title: 'Cluster spec',
  purpose: ['Generates the Tinkerbell cluster spec: Cluster, TinkerbellDatacenterConfig, machine configs.'],
  reads: [
    'cluster.name',
    'cluster.kubernetesVersion',
    'cluster.endpoint',
    'cluster.tinkerbellIp',
    'cluster.osImageUrl',
    'cluster.sshAuthorizedKey',
    'cluster.podsCidr',
    'cluster.servicesCidr',
    'cluster.loadBalancerInterface',
    'cluster.controlPlaneCount',
    'cluster.workerCount',
    'cluster.licenseToken',
    'cluster.licenseTokenEnv',
    'cluster.licenseTokenFile',
    'machines',
    'network',
  ],
  skipWhen: bareMetalSkipReason,
  check: async (ctx, signal) => (await load()).logic.check(ctx, signal),
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
