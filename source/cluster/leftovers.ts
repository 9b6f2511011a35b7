// What a failed or killed `create cluster` leaves behind on the admin server, and how to clear it.
// Create never resumes (reference 3.5): the only way forward is cleanup plus a fresh create.
import {stat} from 'node:fs/promises';
import {join} from 'node:path';
import type {CommandRunner, CommandSpec} from '../run/types.js';
import {capture, parseJsonLines, str} from './capture.js';

export interface DockerContainer {
  id: string;
  names: string[];
  image: string;
  state: string;
  status: string;
  labels: Record<string, string>;
}

/**
 * Parse `docker ps -a --format '{{json .}}'` (one object per line; `--format json` on docker 23+
 * prints the same). A JSON array (podman) is accepted too.
 */
export function parseDockerPs(lines: readonly string[]): DockerContainer[] {
  return parseJsonLines(lines).map(raw => {
    const names = raw.Names;
    const labels = raw.Labels;
    return {
      id: str(raw.ID) ?? str(raw.Id) ?? '',
      names: Array.isArray(names)
        ? names.filter((n): n is string => typeof n === 'string').map(n => n.replace(/^\//, ''))
        : (str(names) ?? '')
            .split(',')
            .map(n => n.replace(/^\//, ''))
            .filter(Boolean),
      image: str(raw.Image) ?? '',
      state: (str(raw.State) ?? '').toLowerCase(),
      status: str(raw.Status) ?? '',
      labels: typeof labels === 'string' ? parseLabelString(labels) : isStringRecord(labels) ? labels : {},
    };
  });
}

function parseLabelString(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every(v => typeof v === 'string');
}

/** The Smee container (called `boots` before the rename). */
export const TINKERBELL_CONTAINER_NAMES = ['smee', 'boots'] as const;

export function bootstrapClusterName(clusterName: string): string {
  return `${clusterName}-eks-a-cluster`;
}

export function kindContainerName(clusterName: string): string {
  return `${bootstrapClusterName(clusterName)}-control-plane`;
}

export function clusterFolder(sessionDir: string, clusterName: string): string {
  return join(sessionDir, clusterName);
}

/** eksctl writes it only once the cluster is fully ready; its presence blocks a new create. */
export function clusterKubeconfigPath(sessionDir: string, clusterName: string): string {
  return join(sessionDir, clusterName, `${clusterName}-eks-a-cluster.kubeconfig`);
}

export type LeftoverKind = 'tinkerbell-container' | 'kind-container' | 'cluster-folder';

export interface Leftover {
  kind: LeftoverKind;
  /** Container name or folder path. */
  name: string;
  detail: string;
  /** True when it makes the next create fail (rather than just being stale). */
  blocksCreate: boolean;
}

export interface LeftoverReport {
  leftovers: Leftover[];
  /** Commands a confirmed one-key cleanup runs, in order. */
  cleanup: CommandSpec[];
  /** The caller moves this folder aside (never deleted: it may hold the only copy of a kubeconfig). */
  folderToMoveAside: string | undefined;
}

export interface FolderProbe {
  /** Size of the file in bytes, or undefined when it does not exist. */
  fileSize(path: string): Promise<number | undefined>;
  exists(path: string): Promise<boolean>;
}

export const realFolderProbe: FolderProbe = {
  fileSize: async path => {
    try {
      const s = await stat(path);
      return s.isFile() ? s.size : undefined;
    } catch {
      return undefined;
    }
  },
  exists: async path => {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  },
};

export function removeContainerCommand(name: string): CommandSpec {
  return {
    command: 'docker',
    args: ['rm', '-f', name],
    step: 'create-cluster',
    timeoutMs: 60_000,
    title: `Remove container ${name}`,
  };
}

export async function detectLeftovers(
  containers: readonly DockerContainer[],
  sessionDir: string,
  clusterName: string,
  folders: FolderProbe = realFolderProbe,
): Promise<LeftoverReport> {
  const leftovers: Leftover[] = [];
  const cleanup: CommandSpec[] = [];
  const bootstrap = bootstrapClusterName(clusterName);
  const kindName = kindContainerName(clusterName);

  for (const c of containers) {
    const name = c.names.find(n => (TINKERBELL_CONTAINER_NAMES as readonly string[]).includes(n));
    if (!name) continue;
    // CleanupLocalBoots refuses to start while this container exists, running or not.
    leftovers.push({
      kind: 'tinkerbell-container',
      name,
      detail: `${c.state || 'present'} (${c.image})`,
      blocksCreate: true,
    });
    cleanup.push(removeContainerCommand(name));
  }
  for (const c of containers) {
    // kind labels its node containers with the cluster name; the name alone also suffices.
    const byName = c.names.includes(kindName);
    const byLabel = c.labels['io.x-k8s.kind.cluster'] === bootstrap;
    if (!byName && !byLabel) continue;
    const name = byName ? kindName : (c.names[0] ?? c.id);
    leftovers.push({
      kind: 'kind-container',
      name,
      detail: `KinD bootstrap cluster ${bootstrap}, ${c.state || 'present'}`,
      blocksCreate: true,
    });
    // Equivalent of `kind delete cluster --name <name>-eks-a-cluster` without needing kind on the host.
    cleanup.push(removeContainerCommand(name));
  }

  const folder = clusterFolder(sessionDir, clusterName);
  let folderToMoveAside: string | undefined;
  if (await folders.exists(folder)) {
    const size = await folders.fileSize(clusterKubeconfigPath(sessionDir, clusterName));
    // "old cluster config file exists" fires only for a non-empty kubeconfig; a bare generated/ is stale.
    const blocks = size !== undefined && size > 0;
    leftovers.push({
      kind: 'cluster-folder',
      name: folder,
      detail: blocks ? 'holds a kubeconfig from an earlier create' : 'files from an earlier create (generated/, logs)',
      blocksCreate: blocks,
    });
    folderToMoveAside = folder;
  }
  return {leftovers, cleanup, folderToMoveAside};
}

export function listContainersCommand(): CommandSpec {
  return {
    command: 'docker',
    args: ['ps', '-a', '--format', '{{json .}}'],
    step: 'create-cluster',
    timeoutMs: 20_000,
    title: 'List docker containers',
  };
}

export async function listContainers(runner: CommandRunner, signal?: AbortSignal): Promise<DockerContainer[]> {
  const {result, lines} = await capture(runner, listContainersCommand(), signal);
  if (!result.ok) throw new Error(`docker ps failed: ${result.error ?? 'exit ' + String(result.exitCode)}`);
  return parseDockerPs(lines);
}

/** A name for the moved-aside folder that does not clash with earlier attempts. */
export function movedAsideName(folder: string, now: Date): string {
  return `${folder}.failed-${now.toISOString().replace(/[:.]/g, '-')}`;
}
