// Contexts of a kubeconfig file, read as plain YAML: listing them must not pay for client-node's import.
import {readFile} from 'node:fs/promises';
import yaml from 'js-yaml';

export interface KubeContextInfo {
  name: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  /** The API server URL of the context's cluster, when the file names one. */
  server?: string;
  current: boolean;
  /** True when the user authenticates through an exec plugin (EKS: aws eks get-token). */
  execAuth: boolean;
}

export type KubeContextsResult =
  | {status: 'ok'; contexts: KubeContextInfo[]; currentContext?: string}
  | {status: 'error'; message: string; fix: string};

type Named<T> = {name?: unknown} & {[key: string]: T | unknown};

export async function listKubeContexts(kubeconfigPath: string): Promise<KubeContextsResult> {
  let text: string;
  try {
    text = await readFile(kubeconfigPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      status: 'error',
      message: `Cannot read the kubeconfig ${kubeconfigPath} (${code ?? 'error'}).`,
      fix: 'Give the path of the control plane cluster kubeconfig (for EKS: aws eks update-kubeconfig --name <cluster>).',
    };
  }
  return parseKubeContexts(text);
}

export function parseKubeContexts(text: string): KubeContextsResult {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch {
    return {status: 'error', message: 'The kubeconfig is not valid YAML.', fix: 'Check the file, or regenerate it.'};
  }
  if (!doc || typeof doc !== 'object') {
    return {status: 'error', message: 'The kubeconfig is empty.', fix: 'Regenerate it (aws eks update-kubeconfig).'};
  }
  const root = doc as {contexts?: unknown; clusters?: unknown; users?: unknown; 'current-context'?: unknown};
  const list = (value: unknown): Array<Named<unknown>> =>
    Array.isArray(value) ? value.filter(v => v && typeof v === 'object') : [];
  const servers = new Map<string, string>();
  for (const c of list(root.clusters)) {
    const server = (c.cluster as {server?: unknown} | undefined)?.server;
    if (typeof c.name === 'string' && typeof server === 'string') servers.set(c.name, server);
  }
  const execUsers = new Set<string>();
  for (const u of list(root.users)) {
    if (typeof u.name === 'string' && (u.user as {exec?: unknown} | undefined)?.exec) execUsers.add(u.name);
  }
  const current = typeof root['current-context'] === 'string' ? root['current-context'] : undefined;
  const contexts: KubeContextInfo[] = [];
  for (const c of list(root.contexts)) {
    if (typeof c.name !== 'string') continue;
    const ctx = (c.context ?? {}) as {cluster?: unknown; user?: unknown; namespace?: unknown};
    const cluster = typeof ctx.cluster === 'string' ? ctx.cluster : undefined;
    const user = typeof ctx.user === 'string' ? ctx.user : undefined;
    contexts.push({
      name: c.name,
      cluster,
      user,
      namespace: typeof ctx.namespace === 'string' ? ctx.namespace : undefined,
      server: cluster ? servers.get(cluster) : undefined,
      current: c.name === current,
      execAuth: user ? execUsers.has(user) : false,
    });
  }
  if (contexts.length === 0) {
    return {
      status: 'error',
      message: 'The kubeconfig has no contexts.',
      fix: 'Add the EKS cluster: aws eks update-kubeconfig --name <cluster>.',
    };
  }
  return {status: 'ok', contexts, currentContext: current};
}
