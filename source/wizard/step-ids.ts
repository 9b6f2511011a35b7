// The wizard's step ids, titles and order come from the step registry (source/steps/registry.ts);
// re-exported here for the many modules that only need ids. Day-two command ids live here.
export {STEP_IDS, STEP_TITLES, isStepId, stepIndex, type StepId} from '../steps/registry.js';

/** Day-two commands that run commands on a finished session; their commands join the runbook. */
export const LIFECYCLE_IDS = ['upgrade', 'destroy'] as const;
export type LifecycleId = (typeof LIFECYCLE_IDS)[number];
export const LIFECYCLE_TITLES: Record<LifecycleId, string> = {
  upgrade: 'Upgrade the data plane',
  destroy: 'Destroy what the session created',
};
