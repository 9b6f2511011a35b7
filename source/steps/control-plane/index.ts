// Kong control plane: connect to the CP on EKS and record what the data plane needs.
// reads: not controlPlane.version (the step reads it from the Admin API) nor generateCert (a data-plane choice).
// Its logic is in ./step.ts, loaded when the step first runs: start-up loads only these definitions.
import type {LogicModule, StepDefinition} from '../types.js';

const load = (): LogicModule<'check' | 'runHeadless'> => import('./step.js');

export const controlPlaneStep: StepDefinition<'control-plane'> = {
  id: 'control-plane',
  title: 'Kong control plane',
  purpose: [
    'Connects to the Kong control plane on EKS: cluster (8005) and telemetry (8006) load balancers,',
    'the cluster certificate, the license and the Admin API.',
  ],
  reads: [
    'controlPlane.kubeconfig',
    'controlPlane.context',
    'controlPlane.namespace',
    'controlPlane.release',
    'controlPlane.adminUrl',
    'controlPlane.adminToken',
    'controlPlane.adminTokenEnv',
    'controlPlane.adminTokenFile',
    'controlPlane.clusterEndpoint',
    'controlPlane.telemetryEndpoint',
    'controlPlane.clusterCertSecret',
    'controlPlane.licenseSecret',
    'controlPlane.license',
    'controlPlane.licenseFile',
    'controlPlane.mode',
  ],
  check: async (ctx, signal) => (await load()).logic.check(ctx, signal),
  runHeadless: async (ctx, signal) => (await load()).logic.runHeadless(ctx, signal),
};
