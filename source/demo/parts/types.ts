// A part of the simulated data center (discovery, cluster, Kong). The demo command starts every part
// against the shared demo world and combines what they return. Parts never change step code: they
// present the simulated data center through the same inputs a real one has (answers, PATH, addresses).
import type {Answers} from '../../session/answers.js';
import type {DemoWorld} from '../world.js';

export interface DemoRoute {
  /** The simulated address the steps use (as written in answers, hardware.csv, load balancers...). */
  host: string;
  port: number;
  /** Where the simulation really listens (loopback). */
  to: {host: string; port: number};
  /** The route exists only while this holds (a load-balancer address once MetalLB has assigned it). */
  when?: () => boolean;
}

export interface DemoPart {
  /** Answers the guided demo pre-fills (merged in the order discovery, cluster, kong). */
  answers: Answers;
  /** Answers of the second data plane's session (`demo --existing-cluster`): the vSphere cluster as cluster.existing. */
  existingCluster?: Answers;
  /** Simulated addresses and where they really are. Anything else is unreachable in the demo. */
  routes: DemoRoute[];
  /** Simulated DNS names and their addresses. */
  dns: Record<string, string[]>;
  close(): Promise<void> | void;
}

export interface DemoPartContext {
  sessionDir: string;
  speed: number;
  signal: AbortSignal;
}

export type DemoPartStarter = (world: DemoWorld, ctx: DemoPartContext) => Promise<DemoPart>;

export const emptyPart = (): DemoPart => ({answers: {}, routes: [], dns: {}, close: () => undefined});
