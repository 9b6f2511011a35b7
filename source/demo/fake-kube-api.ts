// A fake Kubernetes API server for the demo world and for tests: plain HTTP on 127.0.0.1, an
// in-memory object store, and just enough of the real API's behaviour (discovery, CRUD, selectors,
// resourceVersion conflicts, Status errors, patches, watch, Table output, pod logs) that real
// kubectl and @kubernetes/client-node work against it unchanged. No real kube-apiserver can run here.
import {decodeKubeProtobuf} from './fake-kube-protobuf.js';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import {servePortForward} from './fake-kube-portforward.js';
import type {AddressInfo} from 'node:net';
import {randomBytes, randomUUID} from 'node:crypto';
import yaml from 'js-yaml';

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
    generation?: number;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ListQuery {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface ChangeEvent {
  type: ChangeType;
  object: KubeObject;
}

export interface Column {
  name: string;
  type?: string;
  /** 0 = always shown; 1 = only with -o wide. */
  priority?: number;
  cell: (o: KubeObject, now: number) => unknown;
}

/** One served resource type (what discovery lists). */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Extra columns between NAME and AGE in `kubectl get` (server-side Table output). */
  columns?: Column[];
}

/** Handler for /__demo/* control requests (the demo world's stand-ins signal through it). */
export type ControlHandler = (req: {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}) => Promise<{status?: number; body?: unknown}>;

export interface FakeKubeApiOptions {
  seed?: KubeObject[];
  /** Extra resource types (CRDs) to serve. */
  resources?: ResourceType[];
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Reported by /version (kubectl's dispatcher picks its client version from it). */
  serverVersion?: {major: string; minor: string; gitVersion: string};
  control?: ControlHandler;
  now?: () => number;
  /** Port to listen on (a resumed demo asks for the one its kubeconfigs name); taken -> any free port. */
  port?: number;
}

/** Everything the store holds, as JSON: what a demo session saves to resume with the same cluster state. */
export interface StoreSnapshot {
  rv: number;
  objects: KubeObject[];
  logs: Record<string, string[]>;
}

export interface FakeKubeStore {
  /** Returns a copy of the object, or undefined. */
  get(ref: ObjectRef): KubeObject | undefined;
  /** Creates or replaces (no conflict checks), filling uid/resourceVersion/timestamps; returns a copy. */
  put(obj: KubeObject): KubeObject;
  /** Read-modify-write of an existing object (or of undefined); returning undefined deletes nothing and writes nothing. */
  update(ref: ObjectRef, mutate: (o: KubeObject | undefined) => KubeObject | undefined): KubeObject | undefined;
  list(query: ListQuery): KubeObject[];
  delete(ref: ObjectRef): boolean;
  onChange(listener: (ev: ChangeEvent) => void): () => void;
  /** Appends lines to a pod's log (what `kubectl logs` returns). */
  appendLog(namespace: string, pod: string, text: string, container?: string): void;
  registerResource(rt: ResourceType): void;
  snapshot(): StoreSnapshot;
  /** Replaces every object and log with a snapshot's (no watch events: nobody watches a store being restored). */
  restore(snap: StoreSnapshot): void;
  /** Called after any object change or log line (persistence debounces on it). */
  onDirty(listener: () => void): () => void;
}

export interface FakeKubeApi {
  url: string;
  port: number;
  store: FakeKubeStore;
  /** Where a pod's port really listens, for `pods/portforward` (nothing listens without it). */
  setPortForwardTarget(
    target: ((namespace: string, pod: string, port: number) => {host: string; port: number} | undefined) | undefined,
  ): void;
  close(): Promise<void>;
}

const age = (o: KubeObject, now: number) => humanAge(o.metadata.creationTimestamp, now);
const str = (v: unknown) => (v === undefined || v === null || v === '' ? '<none>' : String(v));
const path = (o: unknown, p: string): unknown => {
  let cur: unknown = o;
  for (const k of p.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
};
const cond = (o: KubeObject, type: string) =>
  (path(o, 'status.conditions') as Array<{type: string; status: string}> | undefined)?.find(c => c.type === type)
    ?.status;

/** The built-in and CRD resource types the demo needs (kubectl describe also reads events, replicasets, ...). */
export function defaultResources(): ResourceType[] {
  const core = (
    kind: string,
    plural: string,
    namespaced: boolean,
    shortNames?: string[],
    columns?: Column[],
  ): ResourceType => ({
    group: '',
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    columns,
  });
  const rt = (
    group: string,
    version: string,
    kind: string,
    plural: string,
    namespaced: boolean,
    shortNames?: string[],
    columns?: Column[],
    categories?: string[],
  ): ResourceType => ({
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    columns,
    categories,
  });
  return [
    core('Namespace', 'namespaces', false, ['ns'], [{name: 'Status', cell: o => path(o, 'status.phase') ?? 'Active'}]),
    core(
      'Node',
      'nodes',
      false,
      ['no'],
      [
        {
          name: 'Status',
          cell: o =>
            (cond(o, 'Ready') === 'True' ? 'Ready' : 'NotReady') +
            (path(o, 'spec.unschedulable') ? ',SchedulingDisabled' : ''),
        },
        {
          name: 'Roles',
          cell: o =>
            Object.keys(o.metadata.labels ?? {})
              .filter(k => k.startsWith('node-role.kubernetes.io/'))
              .map(k => k.slice(24))
              .join(',') || '<none>',
        },
        {name: 'Age', cell: age},
        {name: 'Version', cell: o => str(path(o, 'status.nodeInfo.kubeletVersion'))},
        {
          name: 'Internal-IP',
          priority: 1,
          cell: o =>
            str(
              (path(o, 'status.addresses') as Array<{type: string; address: string}> | undefined)?.find(
                a => a.type === 'InternalIP',
              )?.address,
            ),
        },
        {name: 'OS-Image', priority: 1, cell: o => str(path(o, 'status.nodeInfo.osImage'))},
        {name: 'Container-Runtime', priority: 1, cell: o => str(path(o, 'status.nodeInfo.containerRuntimeVersion'))},
      ],
    ),
    core(
      'Pod',
      'pods',
      true,
      ['po'],
      [
        {
          name: 'Ready',
          cell: o => {
            const cs = (path(o, 'status.containerStatuses') as Array<{ready?: boolean}> | undefined) ?? [];
            const total = ((path(o, 'spec.containers') as unknown[] | undefined) ?? []).length;
            return `${cs.filter(c => c.ready).length}/${total}`;
          },
        },
        {
          name: 'Status',
          cell: o => {
            if (o.metadata['deletionTimestamp']) return 'Terminating';
            const cs =
              (path(o, 'status.containerStatuses') as Array<{state?: {waiting?: {reason?: string}}}> | undefined) ?? [];
            return (
              cs.find(c => c.state?.waiting?.reason)?.state?.waiting?.reason ?? path(o, 'status.phase') ?? 'Pending'
            );
          },
        },
        {
          name: 'Restarts',
          type: 'integer',
          cell: o =>
            ((path(o, 'status.containerStatuses') as Array<{restartCount?: number}> | undefined) ?? []).reduce(
              (n, c) => n + (c.restartCount ?? 0),
              0,
            ),
        },
        {name: 'Age', cell: age},
        {name: 'IP', priority: 1, cell: o => str(path(o, 'status.podIP'))},
        {name: 'Node', priority: 1, cell: o => str(path(o, 'spec.nodeName'))},
      ],
    ),
    core(
      'Service',
      'services',
      true,
      ['svc'],
      [
        {name: 'Type', cell: o => path(o, 'spec.type') ?? 'ClusterIP'},
        {name: 'Cluster-IP', cell: o => str(path(o, 'spec.clusterIP'))},
        {
          name: 'External-IP',
          cell: o => {
            if (path(o, 'spec.type') !== 'LoadBalancer') return '<none>';
            const ing =
              (path(o, 'status.loadBalancer.ingress') as Array<{hostname?: string; ip?: string}> | undefined) ?? [];
            return ing.length ? ing.map(i => i.hostname ?? i.ip).join(',') : '<pending>';
          },
        },
        {
          name: 'Port(s)',
          cell: o =>
            ((path(o, 'spec.ports') as Array<{port: number; nodePort?: number; protocol?: string}> | undefined) ?? [])
              .map(p => `${p.port}${p.nodePort ? ':' + p.nodePort : ''}/${p.protocol ?? 'TCP'}`)
              .join(',') || '<none>',
        },
        {name: 'Age', cell: age},
        {
          name: 'Selector',
          priority: 1,
          cell: o =>
            Object.entries((path(o, 'spec.selector') as Record<string, string> | undefined) ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(',') || '<none>',
        },
      ],
    ),
    core('Secret', 'secrets', true, undefined, [
      {name: 'Type', cell: o => o['type'] ?? 'Opaque'},
      {name: 'Data', type: 'integer', cell: o => Object.keys((o['data'] as object | undefined) ?? {}).length},
    ]),
    core(
      'ConfigMap',
      'configmaps',
      true,
      ['cm'],
      [{name: 'Data', type: 'integer', cell: o => Object.keys((o['data'] as object | undefined) ?? {}).length}],
    ),
    core('Event', 'events', true, ['ev']),
    core('Endpoints', 'endpoints', true, ['ep']),
    core('ServiceAccount', 'serviceaccounts', true, ['sa']),
    core('PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc']),
    core('PersistentVolume', 'persistentvolumes', false, ['pv']),
    core('ResourceQuota', 'resourcequotas', true, ['quota']),
    core('LimitRange', 'limitranges', true, ['limits']),
    rt(
      'apps',
      'v1',
      'Deployment',
      'deployments',
      true,
      ['deploy'],
      [
        {name: 'Ready', cell: o => `${path(o, 'status.readyReplicas') ?? 0}/${path(o, 'spec.replicas') ?? 1}`},
        {name: 'Up-to-date', type: 'integer', cell: o => path(o, 'status.updatedReplicas') ?? 0},
        {name: 'Available', type: 'integer', cell: o => path(o, 'status.availableReplicas') ?? 0},
      ],
      ['all'],
    ),
    rt('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs']),
    rt('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds']),
    rt('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts']),
    rt('batch', 'v1', 'Job', 'jobs', true),
    rt('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
    rt('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
    rt('events.k8s.io', 'v1', 'Event', 'events', true, ['ev']),
    rt('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
    rt('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds']),
    // CAPI before Rufio: `kubectl get machines` means CAPI machines, as on a real EKS-A cluster.
    rt(
      'cluster.x-k8s.io',
      'v1beta1',
      'Cluster',
      'clusters',
      true,
      ['cl'],
      [{name: 'Phase', cell: o => str(path(o, 'status.phase'))}],
    ),
    rt(
      'cluster.x-k8s.io',
      'v1beta1',
      'Machine',
      'machines',
      true,
      ['ma'],
      [
        {name: 'Cluster', cell: o => str(path(o, 'spec.clusterName'))},
        {name: 'NodeName', cell: o => str(path(o, 'status.nodeRef.name'))},
        {name: 'ProviderID', cell: o => str(path(o, 'spec.providerID'))},
        {name: 'Phase', cell: o => str(path(o, 'status.phase'))},
        {name: 'Age', cell: age},
        {name: 'Version', cell: o => str(path(o, 'spec.version'))},
      ],
    ),
    rt(
      'tinkerbell.org',
      'v1alpha1',
      'Hardware',
      'hardware',
      true,
      ['hw'],
      [{name: 'State', cell: o => str(path(o, 'status.state'))}],
    ),
    rt(
      'tinkerbell.org',
      'v1alpha1',
      'Workflow',
      'workflows',
      true,
      ['wf'],
      [
        {name: 'Template', cell: o => str(path(o, 'spec.templateRef'))},
        {name: 'State', cell: o => str(path(o, 'status.state'))},
        {name: 'Current-Action', cell: o => str(path(o, 'status.currentAction'))},
      ],
    ),
    rt('tinkerbell.org', 'v1alpha1', 'Template', 'templates', true, ['tpl']),
    rt('bmc.tinkerbell.org', 'v1alpha1', 'Machine', 'machines', true, undefined, [
      {name: 'PowerState', cell: o => str(path(o, 'status.powerState'))},
      {name: 'Contactable', cell: o => str(cond(o, 'Contactable'))},
    ]),
    rt('bmc.tinkerbell.org', 'v1alpha1', 'Job', 'jobs', true, undefined, [
      {name: 'Completed', cell: o => str(cond(o, 'Completed'))},
    ]),
    rt('bmc.tinkerbell.org', 'v1alpha1', 'Task', 'tasks', true),
    rt('anywhere.eks.amazonaws.com', 'v1alpha1', 'Cluster', 'clusters', true),
    rt('anywhere.eks.amazonaws.com', 'v1alpha1', 'TinkerbellDatacenterConfig', 'tinkerbelldatacenterconfigs', true),
    rt('anywhere.eks.amazonaws.com', 'v1alpha1', 'TinkerbellMachineConfig', 'tinkerbellmachineconfigs', true),
  ];
}

// ---------------------------------------------------------------------------------------------
// Selectors

type Requirement = {key: string; op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists'; values: string[]};

/** Parses `a=b,c!=d,e in (x,y),!f,g` (the label selector grammar). Throws on garbage. */
export function parseLabelSelector(s: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const out: Requirement[] = [];
  for (const raw of parts.map(p => p.trim()).filter(Boolean)) {
    const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw);
    if (set) {
      out.push({key: set[1]!, op: set[2] as 'in' | 'notin', values: set[3]!.split(',').map(v => v.trim())});
      continue;
    }
    const m = /^([^=!\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(raw);
    if (m) out.push({key: m[1]!, op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]!]});
    else if (/^![^=!\s]+$/.test(raw)) out.push({key: raw.slice(1), op: 'notexists', values: []});
    else if (/^[^=!\s()]+$/.test(raw)) out.push({key: raw, op: 'exists', values: []});
    else throw new Error(`unable to parse requirement: ${raw}`);
  }
  return out;
}

export function matchesLabels(labels: Record<string, string> | undefined, reqs: Requirement[]): boolean {
  const l = labels ?? {};
  return reqs.every(r => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.values[0];
      case 'neq':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

/** Field selectors: `metadata.name=x,spec.nodeName!=y` on any dotted path (missing = ""). */
export function matchesFields(o: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .every(term => {
      const m = /^([^=!]+)(==|!=|=)(.*)$/.exec(term);
      if (!m) throw new Error(`invalid field selector: ${term}`);
      const actual = path(o, m[1]!);
      const value = actual === undefined || actual === null ? '' : String(actual);
      return m[2] === '!=' ? value !== m[3] : value === m[3];
    });
}

// ---------------------------------------------------------------------------------------------
// Patches

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObj(target) ? {...target} : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const MERGE_KEYS = ['name', 'mountPath', 'containerPort', 'port', 'type', 'ip'];

/**
 * Strategic merge patch, approximated: maps merge, null deletes, `$patch`/`$setElementOrder`/`$retainKeys`
 * directives are honoured or dropped, and lists of objects merge by the first common key among name,
 * mountPath, containerPort, port, type, ip (what the built-in types use); other lists are replaced.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch['$patch'] === 'replace') {
    const {$patch: _, ...rest} = patch;
    return structuredClone(rest);
  }
  if (patch['$patch'] === 'delete') return undefined;
  const out: Record<string, Json> = isObj(target) ? {...target} : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter(x => !v.includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(out[k])) out[k] = mergeList(out[k] as Json[], v);
    else if (isObj(v)) {
      const merged = strategicMergePatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = structuredClone(v);
  }
  return out;
}

function mergeList(cur: Json[], patch: Json[]): Json[] {
  const all = [...cur, ...patch];
  const key =
    all.length > 0 && all.every(isObj)
      ? MERGE_KEYS.find(k => all.every(e => (e as Record<string, Json>)[k] !== undefined))
      : undefined;
  if (!key) return structuredClone(patch);
  const out = cur.map(e => structuredClone(e)) as Array<Record<string, Json>>;
  for (const p of patch as Array<Record<string, Json>>) {
    const i = out.findIndex(e => e[key] === p[key]);
    if (p['$patch'] === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], p) as Record<string, Json>;
    else out.push(structuredClone(p));
  }
  return out;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(doc: Json, ops: Array<{op: string; path: string; value?: Json; from?: string}>): Json {
  let root = structuredClone(doc);
  const ptr = (p: string) =>
    p === ''
      ? []
      : p
          .split('/')
          .slice(1)
          .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const get = (segs: string[]) => segs.reduce<Json>((c, s) => (c as Record<string, Json>)?.[s], root);
  const set = (segs: string[], value: Json, insert: boolean) => {
    if (segs.length === 0) {
      root = value;
      return;
    }
    const parent = get(segs.slice(0, -1));
    const last = segs[segs.length - 1]!;
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new Error(`bad array index ${last}`);
      if (insert) parent.splice(i, 0, value);
      else parent[i] = value;
    } else if (isObj(parent)) parent[last] = value;
    else throw new Error(`path not found: /${segs.join('/')}`);
  };
  const remove = (segs: string[]) => {
    const parent = get(segs.slice(0, -1));
    const last = segs[segs.length - 1]!;
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (isObj(parent) && last in parent) delete parent[last];
    else throw new Error(`path not found: /${segs.join('/')}`);
  };
  for (const op of ops) {
    const segs = ptr(op.path);
    switch (op.op) {
      case 'add':
        set(segs, structuredClone(op.value), true);
        break;
      case 'replace':
        if (get(segs) === undefined) throw new Error(`path not found: ${op.path}`);
        set(segs, structuredClone(op.value), false);
        break;
      case 'remove':
        remove(segs);
        break;
      case 'move': {
        const v = get(ptr(op.from ?? ''));
        remove(ptr(op.from ?? ''));
        set(segs, v, true);
        break;
      }
      case 'copy':
        set(segs, structuredClone(get(ptr(op.from ?? ''))), true);
        break;
      case 'test':
        if (JSON.stringify(get(segs)) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
        break;
      default:
        throw new Error(`unknown op ${op.op}`);
    }
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// Store

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const gv = (rt: ResourceType) => (rt.group ? `${rt.group}/${rt.version}` : rt.version);
const keyOf = (rt: ResourceType) => `${rt.group}/${rt.plural}`;
const objKey = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

interface Stored {
  rv: number;
  event: ChangeEvent;
  rtKey: string;
}

class Store implements FakeKubeStore {
  readonly types: ResourceType[] = [];
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<(ev: ChangeEvent) => void>();
  readonly history: Stored[] = [];
  readonly logs = new Map<string, string[]>();
  readonly logListeners = new Set<(key: string, line: string) => void>();
  readonly dirtyListeners = new Set<() => void>();
  rv = 1;

  constructor(readonly now: () => number) {}

  registerResource(rt: ResourceType): void {
    const i = this.types.findIndex(t => t.group === rt.group && t.version === rt.version && t.plural === rt.plural);
    if (i >= 0) this.types[i] = rt;
    else this.types.push(rt);
  }

  typeForObject(apiVersion: string, kind: string): ResourceType {
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
    const rt =
      this.types.find(t => t.group === groupOf(apiVersion) && t.version === version && t.kind === kind) ??
      this.types.find(t => t.group === groupOf(apiVersion) && t.kind === kind);
    if (!rt)
      throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${kind} ${apiVersion})`);
    return rt;
  }

  bucket(rt: ResourceType): Map<string, KubeObject> {
    let b = this.objects.get(keyOf(rt));
    if (!b) this.objects.set(keyOf(rt), (b = new Map()));
    return b;
  }

  read(rt: ResourceType, ns: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(rt).get(objKey(rt.namespaced ? ns : undefined, name));
  }

  /** Writes with defaults filled in; emits ADDED or MODIFIED. */
  write(rt: ResourceType, input: KubeObject): KubeObject {
    const o = structuredClone(input);
    o.apiVersion = gv(rt);
    o.kind = rt.kind;
    o.metadata ??= {};
    if (!rt.namespaced) delete o.metadata.namespace;
    else o.metadata.namespace ??= 'default';
    if (!o.metadata.name && o.metadata.generateName)
      o.metadata.name = o.metadata.generateName + randomBytes(3).toString('hex').slice(0, 5);
    const name = o.metadata.name!;
    const key = objKey(o.metadata.namespace, name);
    const prev = this.bucket(rt).get(key);
    o.metadata.uid = prev?.metadata.uid ?? o.metadata.uid ?? randomUUID();
    o.metadata.creationTimestamp =
      prev?.metadata.creationTimestamp ?? o.metadata.creationTimestamp ?? timestamp(this.now());
    const specChanged = !prev || JSON.stringify(prev['spec']) !== JSON.stringify(o['spec']);
    o.metadata.generation = (prev?.metadata.generation ?? 0) + (specChanged ? 1 : 0);
    applyDefaults(rt, o, prev);
    o.metadata.resourceVersion = String(++this.rv);
    this.bucket(rt).set(key, o);
    this.emit(rt, {type: prev ? 'MODIFIED' : 'ADDED', object: o});
    return structuredClone(o);
  }

  remove(rt: ResourceType, ns: string | undefined, name: string): KubeObject | undefined {
    const key = objKey(rt.namespaced ? ns : undefined, name);
    const prev = this.bucket(rt).get(key);
    if (!prev) return undefined;
    this.bucket(rt).delete(key);
    const gone = {...prev, metadata: {...prev.metadata, resourceVersion: String(++this.rv)}};
    this.emit(rt, {type: 'DELETED', object: gone});
    if (rt.kind === 'Namespace' && rt.group === '') {
      for (const t of this.types.filter(t => t.namespaced)) {
        for (const o of [...this.bucket(t).values()])
          if (o.metadata.namespace === name) this.remove(t, name, o.metadata.name!);
      }
    }
    if (rt.kind === 'CustomResourceDefinition') this.unregisterCrd(prev);
    return gone;
  }

  select(rt: ResourceType, ns: string | undefined, labelSelector?: string, fieldSelector?: string): KubeObject[] {
    const reqs = labelSelector ? parseLabelSelector(labelSelector) : [];
    return [...this.bucket(rt).values()]
      .filter(o => !rt.namespaced || !ns || o.metadata.namespace === ns)
      .filter(o => matchesLabels(o.metadata.labels, reqs) && matchesFields(o, fieldSelector))
      .sort((a, b) =>
        objKey(a.metadata.namespace, a.metadata.name!).localeCompare(objKey(b.metadata.namespace, b.metadata.name!)),
      );
  }

  private emit(rt: ResourceType, ev: ChangeEvent) {
    this.history.push({rv: this.rv, event: ev, rtKey: keyOf(rt)});
    if (this.history.length > 2000) this.history.splice(0, this.history.length - 2000);
    if (rt.kind === 'CustomResourceDefinition' && ev.type !== 'DELETED') this.registerCrd(ev.object);
    for (const l of [...this.listeners]) {
      try {
        l(structuredClone(ev));
      } catch {
        // A failing listener must not break the API.
      }
    }
    this.dirty();
  }

  private dirty() {
    for (const l of [...this.dirtyListeners]) l();
  }

  snapshot(): StoreSnapshot {
    const objects: KubeObject[] = [];
    // CRDs first, so a restore serves their kinds before it meets their objects.
    const crdKey = (rt: ResourceType) => (rt.kind === 'CustomResourceDefinition' ? 0 : 1);
    for (const rt of [...this.types].sort((a, b) => crdKey(a) - crdKey(b))) {
      for (const o of this.objects.get(keyOf(rt))?.values() ?? []) objects.push(structuredClone(o));
    }
    return {rv: this.rv, objects, logs: Object.fromEntries([...this.logs].map(([k, v]) => [k, [...v]]))};
  }

  restore(snap: StoreSnapshot): void {
    this.objects.clear();
    this.history.length = 0;
    for (const o of snap.objects) {
      if (o.kind === 'CustomResourceDefinition') this.registerCrd(o);
      let rt: ResourceType;
      try {
        rt = this.typeForObject(o.apiVersion, o.kind);
      } catch {
        continue; // a kind this build no longer serves
      }
      this.bucket(rt).set(
        objKey(rt.namespaced ? o.metadata.namespace : undefined, o.metadata.name!),
        structuredClone(o),
      );
    }
    this.logs.clear();
    for (const [k, v] of Object.entries(snap.logs ?? {})) this.logs.set(k, [...v]);
    this.rv = Math.max(this.rv, snap.rv);
  }

  onDirty(listener: () => void) {
    this.dirtyListeners.add(listener);
    return () => void this.dirtyListeners.delete(listener);
  }

  // A CRD applied through the API becomes a served resource, as on a real server.
  private registerCrd(crd: KubeObject) {
    const spec = crd['spec'] as {
      group: string;
      names: {kind: string; plural: string; singular?: string; shortNames?: string[]};
      scope: string;
      versions?: Array<{name: string; served?: boolean}>;
    };
    for (const v of spec.versions ?? []) {
      if (v.served === false) continue;
      const known = this.types.find(
        t => t.group === spec.group && t.version === v.name && t.plural === spec.names.plural,
      );
      this.registerResource({
        ...known,
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        namespaced: spec.scope !== 'Cluster',
        shortNames: spec.names.shortNames,
      });
    }
  }

  private unregisterCrd(crd: KubeObject) {
    const spec = crd['spec'] as {group: string; names: {plural: string}};
    for (let i = this.types.length - 1; i >= 0; i--) {
      if (this.types[i]!.group === spec.group && this.types[i]!.plural === spec.names.plural) this.types.splice(i, 1);
    }
  }

  // --- the public store API (by apiVersion/kind) ---
  get(ref: ObjectRef) {
    const o = this.read(this.typeForObject(ref.apiVersion, ref.kind), ref.namespace, ref.name);
    return o && structuredClone(o);
  }
  put(obj: KubeObject) {
    const rt = this.typeForObject(obj.apiVersion, obj.kind);
    return this.write(rt, obj);
  }
  update(ref: ObjectRef, mutate: (o: KubeObject | undefined) => KubeObject | undefined) {
    const next = mutate(this.get(ref));
    return next ? this.put(next) : undefined;
  }
  list(q: ListQuery) {
    return this.select(this.typeForObject(q.apiVersion, q.kind), q.namespace, q.labelSelector, q.fieldSelector).map(o =>
      structuredClone(o),
    );
  }
  delete(ref: ObjectRef) {
    return this.remove(this.typeForObject(ref.apiVersion, ref.kind), ref.namespace, ref.name) !== undefined;
  }
  onChange(listener: (ev: ChangeEvent) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  appendLog(namespace: string, pod: string, text: string, container = '') {
    const key = `${namespace}/${pod}/${container}`;
    const lines = this.logs.get(key) ?? [];
    for (const line of text.replace(/\n$/, '').split('\n')) {
      lines.push(line);
      for (const l of this.logListeners) l(key, line);
    }
    if (lines.length > 5000) lines.splice(0, lines.length - 5000);
    this.logs.set(key, lines);
    this.dirty();
  }
}

let nextClusterIp = 10;
/** What the real API server's defaulting and allocation would add. */
function applyDefaults(rt: ResourceType, o: KubeObject, prev: KubeObject | undefined) {
  if (rt.group !== '') return;
  if (rt.kind === 'Secret') {
    o['type'] ??= 'Opaque';
    const sd = o['stringData'] as Record<string, string> | undefined;
    if (sd) {
      const data = (o['data'] as Record<string, string> | undefined) ?? {};
      for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(v).toString('base64');
      o['data'] = data;
      delete o['stringData'];
    }
  } else if (rt.kind === 'Namespace') {
    o['spec'] ??= {finalizers: ['kubernetes']};
    o['status'] ??= {phase: 'Active'};
    o.metadata.labels = {...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name!};
  } else if (rt.kind === 'Service') {
    const spec = (o['spec'] ??= {}) as Record<string, unknown>;
    spec['type'] ??= 'ClusterIP';
    const prevSpec = prev?.['spec'] as Record<string, unknown> | undefined;
    spec['clusterIP'] ??=
      prevSpec?.['clusterIP'] ?? `10.96.${Math.floor(nextClusterIp / 250)}.${(nextClusterIp++ % 250) + 1}`;
    spec['clusterIPs'] ??= [spec['clusterIP']];
    const ports = (spec['ports'] as Array<Record<string, unknown>> | undefined) ?? [];
    for (const p of ports) {
      p['protocol'] ??= 'TCP';
      p['targetPort'] ??= p['port'];
      if ((spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer') && p['nodePort'] === undefined) {
        p['nodePort'] = 30000 + Math.floor(Math.random() * 2767);
      }
    }
    o['status'] ??= {loadBalancer: {}};
  } else if (rt.kind === 'Pod') {
    o['status'] ??= {phase: 'Pending'};
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

function humanAge(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  const m = Math.floor(s / 60),
    h = Math.floor(s / 3600),
    d = Math.floor(s / 86400);
  if (s < 120) return `${s}s`;
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (h < 3) return `${m}m`;
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  return `${d}d`;
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 400 ? 'Success' : 'Failure',
    message,
    reason,
    details,
    code,
  };
}

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {'Content-Type': type, 'Content-Length': Buffer.byteLength(text)});
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 16 * 1024 * 1024) throw new ApiError(413, 'RequestEntityTooLarge', 'request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(body: Buffer, contentType: string): unknown {
  if (body.length === 0) return undefined;
  if (contentType.includes('protobuf')) {
    const decoded = decodeKubeProtobuf(body);
    // What this fake cannot decode gets the apiserver's answer for a media type it does not serve.
    if (decoded instanceof Error)
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (this fake decodes protobuf for Namespace only: ${decoded.message})`,
      );
    return decoded;
  }
  const text = body.toString('utf8');
  try {
    return contentType.includes('yaml') ? yaml.load(text) : JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `unable to decode body: ${(e as Error).message}`);
  }
}

function toTable(rt: ResourceType, items: KubeObject[], now: number, rv: string, includeObject: string | null) {
  const cols: Column[] = [{name: 'Name', cell: o => o.metadata.name}, ...(rt.columns ?? [])];
  if (!cols.some(c => c.name === 'Age')) cols.push({name: 'Age', cell: age});
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {resourceVersion: rv},
    columnDefinitions: cols.map(c => ({
      name: c.name,
      type: c.type ?? 'string',
      format: c.name === 'Name' ? 'name' : '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: items.map(o => ({
      cells: cols.map(c => c.cell(o, now)),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata},
    })),
  };
}

const wantsTable = (req: IncomingMessage) => /as=Table/.test(req.headers.accept ?? '');

/** Starts the fake. Every request and change stays in this process; close() ends watches and log streams. */
export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const now = options.now ?? Date.now;
  const store = new Store(now);
  for (const rt of [...defaultResources(), ...(options.resources ?? [])]) store.registerResource(rt);
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    store.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name}});
  }
  // CRDs are visible as objects too (preflights may `kubectl get crd`).
  for (const rt of store.types.filter(t => t.group.includes('.') && !t.group.endsWith('k8s.io'))) {
    store.put({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {name: `${rt.plural}.${rt.group}`},
      spec: {
        group: rt.group,
        names: {kind: rt.kind, plural: rt.plural, singular: rt.singular, shortNames: rt.shortNames},
        scope: rt.namespaced ? 'Namespaced' : 'Cluster',
        versions: [{name: rt.version, served: true, storage: true}],
      },
    });
  }
  for (const o of options.seed ?? []) store.put(o);

  const version = options.serverVersion ?? {major: '1', minor: '31', gitVersion: 'v1.31.9-eks-fake'};
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handle(req, res).catch(e => {
      const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', (e as Error).message);
      if (!res.headersSent) send(res, err.code, status(err.code, err.reason, err.message, err.details));
      else res.end();
    });
  });

  const groups = () => {
    const out = new Map<string, string[]>();
    for (const t of store.types.filter(t => t.group)) {
      const vs = out.get(t.group) ?? [];
      if (!vs.includes(t.version)) vs.push(t.version);
      out.set(t.group, vs);
    }
    return [...out].map(([name, versions]) => ({
      name,
      versions: versions.map(v => ({groupVersion: `${name}/${v}`, version: v})),
      preferredVersion: {groupVersion: `${name}/${versions[0]}`, version: versions[0]},
    }));
  };
  const resourceList = (group: string, version: string) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: store.types
      .filter(t => t.group === group && t.version === version)
      .flatMap(t => {
        const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
        const main = {
          name: t.plural,
          singularName: t.singular,
          namespaced: t.namespaced,
          kind: t.kind,
          verbs,
          shortNames: t.shortNames,
          categories: t.categories,
        };
        const subs = [
          {
            name: `${t.plural}/status`,
            singularName: '',
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: ['get', 'patch', 'update'],
          },
        ];
        if (t.kind === 'Pod' && !group)
          subs.push({name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get']});
        return [main, ...subs];
      }),
  });

  // Just enough OpenAPI v3 for kubectl to see that PATCH takes `fieldValidation` (server-side
  // validation), so `kubectl apply` works without --validate=false. No schemas are served.
  const openapiV3 = (gvPath: string[]) => {
    const gvs = [...new Set(store.types.map(t => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`)))];
    if (gvPath.length === 0) {
      return {
        paths: Object.fromEntries(
          gvs.map(g => [g, {serverRelativeURL: `/openapi/v3/${g}?hash=fake${store.types.length}`}]),
        ),
      };
    }
    const wanted = gvPath.join('/');
    if (!gvs.includes(wanted)) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const paths: Record<string, unknown> = {};
    for (const t of store.types.filter(
      t => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`) === wanted,
    )) {
      const p = `/${wanted}/${t.namespaced ? 'namespaces/{namespace}/' : ''}${t.plural}/{name}`;
      paths[p] = {
        patch: {
          'x-kubernetes-group-version-kind': {group: t.group, version: t.version, kind: t.kind},
          parameters: [{name: 'fieldValidation', in: 'query', schema: {type: 'string', uniqueItems: true}}],
          responses: {'200': {description: 'OK'}},
        },
      };
    }
    return {
      openapi: '3.0.0',
      info: {title: 'Kubernetes', version: version.gitVersion},
      paths,
      components: {schemas: {}},
    };
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    if (segs[0] === '__demo') {
      if (!options.control) throw new ApiError(404, 'NotFound', 'no demo control endpoint');
      const body = parseBody(await readBody(req), 'application/json');
      const r = await options.control({method, path: '/' + segs.slice(1).join('/'), query: q, body});
      return send(res, r.status ?? 200, r.body ?? {});
    }
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    if (segs.length === 0) return send(res, 200, {paths: ['/api', '/api/v1', '/apis', '/version']});
    if (segs[0] === 'version')
      return send(res, 200, {...version, platform: 'linux/amd64', goVersion: 'go1.23.8', compiler: 'gc'});
    if (['healthz', 'readyz', 'livez'].includes(segs[0]!)) return send(res, 200, 'ok', 'text/plain');
    if (segs[0] === 'openapi' && segs[1] === 'v3') return send(res, 200, openapiV3(segs.slice(2)));
    if (segs[0] === 'openapi') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (segs[0] === 'api' && segs.length === 1) {
      return send(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: req.headers.host}],
      });
    }
    if (segs[0] === 'apis' && segs.length === 1)
      return send(res, 200, {kind: 'APIGroupList', apiVersion: 'v1', groups: groups()});
    if (segs[0] === 'apis' && segs.length === 2) {
      const g = groups().find(x => x.name === segs[1]);
      if (!g) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      return send(res, 200, {kind: 'APIGroup', apiVersion: 'v1', ...g});
    }
    const [group, ver, rest] =
      segs[0] === 'api'
        ? ['', segs[1], segs.slice(2)]
        : segs[0] === 'apis'
          ? [segs[1]!, segs[2], segs.slice(3)]
          : ['', undefined, []];
    if (!ver) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (rest.length === 0) {
      if (!store.types.some(t => t.group === group && t.version === ver))
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      return send(res, 200, resourceList(group, ver));
    }
    // /namespaces/{ns}/{plural}/... versus /{plural}/... (namespaces themselves are cluster-scoped).
    let ns: string | undefined;
    let r = rest;
    const typeFor = (plural: string) =>
      store.types.find(t => t.group === group && t.version === ver && t.plural === plural);
    if (r[0] === 'namespaces' && r.length >= 3 && typeFor(r[2]!)?.namespaced) {
      ns = r[1];
      r = r.slice(2);
    }
    const rt = typeFor(r[0]!);
    if (!rt) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const [, name, sub] = r;
    if (sub && sub !== 'status' && !(sub === 'log' && rt.kind === 'Pod') && sub !== 'finalize') {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const notFound = (n: string) =>
      new ApiError(404, 'NotFound', `${rt.plural}${rt.group ? '.' + rt.group : ''} "${n}" not found`, {
        name: n,
        group: rt.group || undefined,
        kind: rt.plural,
      });
    const requireNamespace = () => {
      if (!rt.namespaced || !ns) return;
      const nsObj = store.read(store.typeForObject('v1', 'Namespace'), undefined, ns);
      if (!nsObj) throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, {name: ns, kind: 'namespaces'});
      if (nsObj.metadata['deletionTimestamp']) {
        throw new ApiError(
          403,
          'Forbidden',
          `${rt.plural} "${String(body?.metadata?.name ?? '')}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        );
      }
    };

    if (method === 'GET' && name && sub === 'log') return podLogs(req, res, rt, ns!, name, q);
    if (method === 'GET' && (q.get('watch') === 'true' || q.get('watch') === '1'))
      return watch(req, res, rt, ns, q, name);
    if (method === 'GET' && name) {
      const o = store.read(rt, ns, name);
      if (!o) throw notFound(name);
      if (wantsTable(req))
        return send(res, 200, toTable(rt, [o], now(), o.metadata.resourceVersion!, q.get('includeObject')));
      return send(res, 200, o);
    }
    if (method === 'GET') {
      let items: KubeObject[];
      try {
        items = store.select(rt, ns, q.get('labelSelector') ?? undefined, q.get('fieldSelector') ?? undefined);
      } catch (e) {
        throw new ApiError(400, 'BadRequest', (e as Error).message);
      }
      const rv = String(store.rv);
      if (wantsTable(req)) return send(res, 200, toTable(rt, items, now(), rv, q.get('includeObject')));
      return send(res, 200, {kind: `${rt.kind}List`, apiVersion: gv(rt), metadata: {resourceVersion: rv}, items});
    }
    const body = parseBody(await readBody(req), req.headers['content-type'] ?? 'application/json') as
      KubeObject | undefined;
    const dryRun = q.has('dryRun');
    const commit = (o: KubeObject) => (dryRun ? o : store.write(rt, o));
    if (method === 'POST' && !name) {
      if (!body || typeof body !== 'object') throw new ApiError(400, 'BadRequest', 'empty body');
      body.metadata ??= {};
      if (rt.namespaced && ns && body.metadata.namespace && body.metadata.namespace !== ns) {
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      if (rt.namespaced) ns = body.metadata.namespace = ns ?? body.metadata.namespace ?? 'default';
      if (!body.metadata.name && !body.metadata.generateName) {
        throw new ApiError(
          422,
          'Invalid',
          `${rt.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        );
      }
      requireNamespace();
      if (body.metadata.name && store.read(rt, ns, body.metadata.name)) {
        throw new ApiError(
          409,
          'AlreadyExists',
          `${rt.plural}${rt.group ? '.' + rt.group : ''} "${body.metadata.name}" already exists`,
          {name: body.metadata.name, group: rt.group || undefined, kind: rt.plural},
        );
      }
      delete body.metadata.resourceVersion;
      return send(res, 201, commit(body));
    }
    if (!name) {
      if (method === 'DELETE') {
        const items = store.select(rt, ns, q.get('labelSelector') ?? undefined, q.get('fieldSelector') ?? undefined);
        if (!dryRun) for (const o of items) store.remove(rt, o.metadata.namespace, o.metadata.name!);
        return send(res, 200, {
          kind: `${rt.kind}List`,
          apiVersion: gv(rt),
          metadata: {resourceVersion: String(store.rv)},
          items,
        });
      }
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    const existing = store.read(rt, ns, name);
    if (method === 'PUT') {
      if (!body || typeof body !== 'object') throw new ApiError(400, 'BadRequest', 'empty body');
      body.metadata ??= {};
      if (body.metadata.name && body.metadata.name !== name)
        throw new ApiError(
          400,
          'BadRequest',
          `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
        );
      body.metadata.name = name;
      if (rt.namespaced) body.metadata.namespace = ns;
      if (!existing) throw notFound(name);
      if (body.metadata.resourceVersion && body.metadata.resourceVersion !== existing.metadata.resourceVersion)
        throw conflict(rt, name);
      // The status subresource changes only status; the main resource keeps the stored status.
      const next =
        sub === 'status'
          ? {...existing, status: (body as Record<string, unknown>)['status']}
          : {...body, status: body['status'] ?? existing['status']};
      return send(res, 200, commit(next as KubeObject));
    }
    if (method === 'PATCH') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+json') {
        const applied = body ?? ({} as KubeObject);
        if (!existing) {
          applied.metadata = {...applied.metadata, name, ...(rt.namespaced ? {namespace: ns} : {})};
          requireNamespace();
          return send(res, 201, commit(applied));
        }
        return send(res, 200, commit(strategicMergePatch(existing, applied) as KubeObject));
      }
      if (!existing) throw notFound(name);
      let next: KubeObject;
      try {
        if (type === 'application/json-patch+json')
          next = jsonPatch(existing, body as unknown as Array<{op: string; path: string}>) as KubeObject;
        else if (type === 'application/merge-patch+json') next = mergePatch(existing, body) as KubeObject;
        else if (type === 'application/strategic-merge-patch+json') {
          if (rt.group.includes('.') && !rt.group.endsWith('k8s.io'))
            throw new ApiError(
              415,
              'UnsupportedMediaType',
              'strategic merge patch is not supported for custom resources',
            );
          next = strategicMergePatch(existing, body) as KubeObject;
        } else
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
          );
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw new ApiError(422, 'Invalid', (e as Error).message);
      }
      const wanted = (body as unknown as {metadata?: {resourceVersion?: string}} | undefined)?.metadata
        ?.resourceVersion;
      if (!Array.isArray(body) && wanted && wanted !== existing.metadata.resourceVersion) throw conflict(rt, name);
      next.metadata = {...next.metadata, name, resourceVersion: existing.metadata.resourceVersion};
      return send(res, 200, commit(next));
    }
    if (method === 'DELETE') {
      if (!existing) throw notFound(name);
      if (rt.kind === 'Namespace' && rt.group === '' && !dryRun) {
        // Like the real namespace controller: Terminating first, contents and namespace gone shortly after.
        const terminating = store.write(rt, {
          ...existing,
          metadata: {...existing.metadata, deletionTimestamp: timestamp(now())},
          status: {phase: 'Terminating'},
        });
        const t = setTimeout(() => store.remove(rt, undefined, name), 200);
        t.unref();
        return send(res, 200, terminating);
      }
      const gone = dryRun ? existing : store.remove(rt, ns, name)!;
      if (rt.kind === 'Pod') return send(res, 200, gone);
      return send(res, 200, {
        ...status(200, '', ''),
        details: {name, group: rt.group || undefined, kind: rt.plural, uid: existing.metadata.uid},
        message: undefined,
        reason: undefined,
        code: undefined,
      });
    }
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }

  function conflict(rt: ResourceType, name: string) {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${rt.plural}${rt.group ? '.' + rt.group : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      {name, group: rt.group || undefined, kind: rt.plural},
    );
  }

  function watch(
    req: IncomingMessage,
    res: ServerResponse,
    rt: ResourceType,
    ns: string | undefined,
    q: URLSearchParams,
    name?: string,
  ) {
    const labels = parseLabelSelector(q.get('labelSelector') ?? '');
    const fields = [q.get('fieldSelector'), name ? `metadata.name=${name}` : ''].filter(Boolean).join(',');
    const table = wantsTable(req);
    const matches = (o: KubeObject) =>
      (!rt.namespaced || !ns || o.metadata.namespace === ns) &&
      matchesLabels(o.metadata.labels, labels) &&
      matchesFields(o, fields);
    res.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'});
    res.flushHeaders();
    open.add(res);
    const write = (ev: ChangeEvent) => {
      const object = table
        ? toTable(rt, [ev.object], now(), ev.object.metadata.resourceVersion!, q.get('includeObject'))
        : ev.object;
      res.write(JSON.stringify({type: ev.type, object}) + '\n');
    };
    const from = Number(q.get('resourceVersion') ?? '0');
    if (!from) {
      for (const o of store.select(rt, ns)) if (matches(o)) write({type: 'ADDED', object: o});
    } else {
      const oldest = store.history[0]?.rv ?? store.rv;
      if (from < oldest - 1) {
        res.end(
          JSON.stringify({
            type: 'ERROR',
            object: status(410, 'Expired', `too old resource version: ${from} (${oldest})`),
          }) + '\n',
        );
        return;
      }
      for (const h of store.history)
        if (h.rv > from && h.rtKey === keyOf(rt) && matches(h.event.object)) write(h.event);
    }
    const unsubscribe = store.onChange(ev => {
      if (ev.object.kind === rt.kind && ev.object.apiVersion === gv(rt) && matches(ev.object)) write(ev);
    });
    const timeout = Number(q.get('timeoutSeconds') ?? '1800');
    const timer = setTimeout(() => res.end(), timeout * 1000);
    const stop = () => {
      clearTimeout(timer);
      unsubscribe();
      open.delete(res);
    };
    res.on('close', stop);
    req.on('close', stop);
  }

  function podLogs(
    req: IncomingMessage,
    res: ServerResponse,
    rt: ResourceType,
    ns: string,
    name: string,
    q: URLSearchParams,
  ) {
    const pod = store.read(rt, ns, name);
    if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`, {name, kind: 'pods'});
    const containers = ((pod['spec'] as {containers?: Array<{name: string}>} | undefined)?.containers ?? []).map(
      c => c.name,
    );
    const container = q.get('container') ?? (containers.length === 1 ? containers[0]! : '');
    if (!q.get('container') && containers.length > 1) {
      throw new ApiError(
        400,
        'BadRequest',
        `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`,
      );
    }
    const key = `${ns}/${name}/${container}`;
    let lines = [...(store.logs.get(key) ?? store.logs.get(`${ns}/${name}/`) ?? [])];
    const tail = Number(q.get('tailLines') ?? '-1');
    if (tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
    res.writeHead(200, {'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked'});
    for (const l of lines) res.write(l + '\n');
    if (q.get('follow') !== 'true') return void res.end();
    res.flushHeaders();
    open.add(res);
    const onLine = (k: string, line: string) => {
      if (k === key || k === `${ns}/${name}/`) res.write(line + '\n');
    };
    store.logListeners.add(onLine);
    const unsubscribe = store.onChange(ev => {
      if (
        ev.type === 'DELETED' &&
        ev.object.kind === 'Pod' &&
        ev.object.metadata.name === name &&
        ev.object.metadata.namespace === ns
      )
        res.end();
    });
    res.on('close', () => {
      store.logListeners.delete(onLine);
      unsubscribe();
      open.delete(res);
    });
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(options.port ?? 0);
  } catch (e) {
    if (!options.port || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    await listen(0);
  }
  const port = (server.address() as AddressInfo).port;
  let forwardTarget:
    ((namespace: string, pod: string, port: number) => {host: string; port: number} | undefined) | undefined;
  const stopForwarding = servePortForward(server, {
    pod: (namespace, name) => store.get({apiVersion: 'v1', kind: 'Pod', namespace, name}),
    target: (namespace, pod, p) => forwardTarget?.(namespace, pod, p),
    authorized: req => !options.token || req.headers.authorization === `Bearer ${options.token}`,
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    setPortForwardTarget: target => {
      forwardTarget = target;
    },
    close: () =>
      new Promise<void>(resolve => {
        stopForwarding();
        for (const r of open) r.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
