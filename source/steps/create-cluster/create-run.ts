// One `eksctl anywhere create cluster` run as the screen and the headless step share it: start it in
// the session folder through the runner, feed its output to the phase parser, watch the bootstrap
// cluster once eksctl wrote its kubeconfig, and explain the end (nodes on success, the recognised
// failure with its fix and evidence otherwise). Also: where an earlier create stands (resume).
import {join, relative} from 'node:path';
import type {Clock} from '../../ports.js';
import type {CommandResult, CommandRunner, OutputView, RunningCommand} from '../../run/types.js';
import {LOGS_DIR} from '../../run/log-file.js';
import {createClusterCommand} from '../../cluster/create.js';
import {
  findFailureArtifacts,
  genericFailure,
  recogniseFailure,
  type FailureArtifact,
  type KnownFailure,
} from '../../cluster/failures.js';
import {
  clusterKubeconfigPath,
  detectLeftovers,
  listContainers,
  realFolderProbe,
  type FolderProbe,
} from '../../cluster/leftovers.js';
import {kubectlReachability, type NodeSummary} from '../../cluster/nodes.js';
import {procProcessLister, type ProcessLister} from '../../cluster/processes.js';
import {CreateProgressParser, PHASES, type ProgressState} from '../../cluster/progress.js';
import {kindKubeconfigPath, watchProvisioning, type ProvisioningSnapshot} from '../../cluster/provisioning.js';
import {classifyCreate, type CreateStatus} from '../../cluster/resume.js';

/** The watch stops once eksctl moves management off the bootstrap cluster (its objects leave it). */
const LAST_WATCHED_PHASE = PHASES.findIndex(p => p.title.startsWith('Moving'));

export interface CreateRunOptions {
  runner: CommandRunner;
  clock: Clock;
  sessionDir: string;
  env: Readonly<Record<string, string | undefined>>;
  clusterName: string;
  bootstrapIp: string;
  expectedHostnames?: readonly string[];
  /** How often the bootstrap cluster is read. Default 10 s. */
  watchIntervalMs?: number;
  /** How often to look for the bootstrap kubeconfig before the watch starts. Default 2 s. */
  kubeconfigPollMs?: number;
  folders?: FolderProbe;
  onStart?(command: RunningCommand): void;
  /**
   * eksctl's own output file, relative to the session folder, once it is started: record it so that a
   * resume can follow it again (not in a dry run, where nothing runs).
   */
  onOutputFile?(path: string): void;
  onProgress?(state: ProgressState): void;
  onWatchStart?(kubeconfig: string): void;
  onWatch?(snapshot: ProvisioningSnapshot): void;
}

export interface CreateRunResult {
  result: CommandResult;
  progress: ProgressState;
  /** Set when the create failed: what went wrong and what to do. */
  failure: KnownFailure | undefined;
  /** Evidence left for a failed create (logs, support bundle), relative to the session folder. */
  artifacts: FailureArtifact[];
  /** The new cluster's kubeconfig (absolute) when it succeeded. */
  kubeconfig: string | undefined;
  /** The command's log, relative to the session folder. */
  log: string | undefined;
}

/**
 * -v 3: the "Waiting for control plane to be ready" … "Waiting for cluster changes to be completed"
 * activities inside "Creating new management cluster" are logged at V(3) (aws/eks-anywhere
 * pkg/clustermanager/applier.go), and the console stays in its plain "message<TAB>{fields}" form below 4.
 */
export const CREATE_VERBOSITY = 3;

export function createCommandFor(o: Pick<CreateRunOptions, 'sessionDir' | 'bootstrapIp' | 'env'>) {
  return createClusterCommand({
    sessionDir: o.sessionDir,
    bootstrapIp: o.bootstrapIp,
    env: o.env,
    verbosity: CREATE_VERBOSITY,
  });
}

/**
 * Where one create's eksctl writes its console output: a file in the session's logs/, not a pipe to
 * the wizard, so that eksctl outlives a killed wizard and a resume can read it again. One per start.
 */
export function createOutputFile(sessionDir: string, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return join(sessionDir, LOGS_DIR, `eksctl-create-${stamp}.log`);
}

/**
 * Feeds a command's new lines to the phase parser whenever lines arrive; lines the ring buffer already
 * dropped are skipped, not misread. `changed` gets the state after each batch that moved it, and at
 * every phase entered inside a batch: a file read in one go may hold several (headless prints each).
 */
export function feedProgress(
  output: OutputView,
  parser: CreateProgressParser,
  changed: (state: ProgressState) => void,
): {drain(): void; unsubscribe(): void} {
  let seen = 0;
  const drain = () => {
    const first = output.total - output.size;
    const from = Math.max(seen, first);
    if (from >= output.total) return;
    const lines = output.slice(from - first, output.size);
    seen = output.total;
    let moved = false;
    for (const line of lines) {
      const phase = parser.phase;
      if (!parser.push(line)) continue;
      moved = true;
      if (parser.phase !== phase) {
        changed(parser.state());
        moved = false;
      }
    }
    if (moved) changed(parser.state());
  };
  const unsubscribe = output.subscribe(drain);
  drain();
  return {drain, unsubscribe};
}

/** The provisioning watch ends once eksctl moved management off the bootstrap cluster. */
export function pastWatchedPhases(state: ProgressState): boolean {
  return state.phaseIndex > LAST_WATCHED_PHASE;
}

export async function runCreate(o: CreateRunOptions, signal?: AbortSignal): Promise<CreateRunResult> {
  const spec = {...createCommandFor(o), outputFile: createOutputFile(o.sessionDir, o.clock.now())};
  const running = o.runner.start(spec, signal);
  o.onStart?.(running);
  const parser = new CreateProgressParser(o.clock);
  const watchAbort = new AbortController();
  const {drain, unsubscribe} = feedProgress(running.output, parser, state => {
    if (pastWatchedPhases(state)) watchAbort.abort();
    o.onProgress?.(state);
  });
  const watching = watchBootstrap(o, watchAbort.signal);
  o.onOutputFile?.(relative(o.sessionDir, spec.outputFile));
  let result: CommandResult;
  try {
    result = await running.done;
  } finally {
    unsubscribe();
    watchAbort.abort();
  }
  drain();
  await watching;
  const progress = result.recorded ? parser.state() : parser.finish(result.exitCode, result.signal);
  if (!result.recorded) o.onProgress?.(progress);
  const log = result.logPath ? relative(o.sessionDir, result.logPath) : undefined;
  if (result.recorded) return {result, progress, failure: undefined, artifacts: [], kubeconfig: undefined, log};
  if (progress.outcome === 'succeeded') {
    return {
      result,
      progress,
      failure: undefined,
      artifacts: [],
      kubeconfig: clusterKubeconfigPath(o.sessionDir, o.clusterName),
      log,
    };
  }
  const tail = running.output.tail(200);
  const failure =
    recogniseFailure([...progress.errorLines, ...tail], o.clusterName) ??
    genericFailure(progress.error ?? result.error);
  const artifacts = await findFailureArtifacts(o.sessionDir, o.clusterName);
  if (log) artifacts.push({path: log, what: 'the wizard’s copy of the console output'});
  artifacts.push({path: relative(o.sessionDir, spec.outputFile), what: 'eksctl’s console output as it wrote it'});
  return {result, progress, failure, artifacts, kubeconfig: undefined, log};
}

async function watchBootstrap(o: CreateRunOptions, signal: AbortSignal): Promise<void> {
  const kubeconfig = kindKubeconfigPath(o.sessionDir, o.clusterName);
  const folders = o.folders ?? realFolderProbe;
  while (!signal.aborted) {
    if (await folders.exists(kubeconfig)) {
      o.onWatchStart?.(kubeconfig);
      await watchProvisioning(
        {
          runner: o.runner,
          clock: o.clock,
          kubeconfig,
          expectedHostnames: o.expectedHostnames,
          intervalMs: o.watchIntervalMs,
          onSnapshot: s => o.onWatch?.(s),
        },
        signal,
      );
      return;
    }
    try {
      await o.clock.sleep(o.kubeconfigPollMs ?? 2000, signal);
    } catch {
      return;
    }
  }
}

export interface StatusOptions {
  runner: CommandRunner;
  sessionDir: string;
  clusterName: string;
  processes?: ProcessLister;
  folders?: FolderProbe;
}

/** Where an earlier create of this cluster stands: finished, still running, failed with leftovers, or not started. */
export async function currentCreateStatus(o: StatusOptions, signal?: AbortSignal): Promise<CreateStatus> {
  const folders = o.folders ?? realFolderProbe;
  let containers: Awaited<ReturnType<typeof listContainers>> = [];
  try {
    containers = await listContainers(o.runner, signal);
  } catch {
    // docker not answering: the folder still tells us something; preflight reports docker itself
  }
  const leftovers = await detectLeftovers(containers, o.sessionDir, o.clusterName, folders);
  return classifyCreate(
    {
      sessionDir: o.sessionDir,
      clusterName: o.clusterName,
      processes: o.processes ?? procProcessLister(),
      reachability: kubectlReachability(o.runner),
      folders,
      leftovers,
    },
    signal,
  );
}

/** The nodes through the new kubeconfig, or why they could not be listed. */
export async function listNodes(
  runner: CommandRunner,
  kubeconfig: string,
  signal?: AbortSignal,
): Promise<{nodes: NodeSummary[]} | {error: string}> {
  const r = await kubectlReachability(runner)(kubeconfig, signal);
  return r.reachable ? {nodes: r.nodes} : {error: r.reason};
}

export function nodeLine(n: NodeSummary): string {
  return `${n.ready ? '✔' : '…'} ${n.name}  ${n.roles.join(',') || 'worker'}  ${n.ready ? 'Ready' : 'NotReady'}  ${n.version ?? ''}  ${n.internalIp ?? ''}`.trimEnd();
}

/** "Setup and validations 7 s" lines for headless output. */
export function phaseLine(state: ProgressState): string | undefined {
  const phase = state.phases[state.phaseIndex];
  if (!phase) return undefined;
  return `[${state.phaseIndex + 1}/${state.total}] ${phase.title}`;
}
