// Which answers each step reads. When one of them changes, finished steps after the one being
// edited go back to pending, so nothing downstream is built from stale answers.
import type {StepId} from './step-ids.js';

export const STEP_DEPENDENCIES: Record<StepId, readonly string[]> = {
  welcome: [],
  preflight: ['admin'],
  discover: ['discovery', 'admin.interface'],
  hardware: ['machines', 'network'],
  'cluster-spec': ['cluster', 'machines', 'network'],
  'create-cluster': ['cluster', 'machines', 'network', 'admin.bootstrapIp'],
  'control-plane': ['controlPlane'],
  'data-plane': ['dataPlane', 'controlPlane', 'cluster'],
  verify: ['dataPlane', 'controlPlane'],
  done: [],
};
