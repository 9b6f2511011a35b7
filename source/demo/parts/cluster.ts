// The cluster part of the simulated data center. Until it is built it adds nothing.
import {emptyPart, type DemoPartStarter} from './types.js';

export const startClusterDemo: DemoPartStarter = async () => emptyPart();
