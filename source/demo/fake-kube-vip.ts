// FAKE of kube-vip for Services (ARP) and the kube-vip cloud provider, inside a fake Kubernetes API's
// store, once `kubectl apply` has put their objects there:
// - the DaemonSet whose image is kube-vip and the Deployment whose image is kube-vip-cloud-provider roll
//   out a moment later, but only when their ServiceAccount exists (otherwise the DaemonSet / ReplicaSet
//   controller cannot create pods: `error looking up service account kube-system/kube-vip: serviceaccount
//   "kube-vip" not found`, recorded as a FailedCreate event, nothing Ready);
// - the cloud provider (kube-vip-cloud-provider pkg/provider/loadBalancer.go syncLoadBalancer), when it is
//   Ready and bound to a ClusterRole, gives each Service of type LoadBalancer an address from the
//   `kubevip` ConfigMap of KUBEVIP_NAMESPACE (default kube-system): `cidr-<namespace>` then
//   `range-<namespace>`, then `cidr-global` then `range-global` (discoverPool / getConfig); the address
//   goes into the annotation kube-vip.io/loadbalancerIPs, the label implementation=kube-vip and
//   spec.loadBalancerIP. Addresses in use are those annotated on Services carrying that label (across
//   namespaces for a global pool); IPv4 addresses ending in .0 or .255 are skipped (pkg/ipam/ipam.go
//   FindFreeAddress). A missing ConfigMap is created empty and then fails like an empty one;
// - errors are the provider's words, and the Service stays <pending> with the service controller's
//   Warning event `SyncLoadBalancerFailed` "Error syncing load balancer: failed to ensure load balancer:
//   <error>" (k8s.io/cloud-provider controllers/service/controller.go): `no address pools could be found`,
//   `unable to parse IP range [x]` (pkg/ipam/addressbuilder.go), `no addresses available in [ns] range
//   [pool]` (pkg/ipam/ipam.go OutOfIPsError);
// - kube-vip itself, Ready with `svc_enable=true`, announces an annotated address and writes it into
//   status.loadBalancer.ingress (its service watcher); without svc_enable the address is never announced.
import type {FakeKubeStore, KubeObject} from './fake-kube-api.js';
import {formatIpv4, parseIpv4} from '../net/ipv4.js';
import {delayedActions, lbIngressIps, serviceIngressIp} from './fake-lb-common.js';

const IPS_ANNOTATION = 'kube-vip.io/loadbalancerIPs';
const IMPLEMENTATION = {key: 'implementation', value: 'kube-vip'};

type Env = Array<{name?: string; value?: string}>;
interface PodSpec {
  serviceAccountName?: string;
  containers?: Array<{image?: string; env?: Env}>;
}
const podSpec = (o: KubeObject) =>
  ((o['spec'] as {template?: {spec?: PodSpec}} | undefined)?.template?.spec ?? {}) as PodSpec;
const imageOf = (o: KubeObject) => podSpec(o).containers?.[0]?.image ?? '';
const envOf = (o: KubeObject, name: string) => podSpec(o).containers?.[0]?.env?.find(e => e.name === name)?.value;
const isKubeVip = (o: KubeObject) => /(^|\/)kube-vip\/kube-vip:/.test(imageOf(o)) || /(^|\/)kube-vip:/.test(imageOf(o));
const isCloudProvider = (o: KubeObject) => /kube-vip-cloud-provider:/.test(imageOf(o));

/** An inclusive run of IPv4 addresses. */
interface Run {
  from: number;
  to: number;
}

/** Go's netip.ParseAddr message for an IPv4 text it refuses (net/netip parseIPv4 error strings). */
function parseAddr(text: string): number | Error {
  const n = parseIpv4(text);
  if (n !== null) return n;
  const fields = text.split('.');
  const why =
    fields.length === 4 && fields.every(f => /^\d+$/.test(f)) ? 'IPv4 field has value >255' : 'unable to parse IP';
  return new Error(`ParseAddr(${JSON.stringify(text)}): ${why}`);
}

/** pkg/ipam/addressbuilder.go buildAddressesFromRange: "a-b[,c-d]". */
export function parseKubeVipRanges(text: string): Run[] | Error {
  const runs: Run[] = [];
  for (const part of text.split(',')) {
    const ends = part.split('-');
    if (ends.length !== 2) return new Error(`unable to parse IP range [${part}]`);
    const from = parseAddr(ends[0]!);
    if (from instanceof Error) return from;
    const to = parseAddr(ends[1]!);
    if (to instanceof Error) return to;
    // netipx.IPRangeFrom with from > to is an invalid range the IPSet builder drops: no addresses.
    if (from <= to) runs.push({from, to});
  }
  return runs;
}

/** pkg/ipam/addressbuilder.go parseCidrs: "a/n[,b/m]" (netip.ParsePrefix, host bits allowed and masked). */
export function parseKubeVipCidrs(text: string): Run[] | Error {
  const runs: Run[] = [];
  for (const part of text.split(',')) {
    const slash = part.indexOf('/');
    if (slash < 0) return new Error(`netip.ParsePrefix(${JSON.stringify(part)}): no '/'`);
    const addr = parseAddr(part.slice(0, slash));
    if (addr instanceof Error) return new Error(`netip.ParsePrefix(${JSON.stringify(part)}): ${addr.message}`);
    const bits = part.slice(slash + 1);
    const prefix = /^\d{1,2}$/.test(bits) ? Number(bits) : NaN;
    if (!(prefix >= 0 && prefix <= 32))
      return new Error(`netip.ParsePrefix(${JSON.stringify(part)}): bad bits after slash: ${JSON.stringify(bits)}`);
    const size = 2 ** (32 - prefix);
    const from = Math.floor(addr / size) * size;
    runs.push({from, to: from + size - 1});
  }
  return runs;
}

const runText = (runs: Run[], cidr: boolean) =>
  runs
    .map(r => {
      if (!cidr) return `${formatIpv4(r.from)}-${formatIpv4(r.to)}`;
      return `${formatIpv4(r.from)}/${32 - Math.log2(r.to - r.from + 1)}`;
    })
    .join(',');

/**
 * The cloud provider's choice for one Service: the pool (discoverPool), then the first free address
 * (discoverAddress / FindFreeAddress); an Error with the provider's words otherwise.
 */
export function kubeVipAddressFor(
  data: Readonly<Record<string, string>>,
  namespace: string,
  inUse: ReadonlySet<string>,
): string | Error {
  const pick = (kind: 'cidr' | 'range') => data[`${kind}-${namespace}`] ?? data[`${kind}-global`];
  const cidr = pick('cidr');
  const range = cidr === undefined ? pick('range') : undefined;
  const pool = cidr ?? range;
  if (pool === undefined) return new Error('no address pools could be found');
  if (pool === '') return new Error('could not discover address: pool is not specified');
  const runs = cidr !== undefined ? parseKubeVipCidrs(pool) : parseKubeVipRanges(pool);
  if (runs instanceof Error) return runs;
  for (const run of runs)
    for (let n = run.from; n <= run.to; n++) {
      const ip = formatIpv4(n);
      const last = n % 256;
      if (!inUse.has(ip) && last !== 0 && last !== 255) return ip;
    }
  return new Error(
    `no addresses available in [${namespace}] ${cidr !== undefined ? 'cidr' : 'range'} [${runText(runs, cidr !== undefined)}]`,
  );
}

export interface FakeKubeVip {
  /** Addresses announced (status.loadBalancer.ingress), by Service (namespace/name). */
  assigned(): Map<string, string>;
  close(): void;
}

export function attachFakeKubeVip(store: FakeKubeStore, options: {speed?: number} = {}): FakeKubeVip {
  const timers = delayedActions(options.speed);
  const rolling = new Set<string>();
  const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;

  const serviceAccountExists = (o: KubeObject) =>
    !!store.get({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      namespace: o.metadata.namespace!,
      name: podSpec(o).serviceAccountName ?? 'default',
    });

  /** A Warning event on an object, once per message (kubectl describe shows it). */
  const warn = (o: KubeObject, reason: string, message: string) => {
    const ns = o.metadata.namespace!;
    const seen = store
      .list({apiVersion: 'v1', kind: 'Event', namespace: ns})
      .some(
        e =>
          (e['involvedObject'] as {name?: string} | undefined)?.name === o.metadata.name &&
          e['reason'] === reason &&
          e['message'] === message,
      );
    if (seen) return;
    const now = new Date().toISOString();
    store.put({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${o.metadata.name}.${Date.now().toString(16)}${Math.floor(Math.random() * 1e6)}`,
        namespace: ns,
      },
      involvedObject: {apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: ns},
      type: 'Warning',
      reason,
      message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: {component: o.kind === 'Service' ? 'service-controller' : `${o.kind.toLowerCase()}-controller`},
    });
  };

  const nodeCount = () => store.list({apiVersion: 'v1', kind: 'Node'}).length;

  // The DaemonSet and ReplicaSet controllers: pods need their ServiceAccount; they turn Ready a moment later.
  const rollOut = (o: KubeObject) => {
    const ref = {apiVersion: 'apps/v1', kind: o.kind, namespace: o.metadata.namespace!, name: o.metadata.name!};
    const status = (o['status'] ?? {}) as Record<string, number | undefined>;
    const ready = o.kind === 'DaemonSet' ? status['numberReady'] : status['readyReplicas'];
    if (ready || rolling.has(keyOf(o))) return;
    if (!serviceAccountExists(o)) {
      const sa = podSpec(o).serviceAccountName ?? 'default';
      warn(
        o,
        'FailedCreate',
        `Error creating: pods "${o.metadata.name}-" is forbidden: error looking up service account ${o.metadata.namespace}/${sa}: serviceaccount "${sa}" not found`,
      );
      return;
    }
    rolling.add(keyOf(o));
    timers.later(1500, () => {
      rolling.delete(keyOf(o));
      store.update(ref, cur => {
        if (!cur) return undefined;
        if (cur.kind === 'DaemonSet') {
          const n = nodeCount();
          return {
            ...cur,
            status: {
              desiredNumberScheduled: n,
              currentNumberScheduled: n,
              updatedNumberScheduled: n,
              numberReady: n,
              numberAvailable: n,
            },
          };
        }
        const replicas = (cur['spec'] as {replicas?: number} | undefined)?.replicas ?? 1;
        return {
          ...cur,
          status: {replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas},
        };
      });
    });
  };

  const isReady = (o: KubeObject) => {
    const s = (o['status'] ?? {}) as Record<string, number | undefined>;
    return o.kind === 'DaemonSet' ? (s['numberReady'] ?? 0) > 0 : (s['readyReplicas'] ?? 0) > 0;
  };

  /** The provider acts only with its rights: a ClusterRoleBinding naming its ServiceAccount. */
  const bound = (o: KubeObject) =>
    store
      .list({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding'})
      .some(b =>
        ((b['subjects'] as Array<{kind?: string; name?: string; namespace?: string}> | undefined) ?? []).some(
          s =>
            s.kind === 'ServiceAccount' &&
            s.name === (podSpec(o).serviceAccountName ?? 'default') &&
            s.namespace === o.metadata.namespace,
        ),
      );

  const loadBalancers = () =>
    store
      .list({apiVersion: 'v1', kind: 'Service'})
      .filter(s => (s['spec'] as {type?: string; loadBalancerClass?: string} | undefined)?.type === 'LoadBalancer')
      // The service controller leaves Services with a loadBalancerClass to that class's controller.
      .filter(s => !(s['spec'] as {loadBalancerClass?: string}).loadBalancerClass);

  // The cloud provider's syncLoadBalancer for every LoadBalancer Service without an address yet.
  const provide = (provider: KubeObject) => {
    const cmNamespace = envOf(provider, 'KUBEVIP_NAMESPACE') || 'kube-system';
    const cmName = envOf(provider, 'KUBEVIP_CONFIG_MAP') || 'kubevip';
    for (const svc of loadBalancers()) {
      if (svc.metadata.annotations?.[IPS_ANNOTATION]) continue;
      let cm = store.get({apiVersion: 'v1', kind: 'ConfigMap', namespace: cmNamespace, name: cmName});
      // "TODO - determine best course of action, create one if it doesn't exist" (createConfigMap).
      cm ??= store.put({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: cmName, namespace: cmNamespace}});
      const data = (cm['data'] ?? {}) as Record<string, string>;
      const ns = svc.metadata.namespace!;
      const global = !data[`cidr-${ns}`] && !data[`range-${ns}`];
      const inUse = new Set(
        loadBalancers()
          .filter(s => s.metadata.labels?.[IMPLEMENTATION.key] === IMPLEMENTATION.value)
          .filter(s => global || s.metadata.namespace === ns)
          .flatMap(s => (s.metadata.annotations?.[IPS_ANNOTATION] ?? '').split(',').filter(Boolean)),
      );
      const ip = kubeVipAddressFor(data, ns, inUse);
      if (ip instanceof Error) {
        warn(
          svc,
          'SyncLoadBalancerFailed',
          `Error syncing load balancer: failed to ensure load balancer: ${ip.message}`,
        );
        continue;
      }
      store.put({
        ...svc,
        metadata: {
          ...svc.metadata,
          labels: {...svc.metadata.labels, [IMPLEMENTATION.key]: IMPLEMENTATION.value},
          annotations: {...svc.metadata.annotations, [IPS_ANNOTATION]: ip},
        },
        spec: {...(svc['spec'] as object), loadBalancerIP: ip},
      });
    }
  };

  // kube-vip's service watcher: the leader announces the address over ARP and writes the Service status.
  const announce = () => {
    for (const svc of loadBalancers()) {
      const ip =
        svc.metadata.annotations?.[IPS_ANNOTATION]?.split(',')[0] ??
        (svc['spec'] as {loadBalancerIP?: string}).loadBalancerIP;
      if (!ip || serviceIngressIp(svc)) continue;
      store.put({...svc, status: {loadBalancer: {ingress: [{ip, ipMode: 'VIP'}]}}});
    }
  };

  let busy = false;
  const reconcile = () => {
    if (busy) return;
    busy = true;
    try {
      const workloads = [
        ...store.list({apiVersion: 'apps/v1', kind: 'DaemonSet'}).filter(isKubeVip),
        ...store.list({apiVersion: 'apps/v1', kind: 'Deployment'}).filter(isCloudProvider),
      ];
      for (const o of workloads) rollOut(o);
      for (const p of workloads.filter(o => isCloudProvider(o) && isReady(o) && bound(o))) provide(p);
      if (workloads.some(o => o.kind === 'DaemonSet' && isReady(o) && envOf(o, 'svc_enable') === 'true')) announce();
    } finally {
      busy = false;
    }
  };
  const unwatch = store.onDirty(reconcile);

  return {
    assigned: () => lbIngressIps(store),
    close() {
      unwatch();
      timers.clear();
    },
  };
}
