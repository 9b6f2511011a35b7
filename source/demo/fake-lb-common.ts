// What the fake load balancers (fake-metallb.ts, fake-kube-vip.ts) share: their controllers' delays at
// the demo's speed, and the Service addresses they have published (status.loadBalancer.ingress).
import type {FakeKubeStore, KubeObject} from './fake-kube-api.js';

/** Timers scaled by the demo speed, all cancelled by clear(). */
export function delayedActions(speed?: number): {later(ms: number, fn: () => void): void; clear(): void} {
  const factor = speed && speed > 0 ? speed : 1;
  const timers = new Set<NodeJS.Timeout>();
  return {
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms / factor);
      timers.add(t);
    },
    clear() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/** The first published address of a Service, if any. */
export function serviceIngressIp(svc: KubeObject): string | undefined {
  return (svc['status'] as {loadBalancer?: {ingress?: Array<{ip?: string}>}} | undefined)?.loadBalancer?.ingress?.[0]
    ?.ip;
}

/** Addresses published, by Service (namespace/name). */
export function lbIngressIps(store: FakeKubeStore): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of store.list({apiVersion: 'v1', kind: 'Service'})) {
    const ip = serviceIngressIp(s);
    if (ip) out.set(`${s.metadata.namespace}/${s.metadata.name}`, ip);
  }
  return out;
}
