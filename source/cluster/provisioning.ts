// What each machine is doing while eksctl sits in "Creating new management cluster" (the long,
// silent phase). We read the bootstrap KinD cluster: Rufio BMC machines and jobs (power, PXE boot),
// Tinkerbell workflows (HookOS actions) and Cluster API machines, and fold them into one row per
// machine with a verdict, so the admin sees which one is stuck and why.
import {join} from 'node:path';
import type {Clock} from '../ports.js';
import type {CommandRunner} from '../run/types.js';
import {capture, dig, firstLine, isRecord, parseJsonOutput, str} from './capture.js';

/** `<name>/generated/<name>.kind.kubeconfig`, kept until the create succeeds. */
export function kindKubeconfigPath(sessionDir: string, clusterName: string): string {
  return join(sessionDir, clusterName, 'generated', `${clusterName}.kind.kubeconfig`);
}

/** Resources read, one kubectl call each: a missing CRD (early in the create) must not hide the others. */
export const PROVISIONING_RESOURCES = {
  bmcMachines: 'machines.bmc.tinkerbell.org',
  bmcJobs: 'jobs.bmc.tinkerbell.org',
  workflows: 'workflows.tinkerbell.org',
  capiMachines: 'machines.cluster.x-k8s.io',
} as const;

export type ResourceKey = keyof typeof PROVISIONING_RESOURCES;
export type ProvisioningInput = Partial<Record<ResourceKey, unknown[]>>;

export interface MachineProgress {
  hostname: string;
  role: 'control-plane' | 'worker' | undefined;
  bmc: {power: string | undefined; contactable: boolean | undefined; message: string | undefined} | undefined;
  job: {name: string; state: 'running' | 'completed' | 'failed' | 'pending'; message: string | undefined} | undefined;
  workflow: {name: string; state: string; action: string | undefined; actionState: string | undefined} | undefined;
  capi: {name: string; phase: string | undefined} | undefined;
  /** One line: where this machine is, and what to check when it is stuck. */
  verdict: string;
  /** True when something failed or cannot proceed without help. */
  problem: boolean;
}

const items = (list: unknown): Record<string, unknown>[] => {
  if (Array.isArray(list)) return list.filter(isRecord);
  const inner = dig(list, 'items');
  return Array.isArray(inner) ? inner.filter(isRecord) : [];
};

function condition(obj: unknown, type: string): {status: string | undefined; message: string | undefined} | undefined {
  const conditions = dig(obj, 'status', 'conditions');
  if (!Array.isArray(conditions)) return undefined;
  const c = conditions.find(x => isRecord(x) && x.type === type);
  return c ? {status: str(dig(c, 'status')), message: str(dig(c, 'message')) || undefined} : undefined;
}

/** Tink prints states as "STATE_RUNNING" or "RUNNING" depending on the version: keep the word. */
function normaliseState(value: string | undefined): string {
  return (value ?? '').replace(/^STATE_/, '').toUpperCase() || 'PENDING';
}

function bmcHostname(name: string): string {
  return name.startsWith('bmc-') ? name.slice(4) : name;
}

function jobState(job: Record<string, unknown>): {
  state: 'running' | 'completed' | 'failed' | 'pending';
  message: string | undefined;
} {
  const failed = condition(job, 'Failed');
  if (failed?.status === 'True') return {state: 'failed', message: failed.message};
  const completed = condition(job, 'Completed');
  if (completed?.status === 'True') return {state: 'completed', message: completed.message};
  const running = condition(job, 'Running');
  if (running?.status === 'True') return {state: 'running', message: running.message};
  return {state: 'pending', message: undefined};
}

function currentAction(workflow: Record<string, unknown>): {action: string | undefined; state: string | undefined} {
  // Newer tink reports the current action directly.
  const current = dig(workflow, 'status', 'currentState');
  if (isRecord(current) && str(current.actionName))
    return {action: str(current.actionName), state: normaliseState(str(current.state))};
  const tasks = dig(workflow, 'status', 'tasks');
  const actions = Array.isArray(tasks)
    ? tasks.flatMap(t => (Array.isArray(dig(t, 'actions')) ? (dig(t, 'actions') as unknown[]).filter(isRecord) : []))
    : [];
  const notDone = actions.find(a => normaliseState(str(a.status)) !== 'SUCCESS');
  const pick = notDone ?? actions[actions.length - 1];
  return pick
    ? {action: str(pick.name), state: normaliseState(str(pick.status))}
    : {action: undefined, state: undefined};
}

function verdictFor(m: Omit<MachineProgress, 'verdict' | 'problem'>): {verdict: string; problem: boolean} {
  const phase = m.capi?.phase;
  if (phase === 'Running') return {verdict: 'Running: node joined the cluster', problem: false};
  if (phase === 'Failed') return {verdict: 'Cluster API marked the machine Failed', problem: true};
  if (m.bmc?.contactable === false) {
    return {
      verdict: `BMC not contactable${m.bmc.message ? ': ' + m.bmc.message : ''} (check address, credentials, Redfish/IPMI enabled)`,
      problem: true,
    };
  }
  if (m.job?.state === 'failed')
    return {verdict: `BMC job failed${m.job.message ? ': ' + m.job.message : ''}`, problem: true};
  const wf = m.workflow;
  if (wf && /FAILED|TIMEOUT/.test(wf.state)) {
    return {
      verdict: `workflow ${wf.state.toLowerCase()}${wf.action ? ' at "' + wf.action + '"' : ''} (check the disk, the OS image URL, HookOS drivers)`,
      problem: true,
    };
  }
  if (wf && /SUCCESS/.test(wf.state))
    return {verdict: 'image written; rebooting into the OS and joining (kubeadm)', problem: false};
  if (wf && /RUNNING/.test(wf.state)) return {verdict: `HookOS running action "${wf.action ?? '?'}"`, problem: false};
  if (m.job?.state === 'running')
    return {verdict: 'BMC job running: power off, one-time PXE boot, power on', problem: false};
  if (m.job?.state === 'completed') {
    return {
      verdict:
        'powered on for PXE; waiting for HookOS to start the workflow (if it stays here: MAC, L2 path, PXE enabled, `docker logs smee`)',
      problem: false,
    };
  }
  if (phase) return {verdict: `Cluster API phase ${phase}`, problem: false};
  if (m.bmc?.contactable)
    return {verdict: `BMC contactable, power ${m.bmc.power ?? 'unknown'}; waiting for Cluster API`, problem: false};
  return {verdict: 'waiting', problem: false};
}

/** Fold the four lists into one row per machine (hostname order). */
export function summariseProvisioning(
  input: ProvisioningInput,
  expectedHostnames: readonly string[] = [],
): MachineProgress[] {
  type Row = Omit<MachineProgress, 'verdict' | 'problem'>;
  const rows = new Map<string, Row>();
  const row = (hostname: string): Row => {
    let r = rows.get(hostname);
    if (!r) {
      r = {hostname, role: undefined, bmc: undefined, job: undefined, workflow: undefined, capi: undefined};
      rows.set(hostname, r);
    }
    return r;
  };
  for (const h of expectedHostnames) row(h);

  const bmcToHost = new Map<string, string>();
  for (const bmc of items(input.bmcMachines)) {
    const name = str(dig(bmc, 'metadata', 'name')) ?? '';
    const host = bmcHostname(name);
    bmcToHost.set(name, host);
    const contact = condition(bmc, 'Contactable');
    row(host).bmc = {
      power: str(dig(bmc, 'status', 'powerState')),
      contactable: contact?.status === undefined ? undefined : contact.status === 'True',
      message: contact?.message,
    };
  }
  // The newest job per BMC machine is the one that matters.
  const jobs = items(input.bmcJobs).sort((a, b) =>
    String(dig(a, 'metadata', 'creationTimestamp') ?? '').localeCompare(
      String(dig(b, 'metadata', 'creationTimestamp') ?? ''),
    ),
  );
  for (const job of jobs) {
    const machineRef = str(dig(job, 'spec', 'machineRef', 'name'));
    if (!machineRef) continue;
    row(bmcToHost.get(machineRef) ?? bmcHostname(machineRef)).job = {
      name: str(dig(job, 'metadata', 'name')) ?? '',
      ...jobState(job),
    };
  }
  const workflowHost = new Map<string, string>();
  for (const wf of items(input.workflows)) {
    const name = str(dig(wf, 'metadata', 'name')) ?? '';
    const host = str(dig(wf, 'spec', 'hardwareRef')) ?? name;
    workflowHost.set(name, host);
    const {action, state} = currentAction(wf);
    row(host).workflow = {name, state: normaliseState(str(dig(wf, 'status', 'state'))), action, actionState: state};
  }
  for (const m of items(input.capiMachines)) {
    const name = str(dig(m, 'metadata', 'name')) ?? '';
    // CAPT names the workflow after the TinkerbellMachine, which is the CAPI machine's infrastructureRef.
    const infra = str(dig(m, 'spec', 'infrastructureRef', 'name'));
    const node = str(dig(m, 'status', 'nodeRef', 'name'));
    const host = (infra && workflowHost.get(infra)) ?? node ?? name;
    const r = row(host);
    r.capi = {name, phase: str(dig(m, 'status', 'phase'))};
    const labels = dig(m, 'metadata', 'labels');
    r.role = isRecord(labels) && 'cluster.x-k8s.io/control-plane' in labels ? 'control-plane' : 'worker';
  }
  return [...rows.values()].sort((a, b) => a.hostname.localeCompare(b.hostname)).map(r => ({...r, ...verdictFor(r)}));
}

export interface ProvisioningSnapshot {
  machines: MachineProgress[];
  /** Per resource, why it could not be read (a CRD not installed yet is normal early on). */
  unavailable: Partial<Record<ResourceKey, string>>;
  at: number;
}

export async function readProvisioning(
  runner: CommandRunner,
  kubeconfig: string,
  signal?: AbortSignal,
): Promise<{input: ProvisioningInput; unavailable: Partial<Record<ResourceKey, string>>}> {
  const input: ProvisioningInput = {};
  const unavailable: Partial<Record<ResourceKey, string>> = {};
  for (const key of Object.keys(PROVISIONING_RESOURCES) as ResourceKey[]) {
    const {result, lines, truncated} = await capture(
      runner,
      {
        command: 'kubectl',
        args: [
          '--kubeconfig',
          kubeconfig,
          'get',
          PROVISIONING_RESOURCES[key],
          '-A',
          '-o',
          'json',
          '--request-timeout=10s',
        ],
        // Not a step id: the polls get their own log and are not recorded in the session or the runbook.
        step: 'create-cluster-watch',
        timeoutMs: 20_000,
        title: `Read ${PROVISIONING_RESOURCES[key]}`,
      },
      signal,
    );
    if (!result.ok) {
      unavailable[key] = firstLine(lines.join('\n')) || result.error || 'kubectl failed';
      continue;
    }
    if (truncated) {
      unavailable[key] = 'output too long to parse';
      continue;
    }
    try {
      input[key] = items(parseJsonOutput(lines));
    } catch (error) {
      unavailable[key] = error instanceof Error ? error.message : String(error);
    }
  }
  return {input, unavailable};
}

export interface WatchOptions {
  runner: CommandRunner;
  clock: Clock;
  kubeconfig: string;
  expectedHostnames?: readonly string[];
  intervalMs?: number;
  onSnapshot(snapshot: ProvisioningSnapshot): void;
}

/** Poll until the signal aborts (the create left the provisioning phase, or the screen closed). */
export async function watchProvisioning(options: WatchOptions, signal: AbortSignal): Promise<void> {
  const interval = options.intervalMs ?? 10_000;
  while (!signal.aborted) {
    const {input, unavailable} = await readProvisioning(options.runner, options.kubeconfig, signal);
    if (signal.aborted) return;
    options.onSnapshot({
      machines: summariseProvisioning(input, options.expectedHostnames),
      unavailable,
      at: options.clock.now(),
    });
    try {
      await options.clock.sleep(interval, signal);
    } catch {
      return;
    }
  }
}
