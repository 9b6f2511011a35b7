// Nodes of the new cluster from `kubectl get nodes -o json`, for the success view and resume.
import type {CommandRunner, CommandSpec} from '../run/types.js';
import {capture, dig, firstLine, isRecord, parseJsonOutput, str} from './capture.js';

export interface NodeSummary {
  name: string;
  roles: string[];
  ready: boolean;
  version: string | undefined;
  internalIp: string | undefined;
}

export function parseNodes(json: unknown): NodeSummary[] {
  const items = dig(json, 'items');
  if (!Array.isArray(items)) throw new Error('kubectl get nodes: no items in the output');
  return items.filter(isRecord).map(item => {
    const labels = dig(item, 'metadata', 'labels');
    const roles = isRecord(labels)
      ? Object.keys(labels)
          .filter(k => k.startsWith('node-role.kubernetes.io/'))
          .map(k => k.slice('node-role.kubernetes.io/'.length))
          .filter(Boolean)
          .sort()
      : [];
    const conditions = dig(item, 'status', 'conditions');
    const ready =
      Array.isArray(conditions) && conditions.some(c => isRecord(c) && c.type === 'Ready' && c.status === 'True');
    const addresses = dig(item, 'status', 'addresses');
    const internal = Array.isArray(addresses) ? addresses.find(a => isRecord(a) && a.type === 'InternalIP') : undefined;
    return {
      name: str(dig(item, 'metadata', 'name')) ?? '',
      roles,
      ready,
      version: str(dig(item, 'status', 'nodeInfo', 'kubeletVersion')),
      internalIp: str(dig(internal, 'address')),
    };
  });
}

export function getNodesCommand(kubeconfig: string, step = 'create-cluster', context?: string): CommandSpec {
  return {
    command: 'kubectl',
    args: [
      '--kubeconfig',
      kubeconfig,
      ...(context ? ['--context', context] : []),
      'get',
      'nodes',
      '-o',
      'json',
      '--request-timeout=10s',
    ],
    step,
    // Only what kubectl needs: an inherited KUBECONFIG must not win over --kubeconfig's cluster.
    timeoutMs: 20_000,
    title: 'List the cluster nodes',
  };
}

export type ApiReachability =
  /** `recorded`: a dry run wrote the command to the runbook instead of asking the API. */
  {reachable: true; nodes: NodeSummary[]; recorded?: boolean} | {reachable: false; reason: string};

export type ApiReachabilityCheck = (kubeconfig: string, signal?: AbortSignal) => Promise<ApiReachability>;

/** The real check: the API answers and lists nodes through this kubeconfig. */
export function kubectlReachability(runner: CommandRunner, context?: string): ApiReachabilityCheck {
  return async (kubeconfig, signal) => {
    const {result, lines, truncated} = await capture(
      runner,
      getNodesCommand(kubeconfig, 'create-cluster', context),
      signal,
    );
    if (result.recorded) return {reachable: true, nodes: [], recorded: true};
    if (!result.ok) return {reachable: false, reason: firstLine(lines.join('\n')) || result.error || 'kubectl failed'};
    if (truncated) return {reachable: true, nodes: []};
    try {
      return {reachable: true, nodes: parseNodes(parseJsonOutput(lines))};
    } catch (error) {
      return {reachable: false, reason: error instanceof Error ? error.message : String(error)};
    }
  };
}
