// Which screen shows which step: one screen per step.
import type React from 'react';
import type {StepId} from '../source/wizard/step-ids.js';
import type {ScreenProps} from './types.js';
import {Welcome} from './Welcome.js';
import {Preflight} from './Preflight.js';
import {Discover} from './Discover.js';
import {Hardware} from './Hardware.js';
import {ClusterSpec} from './ClusterSpec.js';
import {CreateCluster} from './CreateCluster.js';
import {ControlPlane} from './ControlPlane.js';
import {DataPlane} from './DataPlane.js';
import {Verify} from './Verify.js';
import {Done} from './Done.js';

const SCREENS: Record<StepId, React.ComponentType<ScreenProps>> = {
  welcome: Welcome,
  preflight: Preflight,
  discover: Discover,
  hardware: Hardware,
  'cluster-spec': ClusterSpec,
  'create-cluster': CreateCluster,
  'control-plane': ControlPlane,
  'data-plane': DataPlane,
  verify: Verify,
  done: Done,
};

/** Screens whose lines an admin copies (endpoints, commands): the step rail gives them its width. */
const WANTS_WIDTH = new Set<StepId>(['done']);

export function screenWantsWidth(step: StepId): boolean {
  return WANTS_WIDTH.has(step);
}

export function screenFor(step: StepId): React.ComponentType<ScreenProps> {
  return SCREENS[step];
}
