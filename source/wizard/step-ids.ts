// The ten steps, in order. Ids are part of the command-line contract (sessions --json) and the session file.
export const STEP_IDS = [
  'welcome',
  'preflight',
  'discover',
  'hardware',
  'cluster-spec',
  'create-cluster',
  'control-plane',
  'data-plane',
  'verify',
  'done',
] as const;

export type StepId = (typeof STEP_IDS)[number];

/** Day-two commands that run commands on a finished session; their commands join the runbook. */
export const LIFECYCLE_IDS = ['upgrade', 'destroy'] as const;
export type LifecycleId = (typeof LIFECYCLE_IDS)[number];
export const LIFECYCLE_TITLES: Record<LifecycleId, string> = {
  upgrade: 'Upgrade the data plane',
  destroy: 'Destroy what the session created',
};

export const STEP_TITLES: Record<StepId, string> = {
  welcome: 'Welcome',
  preflight: 'Preflight',
  discover: 'Discover machines',
  hardware: 'hardware.csv',
  'cluster-spec': 'Cluster spec',
  'create-cluster': 'Create cluster',
  'control-plane': 'Kong control plane',
  'data-plane': 'Kong data plane',
  verify: 'Verify',
  done: 'Done',
};

export function isStepId(value: string): value is StepId {
  return (STEP_IDS as readonly string[]).includes(value);
}

export function stepIndex(id: StepId): number {
  return STEP_IDS.indexOf(id);
}
