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
  // Not controlPlane.version (the step reads it from the Admin API) nor generateCert (a data-plane choice).
  'control-plane': [
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
  // Not dataPlane.smokeTest: only verify reads it.
  'data-plane': [
    'dataPlane.namespace',
    'dataPlane.release',
    'dataPlane.image',
    'dataPlane.proxyType',
    'dataPlane.httpNodePort',
    'dataPlane.httpsNodePort',
    'dataPlane.replicas',
    'controlPlane',
    'cluster.name',
    'cluster.existing',
  ],
  verify: ['dataPlane', 'controlPlane'],
  done: [],
};
