// Which answers each step reads. When one of them changes, finished steps after the one being
// edited go back to pending, so nothing downstream is built from stale answers.
import type {StepId} from './step-ids.js';

export const STEP_DEPENDENCIES: Record<StepId, readonly string[]> = {
  welcome: [],
  preflight: ['admin'],
  discover: ['discovery', 'admin.interface'],
  hardware: ['machines', 'network'],
  'cluster-spec': [
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
    'machines',
    'network',
  ],
  'create-cluster': ['cluster', 'machines', 'network', 'admin.bootstrapIp'],
  'control-plane': ['controlPlane'],
  'data-plane': ['dataPlane', 'controlPlane', 'cluster.name', 'cluster.existing'],
  verify: ['dataPlane', 'controlPlane'],
  done: [],
};
