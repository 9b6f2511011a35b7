// The kong part of the simulated data center: the control plane's Admin API, its cluster (8005) and
// telemetry (8006) listeners holding the certificate the kongControlPlaneCluster scenario put in its
// secret, and the data plane's proxy. The steps reach them through the simulated load balancer names and
// node addresses; when helm brings the DP pods to Ready they are registered with the Admin API, as a
// real DP would connect.
import {startFakeKongAdmin, type FakeKongAdmin, type FakeKongEntities} from '../fake-kong-admin.js';
import {startFakeKongClusterListener} from '../fake-kong-cluster-listener.js';
import {startFakeKongProxy} from '../fake-kong-proxy.js';
import type {KubeObject} from '../fake-kube-api.js';
import type {DemoWorld} from '../world.js';
import type {DemoPart, DemoPartContext, DemoRoute} from './types.js';

/** The demo's admin token: inline in the demo answers, so it lands in the demo session's secrets.json. */
export const DEMO_ADMIN_TOKEN = 'demo-admin-token-not-a-secret';
export const DEMO_KONG_VERSION = '3.9.1.2';
export const DEMO_HTTP_NODE_PORT = 32080;
export const DEMO_HTTPS_NODE_PORT = 32443;
/** Node addresses of the simulated rack whose proxy NodePort reaches the fake proxy. */
export const DEMO_NODE_IPS = Array.from({length: 30}, (_, i) => `10.20.0.${11 + i}`);

export interface KongDemoOptions {
  nodeIps?: string[];
}

// Public-looking documentation addresses for the NLB names (TEST-NET-3).
const lbAddress = (i: number) => `203.0.113.${10 + i}`;

const podReady = (pod: KubeObject) =>
  ((pod['status'] as {conditions?: Array<{type: string; status: string}>} | undefined)?.conditions ?? []).some(c => c.type === 'Ready' && c.status === 'True');

const imageTag = (pod: KubeObject) => {
  const image = (pod['spec'] as {containers?: Array<{image?: string}>} | undefined)?.containers?.[0]?.image ?? '';
  return image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : DEMO_KONG_VERSION;
};

/**
 * Registers each DP pod with the fake Admin API once it is Ready (during a rolling upgrade old and new
 * pods are connected side by side), and disconnects registered pods that are gone: their rows stay and
 * go stale, as a real CP keeps them for cluster_data_plane_purge_delay.
 */
function connectDataPlanes(world: DemoWorld, admin: FakeKongAdmin, speed: number, signal: AbortSignal): () => void {
  const registered = new Map<string, {id: string; release: string}>();
  const timers = new Set<NodeJS.Timeout>();
  const sync = (namespace: string, release: string): boolean => {
    const pods = world.apis.workload.store.list({apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: `app.kubernetes.io/instance=${release}`});
    const names = new Set(pods.map(p => p.metadata.name!));
    for (const [name, dp] of registered) {
      if (dp.release === `${namespace}/${release}` && !names.has(name)) {
        admin.disconnectDataPlane(dp.id);
        registered.delete(name);
      }
    }
    pods.forEach((pod, i) => {
      const name = pod.metadata.name!;
      if (podReady(pod) && !registered.has(name)) {
        registered.set(name, {id: admin.registerDataPlane({hostname: name, version: imageTag(pod), ip: `198.51.100.${20 + (registered.size + i) % 200}`}), release: `${namespace}/${release}`});
      }
    });
    return pods.length > 0 && pods.every(podReady);
  };
  const watch = (namespace: string, release: string, attempt: number) => {
    if (signal.aborted || attempt > 600) return;
    // A few rounds at least: right after helm the old pods are all Ready and the new ones not yet there.
    if (sync(namespace, release) && attempt >= 3) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      watch(namespace, release, attempt + 1);
    }, Math.max(50, 1000 / speed));
    timers.add(timer);
  };
  const off = world.onEvent(e => {
    if (e.type === 'helm-install') watch(e.namespace, e.release, 0);
    if (e.type === 'helm-uninstall') sync(e.namespace, e.release);
    if (e.type === 'cluster-deleted') for (const [name, dp] of registered) admin.disconnectDataPlane(dp.id), registered.delete(name);
  });
  // A resumed world: the DP pods saved in demo-state.json reconnect, as real ones do after a CP restart.
  const releases = new Set<string>();
  for (const pod of world.apis.workload.store.list({apiVersion: 'v1', kind: 'Pod', labelSelector: 'app.kubernetes.io/name=kong,app.kubernetes.io/component=app'})) {
    const release = pod.metadata.labels?.['app.kubernetes.io/instance'];
    if (release && pod.metadata.namespace) releases.add(`${pod.metadata.namespace}/${release}`);
  }
  for (const key of releases) watch(key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1), 0);
  return () => {
    off();
    for (const t of timers) clearTimeout(t);
  };
}

export async function startKongDemo(world: DemoWorld, ctx: DemoPartContext, options: KongDemoOptions = {}): Promise<DemoPart> {
  const speed = ctx.speed > 0 ? ctx.speed : 1;
  const cert = await world.controlPlane.ready;
  const hostnames = world.controlPlane.hostnames;
  const admin = await startFakeKongAdmin({version: DEMO_KONG_VERSION, token: DEMO_ADMIN_TOKEN, routerFlavor: 'traditional', propagationDelayMs: 5000 / speed,
    // The CP's database outlives a restart of the demo: the smoke test's Service and Route stay.
    entities: world.kept('kong-admin') as FakeKongEntities | undefined, onEntities: entities => world.keep('kong-admin', entities)});
  const closers: Array<() => Promise<void> | void> = [() => admin.close()];
  try {
    const cluster = await startFakeKongClusterListener(cert);
    closers.push(() => cluster.close());
    const telemetry = await startFakeKongClusterListener(cert);
    closers.push(() => telemetry.close());
    const proxy = await startFakeKongProxy(admin.propagated, {
      serving: () => world.apis.workload.store.list({apiVersion: 'v1', kind: 'Pod', labelSelector: 'app.kubernetes.io/name=kong,app.kubernetes.io/component=app'}).some(podReady),
    });
    closers.push(() => proxy.close());
    const stop = connectDataPlanes(world, admin, speed, ctx.signal);
    closers.push(stop);

    const loopback = (port: number) => ({host: '127.0.0.1', port});
    const routes: DemoRoute[] = [
      {host: hostnames.cluster, port: 8005, to: {host: cluster.host, port: cluster.port}},
      {host: hostnames.clustertelemetry, port: 8006, to: {host: telemetry.host, port: telemetry.port}},
      {host: hostnames.admin, port: 8001, to: loopback(admin.port)},
      ...(options.nodeIps ?? DEMO_NODE_IPS).map(ip => ({host: ip, port: DEMO_HTTP_NODE_PORT, to: loopback(proxy.port)})),
    ];
    const dns: Record<string, string[]> = {};
    (['cluster', 'clustertelemetry', 'admin', 'proxy'] as const).forEach((key, i) => (dns[hostnames[key]] = [lbAddress(i)]));

    return {
      answers: {
        controlPlane: {
          kubeconfig: world.kubeconfigs.controlPlane,
          context: world.contexts.controlPlane,
          namespace: 'kong',
          release: 'kong-cp',
          adminUrl: `http://${hostnames.admin}:8001`,
          adminToken: DEMO_ADMIN_TOKEN,
        },
        dataPlane: {
          namespace: 'kong',
          release: 'kong-dp',
          proxyType: 'NodePort',
          httpNodePort: DEMO_HTTP_NODE_PORT,
          httpsNodePort: DEMO_HTTPS_NODE_PORT,
          replicas: 1,
          smokeTest: true,
        },
      },
      routes,
      dns,
      close: async () => {
        await Promise.allSettled(closers.reverse().map(async c => c()));
      },
    };
  } catch (error) {
    await Promise.allSettled(closers.map(async c => c()));
    throw error;
  }
}
