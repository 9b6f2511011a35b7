// The slice of the Kubernetes API the Kong steps use. Steps talk to this interface only, so tests pass an
// in-memory fake and the demo world points the client-node implementation at a fake API server on loopback.
// Object shapes are the API's JSON field names, reduced to what we read.

export interface KubeMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string | Date;
  managedFields?: unknown[];
  ownerReferences?: unknown[];
}

export interface KubeServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
}

export interface KubeService {
  metadata: KubeMeta;
  spec?: {type?: string; ports?: KubeServicePort[]; selector?: Record<string, string>};
  status?: {loadBalancer?: {ingress?: Array<{hostname?: string; ip?: string}>}};
}

export interface KubeEnvVar {
  name: string;
  value?: string;
  valueFrom?: {secretKeyRef?: {name: string; key: string}; configMapKeyRef?: {name: string; key: string}};
}

export interface KubeContainer {
  name: string;
  image?: string;
  env?: KubeEnvVar[];
  volumeMounts?: Array<{name: string; mountPath: string; readOnly?: boolean}>;
}

export interface KubeVolume {
  name: string;
  secret?: {secretName?: string};
  configMap?: {name?: string};
}

export interface KubeDeployment {
  metadata: KubeMeta;
  spec?: {
    replicas?: number;
    template?: {spec?: {containers?: KubeContainer[]; volumes?: KubeVolume[]}};
  };
  status?: {readyReplicas?: number; replicas?: number};
}

export interface KubeDaemonSet {
  metadata: KubeMeta;
  status?: {desiredNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number};
}

export interface KubeConfigMap {
  metadata: KubeMeta;
  data?: Record<string, string>;
}

/** A core/v1 Event (what `kubectl describe` lists under Events). */
export interface KubeEvent {
  metadata: KubeMeta;
  involvedObject?: {kind?: string; name?: string; namespace?: string};
  type?: string;
  reason?: string;
  message?: string;
}

export interface KubeSecret {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMeta;
  type?: string;
  /** Base64 values, exactly as the API returns them. */
  data?: Record<string, string>;
  immutable?: boolean;
}

export interface KubeNamespace {
  metadata: KubeMeta;
  status?: {phase?: string};
}

export interface KubeContainerStatus {
  name: string;
  ready: boolean;
  restartCount?: number;
  state?: {
    waiting?: {reason?: string; message?: string};
    running?: {startedAt?: string | Date};
    terminated?: {reason?: string; exitCode?: number; message?: string};
  };
}

export interface KubePod {
  metadata: KubeMeta;
  spec?: {nodeName?: string; hostname?: string; containers?: KubeContainer[]; volumes?: KubeVolume[]};
  status?: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: Array<{type: string; status: string; reason?: string; message?: string}>;
    containerStatuses?: KubeContainerStatus[];
  };
}

export interface KubeNode {
  metadata: KubeMeta;
  status?: {addresses?: Array<{type: string; address: string}>; conditions?: Array<{type: string; status: string}>};
}

export interface KubeJob {
  metadata: KubeMeta;
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    conditions?: Array<{type: string; status: string; reason?: string; message?: string}>;
  };
}

export interface KubeKinds {
  Node: KubeNode;
  Service: KubeService;
  Deployment: KubeDeployment;
  Secret: KubeSecret;
  Namespace: KubeNamespace;
  Pod: KubePod;
  Job: KubeJob;
  DaemonSet: KubeDaemonSet;
  Event: KubeEvent;
  ConfigMap: KubeConfigMap;
}
export type KubeKind = keyof KubeKinds;

export interface PodLogOptions {
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
}

export interface PortForwardHandle {
  /** Local loopback port that forwards to the pod's port. */
  localPort: number;
  close(): Promise<void>;
}

export interface KubeApi {
  /** null when the object does not exist (404). Namespace is ignored for Namespaces. */
  get<K extends KubeKind>(kind: K, namespace: string, name: string): Promise<KubeKinds[K] | null>;
  list<K extends KubeKind>(
    kind: K,
    namespace: string,
    options?: {labelSelector?: string},
  ): Promise<Array<KubeKinds[K]>>;
  create<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]): Promise<KubeKinds[K]>;
  replace<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]): Promise<KubeKinds[K]>;
  podLog(namespace: string, pod: string, options?: PodLogOptions): Promise<string>;
  /** Like `kubectl port-forward pod/<pod> :<port>`; optional because fakes may not support it. */
  portForward?(namespace: string, pod: string, port: number): Promise<PortForwardHandle>;
}

/** A Kubernetes API failure without response bodies (they may echo what we sent). */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly kind: string,
    readonly objectName: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** A one-line explanation of a Kubernetes API failure, with the RBAC need spelled out for 401/403. */
export function describeKubeError(error: unknown, verb: string, what: string): string {
  if (error instanceof KubeApiError) {
    if (error.status === 403) return `Not allowed to ${verb} ${what}: the kubeconfig user needs RBAC "${verb}" on it.`;
    if (error.status === 401)
      return `The Kubernetes API refused the credentials while trying to ${verb} ${what}; refresh the kubeconfig (for EKS: aws sso login / aws eks update-kubeconfig).`;
    return `Could not ${verb} ${what}: ${error.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Could not ${verb} ${what}: ${message.split('\n')[0]}`;
}
