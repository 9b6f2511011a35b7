// The demo world: a simulated data center the real step code runs against. Four fake Kubernetes
// APIs (the Kong CP cluster on "EKS", the KinD bootstrap cluster, the new EKS-A cluster, and an EKS
// Anywhere on vSphere cluster made elsewhere, for a second data plane), the
// scenario drivers that move their objects, and stand-in eksctl/helm/docker first on PATH. The
// stand-ins report what they replay to /__demo/* on the fake API, which drives the scenarios.
// Other parts of the simulation (Kong Admin API, cluster TLS listener, Redfish BMCs, PXE sender)
// plug in through `services`, `onEvent` and the options object.
import {readdirSync, readFileSync} from 'node:fs';
import {writeFileAtomicSync} from '../session/home.js';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {startFakeKubeApi, type ControlHandler, type FakeKubeApi, type KubeObject} from './fake-kube-api.js';
import {writeKubeconfig} from './kubeconfig.js';
import {installStandins} from './standin/install.js';
import {bootstrapProvisioning, type DemoMachine} from './scenarios/bootstrap-provisioning.js';
import {
  kongControlPlaneCluster,
  nlbName,
  type ClusterCert,
  type KongControlPlaneHandle,
  type KongControlPlaneOptions,
} from './scenarios/kong-control-plane.js';
import {newClusterDataPlane, type DataPlaneAgent, type DataPlaneHandle} from './scenarios/new-cluster-data-plane.js';
import {deployedControlPlane} from './scenarios/kong-cp-deployed.js';
import {checkEksCreate, type EksRecord} from './standin/eks-checks.js';
import type {ScenarioHandle} from './scenarios/timeline.js';
import {noNet, systemClock, type Clock, type Net, type SystemInfo} from '../ports.js';
import {routedTcpAnswers} from '../cluster/ip-in-use.js';
import {checkCreateInputs} from './standin/eksctl-checks.js';
import {templatesDir} from '../templates.js';
import {createStateWriter, readDemoState, type DemoContainer, type DemoState, type SavedEksctlRun} from './persist.js';
import {attachFakeMetallb} from './fake-metallb.js';
import {attachFakeKubeVip} from './fake-kube-vip.js';

export interface DemoService {
  name: string;
  close(): Promise<void> | void;
}

/** What the stand-ins reported, for other simulated parts (e.g. start PXE traffic when provisioning begins). */
export type DemoEvent =
  | {type: 'eksctl-start'; clusterName: string; machines: DemoMachine[]}
  | {type: 'eksctl-line'; clusterName: string; text: string}
  | {type: 'eksctl-exit'; clusterName: string; code: number}
  | {type: 'helm-install'; release: string; namespace: string; revision: number}
  | {type: 'helm-uninstall'; release: string; namespace: string}
  | {type: 'cluster-deleted'; clusterName: string};

export interface DemoWorldOptions {
  sessionDir: string;
  speed: number;
  clock?: Clock;
  /** Folder of the recorded transcripts; defaults to the package's templates/transcripts. */
  transcriptsDir?: string;
  /** PATH the stand-in folder is put in front of (default: this process's PATH). */
  basePath?: string;
  controlPlane?: Omit<KongControlPlaneOptions, 'speed' | 'clock' | 'signal'>;
  /** Services started by other parts of the demo, closed with the world. */
  services?: DemoService[];
  /**
   * Keep the simulated data center in <sessionDir>/demo-state.json: reload it if it is there (a resumed
   * demo session) and write it on every change. Off by default (tests of the world start fresh).
   */
  persist?: boolean;
  /**
   * 'deploy': there is no Kong control plane yet; the wizard creates the EKS cluster and installs the CP
   * (issue 10). Default 'existing': the CP is there from the start. A resumed world keeps its mode.
   */
  controlPlaneMode?: 'existing' | 'deploy';
}

export type ClusterId = 'controlPlane' | 'bootstrap' | 'workload' | 'vsphere';

/**
 * The simulated admin server: what preflight reads in the demo instead of this machine's CPUs, memory
 * and disk, so the demo reports one consistent admin server (sized as EKS Anywhere asks, with room).
 */
export const simulatedAdminServer: SystemInfo = {
  cpuCount: () => 8,
  totalMemoryBytes: () => 32 * 1024 ** 3,
  freeDiskBytes: async () => 412e9,
};

/** Node addresses of the simulated vSphere cluster (its proxy NodePort reaches its own fake proxy). */
export const VSPHERE_NODES = [
  {name: 'vs-cp01', ip: '10.30.0.11', role: 'control-plane'},
  {name: 'vs-wk01', ip: '10.30.0.21', role: 'worker'},
  {name: 'vs-wk02', ip: '10.30.0.22', role: 'worker'},
] as const;

export interface DemoWorld {
  /** Variables for every child's environment: PATH with the stand-ins first, demo settings. No KUBECONFIG. */
  env: Record<string, string>;
  kubeconfigs: Record<ClusterId, string>;
  contexts: Record<ClusterId, string>;
  endpoints: Record<ClusterId, string> & {demoState: string};
  apis: Record<ClusterId, FakeKubeApi>;
  controlPlane: KongControlPlaneHandle;
  binDir: string;
  services: DemoService[];
  addService(s: DemoService): void;
  onEvent(listener: (e: DemoEvent) => void): () => void;
  /** True when the world was reloaded from a saved demo-state.json. */
  restored: boolean;
  /** Whether the Kong CP exists from the start or the wizard deploys it. */
  controlPlaneMode: 'existing' | 'deploy';
  /** What starting the world found (a damaged state file, a port that had to change). */
  notices: string[];
  /** Saved state of a demo part (survives resume when `persist` is on). */
  kept(key: string): unknown;
  keep(key: string, value: unknown): void;
  /** Digest of the answers the demo pre-filled last time (see run-demo). */
  answersDigest: string | undefined;
  setAnswersDigest(digest: string): void;
  /** The simulated Kong inside every DP pod (the Kong part sets it): pods are Ready only when it says so. */
  setDataPlaneAgent(agent: DataPlaneAgent | undefined): void;
  /** The simulated network (the parts' routes): what answers when the stand-in eksctl probes an address. */
  setNet(net: Net): void;
  /** Resolves once the DP pods a restarted world adopted have dialed the CP again (one beat each). */
  dataPlanesSettled(): Promise<void>;
  close(): Promise<void>;
}

/** Minimal RFC 4180 reader for hardware.csv (quoted fields may hold commas). */
export function machinesFromCsv(text: string): DemoMachine[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      rows.push([...row, field]);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  const [header, ...data] = rows.filter(r => r.some(c => c.trim()));
  if (!header) return [];
  const col = (r: string[], name: string) => r[header.indexOf(name)]?.trim() ?? '';
  return data.map(r => ({
    hostname: col(r, 'hostname'),
    mac: col(r, 'mac'),
    bmcIp: col(r, 'bmc_ip'),
    ip: col(r, 'ip_address') || undefined,
    disk: col(r, 'disk') || undefined,
    role: /(^|\|)type=cp($|\|)/.test(col(r, 'labels')) ? 'cp' : 'worker',
  }));
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = {...a};
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Values from -f files then --set a.b=c pairs, as helm merges them. */
export function helmValues(files: string[], sets: string[]): Record<string, unknown> {
  let values: Record<string, unknown> = {};
  for (const f of files) {
    const doc = yaml.load(f);
    if (doc && typeof doc === 'object') values = deepMerge(values, doc as Record<string, unknown>);
  }
  for (const pair of sets.flatMap(s => s.split(','))) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const keys = pair.slice(0, eq).split('.');
    const raw = pair.slice(eq + 1);
    const value = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+$/.test(raw) ? Number(raw) : raw;
    const nested = keys.reduceRight<unknown>((acc, k) => ({[k]: acc}), value) as Record<string, unknown>;
    values = deepMerge(values, nested);
  }
  return values;
}

export async function startDemoWorld(opts: DemoWorldOptions): Promise<DemoWorld> {
  const clock = opts.clock ?? systemClock;
  const speed = opts.speed > 0 ? opts.speed : 1;
  const abort = new AbortController();
  const scenario = {speed, clock, signal: abort.signal};
  const listeners = new Set<(e: DemoEvent) => void>();
  const emit = (e: DemoEvent) => {
    for (const l of [...listeners]) {
      try {
        l(e);
      } catch {
        // A listener's failure must not break a stand-in's request.
      }
    }
  };
  const services: DemoService[] = [...(opts.services ?? [])];
  let net: Net = noNet;
  const scenarios: ScenarioHandle[] = [];
  const dataPlanes = new Map<string, DataPlaneHandle>();
  const containers = new Map<string, DemoContainer>();
  const notices: string[] = [];
  const loaded = opts.persist ? readDemoState(opts.sessionDir) : {};
  if (loaded.problem) notices.push(loaded.problem);
  const saved: DemoState | undefined = loaded.state;
  const partState = new Map<string, unknown>(Object.entries(saved?.parts ?? {}));
  let answersDigest = saved?.answersDigest;
  const savedPort = (id: ClusterId) => {
    const url = saved?.urls?.[id];
    const port = url ? Number(new URL(url).port) : 0;
    return port > 0 ? port : undefined;
  };

  const control: ControlHandler = async ({method, path, body}) => {
    const b = (body ?? {}) as Record<string, unknown>;
    if (path === '/info') return {body: {clusters: endpoints}};
    if (path === '/event' && method === 'POST') return {body: await onEksctl(b)};
    if (path === '/helm-install' && method === 'POST') return {body: onHelmInstall(b)};
    if (path === '/helm-uninstall' && method === 'POST') return {body: onHelmUninstall(b)};
    if (path === '/helm-rollback' && method === 'POST') return {body: onHelmRollback(b)};
    if (path === '/eksctl-delete' && method === 'POST') return {body: onClusterDelete(b)};
    if (path === '/eks-create' && method === 'POST') return {body: onEksCreate(b)};
    if (path === '/eks-exit' && method === 'POST') return {body: onEksExit(b)};
    if (path === '/eks-get' && method === 'POST') return {body: onEksGet(b)};
    if (path === '/eks-delete' && method === 'POST') return {body: onEksDelete(b)};
    if (path === '/packages-create' && method === 'POST') return {body: onPackagesCreate(b)};
    if (path === '/packages-delete' && method === 'POST') return {body: onPackagesDelete(b)};
    if (path === '/helm-status' && method === 'POST') {
      const cluster = clusterFor(b['server']);
      const dp = dataPlanes.get(`${cluster}/${String(b['namespace'])}/${String(b['release'])}`);
      return {body: {ready: dp?.ready() ?? releaseReady(cluster, String(b['namespace']), String(b['release']))}};
    }
    if (path === '/docker/containers') return {body: {containers: dockerPs()}};
    if (path === '/docker/rm' && method === 'POST') {
      const removed = ((b['names'] ?? []) as string[]).filter(n => dropContainer(n));
      return {body: {removed}};
    }
    return {status: 404, body: {error: `unknown demo control ${method} ${path}`}};
  };

  const [cp, bootstrap, workload, vsphere] = await Promise.all([
    startFakeKubeApi({control, port: savedPort('controlPlane')}),
    startFakeKubeApi({
      control,
      serverVersion: {major: '1', minor: '33', gitVersion: 'v1.33.5-eks-d-1-33-fake'},
      port: savedPort('bootstrap'),
    }),
    startFakeKubeApi({
      control,
      serverVersion: {major: '1', minor: '33', gitVersion: 'v1.33.5-eks-d-1-33-fake'},
      port: savedPort('workload'),
    }),
    startFakeKubeApi({
      control,
      serverVersion: {major: '1', minor: '32', gitVersion: 'v1.32.9-eks-d-1-32-fake'},
      port: savedPort('vsphere'),
    }),
  ]);
  const apis: Record<ClusterId, FakeKubeApi> = {controlPlane: cp, bootstrap, workload, vsphere};
  // The new cluster's MetalLB, once the curated package is created (eksctl anywhere create packages).
  const metallb = attachFakeMetallb(workload.store, {speed});
  // Or kube-vip for Services with its cloud provider, once kubectl applies them (dataPlane.loadBalancer.provider: kube-vip).
  const kubeVip = attachFakeKubeVip(workload.store, {speed});
  const endpoints = {
    controlPlane: cp.url,
    bootstrap: bootstrap.url,
    workload: workload.url,
    vsphere: vsphere.url,
    demoState: workload.url,
  };
  if (saved) {
    for (const id of Object.keys(apis) as ClusterId[]) {
      const snapshot = saved.stores[id];
      if (snapshot) apis[id].store.restore(snapshot);
    }
    for (const [name, c] of Object.entries(saved.containers)) containers.set(name, c);
    const moved = (Object.keys(apis) as ClusterId[]).filter(id => saved.urls?.[id] && saved.urls[id] !== apis[id].url);
    if (moved.length > 0) {
      const rewritten = rewriteKubeconfigs(
        opts.sessionDir,
        moved.map(id => [saved.urls[id]!, apis[id].url] as const),
      );
      notices.push(`The simulated clusters listen on new ports; ${rewritten} saved kubeconfig file(s) were updated.`);
    }
  }
  // A Deployment whose replicas are all ready: what `helm --wait` waits for after a resume.
  function releaseReady(cluster: ClusterId, namespace: string, release: string): boolean {
    const d = apis[cluster].store.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: `${release}-kong`});
    const status = (d?.['status'] ?? {}) as {readyReplicas?: number; replicas?: number};
    return !!d && (status.readyReplicas ?? 0) >= (status.replicas ?? 1);
  }
  const clusterFor = (server: unknown): ClusterId =>
    (Object.keys(apis) as ClusterId[]).find(id => apis[id].url === server) ?? 'workload';

  const kubeDir = join(opts.sessionDir, 'demo-kube');
  const contexts: Record<ClusterId, string> = {
    controlPlane: 'kong-cp',
    bootstrap: 'kind-demo-eks-a-cluster',
    workload: 'demo-admin@demo',
    vsphere: 'vsphere-admin@vsphere',
  };
  // The vSphere cluster was made elsewhere, long before the demo: its nodes are there from the start.
  if (!saved?.stores.vsphere) seedVsphereNodes(vsphere.store, clock.now());
  const kubeconfigs: Record<ClusterId, string> = {
    controlPlane: writeKubeconfig(join(kubeDir, 'kong-cp.kubeconfig'), {
      server: cp.url,
      context: contexts.controlPlane,
      user: 'kong-cp-admin',
    }),
    bootstrap: writeKubeconfig(join(kubeDir, 'bootstrap.kubeconfig'), {
      server: bootstrap.url,
      context: contexts.bootstrap,
      user: contexts.bootstrap,
    }),
    workload: writeKubeconfig(join(kubeDir, 'workload.kubeconfig'), {
      server: workload.url,
      context: contexts.workload,
      user: 'demo-admin',
    }),
    vsphere: writeKubeconfig(join(kubeDir, 'vsphere.kubeconfig'), {
      server: vsphere.url,
      context: contexts.vsphere,
      cluster: 'vsphere',
      user: 'vsphere-admin',
    }),
  };
  const standins = installStandins(
    join(opts.sessionDir, 'demo-bin'),
    {
      transcriptsDir: opts.transcriptsDir ?? join(templatesDir(), 'transcripts'),
      demoStateUrl: endpoints.demoState,
      speed,
    },
    opts.basePath,
  );

  const controlPlaneMode =
    (partState.get('controlPlaneMode') as 'existing' | 'deploy' | undefined) ?? opts.controlPlaneMode ?? 'existing';
  partState.set('controlPlaneMode', controlPlaneMode);
  // In deploy mode the CP appears when the wizard's helm install reaches the simulated EKS cluster.
  let cpDeployed: ((cert: Promise<ClusterCert>) => void) | undefined;
  const controlPlane =
    (saved && restoredControlPlane(cp.store, opts.controlPlane, saved.controlPlane?.hostnames)) ||
    (controlPlaneMode === 'deploy'
      ? awaitedControlPlane(opts.controlPlane, fn => (cpDeployed = fn))
      : kongControlPlaneCluster(cp.store, {...opts.controlPlane, ...scenario}));
  scenarios.push(controlPlane);

  // --- eksctl create cluster (EKS): the cluster record AWS keeps, even when eksctl is killed ------------
  const eksClusters = (): Record<string, EksRecord> => ({...((partState.get('eks-clusters') as object) ?? {})});
  const keepEks = (records: Record<string, EksRecord>) => {
    partState.set('eks-clusters', records);
    writer?.schedule();
  };
  function onEksCreate(b: Record<string, unknown>): Record<string, unknown> {
    const records = eksClusters();
    const refused = checkEksCreate(b, records);
    if (refused) return refused;
    const name = String(b['name']);
    records[name] = {
      region: String(b['region']),
      version: String(b['version']),
      readyAt: clock.now() + (Number(b['seconds'] ?? 0) * 1000) / speed,
    };
    keepEks(records);
    return {server: cp.url};
  }
  function onEksExit(b: Record<string, unknown>): Record<string, unknown> {
    const records = eksClusters();
    const name = String(b['name']);
    // A failed create rolls its stacks back; a finished one is ACTIVE from now on.
    if (Number(b['code']) !== 0) delete records[name];
    else if (records[name]) records[name] = {...records[name]!, readyAt: Math.min(records[name]!.readyAt, clock.now())};
    keepEks(records);
    return {};
  }
  function onEksGet(b: Record<string, unknown>): Record<string, unknown> {
    const record = eksClusters()[String(b['name'])];
    if (!record || record.region !== String(b['region'])) return {absent: true};
    return {status: clock.now() >= record.readyAt ? 'ACTIVE' : 'CREATING', version: record.version, server: cp.url};
  }

  // eksctl delete cluster: the record goes, and with it everything on the simulated EKS cluster's API.
  function onEksDelete(b: Record<string, unknown>): Record<string, unknown> {
    const records = eksClusters();
    const name = String(b['name']);
    if (!records[name] || records[name]!.region !== String(b['region'])) return {absent: true};
    delete records[name];
    keepEks(records);
    const before = cp.store.snapshot();
    cp.store.restore({rv: before.rv + 1, objects: [], logs: {}});
    return {};
  }

  // --- eksctl anywhere create cluster ---------------------------------------------------------
  // What the create needs is saved with the stores (demo-state.json): the stand-in eksctl outlives a
  // killed wizard, and the world a resume starts carries its provisioning on from the saved objects.
  let run: (SavedEksctlRun & {openGate: () => void; gate: Promise<void>}) | undefined;
  const withGate = (saved: SavedEksctlRun) => {
    let openGate!: () => void;
    const gate = new Promise<void>(r => (openGate = r));
    if (saved.gateOpen) openGate();
    return {...saved, openGate, gate};
  };
  const changed = () => writer?.schedule();
  function openRunGate() {
    if (!run || run.gateOpen) return;
    run.gateOpen = true;
    run.openGate();
    changed();
  }
  function startProvisioning(r: NonNullable<typeof run>) {
    const version = /kubernetesVersion:\s*["']?([\d.]+)/.exec(r.spec)?.[1];
    scenarios.push(
      bootstrapProvisioning(bootstrap.store, {
        ...scenario,
        machines: r.machines,
        clusterName: r.clusterName,
        kubernetesVersion: version,
        workload: workload.store,
        gate: r.gate,
        windowSeconds: r.window,
      }),
    );
  }
  async function onEksctl(b: Record<string, unknown>): Promise<Record<string, unknown>> {
    const clusterName = String(b['clusterName'] ?? 'demo');
    if (b['event'] === 'start') {
      if (containers.has('smee')) return {error: 'boots container already exists, delete the container manually'};
      // eksctl's in-use probe goes where the simulated network routes the address (nowhere: nobody answers).
      const probe = routedTcpAnswers(net);
      const refused = await checkCreateInputs(
        String(b['clusterSpec'] ?? ''),
        String(b['hardwareCsv'] ?? ''),
        clock.now(),
        {
          answers: async ip => (await probe(ip)).inUse,
          skipIpCheck: b['skipIpCheck'] === true,
          workload: b['workload'] === true,
        },
      );
      if (refused) return {error: refused.error, lines: refused.lines};
      // The machines provision until the next V0 line; the -v 3 lines in between happen during it.
      const timeline = ((b['timeline'] ?? []) as Array<{t: number; text: string; level?: number}>).filter(
        l => (l.level ?? 0) === 0,
      );
      const i = timeline.findIndex(l => /Creating new (management|workload) cluster/.test(l.text));
      const window = i >= 0 && timeline[i + 1] ? (timeline[i + 1]!.t - timeline[i]!.t) * speed * 0.9 : 1200;
      run = withGate({
        clusterName,
        machines: machinesFromCsv(String(b['hardwareCsv'] ?? '')),
        spec: String(b['clusterSpec'] ?? ''),
        window,
        gateLines: i >= 0 ? timeline.slice(i).map(l => l.text) : [],
        gateOpen: false,
        provisioning: false,
        moved: false,
      });
      changed();
      bootstrap.store.delete({apiVersion: 'v1', kind: 'Namespace', name: 'eksa-system'});
      emit({type: 'eksctl-start', clusterName, machines: run.machines});
      return {clusters: {bootstrap: bootstrap.url, workload: workload.url}};
    }
    if (b['event'] === 'exit') {
      openRunGate();
      if (run) run.provisioning = false;
      changed();
      emit({type: 'eksctl-exit', clusterName, code: Number(b['code'])});
      return {};
    }
    const text = String(b['text'] ?? '');
    emit({type: 'eksctl-line', clusterName, text});
    const kind = `${clusterName}-eks-a-cluster-control-plane`;
    if (/Creating new bootstrap cluster/.test(text))
      addContainer(
        kind,
        'public.ecr.aws/eks-anywhere/kubernetes-sigs/kind/node:v1.33.5-eks-d-1-33-fake',
        '"/usr/local/bin/entr…"',
        '127.0.0.1:40123->6443/tcp',
        'kind',
      );
    if (/pre-capi-install-setup/.test(text))
      addContainer(
        'smee',
        'public.ecr.aws/eks-anywhere/tinkerbell/smee:v0.15.1-eks-a-fake',
        '"/usr/bin/smee -dhcp…"',
        '',
        'host',
      );
    if (/Provider specific post-setup/.test(text) && run && !run.provisioning && !run.moved) {
      run.provisioning = true;
      changed();
      startProvisioning(run);
    }
    // A line of the gate or after it (one sent while a resume restarted the world was lost) opens it.
    if (/Creating new (management|workload) cluster/.test(text) || run?.gateLines.includes(text)) openRunGate();
    if (/Moving the cluster management components|Moving cluster management/.test(text)) {
      if (run) Object.assign(run, {provisioning: false, moved: true});
      changed();
      moveManagement();
      dropContainer('smee');
    }
    if (/Moving cluster spec to workload cluster/.test(text) && run) applySpec(run.spec);
    if (/Deleting bootstrap cluster/.test(text)) dropContainer(kind);
    return {};
  }

  // clusterctl move: CAPI and Tinkerbell objects now live on the new cluster.
  function moveManagement() {
    const kinds = [
      ['cluster.x-k8s.io/v1beta1', 'Cluster'],
      ['cluster.x-k8s.io/v1beta1', 'Machine'],
      ['tinkerbell.org/v1alpha1', 'Hardware'],
      ['tinkerbell.org/v1alpha1', 'Workflow'],
      ['bmc.tinkerbell.org/v1alpha1', 'Machine'],
      ['v1', 'Secret'],
    ] as const;
    if (!workload.store.get({apiVersion: 'v1', kind: 'Namespace', name: 'eksa-system'})) {
      workload.store.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'eksa-system'}});
    }
    for (const [apiVersion, kind] of kinds) {
      for (const o of bootstrap.store.list({apiVersion, kind, namespace: 'eksa-system'})) {
        const {uid: _u, resourceVersion: _r, ...metadata} = o.metadata;
        workload.store.put({...o, metadata});
      }
    }
  }

  function applySpec(spec: string) {
    for (const doc of yaml.loadAll(spec)) {
      const o = doc as KubeObject | null;
      if (!o?.apiVersion || !o.kind || !o.metadata?.name) continue;
      try {
        workload.store.put({...o, metadata: {...o.metadata, namespace: o.metadata.namespace ?? 'default'}});
      } catch {
        // A kind the fake does not serve: skip it.
      }
    }
  }

  function addContainer(name: string, image: string, command: string, ports: string, network: string) {
    containers.set(name, {created: clock.now(), image, command, ports, network});
    writer?.schedule();
  }

  function dropContainer(name: string): boolean {
    const gone = containers.delete(name);
    if (gone) writer?.schedule();
    return gone;
  }

  function dockerPs() {
    return [...containers].map(([name, c]) => {
      const secs = Math.max(1, Math.round((clock.now() - c.created) / 1000));
      const ago =
        secs < 60
          ? `${secs} seconds`
          : secs < 3600
            ? `${Math.round(secs / 60)} minutes`
            : `${Math.round(secs / 3600)} hours`;
      const id = Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64);
      return {
        Command: c.command,
        CreatedAt: new Date(c.created)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, ' +0000 UTC'),
        ID: id.slice(0, 12),
        Image: c.image,
        Labels: '',
        LocalVolumes: '0',
        Mounts: '',
        Names: name,
        Networks: c.network,
        Ports: c.ports,
        RunningFor: `${ago} ago`,
        Size: '0B',
        State: 'running',
        Status: `Up ${ago}`,
      };
    });
  }

  // --- helm upgrade --install -------------------------------------------------------------------
  function dataPlaneFor(b: Record<string, unknown>): {dp: DataPlaneHandle; namespace: string; release: string} {
    const namespace = String(b['namespace'] ?? 'default');
    const release = String(b['release'] ?? '');
    return {dp: dataPlaneAt(clusterFor(b['server']), namespace, release), namespace, release};
  }

  function dataPlaneAt(cluster: ClusterId, namespace: string, release: string): DataPlaneHandle {
    const key = `${cluster}/${namespace}/${release}`;
    let dp = dataPlanes.get(key);
    if (!dp) {
      dp = newClusterDataPlane(apis[cluster].store, {...scenario, namespace, release, agent: () => dpAgent});
      dataPlanes.set(key, dp);
      scenarios.push(dp);
    }
    return dp;
  }

  function onHelmUninstall(b: Record<string, unknown>): Record<string, unknown> {
    if (clusterFor(b['server']) === 'controlPlane' && b['server'] === cp.url) return onCpUninstall(b);
    const {dp, namespace, release} = dataPlaneFor(b);
    const r = dp.uninstall();
    if ('removed' in r) emit({type: 'helm-uninstall', release, namespace});
    return {...r};
  }

  function onHelmRollback(b: Record<string, unknown>): Record<string, unknown> {
    const {dp, namespace, release} = dataPlaneFor(b);
    const r = dp.rollback(Number(b['revision']));
    if ('revision' in r) emit({type: 'helm-install', release, namespace, revision: r.revision});
    return {...r};
  }

  // eksctl anywhere delete cluster: the machines are deprovisioned and the cluster's API is empty.
  function onClusterDelete(b: Record<string, unknown>): Record<string, unknown> {
    const clusterName = String(b['clusterName'] ?? '');
    const found =
      workload.store
        .list({apiVersion: 'anywhere.eks.amazonaws.com/v1alpha1', kind: 'Cluster'})
        .some(c => c.metadata.name === clusterName) || workload.store.list({apiVersion: 'v1', kind: 'Node'}).length > 0;
    if (!found) return {error: `cluster ${clusterName} not found`};
    const before = workload.store.snapshot();
    workload.store.restore({rv: before.rv + 1, objects: [], logs: {}});
    writer?.schedule();
    emit({type: 'cluster-deleted', clusterName});
    return {};
  }

  // eksctl anywhere create packages -f FILE: the Package objects of the file, on the cluster of the kubeconfig.
  function onPackagesCreate(b: Record<string, unknown>): Record<string, unknown> {
    if (clusterFor(b['server']) !== 'workload' || b['server'] !== workload.url)
      return {error: 'the kubeconfig does not point at the EKS Anywhere cluster'};
    let docs: unknown[];
    try {
      docs = yaml.loadAll(String(b['yaml'] ?? ''));
    } catch (e) {
      return {error: `error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`};
    }
    const packages = docs.filter((d): d is KubeObject => !!d && typeof d === 'object');
    if (packages.length === 0) return {error: 'no packages found in the file'};
    const created: string[] = [];
    for (const doc of packages) {
      const r = metallb.createPackage(doc);
      if (r.error) return {error: r.error, created};
      created.push(doc.metadata.name!);
    }
    return {created};
  }

  // eksctl anywhere delete packages NAME... --cluster C: each Package from eksa-packages-C, in order.
  function onPackagesDelete(b: Record<string, unknown>): Record<string, unknown> {
    if (clusterFor(b['server']) !== 'workload' || b['server'] !== workload.url)
      return {error: 'the kubeconfig does not point at the EKS Anywhere cluster'};
    const deleted: string[] = [];
    for (const name of (b['names'] ?? []) as string[]) {
      const r = metallb.deletePackage(`eksa-packages-${String(b['cluster'])}`, name);
      if (r.error) return {error: r.error, deleted};
      deleted.push(name);
    }
    return {deleted};
  }

  function onHelmInstall(b: Record<string, unknown>): Record<string, unknown> {
    let values: Record<string, unknown>;
    try {
      values = helmValues((b['valuesFiles'] ?? []) as string[], (b['set'] ?? []) as string[]);
    } catch (e) {
      return {error: `failed to parse values: ${(e as Error).message}`};
    }
    if (
      clusterFor(b['server']) === 'controlPlane' &&
      (values['env'] as {role?: string} | undefined)?.role === 'control_plane'
    )
      return onCpInstall(b, values);
    const {dp, namespace, release} = dataPlaneFor(b);
    const r = dp.install({
      values,
      chart: String(b['chart'] ?? ''),
      createNamespace: b['createNamespace'] === true,
      installOnly: b['install'] === true,
      upgradeOnly: b['upgradeOnly'] === true,
    });
    if ('revision' in r) emit({type: 'helm-install', release, namespace, revision: r.revision});
    return {...r};
  }

  // helm upgrade --install kong-cp on the simulated EKS cluster: the chart's objects, then the CP is up.
  let cpRevision = 0;
  function onCpInstall(b: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
    const namespace = String(b['namespace'] ?? 'default');
    const release = String(b['release'] ?? '');
    if (!cp.store.get({apiVersion: 'v1', kind: 'Namespace', name: namespace}) && b['createNamespace'] !== true)
      return {
        error: `${cpRevision ? 'UPGRADE' : 'INSTALLATION'} FAILED: create: failed to create: namespaces "${namespace}" not found`,
      };
    cpRevision++;
    const deployed = deployedControlPlane(cp.store, {
      ...scenario,
      release,
      namespace,
      values,
      hostnames: controlPlane.hostnames,
    });
    scenarios.push(deployed);
    cpDeployed?.(deployed.ready);
    emit({type: 'helm-install', release, namespace, revision: cpRevision});
    return {revision: cpRevision, firstInstall: cpRevision === 1};
  }

  // helm uninstall of the CP release: the chart's objects (labelled with the release) go; helm's
  // "release: not found" when there is none (pkg/action/uninstall.go).
  function onCpUninstall(b: Record<string, unknown>): Record<string, unknown> {
    const namespace = String(b['namespace'] ?? 'default');
    const release = String(b['release'] ?? '');
    const selector = `app.kubernetes.io/instance=${release}`;
    const kinds: Array<[string, string]> = [
      ['apps/v1', 'Deployment'],
      ['v1', 'Service'],
      ['v1', 'Pod'],
      ['batch/v1', 'Job'],
    ];
    const owned = kinds.flatMap(([apiVersion, kind]) => {
      try {
        return cp.store.list({apiVersion, kind, namespace, labelSelector: selector}).map(o => ({apiVersion, kind, o}));
      } catch {
        return []; // a kind this fake API does not serve holds nothing
      }
    });
    if (cpRevision === 0 && owned.length === 0)
      return {error: `uninstall: Release not loaded: ${release}: release: not found`};
    const removed: string[] = [];
    for (const {apiVersion, kind, o} of owned)
      if (cp.store.delete({apiVersion, kind, namespace, name: o.metadata.name!}))
        removed.push(`${kind}/${o.metadata.name}`);
    cpRevision = 0;
    emit({type: 'helm-uninstall', release, namespace});
    return {removed};
  }

  let dpAgent: DataPlaneAgent | undefined;
  // A restarted world: each helm release saved in demo-state.json gets its scenario back, which adopts
  // the release's running pods; their Kong dials the CP again once the kong part plugs its agent in.
  if (saved) {
    for (const cluster of Object.keys(apis) as ClusterId[]) {
      const releases = new Set(
        apis[cluster].store
          .list({apiVersion: 'v1', kind: 'Secret', labelSelector: 'owner=helm'})
          .map(s => `${s.metadata.namespace ?? 'default'}/${s.metadata.labels?.['name'] ?? ''}`),
      );
      for (const key of releases) {
        const [namespace = 'default', release = ''] = key.split('/');
        if (release) dataPlaneAt(cluster, namespace, release);
      }
    }
  }
  // A create the killed world was provisioning for: the same scenario again, from where the objects are.
  if (saved?.eksctlRun) {
    run = withGate(saved.eksctlRun);
    if (run.provisioning) startProvisioning(run);
  }
  const writer = opts.persist
    ? createStateWriter(opts.sessionDir, () => ({
        version: 1,
        savedAt: new Date(clock.now()).toISOString(),
        urls: {controlPlane: cp.url, bootstrap: bootstrap.url, workload: workload.url, vsphere: vsphere.url},
        stores: {
          controlPlane: cp.store.snapshot(),
          bootstrap: bootstrap.store.snapshot(),
          workload: workload.store.snapshot(),
          vsphere: vsphere.store.snapshot(),
        },
        speed,
        containers: Object.fromEntries(containers),
        controlPlane: {hostnames: {...controlPlane.hostnames}},
        ...(answersDigest === undefined ? {} : {answersDigest}),
        ...(run ? {eksctlRun: savedRun(run)} : {}),
        parts: Object.fromEntries(partState),
      }))
    : undefined;
  const unwatch = writer ? Object.values(apis).map(a => a.store.onDirty(() => writer.schedule())) : [];
  writer?.schedule();

  return {
    env: standins.env,
    kubeconfigs,
    contexts,
    endpoints,
    apis,
    controlPlane,
    binDir: standins.binDir,
    services,
    addService: s => void services.push(s),
    restored: saved !== undefined,
    controlPlaneMode,
    notices,
    kept: key => partState.get(key),
    keep: (key, value) => {
      partState.set(key, value);
      writer?.schedule();
    },
    get answersDigest() {
      return answersDigest;
    },
    setAnswersDigest: digest => {
      answersDigest = digest;
      writer?.schedule();
    },
    setNet: n => {
      net = n;
    },
    setDataPlaneAgent: agent => {
      dpAgent = agent;
      for (const dp of dataPlanes.values()) dp.poke();
    },
    dataPlanesSettled: async () => {
      await Promise.all([...dataPlanes.values()].map(dp => dp.settled()));
    },
    onEvent: l => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    close: async () => {
      abort.abort(new Error('demo world closed'));
      await Promise.all(scenarios.map(s => s.done));
      for (const u of unwatch) u();
      metallb.close();
      kubeVip.close();
      writer?.close();
      await Promise.allSettled(services.map(async s => s.close()));
      await Promise.all(Object.values(apis).map(a => a.close()));
    },
  };
}

function savedRun({openGate: _o, gate: _g, ...saved}: SavedEksctlRun & {openGate: unknown; gate: unknown}) {
  return saved;
}

/** The vSphere cluster's nodes: Ready, amd64, with the addresses its NodePorts answer on. */
function seedVsphereNodes(store: FakeKubeApi['store'], now: number): void {
  const since = new Date(now - 40 * 86_400_000).toISOString();
  for (const node of VSPHERE_NODES) {
    store.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: node.name,
        labels: {
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/os': 'linux',
          ...(node.role === 'control-plane' ? {'node-role.kubernetes.io/control-plane': ''} : {}),
        },
        creationTimestamp: since,
      },
      status: {
        nodeInfo: {architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'v1.32.9-eks-d-1-32-fake'},
        conditions: [{type: 'Ready', status: 'True', lastTransitionTime: since}],
        addresses: [
          {type: 'InternalIP', address: node.ip},
          {type: 'Hostname', address: node.name},
        ],
      },
    });
  }
}

/** Deploy mode: no CP yet; `ready` settles with the certificate once the wizard's helm install brought it up. */
function awaitedControlPlane(
  opts: DemoWorldOptions['controlPlane'],
  onDeploy: (hook: (cert: Promise<ClusterCert>) => void) => void,
): KongControlPlaneHandle {
  const release = opts?.release ?? 'kong-cp';
  let resolve!: (c: ClusterCert) => void;
  const ready = new Promise<ClusterCert>(r => (resolve = r));
  onDeploy(cert => void cert.then(resolve, () => undefined));
  return {
    done: Promise.resolve(),
    stop: () => undefined,
    ready,
    hostnames: {
      cluster: nlbName(release, 'cluster', 'eu-west-3'),
      clustertelemetry: nlbName(release, 'telemetry', 'eu-west-3'),
      admin: nlbName(release, 'admin', 'eu-west-3'),
      proxy: nlbName(release, 'proxy', 'eu-west-3'),
    },
  };
}

/** The Kong CP as a saved demo left it: its Secrets and Services are in the restored store, so no new cert. */
function restoredControlPlane(
  store: FakeKubeApi['store'],
  opts: DemoWorldOptions['controlPlane'],
  savedHostnames: Record<string, string> | undefined,
): KongControlPlaneHandle | undefined {
  const ns = opts?.namespace ?? 'kong';
  const release = opts?.release ?? 'kong-cp';
  const secret = store.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: ns,
    name: opts?.certSecret ?? 'kong-cluster-cert',
  });
  const data = (secret?.['data'] ?? {}) as Record<string, string>;
  if (!data['tls.crt'] || !data['tls.key'] || !savedHostnames) return undefined;
  const hostnames = savedHostnames as KongControlPlaneHandle['hostnames'];
  // Killed while the load balancers were pending: they have their names now.
  for (const key of ['cluster', 'clustertelemetry', 'admin', 'proxy'] as const) {
    store.update({apiVersion: 'v1', kind: 'Service', namespace: ns, name: `${release}-kong-${key}`}, cur => {
      const ingress = (cur?.['status'] as {loadBalancer?: {ingress?: unknown[]}} | undefined)?.loadBalancer?.ingress;
      return cur && !ingress?.length && hostnames[key]
        ? {...cur, status: {loadBalancer: {ingress: [{hostname: hostnames[key]}]}}}
        : undefined;
    });
  }
  const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
  return {
    done: Promise.resolve(),
    stop: () => undefined,
    ready: Promise.resolve({
      certPem: decode(data['tls.crt']),
      keyPem: decode(data['tls.key']),
      // A pki CP's secret carries the CA it verifies data planes against.
      ...(data['ca.crt'] ? {caPem: decode(data['ca.crt'])} : {}),
    }),
    hostnames,
  };
}

/** Saved kubeconfigs (eksctl's, the bootstrap's) name the old ports when a port was taken on resume. */
function rewriteKubeconfigs(root: string, moves: ReadonlyArray<readonly [string, string]>, depth = 3): number {
  let count = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(root, {withFileTypes: true});
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(root, e.name);
    if (e.isDirectory() && depth > 0 && e.name !== 'logs') count += rewriteKubeconfigs(p, moves, depth - 1);
    else if (e.isFile() && e.name.endsWith('.kubeconfig')) {
      const text = readFileSync(p, 'utf8');
      const next = moves.reduce((t, [from, to]) => t.split(`server: ${from}`).join(`server: ${to}`), text);
      if (next !== text) {
        writeFileAtomicSync(p, next);
        count++;
      }
    }
  }
  return count;
}
