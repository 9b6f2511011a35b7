// The kong part of the simulated data center: the control plane's Admin API, its cluster (8005) and
// telemetry (8006) listeners holding the certificate the kongControlPlaneCluster scenario put in its
// secret, and the data plane's proxy. The steps reach them through the simulated load balancer names and
// node addresses. The Kong inside each DP pod is the fake data plane: it dials the cluster listener
// through the demo's network with the secret copied to the new cluster, and only a handshake the
// listener accepts registers it with the Admin API.
import {randomBytes} from 'node:crypto';
import {appendFileSync, existsSync} from 'node:fs';
import {writeFileAtomicSync} from '../../session/home.js';
import {join} from 'node:path';
import {startFakeKongAdmin, type FakeKongEntities} from '../fake-kong-admin.js';
import {startFakeKongClusterListener} from '../fake-kong-cluster-listener.js';
import {startFakeKongProxy} from '../fake-kong-proxy.js';
import {startLogCollector} from '../log-collector.js';
import {createFakeKongDataPlane} from '../fake-kong-data-plane.js';
import {createDemoNet} from '../net.js';
import {generateClusterCert} from '../../kong/cluster-cert.js';
import {parseAdminListen} from '../../kong/admin-api.js';
import {DEMO_PKI_CA_SECRET, type ClusterCert} from '../scenarios/kong-control-plane.js';
import {deployedCpRbac} from '../scenarios/kong-cp-deployed.js';
import type {KubeObject} from '../fake-kube-api.js';
import {VSPHERE_NODES, type ClusterId, type DemoWorld} from '../world.js';
import type {DemoPart, DemoPartContext, DemoRoute} from './types.js';
import type {Answers} from '../../session/answers.js';
import {demoLicense} from '../scenarios/kong-control-plane.js';

/**
 * The demo licence, made once per simulated data center and kept: a new signature on every start would
 * change the pre-filled answers, and a resume would merge them again over the admin's edits.
 */
function keptLicenseText(world: DemoWorld): string {
  const kept = world.kept('demo-license');
  if (typeof kept === 'string') return kept;
  const text = JSON.stringify(demoLicense());
  world.keep('demo-license', text);
  return text;
}

/** The demo's admin token: inline in the demo answers, so it lands in the demo session's secrets.json. */
export const DEMO_ADMIN_TOKEN = 'demo-admin-token-not-a-secret';
export const DEMO_KONG_VERSION = '3.9.1.2';
export const DEMO_API_KEY_FILE = 'demo-api-key';
export const DEMO_HTTP_NODE_PORT = 32080;
/** The shop's log endpoint (http-log): in the demo a collector on loopback. */
export const DEMO_LOGS_ENDPOINT = 'http://logs.shop.lab:9200/kong-logs/_doc';
/** Where the collector appends the entries it received, in the demo session's folder (JSON lines). */
export const DEMO_HTTP_LOG_FILE = 'http-log-entries.jsonl';
export const DEMO_HTTPS_NODE_PORT = 32443;
/** The proxy's load-balancer pool on the nodes' LAN (MetalLB, the curated package, hands these out). */
export const DEMO_LB_POOL = '10.20.0.200-10.20.0.209';
/** Node addresses of the simulated rack whose proxy NodePort reaches the fake proxy. */
export const DEMO_NODE_IPS = Array.from({length: 30}, (_, i) => `10.20.0.${11 + i}`);

export interface KongDemoOptions {
  nodeIps?: string[];
}

// Public-looking documentation addresses for the NLB names (TEST-NET-3).
const lbAddress = (i: number) => `203.0.113.${10 + i}`;

const podReady = (pod: KubeObject) =>
  ((pod['status'] as {conditions?: Array<{type: string; status: string}>} | undefined)?.conditions ?? []).some(
    c => c.type === 'Ready' && c.status === 'True',
  );

export async function startKongDemo(
  world: DemoWorld,
  ctx: DemoPartContext,
  options: KongDemoOptions = {},
): Promise<DemoPart> {
  const speed = ctx.speed > 0 ? ctx.speed : 1;
  // The consumer's API key, by reference like a real one: a 0600 file in the demo session's folder.
  const demoKeyFile = join(ctx.sessionDir, DEMO_API_KEY_FILE);
  if (!existsSync(demoKeyFile)) writeFileAtomicSync(demoKeyFile, `${randomBytes(16).toString('hex')}\n`);
  const deploy = world.controlPlaneMode === 'deploy';
  // Deploy mode: the CP's certificate exists once the wizard created its secret and installed the CP;
  // until then the listeners serve a placeholder that no data plane holds.
  // (A deployed CP runs cluster_mtls shared: the wizard deploys it so.)
  const cert: ClusterCert = deploy ? await generateClusterCert() : await world.controlPlane.ready;
  const hostnames = world.controlPlane.hostnames;
  const deployedRbac = () => deployedCpRbac(world.apis.controlPlane.store);
  // Like Kong without KONG_ADMIN_SSL_CERT: the TLS admin listener serves a self-generated certificate.
  const adminCert = await generateClusterCert();
  const admin = await startFakeKongAdmin({
    version: DEMO_KONG_VERSION,
    // A CP the wizard deployed enforces RBAC as its values say: the super admin's token is the password
    // the wizard put in the CP's Secret (read there on each request); without RBAC no token is needed.
    ...(deploy
      ? {
          token: () => {
            const rbac = deployedRbac();
            return rbac ? (rbac.token ?? null) : undefined;
          },
          adminGuiAuth: () => deployedRbac()?.guiAuth,
        }
      : {token: DEMO_ADMIN_TOKEN}),
    routerFlavor: 'traditional',
    clusterMtls: cert.caPem ? 'pki' : 'shared',
    propagationDelayMs: 5000 / speed,
    tls: adminCert,
    // The CP's database outlives a restart of the demo: the smoke test's Service and Route stay.
    entities: world.kept('kong-admin') as FakeKongEntities | undefined,
    onEntities: entities => world.keep('kong-admin', entities),
  });
  const closers: Array<() => Promise<void> | void> = [() => admin.close()];
  try {
    const register = (node: {id: string; hostname?: string; version?: string}) => {
      // The row's ip is the address the CP sees: behind the site's NAT, not the pod IP.
      admin.registerDataPlane({
        id: node.id,
        hostname: node.hostname ?? node.id,
        version: node.version,
        ip: '198.51.100.20',
      });
    };
    // A CP whose secret carries a CA runs cluster_mtls pki: the listeners verify client certificates against it.
    const mtls = cert.caPem ? {mode: 'pki' as const, caPem: cert.caPem} : {mode: 'shared' as const};
    const cluster = await startFakeKongClusterListener({
      ...cert,
      ...mtls,
      onDataPlane: register,
      onDataPlaneGone: id => admin.disconnectDataPlane(id),
    });
    closers.push(() => cluster.close());
    const telemetry = await startFakeKongClusterListener({...cert, ...mtls});
    closers.push(() => telemetry.close());
    if (deploy)
      void world.controlPlane.ready.then(
        deployed => {
          cluster.setCert(deployed);
          telemetry.setCert(deployed);
        },
        () => undefined,
      );
    // The demo's log endpoint: each entry the data plane's http-log sends is appended to a file of the
    // demo session (0600), so the demo shows what arrived where the wizard itself cannot see it.
    const collector = await startLogCollector({
      onEntry: entry =>
        appendFileSync(join(ctx.sessionDir, DEMO_HTTP_LOG_FILE), `${JSON.stringify(entry)}\n`, {mode: 0o600}),
    });
    closers.push(() => collector.close());
    // The demo's network is built from the routes below, which need the proxies first.
    const demoNet: {net?: ReturnType<typeof createDemoNet>} = {};
    // One proxy per cluster: it answers only while a DP pod on that cluster is Ready.
    const proxyOn = async (cluster: ClusterId) => {
      const proxy = await startFakeKongProxy(admin.propagated, {
        // http-log delivers through the demo's network: its endpoint's name leads to the collector.
        route: (host, port) => {
          if (!demoNet.net) throw new Error('the demo network is not ready');
          return demoNet.net.route(host, port);
        },
        serving: () =>
          world.apis[cluster].store
            .list({
              apiVersion: 'v1',
              kind: 'Pod',
              labelSelector: 'app.kubernetes.io/name=kong,app.kubernetes.io/component=app',
            })
            .some(podReady),
      });
      closers.push(() => proxy.close());
      return proxy;
    };
    const proxy = await proxyOn('workload');
    const vsphereProxy = await proxyOn('vsphere');

    const loopback = (port: number) => ({host: '127.0.0.1', port});
    const assignedIps = () =>
      world.apis.workload.store
        .list({apiVersion: 'v1', kind: 'Service'})
        .flatMap(
          s =>
            (s['status'] as {loadBalancer?: {ingress?: Array<{ip?: string}>}} | undefined)?.loadBalancer?.ingress ?? [],
        )
        .map(i => i.ip);
    const routes: DemoRoute[] = [
      {host: hostnames.cluster, port: 8005, to: {host: cluster.host, port: cluster.port}},
      {host: hostnames.clustertelemetry, port: 8006, to: {host: telemetry.host, port: telemetry.port}},
      {host: hostnames.admin, port: 8001, to: loopback(admin.port)},
      ...(options.nodeIps ?? DEMO_NODE_IPS).map(ip => ({
        host: ip,
        port: DEMO_HTTP_NODE_PORT,
        to: loopback(proxy.port),
      })),
      // A pool address answers only once MetalLB has given it to a Service (it announces it over ARP then).
      ...Array.from({length: 10}, (_, i) => `10.20.0.${200 + i}`).map(ip => ({
        host: ip,
        port: 80,
        to: loopback(proxy.port),
        when: () => [...assignedIps()].includes(ip),
      })),
      ...VSPHERE_NODES.map(node => ({host: node.ip, port: DEMO_HTTP_NODE_PORT, to: loopback(vsphereProxy.port)})),
      {host: new URL(DEMO_LOGS_ENDPOINT).hostname, port: 9200, to: loopback(collector.port)},
    ];
    const dns: Record<string, string[]> = {};
    (['cluster', 'clustertelemetry', 'admin', 'proxy'] as const).forEach(
      (key, i) => (dns[hostnames[key]] = [lbAddress(i)]),
    );
    // kubectl port-forward to a CP pod reaches the listeners its KONG_ADMIN_LISTEN opens.
    const cpPods = world.apis.controlPlane;
    cpPods.setPortForwardTarget((namespace, pod, port) => {
      const found = cpPods.store.get({apiVersion: 'v1', kind: 'Pod', namespace, name: pod});
      const env = (
        (found?.['spec'] as {containers?: Array<{env?: Array<{name: string; value?: string}>}>} | undefined)
          ?.containers ?? []
      ).flatMap(c => c.env ?? []);
      const listeners = parseAdminListen(env.find(e => e.name === 'KONG_ADMIN_LISTEN')?.value);
      const listener = listeners.find(l => l.port === port);
      if (!listener) return undefined;
      return listener.https ? (admin.tlsPort ? loopback(admin.tlsPort) : undefined) : loopback(admin.port);
    });
    closers.push(() => cpPods.setPortForwardTarget(undefined));
    demoNet.net = createDemoNet(routes, dns);
    const dataPlane = createFakeKongDataPlane({
      net: demoNet.net,
      configHashOf: id => admin.dataPlanes().find(dp => dp.id === id && dp.connected)?.config_hash,
    });
    world.setDataPlaneAgent(dataPlane);
    closers.push(() => {
      world.setDataPlaneAgent(undefined);
      dataPlane.close();
    });

    // Deploy mode (issue 10): no CP yet; the answers ask the wizard to deploy one on the simulated EKS.
    const controlPlane: NonNullable<Answers['controlPlane']> = deploy
      ? {
          version: DEMO_KONG_VERSION,
          license: keptLicenseText(world),
          deploy: {
            eks: {
              create: true,
              name: 'kong-cp',
              region: 'eu-west-3',
              kubernetesVersion: '1.33',
              nodeType: 'm6i.large',
              nodes: 2,
            },
            database: {type: 'bundled'},
            admin: {expose: 'ClusterIP'},
            rbac: false,
            manager: false,
          },
        }
      : {
          kubeconfig: world.kubeconfigs.controlPlane,
          context: world.contexts.controlPlane,
          namespace: 'kong',
          release: 'kong-cp',
          adminUrl: `http://${hostnames.admin}:8001`,
          adminToken: DEMO_ADMIN_TOKEN,
          // pki: the CA's secret on the CP cluster, so the wizard issues the DP its own client certificate.
          ...(cert.caPem ? {clusterCaSecret: DEMO_PKI_CA_SECRET} : {}),
        };
    const dpAnswers = {
      namespace: 'kong',
      release: 'kong-dp',
      proxyType: 'NodePort' as const,
      httpNodePort: DEMO_HTTP_NODE_PORT,
      httpsNodePort: DEMO_HTTPS_NODE_PORT,
      replicas: 1,
      smokeTest: true,
    };
    // The new cluster's DP (MetalLB runs there); the vSphere cluster's keeps its NodePort.
    const {proxyType: _nodePort, ...behindPool} = dpAnswers;
    return {
      answers: {
        controlPlane,
        // The production way: the proxy behind a MetalLB address (the NodePorts stay for a switch back).
        dataPlane: {...behindPool, loadBalancer: {provider: 'metallb', addresses: DEMO_LB_POOL}},
        // The demo's first API: a shop's orders behind an API key and 20 calls a minute, answers cached (room for the proofs' retries while config propagates).
        api: {
          service: {name: 'orders', url: 'https://httpbin.konghq.com/anything'},
          route: {name: 'orders', paths: ['/orders'], methods: ['GET', 'POST']},
          plugins: [
            {preset: 'key-auth', consumer: 'shop-frontend', keyFile: demoKeyFile},
            {preset: 'rate-limiting', minute: 20},
            {preset: 'proxy-cache', ttl: 30},
            // Logs to the shop's endpoint (a collector in the demo): delivery is not visible to the wizard.
            {preset: 'http-log', endpoint: DEMO_LOGS_ENDPOINT},
          ],
        },
      },
      // DP #2 of the same control plane, on the vSphere cluster: its own release, so its pods have names of their own.
      existingCluster: {
        cluster: {existing: {kubeconfig: world.kubeconfigs.vsphere, context: world.contexts.vsphere}},
        controlPlane,
        dataPlane: {...dpAnswers, release: 'kong-dp2'},
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
