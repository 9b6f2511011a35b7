// KubeApi backed by @kubernetes/client-node. The library is imported on first use only (its import costs
// ~300 ms) and the kubeconfig is read then too; EKS `exec` auth (aws eks get-token) works through it.
import {createServer, type AddressInfo, type Server} from 'node:net';
import {KubeApiError, type KubeApi, type KubeKind, type KubeKinds, type PodLogOptions, type PortForwardHandle} from './kube-api.js';

type ClientNode = typeof import('@kubernetes/client-node');

interface Loaded {
  k8s: ClientNode;
  config: import('@kubernetes/client-node').KubeConfig;
  core: import('@kubernetes/client-node').CoreV1Api;
  apps: import('@kubernetes/client-node').AppsV1Api;
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
      return {k8s, config, core: config.makeApiClient(k8s.CoreV1Api), apps: config.makeApiClient(k8s.AppsV1Api)};
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
      const {core, apps} = await load();
      try {
        const result = await (async (): Promise<unknown> => {
          switch (kind) {
            case 'Service':
              return core.readNamespacedService({name, namespace});
            case 'Deployment':
              return apps.readNamespacedDeployment({name, namespace});
            case 'Secret':
              return core.readNamespacedSecret({name, namespace});
            case 'Namespace':
              return core.readNamespace({name});
            case 'Pod':
              return core.readNamespacedPod({name, namespace});
            case 'Node':
              return core.readNode({name});
          }
          throw new Error(`unsupported kind ${kind}`);
        })();
        return result as KubeKinds[K];
      } catch (error) {
        const wrapped = toKubeApiError(error, kind, name);
        if (wrapped.status === 404) return null;
        throw wrapped;
      }
    },

    async list<K extends KubeKind>(kind: K, namespace: string, options: {labelSelector?: string} = {}) {
      const {core, apps} = await load();
      const labelSelector = options.labelSelector;
      const result = await wrap(kind, '*', async (): Promise<{items: unknown[]}> => {
        switch (kind) {
          case 'Service':
            return core.listNamespacedService({namespace, labelSelector});
          case 'Deployment':
            return apps.listNamespacedDeployment({namespace, labelSelector});
          case 'Secret':
            return core.listNamespacedSecret({namespace, labelSelector});
          case 'Namespace':
            return core.listNamespace({labelSelector});
          case 'Pod':
            return core.listNamespacedPod({namespace, labelSelector});
          case 'Node':
            return core.listNode({labelSelector});
        }
        throw new Error(`unsupported kind ${kind}`);
      });
      return result.items as Array<KubeKinds[K]>;
    },

    async create<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]) {
      const {core, apps} = await load();
      const body = object as never;
      const result = await wrap(kind, object.metadata.name, async (): Promise<unknown> => {
        switch (kind) {
          case 'Service':
            return core.createNamespacedService({namespace, body});
          case 'Deployment':
            return apps.createNamespacedDeployment({namespace, body});
          case 'Secret':
            return core.createNamespacedSecret({namespace, body});
          case 'Namespace':
            return core.createNamespace({body});
          case 'Pod':
            return core.createNamespacedPod({namespace, body});
          case 'Node':
            return core.createNode({body});
        }
        throw new Error(`unsupported kind ${kind}`);
      });
      return result as KubeKinds[K];
    },

    async replace<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]) {
      const {core, apps} = await load();
      const body = object as never;
      const name = object.metadata.name;
      const result = await wrap(kind, name, async (): Promise<unknown> => {
        switch (kind) {
          case 'Service':
            return core.replaceNamespacedService({name, namespace, body});
          case 'Deployment':
            return apps.replaceNamespacedDeployment({name, namespace, body});
          case 'Secret':
            return core.replaceNamespacedSecret({name, namespace, body});
          case 'Namespace':
            return core.replaceNamespace({name, body});
          case 'Pod':
            return core.replaceNamespacedPod({name, namespace, body});
          case 'Node':
            return core.replaceNode({name, body});
        }
        throw new Error(`unsupported kind ${kind}`);
      });
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
  if (status !== undefined) return new KubeApiError(`HTTP ${status}${reason ? ` ${reason}` : ''} for ${what}`, status, kind, name);
  // Connection-level failure (DNS, refused, TLS, exec plugin): the first line names it without payloads.
  const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
  return new KubeApiError(`${message.slice(0, 200)} (${what})`, undefined, kind, name);
}
