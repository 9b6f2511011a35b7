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

export function screenFor(step: StepId): React.ComponentType<ScreenProps> {
  return SCREENS[step];
}
