// FAKE of MetalLB installed as the EKS Anywhere curated package, inside a fake Kubernetes API's store:
// a Package (packages.eks.amazonaws.com/v1alpha1) turns, like the package controller's helm install,
// into the `metallb-controller` Deployment in the target namespace plus the IPAddressPools and
// L2Advertisements of its config; the controller then gives every Service of type LoadBalancer the
// next free address of a pool (status.loadBalancer.ingress[0].ip).
// As strict as the real pieces:
// - the admission webhook refuses a pool that overlaps one already defined, with MetalLB's message
//   (metallb internal/config/config.go: `CIDR %q in pool %q overlaps with already defined CIDR %q`,
//   served as `admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: …`),
//   and a pool that contains a node's address (`pool cidr %q contains nodeIp %q`);
// - the package controller cannot install into a target namespace that does not exist (the docs make
//   the admin create it first); the Package's status says so and nothing runs;
// - a Service gets no address while the controller is not Ready or no pool has a free one.
import yaml from 'js-yaml';
import type {FakeKubeStore, KubeObject} from './fake-kube-api.js';
import {formatIpv4, parseIpv4, type Cidr} from '../net/ipv4.js';
import {parseAddressPool, poolCidrs} from '../kong/lb-addresses.js';
import {delayedActions, lbIngressIps} from './fake-lb-common.js';

export const PACKAGE_API = 'packages.eks.amazonaws.com/v1alpha1';
export const METALLB_API = 'metallb.io/v1beta1';
const CONTROLLER = 'metallb-controller';
const PACKAGE_VERSION = '0.15.2-eks-a-fake';

const cidrText = (c: Cidr) => `${formatIpv4(c.network)}/${c.prefix}`;
const cidrEnd = (c: Cidr) => c.network + 2 ** (32 - c.prefix) - 1;
const overlap = (a: Cidr, b: Cidr) => a.network <= cidrEnd(b) && b.network <= cidrEnd(a);

/** A pool's addresses as MetalLB reads them: CIDRs, ranges turned into CIDRs. Throws MetalLB's message. */
function cidrsOf(poolName: string, addresses: readonly string[]): Cidr[] {
  return addresses.flatMap(text => {
    const parsed = parseAddressPool(text);
    if ('error' in parsed) throw new Error(`invalid CIDR "${text}" in pool "${poolName}"`);
    return poolCidrs(parsed);
  });
}

/**
 * The webhook's verdict on a new IPAddressPool against the pools already defined and the node
 * addresses; undefined when it is admitted.
 */
export function ipAddressPoolWebhook(
  pool: {name: string; addresses: readonly string[]},
  existing: ReadonlyArray<{name: string; addresses: readonly string[]}>,
  nodeIps: readonly string[] = [],
): string | undefined {
  const deny = (why: string) =>
    `admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: ${why}`;
  let mine: Cidr[];
  try {
    mine = cidrsOf(pool.name, pool.addresses);
  } catch (error) {
    return deny((error as Error).message);
  }
  const defined = existing.filter(p => p.name !== pool.name).flatMap(p => cidrsOf(p.name, p.addresses));
  for (const cidr of mine) {
    const hit = defined.find(d => overlap(cidr, d));
    if (hit)
      return deny(
        `CIDR "${cidrText(cidr)}" in pool "${pool.name}" overlaps with already defined CIDR "${cidrText(hit)}"`,
      );
    const node = nodeIps.find(ip => {
      const n = parseIpv4(ip);
      return n !== null && n >= cidr.network && n <= cidrEnd(cidr);
    });
    if (node) return deny(`pool cidr "${cidrText(cidr)}" contains nodeIp "${node}"`);
  }
  return undefined;
}

interface PackageConfig {
  IPAddressPools?: Array<{name?: string; addresses?: string[]; autoAssign?: boolean}>;
  L2Advertisements?: Array<{name?: string; ipAddressPools?: string[]}>;
}

export interface FakeMetallb {
  /** What `eksctl anywhere create packages -f` hands the cluster: the Package objects, checked. */
  createPackage(doc: KubeObject): {error?: string};
  /**
   * What `eksctl anywhere delete packages NAME --cluster C` does: `kubectl delete packages NAME
   * --namespace eksa-packages-C` (pkg/curatedpackages/packageclient.go DeletePackages), after which the
   * package controller uninstalls the chart: the controller, its pools and advertisements go.
   */
  deletePackage(namespace: string, name: string): {error?: string};
  /** Addresses handed out, by Service (namespace/name). */
  assigned(): Map<string, string>;
  close(): void;
}

export function attachFakeMetallb(store: FakeKubeStore, options: {speed?: number} = {}): FakeMetallb {
  store.registerResource({
    group: 'packages.eks.amazonaws.com',
    version: 'v1alpha1',
    kind: 'Package',
    plural: 'packages',
    singular: 'package',
    namespaced: true,
  });
  for (const [kind, plural] of [
    ['IPAddressPool', 'ipaddresspools'],
    ['L2Advertisement', 'l2advertisements'],
  ] as const)
    store.registerResource({
      group: 'metallb.io',
      version: 'v1beta1',
      kind,
      plural,
      singular: kind.toLowerCase(),
      namespaced: true,
    });
  const timers = delayedActions(options.speed);
  const later = timers.later;

  const setPackageStatus = (ns: string, name: string, status: Record<string, unknown>) =>
    store.update({apiVersion: PACKAGE_API, kind: 'Package', namespace: ns, name}, cur =>
      cur ? {...cur, status} : undefined,
    );

  const nodeIps = () =>
    store
      .list({apiVersion: 'v1', kind: 'Node'})
      .flatMap(n => (n['status'] as {addresses?: Array<{type: string; address: string}>})?.addresses ?? [])
      .filter(a => a.type === 'InternalIP')
      .map(a => a.address);

  const pools = (ns?: string) =>
    store.list({apiVersion: METALLB_API, kind: 'IPAddressPool', ...(ns ? {namespace: ns} : {})}).map(p => ({
      name: p.metadata.name!,
      addresses: ((p['spec'] as {addresses?: string[]})?.addresses ?? []).map(String),
      autoAssign: (p['spec'] as {autoAssign?: boolean})?.autoAssign !== false,
    }));

  // The package controller's helm install of the metallb chart with the Package's config.
  const install = (pkg: KubeObject) => {
    const ns = pkg.metadata.namespace!;
    const name = pkg.metadata.name!;
    const spec = (pkg['spec'] ?? {}) as {targetNamespace?: string; config?: string};
    const target = spec.targetNamespace ?? 'metallb-system';
    if (!store.get({apiVersion: 'v1', kind: 'Namespace', name: target})) {
      setPackageStatus(ns, name, {state: 'installing', detail: `namespaces "${target}" not found`});
      return;
    }
    let config: PackageConfig;
    try {
      config = (yaml.load(spec.config ?? '') ?? {}) as PackageConfig;
    } catch (error) {
      setPackageStatus(ns, name, {state: 'installing', detail: `invalid config: ${(error as Error).message}`});
      return;
    }
    store.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: CONTROLLER, namespace: target, labels: {'app.kubernetes.io/name': 'metallb'}},
      spec: {replicas: 1},
      status: {replicas: 1, readyReplicas: 0},
    });
    for (const p of config.IPAddressPools ?? []) {
      const pool = {name: String(p.name ?? ''), addresses: (p.addresses ?? []).map(String)};
      const denied = ipAddressPoolWebhook(pool, pools(), nodeIps());
      if (denied) {
        setPackageStatus(ns, name, {state: 'installing', detail: denied});
        return;
      }
      store.put({
        apiVersion: METALLB_API,
        kind: 'IPAddressPool',
        metadata: {name: pool.name, namespace: target},
        spec: {addresses: pool.addresses, ...(p.autoAssign === false ? {autoAssign: false} : {})},
      });
    }
    for (const [i, a] of (config.L2Advertisements ?? []).entries())
      store.put({
        apiVersion: METALLB_API,
        kind: 'L2Advertisement',
        metadata: {name: a.name ?? `l2adv-${i}`, namespace: target},
        spec: {ipAddressPools: a.ipAddressPools ?? []},
      });
    setPackageStatus(ns, name, {state: 'installed', currentVersion: PACKAGE_VERSION, targetVersion: PACKAGE_VERSION});
    // The controller pod starts a moment later.
    later(1500, () => {
      store.update({apiVersion: 'apps/v1', kind: 'Deployment', namespace: target, name: CONTROLLER}, cur =>
        cur ? {...cur, status: {replicas: 1, readyReplicas: 1, availableReplicas: 1}} : undefined,
      );
    });
  };

  const controllerReady = () =>
    store
      .list({apiVersion: 'apps/v1', kind: 'Deployment'})
      .some(
        d =>
          d.metadata.name === CONTROLLER &&
          ((d['status'] as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0) >= 1,
      );

  // The controller's service reconciler: next free address of an auto-assign pool that an L2Advertisement announces.
  let busy = false;
  const assign = () => {
    if (busy || !controllerReady()) return;
    busy = true;
    try {
      const services = store.list({apiVersion: 'v1', kind: 'Service'});
      const used = new Set(
        services.flatMap(s =>
          ((s['status'] as {loadBalancer?: {ingress?: Array<{ip?: string}>}})?.loadBalancer?.ingress ?? []).map(
            i => i.ip,
          ),
        ),
      );
      const announced = new Set(
        store
          .list({apiVersion: METALLB_API, kind: 'L2Advertisement'})
          .flatMap(a => (a['spec'] as {ipAddressPools?: string[]})?.ipAddressPools ?? []),
      );
      for (const svc of services) {
        const spec = (svc['spec'] ?? {}) as {type?: string};
        const ingress = (svc['status'] as {loadBalancer?: {ingress?: unknown[]}})?.loadBalancer?.ingress ?? [];
        if (spec.type !== 'LoadBalancer' || ingress.length > 0) continue;
        let ip: string | undefined;
        for (const pool of pools().filter(p => p.autoAssign && announced.has(p.name))) {
          for (const cidr of cidrsOf(pool.name, pool.addresses)) {
            for (let n = cidr.network; n <= cidrEnd(cidr) && !ip; n++) if (!used.has(formatIpv4(n))) ip = formatIpv4(n);
          }
          if (ip) break;
        }
        if (!ip) continue;
        used.add(ip);
        store.put({...svc, status: {loadBalancer: {ingress: [{ip, ipMode: 'VIP'}]}}});
      }
    } finally {
      busy = false;
    }
  };
  const unwatch = store.onDirty(assign);

  return {
    createPackage(doc) {
      if (doc.apiVersion !== PACKAGE_API || doc.kind !== 'Package')
        return {error: `no matches for kind "${doc.kind}" in version "${doc.apiVersion}"`};
      const ns = doc.metadata?.namespace;
      const name = doc.metadata?.name;
      if (!name) return {error: 'resource name may not be empty'};
      if (!ns || !/^eksa-packages(-[a-z0-9-]+)?$/.test(ns))
        return {error: `packages must be created in the eksa-packages-<cluster> namespace, not "${ns ?? ''}"`};
      const packageName = (doc['spec'] as {packageName?: string} | undefined)?.packageName;
      if (packageName !== 'metallb')
        return {error: `package ${packageName ?? '<none>'} not found in the active bundle`};
      if (store.get({apiVersion: PACKAGE_API, kind: 'Package', namespace: ns, name}))
        return {error: `packages.packages.eks.amazonaws.com "${name}" already exists`};
      const created = store.put({...doc, status: {state: 'initializing'}});
      later(1000, () => install(created));
      return {};
    },
    deletePackage(namespace, name) {
      const pkg = store.get({apiVersion: PACKAGE_API, kind: 'Package', namespace, name});
      // kubectl's words for a missing object (apimachinery errors.NewNotFound, as kubectl prints it).
      if (!pkg) return {error: `Error from server (NotFound): packages.packages.eks.amazonaws.com "${name}" not found`};
      store.delete({apiVersion: PACKAGE_API, kind: 'Package', namespace, name});
      const target = (pkg['spec'] as {targetNamespace?: string} | undefined)?.targetNamespace ?? 'metallb-system';
      const config = (() => {
        try {
          return (yaml.load(String((pkg['spec'] as {config?: string} | undefined)?.config ?? '')) ??
            {}) as PackageConfig;
        } catch {
          return {} as PackageConfig;
        }
      })();
      // The chart's objects only: pools and advertisements of this package's config, and the controller.
      for (const p of config.IPAddressPools ?? [])
        store.delete({apiVersion: METALLB_API, kind: 'IPAddressPool', namespace: target, name: String(p.name ?? '')});
      for (const [i, a] of (config.L2Advertisements ?? []).entries())
        store.delete({
          apiVersion: METALLB_API,
          kind: 'L2Advertisement',
          namespace: target,
          name: a.name ?? `l2adv-${i}`,
        });
      store.delete({apiVersion: 'apps/v1', kind: 'Deployment', namespace: target, name: CONTROLLER});
      return {};
    },
    assigned: () => lbIngressIps(store),
    close() {
      unwatch();
      timers.clear();
    },
  };
}
