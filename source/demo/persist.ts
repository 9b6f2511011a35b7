// A demo session's simulated data center on disk: the fake Kubernetes stores, docker's containers,
// the control plane's load balancer names and whatever the demo parts keep, in demo-state.json
// (0600) next to session.json. Written on change (debounced) and at close, read when the world
// starts for a resumed session, so a resumed demo finds the cluster and the DP pods as they were.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {writeFileAtomicSync} from '../session/home.js';
import type {StoreSnapshot} from './fake-kube-api.js';
import type {DemoMachine} from './scenarios/bootstrap-provisioning.js';

export const DEMO_STATE_FILE = 'demo-state.json';
export const DEMO_STATE_VERSION = 1;

export type DemoClusterId = 'controlPlane' | 'bootstrap' | 'workload' | 'vsphere';
/** Clusters every saved state has; the vSphere cluster came later (an older state starts it fresh). */
type SavedCluster = Exclude<DemoClusterId, 'vsphere'>;

export interface DemoContainer {
  created: number;
  image: string;
  command: string;
  ports: string;
  network: string;
}

export interface DemoState {
  version: typeof DEMO_STATE_VERSION;
  savedAt: string;
  /** Where each fake API listened: a resumed world asks for the same ports so saved kubeconfigs still work. */
  urls: Record<SavedCluster, string> & Partial<Record<DemoClusterId, string>>;
  stores: Record<SavedCluster, StoreSnapshot> & Partial<Record<DemoClusterId, StoreSnapshot>>;
  containers: Record<string, DemoContainer>;
  controlPlane?: {hostnames: Record<string, string>};
  /** The --speed the demo ran at: a resume without --speed keeps it. */
  speed?: number;
  /** Digest of the answers the demo parts pre-filled: merged again only when it changes. */
  answersDigest?: string;
  /** The stand-in eksctl's create in progress, so a world restarted after a kill -9 carries its provisioning on. */
  eksctlRun?: SavedEksctlRun;
  /** Free-form state of the demo parts (world.keep). */
  parts: Record<string, unknown>;
}

export interface SavedEksctlRun {
  clusterName: string;
  machines: DemoMachine[];
  spec: string;
  /** Recorded seconds the provisioning is fitted into. */
  window: number;
  /** The V0 lines from "Creating new management cluster" on: any of them means provisioning may go on. */
  gateLines: string[];
  gateOpen: boolean;
  /** "Provider specific post-setup" was seen: the provisioning scenario runs. */
  provisioning: boolean;
  /** clusterctl move happened: the objects are on the new cluster, the scenario is over. */
  moved: boolean;
}

export function demoStatePath(sessionDir: string): string {
  return join(sessionDir, DEMO_STATE_FILE);
}

/** The saved state, or undefined when there is none. A damaged file is reported, not trusted. */
export function readDemoState(sessionDir: string): {state?: DemoState; problem?: string} {
  let text: string;
  try {
    text = readFileSync(demoStatePath(sessionDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return {problem: `cannot read ${DEMO_STATE_FILE}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`};
  }
  try {
    const state = JSON.parse(text) as DemoState;
    const ids: SavedCluster[] = ['controlPlane', 'bootstrap', 'workload'];
    if (state?.version !== DEMO_STATE_VERSION || !ids.every(id => Array.isArray(state.stores?.[id]?.objects))) {
      return {problem: `${DEMO_STATE_FILE} has an unknown format; the simulated data center starts fresh`};
    }
    state.containers ??= {};
    state.parts ??= {};
    return {state};
  } catch {
    return {problem: `${DEMO_STATE_FILE} is damaged; the simulated data center starts fresh`};
  }
}

export function writeDemoState(sessionDir: string, state: DemoState): void {
  writeFileAtomicSync(demoStatePath(sessionDir), JSON.stringify(state));
}

export interface StateWriter {
  /** Something changed: write soon (coalesced). */
  schedule(): void;
  /** Write now if anything is pending. */
  flush(): void;
  /** Final write; later schedules are ignored. */
  close(): void;
  /** The last write error, if any (the demo goes on; resume would start fresh). */
  readonly error: Error | null;
}

/** Debounced writer: one write per `delayMs` however many objects change (eksctl replays move dozens a second). */
export function createStateWriter(sessionDir: string, collect: () => DemoState, delayMs = 250): StateWriter {
  let timer: NodeJS.Timeout | undefined;
  let pending = false;
  let closed = false;
  let error: Error | null = null;
  const write = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    pending = false;
    try {
      writeDemoState(sessionDir, collect());
      error = null;
    } catch (err) {
      error = err as Error;
    }
  };
  return {
    schedule() {
      if (closed) return;
      pending = true;
      timer ??= setTimeout(write, delayMs);
      timer.unref?.();
    },
    flush: write,
    close() {
      if (closed) return;
      write();
      closed = true;
    },
    get error() {
      return error;
    },
  };
}
