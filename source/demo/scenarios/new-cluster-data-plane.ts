// The Kong data plane on the new EKS-A cluster, brought to life when the helm stand-in "installs" the
// release: the chart's Deployment and proxy Service rendered from the values (kong.md 1.1, 1.6),
// helm's release Secret, and DP pods that go ContainerCreating -> Running/Ready after a delay, or
// stay stuck the way a real pod does when a mounted Secret is missing.
// With a data-plane agent (the Kong part of the demo plugs one in) a started pod is only Running: the
// agent dials the control plane the way Kong's clustering client would, and the pod turns Ready only
// while it is connected and holds a non-empty configuration, as the chart's readiness probe
// (GET /status/ready, kong/status/ready.lua) answers 503 until then.
import {gzipSync} from 'node:zlib';
import type {FakeKubeStore} from '../fake-kube-api.js';
import {runScenario, stamp, suffix, type ScenarioHandle, type ScenarioOptions} from './timeline.js';
import {systemClock} from '../../ports.js';

/** A started DP pod as its Kong process sees it: env (KONG_* without the prefix, lowercase) and mounted files. */
export interface DpPodView {
  name: string;
  namespace: string;
  image: string;
  env: Record<string, string>;
  /** The content of a file under a mounted secret volume, or undefined when the key is not in the secret. */
  file(path: string): string | undefined;
}

export interface DpBeat {
  /** Connected to the CP and holding a non-empty configuration: /status/ready answers 200. */
  ready: boolean;
  /** New lines of the proxy container's log (without timestamps). */
  log: string[];
  /** Kong refused to start (a bad setting or an unreadable file): the container exits with this line. */
  crash?: string;
}

/** The simulated Kong process of one pod: one beat of its clustering loop. */
export interface DataPlaneAgent {
  beat(pod: DpPodView): Promise<DpBeat>;
  /** The pod was deleted (new revision): close its connection. */
  forget(pod: string): void;
}

export interface DataPlaneOptions extends ScenarioOptions {
  /** The simulated Kong of each pod; without one a started pod is Ready at once (no CP to ask). */
  agent?: () => DataPlaneAgent | undefined;
  namespace?: string;
  release?: string;
  /** Default replica count when the values do not set replicaCount. */
  replicas?: number;
  /** Recorded seconds from install to Ready pods. */
  startSeconds?: number;
}

export interface HelmInstallRequest {
  chart?: string;
  /** Values merged in order (later wins), like several -f files. */
  values?: Record<string, unknown>;
  createNamespace?: boolean;
  /** `helm install` (fails when the release exists) rather than `upgrade --install`. */
  installOnly?: boolean;
}

export type HelmInstallResult = {error: string} | {revision: number; firstInstall: boolean};

export interface DataPlaneHandle extends ScenarioHandle {
  install(req: HelmInstallRequest): HelmInstallResult;
  /** True when every pod of the current revision is Ready. */
  ready(): boolean;
}

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function newClusterDataPlane(store: FakeKubeStore, opts: DataPlaneOptions): DataPlaneHandle {
  const ns = opts.namespace ?? 'kong';
  const release = opts.release ?? 'kong-dp';
  const clock = opts.clock ?? systemClock;
  const fullname = `${release}-kong`;
  const selector = {'app.kubernetes.io/instance': release, 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/component': 'app'};
  let revision = 0;
  let podsReady = false;
  const queue: Array<() => Promise<void>> = [];
  let wake: (() => void) | undefined;

  // One worker drains rollouts in order, so a second install replaces the first's pods cleanly.
  // Rollouts wait on the worker's scaled clock, so stop() interrupts them mid-wait.
  let rolloutWait: (s: number) => Promise<void> = () => Promise.resolve();
  let live: {rev: number; pods: string[]; spec: Values} | undefined;
  const handle = runScenario(opts, async (wait, signal) => {
    rolloutWait = wait;
    // One abort listener for the whole loop (not one per round): stop() wakes the worker.
    signal.addEventListener('abort', () => wake?.(), {once: true});
    while (!signal.aborted) {
      const job = queue.shift();
      if (job) {
        await job();
        continue;
      }
      const woken = new Promise<void>(resolve => {
        wake = resolve;
      });
      const agent = opts.agent?.();
      if (live && agent) {
        await beat(agent, live);
        // The kubelet's readiness probe runs every few seconds (chart: periodSeconds 10).
        await Promise.race([wait(2), woken]);
      } else await woken;
    }
  });

  function install(req: HelmInstallRequest): HelmInstallResult {
    const nsExists = !!store.get({apiVersion: 'v1', kind: 'Namespace', name: ns});
    if (!nsExists && !req.createNamespace) return {error: `create: failed to create: namespaces "${ns}" not found`};
    if (!nsExists) store.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
    const previous = store.list({apiVersion: 'v1', kind: 'Secret', namespace: ns, labelSelector: `owner=helm,name=${release}`});
    if (req.installOnly && previous.length > 0) return {error: 'INSTALLATION FAILED: cannot re-use a name that is still in use'};
    revision = previous.reduce((n, s) => Math.max(n, Number(s.metadata.labels?.['version'] ?? 0)), 0) + 1;
    const values: Values = req.values ?? {};
    for (const s of previous) store.update({apiVersion: 'v1', kind: 'Secret', namespace: ns, name: s.metadata.name!},
      cur => cur && {...cur, metadata: {...cur.metadata, labels: {...cur.metadata.labels, status: 'superseded'}}});
    const rel = {name: release, namespace: ns, version: revision, info: {status: 'deployed', last_deployed: stamp(clock)}, chart: {metadata: {name: 'kong', version: '3.4.1', appVersion: '3.9'}}, config: values};
    store.put({apiVersion: 'v1', kind: 'Secret', metadata: {name: `sh.helm.release.v1.${release}.v${revision}`, namespace: ns,
      labels: {name: release, owner: 'helm', status: 'deployed', version: String(revision)}},
      type: 'helm.sh/release.v1', data: {release: Buffer.from(gzipSync(JSON.stringify(rel)).toString('base64')).toString('base64')}});
    const replicas = Number(values['replicaCount'] ?? opts.replicas ?? 1);
    const spec = podSpec(values);
    store.put({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: fullname, namespace: ns, labels: {...selector, 'app.kubernetes.io/managed-by': 'Helm'}},
      spec: {replicas, selector: {matchLabels: selector}, template: {metadata: {labels: selector}, spec}},
      status: {replicas, readyReplicas: 0, updatedReplicas: replicas, availableReplicas: 0}});
    const proxy: Values = values['proxy'] ?? {};
    if (proxy['enabled'] !== false) {
      const port = (p: Values | undefined, name: string, port: number, target: number) => p?.['enabled'] === false ? [] : [{
        name, port: p?.['servicePort'] ?? port, targetPort: p?.['containerPort'] ?? target, protocol: 'TCP', ...(p?.['nodePort'] ? {nodePort: p['nodePort']} : {})}];
      store.put({apiVersion: 'v1', kind: 'Service', metadata: {name: `${fullname}-proxy`, namespace: ns, labels: {...selector, 'app.kubernetes.io/managed-by': 'Helm'}},
        spec: {type: proxy['type'] ?? 'LoadBalancer', selector, ports: [...port(proxy['http'], 'kong-proxy', 80, 8000), ...port(proxy['tls'], 'kong-proxy-tls', 443, 8443)]}});
    }
    podsReady = false;
    const rev = revision;
    queue.push(() => rollout(rev, replicas, spec, values));
    wake?.();
    return {revision, firstInstall: previous.length === 0};
  }

  async function rollout(rev: number, replicas: number, spec: Values, values: Values) {
    live = undefined;
    for (const old of store.list({apiVersion: 'v1', kind: 'Pod', namespace: ns, labelSelector: `app.kubernetes.io/instance=${release}`})) {
      store.delete({apiVersion: 'v1', kind: 'Pod', namespace: ns, name: old.metadata.name!});
      opts.agent?.()?.forget(old.metadata.name!);
    }
    const nodes = store.list({apiVersion: 'v1', kind: 'Node'}).map(n => n.metadata.name!);
    const hash = suffix(`${release}-${rev}`, 10);
    const pods = Array.from({length: replicas}, (_, i) => `${fullname}-${hash}-${suffix(`${release}-${rev}-${i}`)}`);
    pods.forEach((name, i) => store.put({apiVersion: 'v1', kind: 'Pod',
      metadata: {name, namespace: ns, labels: {...selector, 'pod-template-hash': hash}},
      spec: {...spec, ...(nodes.length ? {nodeName: nodes[i % nodes.length]} : {})},
      status: {phase: 'Pending', conditions: [{type: 'Ready', status: 'False'}],
        containerStatuses: [{name: 'proxy', ready: false, restartCount: 0, image: spec['containers'][0].image, state: {waiting: {reason: 'ContainerCreating'}}}]}}));
    await rolloutWait(2);
    // Like the kubelet: a missing secret volume blocks the mount; a missing env secret blocks the start.
    for (;;) {
      const missing = requiredSecrets(values).filter(s => !store.get({apiVersion: 'v1', kind: 'Secret', namespace: ns, name: s.name}));
      if (missing.length === 0) break;
      for (const name of pods) {
        const m = missing[0]!;
        store.update({apiVersion: 'v1', kind: 'Pod', namespace: ns, name}, cur => cur && {...cur, status: {...(cur['status'] as object),
          containerStatuses: [{name: 'proxy', ready: false, restartCount: 0, image: spec['containers'][0].image,
            state: {waiting: {reason: m.volume ? 'ContainerCreating' : 'CreateContainerConfigError', ...(m.volume ? {} : {message: `secret "${m.name}" not found`})}}}]}});
        event(name, m.volume ? 'FailedMount' : 'Failed', m.volume
          ? `MountVolume.SetUp failed for volume "${m.name}" : secret "${m.name}" not found`
          : `Error: secret "${m.name}" not found`);
      }
      await rolloutWait(5);
    }
    await rolloutWait(opts.startSeconds ?? 8);
    const env: Values = values['env'] ?? {};
    if (opts.agent?.()) {
      // Kong is up; whether the pod is Ready is the readiness probe's call, beat by beat.
      pods.forEach((name, i) => {
        store.update({apiVersion: 'v1', kind: 'Pod', namespace: ns, name}, cur => cur && {...cur, status: {phase: 'Running', podIP: `192.168.${10 + i}.${20 + rev}`,
          startTime: stamp(clock), conditions: [{type: 'Ready', status: 'False'}],
          containerStatuses: [{name: 'proxy', ready: false, restartCount: 0, image: spec['containers'][0].image, state: {running: {startedAt: stamp(clock)}}}]}});
        const ts = stamp(clock).replace('T', ' ').replace('Z', '').replace(/-/g, '/');
        store.appendLog(ns, name, [`${ts} [notice] 1#0: using the "epoll" event method`, `${ts} [notice] 1#0: start worker processes`].join('\n'), 'proxy');
      });
      if (rev === revision) live = {rev, pods, spec};
      return;
    }
    pods.forEach((name, i) => {
      store.update({apiVersion: 'v1', kind: 'Pod', namespace: ns, name}, cur => cur && {...cur, status: {phase: 'Running', podIP: `192.168.${10 + i}.${20 + rev}`,
        startTime: stamp(clock), conditions: [{type: 'Ready', status: 'True'}],
        containerStatuses: [{name: 'proxy', ready: true, restartCount: 0, image: spec['containers'][0].image, state: {running: {startedAt: stamp(clock)}}}]}});
      const ts = stamp(clock).replace('T', ' ').replace('Z', '').replace(/-/g, '/');
      store.appendLog(ns, name, [
        `${ts} [notice] 1#0: using the "epoll" event method`,
        `${ts} [notice] 1#0: start worker processes`,
        `${ts} [info] data plane role, database off, cluster_mtls ${env['cluster_mtls'] ?? 'shared'}`,
        `${ts} [info] [clustering] connecting to control plane at ${env['cluster_control_plane'] ?? '<unset>'} (node ${name})`,
        `${ts} [info] [clustering] received initial configuration snapshot from control plane`,
      ].join('\n'), 'proxy');
    });
    if (rev !== revision) return;
    store.update({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: fullname},
      cur => cur && {...cur, status: {replicas, readyReplicas: replicas, updatedReplicas: replicas, availableReplicas: replicas, observedGeneration: cur.metadata.generation}});
    podsReady = true;
  }

  /** One readiness round: each pod's Kong beats; Ready follows its answer, the Deployment counts them. */
  async function beat(agent: DataPlaneAgent, current: {rev: number; pods: string[]; spec: Values}) {
    const image = String(current.spec['containers'][0].image);
    let ready = 0;
    for (const name of current.pods) {
      const pod = store.get({apiVersion: 'v1', kind: 'Pod', namespace: ns, name});
      if (!pod) continue;
      const result = await agent.beat(podView(name, image, current.spec));
      if (current.rev !== revision || live !== current) return;
      const ts = stamp(clock).replace('T', ' ').replace('Z', '').replace(/-/g, '/');
      const lines = [...result.log, ...(result.crash ? [result.crash] : [])];
      if (lines.length) store.appendLog(ns, name, lines.map(l => `${ts} ${l}`).join('\n'), 'proxy');
      const restarts = Number((pod['status'] as Values | undefined)?.['containerStatuses']?.[0]?.['restartCount'] ?? 0);
      if (result.crash) {
        store.update({apiVersion: 'v1', kind: 'Pod', namespace: ns, name}, cur => cur && {...cur, status: {...(cur['status'] as object), phase: 'Running', conditions: [{type: 'Ready', status: 'False'}],
          containerStatuses: [{name: 'proxy', ready: false, restartCount: restarts + 1, image, state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off restarting failed container proxy'}}, lastState: {terminated: {exitCode: 1, reason: 'Error'}}}]}});
        continue;
      }
      const was = ((pod['status'] as Values | undefined)?.['conditions'] ?? []).some((c: Values) => c['type'] === 'Ready' && c['status'] === 'True');
      if (result.ready) ready++;
      if (was !== result.ready) {
        store.update({apiVersion: 'v1', kind: 'Pod', namespace: ns, name}, cur => cur && {...cur, status: {...(cur['status'] as object), conditions: [{type: 'Ready', status: result.ready ? 'True' : 'False'}],
          containerStatuses: [{name: 'proxy', ready: result.ready, restartCount: restarts, image, state: {running: {startedAt: stamp(clock)}}}]}});
      }
      // What kubectl describe shows for the chart's probe while Kong has no configuration.
      if (!result.ready) event(name, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    }
    store.update({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: fullname},
      cur => cur && {...cur, status: {replicas: current.pods.length, readyReplicas: ready, updatedReplicas: current.pods.length, availableReplicas: ready, observedGeneration: cur.metadata.generation}});
    podsReady = ready === current.pods.length;
  }

  /** The pod as Kong sees it: KONG_* env and the files of its secret volumes (the store's current bytes). */
  function podView(name: string, image: string, spec: Values): DpPodView {
    const env: Record<string, string> = {};
    for (const e of (spec['containers'][0].env ?? []) as Array<{name: string; value?: string}>) {
      if (e.name.startsWith('KONG_') && e.value !== undefined) env[e.name.slice(5).toLowerCase()] = e.value;
    }
    const mounts = (spec['containers'][0].volumeMounts ?? []) as Array<{name: string; mountPath: string}>;
    return {
      name, namespace: ns, image, env,
      file(path) {
        const mount = mounts.find(m => path.startsWith(`${m.mountPath}/`));
        if (!mount) return undefined;
        const secret = store.get({apiVersion: 'v1', kind: 'Secret', namespace: ns, name: mount.name});
        const b64 = (secret?.['data'] as Record<string, string> | undefined)?.[path.slice(mount.mountPath.length + 1)];
        return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
      },
    };
  }

  function event(pod: string, reason: string, message: string) {
    store.put({apiVersion: 'v1', kind: 'Event', metadata: {name: `${pod}.${suffix(reason + message, 8)}`, namespace: ns},
      involvedObject: {kind: 'Pod', name: pod, namespace: ns, apiVersion: 'v1'}, reason, message, type: 'Warning', count: 1,
      firstTimestamp: stamp(clock), lastTimestamp: stamp(clock), source: {component: 'kubelet'}});
  }

  return {...handle, install, ready: () => podsReady};
}

function requiredSecrets(values: Values): Array<{name: string; volume: boolean}> {
  const vols: string[] = Array.isArray(values['secretVolumes']) ? values['secretVolumes'] : [];
  const license = values['enterprise']?.['enabled'] && values['enterprise']?.['license_secret'];
  return [...vols.map(name => ({name, volume: true})), ...(license ? [{name: String(license), volume: false}] : [])];
}

/** The chart's pod spec, reduced to what the wizard checks: image, env (every env.<k> -> KONG_<K>), secret volumes. */
export function podSpec(values: Values): Values {
  const image = values['image'] ?? {};
  const env = Object.entries((values['env'] ?? {}) as Record<string, unknown>).map(([k, v]) => ({name: `KONG_${k.toUpperCase()}`, value: String(v)}));
  if (!env.some(e => e.name === 'KONG_DATABASE')) env.push({name: 'KONG_DATABASE', value: 'off'});
  const license = values['enterprise']?.['enabled'] && values['enterprise']?.['license_secret'];
  const vols: string[] = Array.isArray(values['secretVolumes']) ? values['secretVolumes'] : [];
  return {
    containers: [{
      name: 'proxy', image: `${image['repository'] ?? 'kong/kong-gateway'}:${image['tag'] ?? '3.9'}`,
      env: [...env, ...(license ? [{name: 'KONG_LICENSE_DATA', valueFrom: {secretKeyRef: {name: String(license), key: 'license'}}}] : [])],
      ports: [{name: 'proxy', containerPort: 8000, protocol: 'TCP'}, {name: 'proxy-tls', containerPort: 8443, protocol: 'TCP'}, {name: 'status', containerPort: 8100, protocol: 'TCP'}],
      volumeMounts: vols.map(name => ({name, mountPath: `/etc/secrets/${name}`})),
    }],
    volumes: vols.map(name => ({name, secret: {secretName: name}})),
  };
}
