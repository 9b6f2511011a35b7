// The "use a cluster made elsewhere" option: check the kubeconfig file and context before the data
// plane steps rely on them. Only the file is read here; reaching the API is the caller's next step.
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import yaml from 'js-yaml';
import {isRecord, str} from './capture.js';
import type {SpecIssue} from './spec.js';

export interface ExistingClusterInfo {
  path: string;
  context: string;
  cluster: string;
  server: string | undefined;
  user: string;
  contexts: string[];
}

export type ExistingClusterResult =
  {ok: true; info: ExistingClusterInfo} | {ok: false; errors: SpecIssue[]; contexts: string[]};

function named(list: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!Array.isArray(list)) return out;
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const name = str(entry.name);
    if (name !== undefined) out.set(name, entry);
  }
  return out;
}

export function expandHome(path: string, home: string = homedir()): string {
  return path === '~' || path.startsWith('~/') ? home + path.slice(1) : path;
}

/** Pure check of kubeconfig text. */
export function checkKubeconfigText(text: string, path: string, wanted?: string): ExistingClusterResult {
  const fileKey = 'cluster.existing.kubeconfig';
  const contextKey = 'cluster.existing.context';
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (error) {
    return {
      ok: false,
      errors: [
        {
          key: fileKey,
          message: `${path} is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        },
      ],
      contexts: [],
    };
  }
  if (!isRecord(doc) || (doc.kind !== undefined && doc.kind !== 'Config')) {
    return {ok: false, errors: [{key: fileKey, message: `${path} is not a kubeconfig (kind: Config)`}], contexts: []};
  }
  const contexts = named(doc.contexts);
  const names = [...contexts.keys()];
  const chosen = wanted || str(doc['current-context']) || '';
  if (!chosen) {
    return {
      ok: false,
      errors: [
        {
          key: contextKey,
          message: `no context given and ${path} has no current-context; choose one of: ${names.join(', ') || 'none'}`,
        },
      ],
      contexts: names,
    };
  }
  const context = contexts.get(chosen);
  if (!context) {
    return {
      ok: false,
      errors: [
        {key: contextKey, message: `context "${chosen}" is not in ${path}; it has: ${names.join(', ') || 'none'}`},
      ],
      contexts: names,
    };
  }
  const errors: SpecIssue[] = [];
  const cluster = str((context.context as Record<string, unknown> | undefined)?.cluster) ?? '';
  const user = str((context.context as Record<string, unknown> | undefined)?.user) ?? '';
  const clusterEntry = named(doc.clusters).get(cluster);
  if (!clusterEntry)
    errors.push({
      key: fileKey,
      message: `context "${chosen}" refers to cluster "${cluster}", which ${path} does not define`,
    });
  if (!named(doc.users).has(user))
    errors.push({key: fileKey, message: `context "${chosen}" refers to user "${user}", which ${path} does not define`});
  const server = str(isRecord(clusterEntry?.cluster) ? clusterEntry.cluster.server : undefined);
  if (clusterEntry && !server)
    errors.push({key: fileKey, message: `cluster "${cluster}" in ${path} has no server address`});
  if (errors.length > 0) return {ok: false, errors, contexts: names};
  return {ok: true, info: {path, context: chosen, cluster, server, user, contexts: names}};
}

export async function validateExistingCluster(
  kubeconfig: string,
  context?: string,
  readText: (path: string) => Promise<string> = p => readFile(p, 'utf8'),
): Promise<ExistingClusterResult> {
  const path = expandHome(kubeconfig);
  let text: string;
  try {
    text = await readText(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      errors: [{key: 'cluster.existing.kubeconfig', message: `cannot read ${path}${code ? ` (${code})` : ''}`}],
      contexts: [],
    };
  }
  return checkKubeconfigText(text, path, context);
}
