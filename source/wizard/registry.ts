// The one ordered registry of steps. Each step's logic lives in its own module; this file only
// assembles them. A step whose logic this build does not have yet says so plainly: no fake success.
import type {Ports} from '../ports.js';
import type {Session} from '../session/schema.js';
import type {WizardAction} from './reducer.js';
import {STEP_IDS, STEP_TITLES, type StepId} from './step-ids.js';

export interface StepContext {
  session: Session;
  ports: Ports;
  /** Applies an action to the session and persists it; returns the new session. */
  dispatch(action: WizardAction): Session;
  /** Resolves a secret (BMC password, admin token, license) without ever storing it in the session. */
  secret(key: string): string | undefined;
  /** A plain progress line (headless mode prints it; the UI may show it in a status line). */
  say(line: string): void;
}

export interface CheckResult {
  ok: boolean;
  detail: string;
}

export interface StepOutcome {
  summary: string;
  data?: Record<string, unknown>;
}

export interface StepDefinition {
  id: StepId;
  title: string;
  /** What the step does, shown on its screen and in help. */
  purpose: string[];
  /** Re-verifies on resume that a step marked done is still done (files present, cluster reachable...). */
  check?(ctx: StepContext, signal: AbortSignal): Promise<CheckResult>;
  /** Why this step does not apply to the session (e.g. bare-metal steps for an existing cluster); undefined when it runs. */
  skipWhen?(session: Session): string | undefined;
  /** The non-interactive path: take the answers, do the work, return a one-line summary. */
  runHeadless?(ctx: StepContext, signal: AbortSignal): Promise<StepOutcome>;
}

/**
 * An answer that is given but cannot be used (a variable that is not set, a file that cannot be read,
 * values that break a rule): exit 2 in headless runs, naming the answers-file key.
 */
export class AnswerError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** A missing answer in a headless run: exit 2, naming the answers-file key. */
export class MissingAnswerError extends AnswerError {
  constructor(
    key: string,
    readonly expected: string,
  ) {
    super(key, `missing answer: ${key} (${expected}); set it in the answers file`);
  }
}

/** A step that cannot go on for a reason the user must fix (exit 1 in headless runs). */
export class StepFailure extends Error {}

const PURPOSES: Record<StepId, string[]> = {
  welcome: [
    'Takes you from a rack of bare metal to a Kong Gateway data plane connected to its control plane in AWS.',
    'Every answer and step is saved; quit at any time and resume where you stopped.',
  ],
  preflight: [
    'Checks this admin server: eksctl and the eksctl-anywhere plugin, docker, kubectl, helm,',
    'CPU, memory and disk, the ports Tinkerbell needs, the provisioning interface and bootstrap IP,',
    'and leftovers of an earlier failed create.',
  ],
  discover: [
    'Finds the machines: PXE DHCP requests, Redfish and IPMI on the BMCs, the neighbour table,',
    'or an existing hardware.csv; you pick which become control-plane and worker nodes.',
  ],
  hardware: ['Builds hardware.csv as EKS Anywhere reads it (and stricter): hostnames, IPs, roles, disks, BMCs.'],
  'cluster-spec': ['Generates the Tinkerbell cluster spec: Cluster, TinkerbellDatacenterConfig, machine configs.'],
  'create-cluster': ['Runs eksctl anywhere create cluster with live phase progress and a provisioning watch.'],
  'control-plane': [
    'Connects to the Kong control plane on EKS: cluster (8005) and telemetry (8006) load balancers,',
    'the cluster certificate, the license and the Admin API.',
  ],
  'data-plane': ['Deploys the Kong data plane with Helm onto the new cluster, with a copy of the cluster certificate.'],
  verify: ['Proves the data plane is connected, then sends a request through it (the httpbin route).'],
  done: ['What now exists, where the artifacts and logs are, and what to do next.'],
};

const implementations = new Map<StepId, Partial<StepDefinition>>();

/** Step modules register their logic here (called from source/steps/index.ts). */
export function implementStep(id: StepId, impl: Partial<Omit<StepDefinition, 'id' | 'title'>>): void {
  implementations.set(id, {...implementations.get(id), ...impl});
}

export function getStep(id: StepId): StepDefinition {
  return {
    id,
    title: STEP_TITLES[id],
    purpose: PURPOSES[id],
    ...implementations.get(id),
  };
}

export function allSteps(): StepDefinition[] {
  return STEP_IDS.map(getStep);
}
