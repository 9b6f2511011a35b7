// KubeApi backed by @kubernetes/client-node. The library is imported on first use only (its import costs
// ~300 ms) and the kubeconfig is read then too; EKS `exec` auth (aws eks get-token) works through it.
import {createServer, type AddressInfo, type Server} from 'node:net';
import {
  KubeApiError,
  type KubeApi,
  type KubeKind,
  type KubeKinds,
  type PodLogOptions,
  type PortForwardHandle,
} from './kube-api.js';

type ClientNode = typeof import('@kubernetes/client-node');

interface Loaded {
  k8s: ClientNode;
  config: import('@kubernetes/client-node').KubeConfig;
  core: import('@kubernetes/client-node').CoreV1Api;
  kinds: Record<KubeKind, KindCalls>;
}

/** The four calls of one kind; cluster-scoped kinds ignore the namespace. */
interface KindCalls {
  read(name: string, namespace: string): Promise<unknown>;
  list(namespace: string, labelSelector: string | undefined): Promise<{items: unknown[]}>;
  create(namespace: string, body: never): Promise<unknown>;
  replace(name: string, namespace: string, body: never): Promise<unknown>;
}

// One row per kind, so a new kind is added in one place and the verbs below stay generic.
function kindCalls(
  core: import('@kubernetes/client-node').CoreV1Api,
  apps: import('@kubernetes/client-node').AppsV1Api,
  batch: import('@kubernetes/client-node').BatchV1Api,
): Record<KubeKind, KindCalls> {
  return {
    Service: {
      read: (name, namespace) => core.readNamespacedService({name, namespace}),
      list: (namespace, labelSelector) => core.listNamespacedService({namespace, labelSelector}),
      create: (namespace, body) => core.createNamespacedService({namespace, body}),
      replace: (name, namespace, body) => core.replaceNamespacedService({name, namespace, body}),
    },
    Deployment: {
      read: (name, namespace) => apps.readNamespacedDeployment({name, namespace}),
      list: (namespace, labelSelector) => apps.listNamespacedDeployment({namespace, labelSelector}),
      create: (namespace, body) => apps.createNamespacedDeployment({namespace, body}),
      replace: (name, namespace, body) => apps.replaceNamespacedDeployment({name, namespace, body}),
    },
    Secret: {
      read: (name, namespace) => core.readNamespacedSecret({name, namespace}),
      list: (namespace, labelSelector) => core.listNamespacedSecret({namespace, labelSelector}),
      create: (namespace, body) => core.createNamespacedSecret({namespace, body}),
      replace: (name, namespace, body) => core.replaceNamespacedSecret({name, namespace, body}),
    },
    Namespace: {
      read: name => core.readNamespace({name}),
      list: (_namespace, labelSelector) => core.listNamespace({labelSelector}),
      create: (_namespace, body) => core.createNamespace({body}),
      replace: (name, _namespace, body) => core.replaceNamespace({name, body}),
    },
    Pod: {
      read: (name, namespace) => core.readNamespacedPod({name, namespace}),
      list: (namespace, labelSelector) => core.listNamespacedPod({namespace, labelSelector}),
      create: (namespace, body) => core.createNamespacedPod({namespace, body}),
      replace: (name, namespace, body) => core.replaceNamespacedPod({name, namespace, body}),
    },
    Job: {
      read: (name, namespace) => batch.readNamespacedJob({name, namespace}),
      list: (namespace, labelSelector) => batch.listNamespacedJob({namespace, labelSelector}),
      create: (namespace, body) => batch.createNamespacedJob({namespace, body}),
      replace: (name, namespace, body) => batch.replaceNamespacedJob({name, namespace, body}),
    },
    DaemonSet: {
      read: (name, namespace) => apps.readNamespacedDaemonSet({name, namespace}),
      list: (namespace, labelSelector) => apps.listNamespacedDaemonSet({namespace, labelSelector}),
      create: (namespace, body) => apps.createNamespacedDaemonSet({namespace, body}),
      replace: (name, namespace, body) => apps.replaceNamespacedDaemonSet({name, namespace, body}),
    },
    Event: {
      read: (name, namespace) => core.readNamespacedEvent({name, namespace}),
      list: (namespace, labelSelector) => core.listNamespacedEvent({namespace, labelSelector}),
      create: (namespace, body) => core.createNamespacedEvent({namespace, body}),
      replace: (name, namespace, body) => core.replaceNamespacedEvent({name, namespace, body}),
    },
    ConfigMap: {
      read: (name, namespace) => core.readNamespacedConfigMap({name, namespace}),
      list: (namespace, labelSelector) => core.listNamespacedConfigMap({namespace, labelSelector}),
      create: (namespace, body) => core.createNamespacedConfigMap({namespace, body}),
      replace: (name, namespace, body) => core.replaceNamespacedConfigMap({name, namespace, body}),
    },
    Node: {
      read: name => core.readNode({name}),
      list: (_namespace, labelSelector) => core.listNode({labelSelector}),
      create: (_namespace, body) => core.createNode({body}),
      replace: (name, _namespace, body) => core.replaceNode({name, body}),
    },
  };
}

/** The calls of a kind; throws inside the wrapped call so an unknown kind fails like an API error. */
function callsOf(kinds: Record<KubeKind, KindCalls>, kind: string): KindCalls {
  if (!Object.hasOwn(kinds, kind)) throw new Error(`unsupported kind ${kind}`);
  return kinds[kind as KubeKind];
}

/** A KubeApi for one kubeconfig file and context (the file's current context when none is given). */
export function createKubeApi(kubeconfigPath: string, context?: string): KubeApi {
  let loading: Promise<Loaded> | undefined;
  const load = () =>
    (loading ??= (async () => {
      const k8s = await import('@kubernetes/client-node');
      const config = new k8s.KubeConfig();
      config.loadFromFile(kubeconfigPath);
      if (context) config.setCurrentContext(context);
      const core = config.makeApiClient(k8s.CoreV1Api);
      return {
        k8s,
        config,
        core,
        kinds: kindCalls(core, config.makeApiClient(k8s.AppsV1Api), config.makeApiClient(k8s.BatchV1Api)),
      };
    })());

  // client-node throws ApiException whose message includes the response body; keep only code and reason.
  const wrap = async <T>(kind: string, name: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw toKubeApiError(error, kind, name);
    }
  };

  const api: KubeApi = {
    async get<K extends KubeKind>(kind: K, namespace: string, name: string) {
      const {kinds} = await load();
      try {
        return (await wrap(kind, name, () => callsOf(kinds, kind).read(name, namespace))) as KubeKinds[K];
      } catch (error) {
        if ((error as KubeApiError).status === 404) return null;
        throw error;
      }
    },

    async list<K extends KubeKind>(kind: K, namespace: string, options: {labelSelector?: string} = {}) {
      const {kinds} = await load();
      const result = await wrap(kind, '*', () => callsOf(kinds, kind).list(namespace, options.labelSelector));
      return result.items as Array<KubeKinds[K]>;
    },

    async create<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]) {
      const {kinds} = await load();
      const result = await wrap(kind, object.metadata.name, () =>
        callsOf(kinds, kind).create(namespace, object as never),
      );
      return result as KubeKinds[K];
    },

    async replace<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]) {
      const {kinds} = await load();
      const name = object.metadata.name;
      const result = await wrap(kind, name, () => callsOf(kinds, kind).replace(name, namespace, object as never));
      return result as KubeKinds[K];
    },

    async podLog(namespace: string, pod: string, options: PodLogOptions = {}) {
      const {core} = await load();
      return wrap('Pod', pod, () =>
        core.readNamespacedPodLog({
          name: pod,
          namespace,
          container: options.container,
          tailLines: options.tailLines,
          sinceSeconds: options.sinceSeconds,
          previous: options.previous,
        }),
      );
    },

    // Same as `kubectl port-forward`: a loopback listener whose connections are tunnelled over the API server.
    async portForward(namespace: string, pod: string, port: number): Promise<PortForwardHandle> {
      const {k8s, config} = await load();
      const forward = new k8s.PortForward(config);
      const server: Server = createServer(socket => {
        forward.portForward(namespace, pod, [port], socket, null, socket).catch(() => socket.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      return {
        localPort: (server.address() as AddressInfo).port,
        close: () => new Promise<void>(resolve => server.close(() => resolve())),
      };
    },
  };
  return api;
}

function toKubeApiError(error: unknown, kind: string, name: string): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const code = (error as {code?: unknown})?.code;
  const status = typeof code === 'number' ? code : undefined;
  const body = (error as {body?: unknown})?.body;
  let reason = '';
  if (typeof body === 'string') {
    try {
      reason = String((JSON.parse(body) as {reason?: unknown}).reason ?? '');
    } catch {
      reason = '';
    }
  } else if (body && typeof body === 'object') {
    reason = String((body as {reason?: unknown}).reason ?? '');
  }
  const what = `${kind} ${name}`;
  if (status !== undefined)
    return new KubeApiError(`HTTP ${status}${reason ? ` ${reason}` : ''} for ${what}`, status, kind, name);
  // Connection-level failure (DNS, refused, TLS, exec plugin): the first line names it without payloads.
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return new KubeApiError(`${message.slice(0, 200)} (${what})`, undefined, kind, name);
}
