// Where a create stands after the wizard was killed: finished, still running (an orphaned eksctl),
// or failed with leftovers. A create never resumes, so the only safe moves are "done", "wait" and
// "clean up, then create again"; startCreateGuard refuses anything else.
import {basename} from 'node:path';
import type {LeftoverReport} from './leftovers.js';
import {clusterKubeconfigPath, type FolderProbe} from './leftovers.js';
import type {ApiReachabilityCheck, NodeSummary} from './nodes.js';
import type {ProcessInfo, ProcessLister} from './processes.js';

export type CreateStatus =
  | {state: 'finished'; kubeconfig: string; nodes: NodeSummary[]}
  | {state: 'running'; pid: number; command: string}
  | {state: 'failed'; leftovers: LeftoverReport; reason: string}
  | {state: 'not-started'};

/** An eksctl (or eksctl-anywhere) `create cluster` process, preferably one started in this session folder. */
const INTERPRETERS = new Set(['node', 'sh', 'bash', 'python3']);

export function findCreateProcess(processes: readonly ProcessInfo[], sessionDir: string): ProcessInfo | undefined {
  const creates = processes.filter(p => {
    // A script run by its interpreter (a wrapper, or the demo's stand-in) shows as `node …/eksctl …`.
    const at = INTERPRETERS.has(basename(p.argv[0] ?? '')) ? 1 : 0;
    const program = basename(p.argv[at] ?? '');
    if (program !== 'eksctl' && program !== 'eksctl-anywhere') return false;
    const args = p.argv.slice(at + 1);
    const create = args.indexOf('create');
    return create >= 0 && args[create + 1] === 'cluster';
  });
  // Another session's create (different cwd) is not ours; an unreadable cwd might be.
  return creates.find(p => p.cwd === sessionDir) ?? creates.find(p => p.cwd === undefined);
}

export interface ClassifyDeps {
  sessionDir: string;
  clusterName: string;
  processes: ProcessLister;
  reachability: ApiReachabilityCheck;
  folders: FolderProbe;
  /** Leftovers already detected (docker ps + folder); see leftovers.ts. */
  leftovers: LeftoverReport;
}

export async function classifyCreate(deps: ClassifyDeps, signal?: AbortSignal): Promise<CreateStatus> {
  const running = findCreateProcess(await deps.processes.list(), deps.sessionDir);
  if (running) return {state: 'running', pid: running.pid, command: running.argv.join(' ')};

  const kubeconfig = clusterKubeconfigPath(deps.sessionDir, deps.clusterName);
  const size = await deps.folders.fileSize(kubeconfig);
  if (size !== undefined && size > 0) {
    const api = await deps.reachability(kubeconfig, signal);
    if (api.reachable) return {state: 'finished', kubeconfig, nodes: api.nodes};
    return {
      state: 'failed',
      leftovers: deps.leftovers,
      reason: `a kubeconfig exists but the cluster does not answer: ${api.reason}`,
    };
  }
  if (deps.leftovers.leftovers.length > 0) {
    return {
      state: 'failed',
      leftovers: deps.leftovers,
      reason: 'an earlier create stopped before the cluster was ready',
    };
  }
  return {state: 'not-started'};
}

export type GuardResult = {ok: true} | {ok: false; reason: string; fix: string};

/** Never start a second create over a running one or over leftovers. */
export function startCreateGuard(status: CreateStatus): GuardResult {
  switch (status.state) {
    case 'not-started':
      return {ok: true};
    case 'running':
      return {
        ok: false,
        reason: `eksctl is still creating the cluster (pid ${status.pid})`,
        fix: 'Wait for it to finish, or stop it and clean up before creating again.',
      };
    case 'finished':
      return {
        ok: false,
        reason: 'the cluster already exists and answers',
        fix: 'Continue to the next step; there is nothing to create.',
      };
    case 'failed':
      return {ok: false, reason: status.reason, fix: 'Clean up the leftovers first (one key), then create again.'};
  }
}
