// Kubeconfig files for the demo world's fake clusters (and for tests). Written 0600 like the ones
// eksctl writes, because a kubeconfig may hold a token.
import {writeFileAtomicSync} from '../session/home.js';
import yaml from 'js-yaml';

export interface KubeconfigSpec {
  server: string;
  context: string;
  user: string;
  token?: string;
  /** Cluster entry name; defaults to the context name. */
  cluster?: string;
  namespace?: string;
  /** Defaults to true for http:// servers: @kubernetes/client-node refuses plain HTTP otherwise. */
  insecureSkipTlsVerify?: boolean;
}

export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const cluster = spec.cluster ?? spec.context;
  const skip = spec.insecureSkipTlsVerify ?? spec.server.startsWith('http://');
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{name: cluster, cluster: {server: spec.server, ...(skip ? {'insecure-skip-tls-verify': true} : {})}}],
    users: [{name: spec.user, user: spec.token ? {token: spec.token} : {}}],
    contexts: [
      {name: spec.context, context: {cluster, user: spec.user, ...(spec.namespace ? {namespace: spec.namespace} : {})}},
    ],
    'current-context': spec.context,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, spec: KubeconfigSpec): string {
  writeFileAtomicSync(path, kubeconfigYaml(spec));
  return path;
}
