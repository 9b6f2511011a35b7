// The Kong data plane on the new EKS-A cluster, brought to life when the helm stand-in "installs" the
// release: the chart's Deployment and proxy Service rendered from the values (kong.md 1.1, 1.6),
// helm's release Secret, and DP pods that go ContainerCreating -> Running/Ready after a delay, or
// stay stuck the way a real pod does when a mounted Secret is missing.
// With a data-plane agent (the Kong part of the demo plugs one in) a started pod is only Running: the
// agent dials the control plane the way Kong's clustering client would, and the pod turns Ready only
// while it is connected and holds a non-empty configuration, as the chart's readiness probe
// (GET /status/ready, kong/status/ready.lua) answers 503 until then. Upgrades roll one pod at a time
// through the same path; pods saved by a previous run of the demo dial again when the world restarts.
import {gunzipSync, gzipSync} from 'node:zlib';
import type {FakeKubeStore, KubeObject} from '../fake-kube-api.js';
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
  /** `helm upgrade` without --install (fails when no revision is deployed). */
  upgradeOnly?: boolean;
}

export type HelmInstallResult = {error: string} | {revision: number; firstInstall: boolean};

/**
 * Tags of kong/kong-gateway the simulated registry holds; any other tag fails to pull (ErrImagePull,
 * then ImagePullBackOff), as the kubelet reports a tag the registry does not have.
 */
export const REGISTRY_TAGS: ReadonlySet<string> = new Set([
  '3.4.3.12',
  '3.8.1.0',
  '3.9.0.1',
  '3.9.1.0',
  '3.9.1.1',
  '3.9.1.2',
  '3.10.0.0',
  '3.10.0.1',
  '3.9',
]);

export interface DataPlaneHandle extends ScenarioHandle {
  install(req: HelmInstallRequest): HelmInstallResult;
  /** `helm uninstall`: the release's objects and its history go. */
  uninstall(): {error: string} | {removed: string[]};
  /** `helm rollback <release> <revision>`: the values of that revision, installed as a new revision. */
  rollback(to: number): HelmInstallResult;
  /** True when every pod of the current revision is Ready. */
  ready(): boolean;
  /** The agent was plugged in or changed: beat the running pods now. */
  poke(): void;
  /** Resolves once every pod adopted from a previous run has had one beat of its Kong (it dialed again). */
  settled(): Promise<void>;
}

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function newClusterDataPlane(store: FakeKubeStore, opts: DataPlaneOptions): DataPlaneHandle {
  const ns = opts.namespace ?? 'kong';
  const release = opts.release ?? 'kong-dp';
  const clock = opts.clock ?? systemClock;
  const fullname = `${release}-kong`;
  const selector = {
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/name': 'kong',
    'app.kubernetes.io/component': 'app',
  };
  let revision = 0;
  let podsReady = false;
  const queue: Array<() => Promise<void>> = [];
  let wake: (() => void) | undefined;

  // One worker drains rollouts in order, so a second install replaces the first's pods cleanly.
  // Rollouts wait on the worker's scaled clock, so stop() interrupts them mid-wait.
  let rolloutWait: (s: number) => Promise<void> = () => Promise.resolve();
  // Every started pod of the release (old and new side by side during a rolling update), whose Kong
  // the agent beats; pods a previous run saved (a restarted demo world) are adopted and dial again.
  const running = new Map<string, {spec: Values}>();
  for (const pod of store.list({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: ns,
    labelSelector: `app.kubernetes.io/instance=${release}`,
  })) {
    if ((pod['status'] as Values | undefined)?.['phase'] === 'Running' && pod['spec'])
      running.set(pod.metadata.name!, {spec: pod['spec'] as Values});
  }
  let settle: () => void = () => undefined;
  const settled = running.size === 0 ? Promise.resolve() : new Promise<void>(resolve => (settle = resolve));
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
      if (running.size > 0 && agent) {
        await beat(agent);
        // The kubelet's readiness probe runs every few seconds (chart: periodSeconds 10).
        await Promise.race([wait(2), woken]);
      } else await woken;
    }
  });

  const history = () =>
    store.list({apiVersion: 'v1', kind: 'Secret', namespace: ns, labelSelector: `owner=helm,name=${release}`});

  function install(req: HelmInstallRequest): HelmInstallResult {
    const nsExists = !!store.get({apiVersion: 'v1', kind: 'Namespace', name: ns});
    const previous = history();
    // helm upgrade (pkg/action/upgrade.go): no deployed revision is an error, before anything is touched.
    if (req.upgradeOnly && !previous.some(s => s.metadata.labels?.['status'] === 'deployed'))
      return {error: `UPGRADE FAILED: "${release}" has no deployed releases`};
    if (!nsExists && !req.createNamespace) return {error: `create: failed to create: namespaces "${ns}" not found`};
    if (!nsExists) store.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
    if (req.installOnly && previous.length > 0)
      return {error: 'INSTALLATION FAILED: cannot re-use a name that is still in use'};
    revision = previous.reduce((n, s) => Math.max(n, Number(s.metadata.labels?.['version'] ?? 0)), 0) + 1;
    const values: Values = req.values ?? {};
    for (const s of previous)
      store.update(
        {apiVersion: 'v1', kind: 'Secret', namespace: ns, name: s.metadata.name!},
        cur => cur && {...cur, metadata: {...cur.metadata, labels: {...cur.metadata.labels, status: 'superseded'}}},
      );
    const rel = {
      name: release,
      namespace: ns,
      version: revision,
      info: {status: 'deployed', last_deployed: stamp(clock)},
      chart: {metadata: {name: 'kong', version: '3.4.1', appVersion: '3.9'}},
      config: values,
    };
    store.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `sh.helm.release.v1.${release}.v${revision}`,
        namespace: ns,
        labels: {name: release, owner: 'helm', status: 'deployed', version: String(revision)},
      },
      type: 'helm.sh/release.v1',
      data: {release: Buffer.from(gzipSync(JSON.stringify(rel)).toString('base64')).toString('base64')},
    });
    const replicas = Number(values['replicaCount'] ?? opts.replicas ?? 1);
    const spec = podSpec(values);
    store.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: fullname, namespace: ns, labels: {...selector, 'app.kubernetes.io/managed-by': 'Helm'}},
      spec: {replicas, selector: {matchLabels: selector}, template: {metadata: {labels: selector}, spec}},
      status: {replicas, readyReplicas: 0, updatedReplicas: replicas, availableReplicas: 0},
    });
    const proxy: Values = values['proxy'] ?? {};
    if (proxy['enabled'] !== false) {
      const port = (p: Values | undefined, name: string, port: number, target: number) =>
        p?.['enabled'] === false
          ? []
          : [
              {
                name,
                port: p?.['servicePort'] ?? port,
                targetPort: p?.['containerPort'] ?? target,
                protocol: 'TCP',
                ...(p?.['nodePort'] ? {nodePort: p['nodePort']} : {}),
              },
            ];
      store.put({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: `${fullname}-proxy`,
          namespace: ns,
          labels: {...selector, 'app.kubernetes.io/managed-by': 'Helm'},
        },
        spec: {
          type: proxy['type'] ?? 'LoadBalancer',
          selector,
          ports: [...port(proxy['http'], 'kong-proxy', 80, 8000), ...port(proxy['tls'], 'kong-proxy-tls', 443, 8443)],
        },
      });
    }
    podsReady = false;
    const rev = revision;
    queue.push(() => rollout(rev, replicas, spec, values));
    wake?.();
    return {revision, firstInstall: previous.length === 0};
  }

  function uninstall(): {error: string} | {removed: string[]} {
    const releases = history();
    // helm uninstall (pkg/action/uninstall.go): "Release not loaded: <name>: release: not found".
    if (releases.length === 0) return {error: `uninstall: Release not loaded: ${release}: release: not found`};
    revision++; // any rollout still queued or waiting for this release stops
    const removed: string[] = [];
    const drop = (apiVersion: string, kind: string, name: string) => {
      if (store.delete({apiVersion, kind, namespace: ns, name})) removed.push(`${kind}/${name}`);
    };
    drop('apps/v1', 'Deployment', fullname);
    drop('v1', 'Service', `${fullname}-proxy`);
    for (const pod of store.list({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: ns,
      labelSelector: `app.kubernetes.io/instance=${release}`,
    })) {
      drop('v1', 'Pod', pod.metadata.name!);
      removePod(pod.metadata.name!);
    }
    for (const name of running.keys()) removePod(name);
    for (const secret of releases) drop('v1', 'Secret', secret.metadata.name!);
    podsReady = false;
    return {removed};
  }

  function rollback(to: number): HelmInstallResult {
    const target = history().find(s => Number(s.metadata.labels?.['version']) === to);
    // helm rollback (pkg/action/rollback.go): "release has no <n> version".
    if (!target) return {error: `release has no ${to} version`};
    const rel = JSON.parse(
      gunzipSync(
        Buffer.from(
          Buffer.from(String((target['data'] as Record<string, string>)['release']), 'base64').toString('utf8'),
          'base64',
        ),
      ).toString('utf8'),
    ) as {config?: Values};
    return install({values: rel.config ?? {}, upgradeOnly: true});
  }

  const podsOf = () =>
    store.list({apiVersion: 'v1', kind: 'Pod', namespace: ns, labelSelector: `app.kubernetes.io/instance=${release}`});
  const isReady = (pod: KubeObject) =>
    ((pod['status'] as {conditions?: Array<{type: string; status: string}>} | undefined)?.conditions ?? []).some(
      c => c.type === 'Ready' && c.status === 'True',
    );

  /**
   * The Deployment controller's RollingUpdate (maxSurge 25% rounded up, maxUnavailable 25% rounded
   * down: one new pod at a time here): a new pod starts, becomes Ready, then an old one goes; old and
   * new run side by side meanwhile. The template hash follows the pod spec, so rolling back to the
   * spec that still runs keeps those pods, as the old ReplicaSet scaling back up would.
   */
  async function rollout(rev: number, replicas: number, spec: Values, values: Values) {
    const nodes = store.list({apiVersion: 'v1', kind: 'Node'}).map(n => n.metadata.name!);
    const hash = suffix(`${release}-${JSON.stringify(spec)}`, 10);
    const current = podsOf();
    const keep = current
      .filter(p => p.metadata.labels?.['pod-template-hash'] === hash && isReady(p))
      .slice(0, replicas);
    let old = current.filter(p => !keep.includes(p)).map(p => p.metadata.name!);
    // A first install (nothing Ready to keep serving) starts every pod at once.
    const rolling = current.some(isReady);
    const wanted = replicas - keep.length;
    const pods = Array.from({length: wanted}, (_, i) => `${fullname}-${hash}-${suffix(`${release}-${rev}-${i}`)}`);
    const batches = rolling ? pods.map(p => [p]) : [pods];
    for (const batch of batches) {
      if (rev !== revision) return;
      if (!(await startPods(rev, batch, spec, values, nodes))) return;
      // With an agent the new pod is Ready only once its Kong is connected with a configuration: the
      // old pod goes only then (maxUnavailable 0 of one replica), beat by beat like the kubelet's probe.
      const agent = opts.agent?.();
      if (rolling && agent) {
        const batchReady = () =>
          batch.every(name => {
            const pod = store.get({apiVersion: 'v1', kind: 'Pod', namespace: ns, name});
            return pod !== undefined && isReady(pod);
          });
        while (rev === revision) {
          await beat(agent);
          if (rev !== revision || batchReady()) break;
          await rolloutWait(2);
        }
        if (rev !== revision) return;
      }
      if (rolling && old.length > 0) {
        removePod(old[0]!);
        old = old.slice(1);
      }
    }
    for (const name of old) removePod(name);
    if (rev !== revision) return;
    // Readiness is the probe's call when an agent runs the pods' Kong: beat() counts them.
    if (opts.agent?.()) return;
    store.update(
      {apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: fullname},
      cur =>
        cur && {
          ...cur,
          status: {
            replicas,
            readyReplicas: replicas,
            updatedReplicas: replicas,
            availableReplicas: replicas,
            observedGeneration: cur.metadata.generation,
          },
        },
    );
    podsReady = true;
  }

  /** Creates the pods and brings them to Ready; false when they cannot start before another revision comes. */
  async function startPods(
    rev: number,
    pods: string[],
    spec: Values,
    values: Values,
    nodes: string[],
  ): Promise<boolean> {
    const image: string = spec['containers'][0].image;
    pods.forEach((name, i) =>
      store.put({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: ns,
          labels: {...selector, 'pod-template-hash': suffix(`${release}-${JSON.stringify(spec)}`, 10)},
        },
        spec: {...spec, ...(nodes.length ? {nodeName: nodes[i % nodes.length]} : {})},
        status: {
          phase: 'Pending',
          conditions: [{type: 'Ready', status: 'False'}],
          containerStatuses: [
            {name: 'proxy', ready: false, restartCount: 0, image, state: {waiting: {reason: 'ContainerCreating'}}},
          ],
        },
      }),
    );
    await rolloutWait(2);
    // A tag the registry does not have: ErrImagePull, then ImagePullBackOff until another revision replaces the pod.
    const tag = image.slice(image.lastIndexOf(':') + 1);
    if (image.startsWith('kong/kong-gateway:') && !REGISTRY_TAGS.has(tag)) {
      for (const reason of ['ErrImagePull', 'ImagePullBackOff']) {
        for (const name of pods) {
          store.update(
            {apiVersion: 'v1', kind: 'Pod', namespace: ns, name},
            cur =>
              cur && {
                ...cur,
                status: {
                  ...(cur['status'] as object),
                  containerStatuses: [
                    {
                      name: 'proxy',
                      ready: false,
                      restartCount: 0,
                      image,
                      state: {
                        waiting: {
                          reason,
                          message: `rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/${image}": docker.io/${image}: not found`,
                        },
                      },
                    },
                  ],
                },
              },
          );
          event(
            name,
            reason === 'ErrImagePull' ? 'Failed' : 'BackOff',
            reason === 'ErrImagePull'
              ? `Failed to pull image "${image}": not found`
              : `Back-off pulling image "${image}"`,
          );
        }
        await rolloutWait(2);
      }
      while (rev === revision) await waitBeating(5);
      return false;
    }
    // Like the kubelet: a missing secret volume blocks the mount; a missing env secret blocks the start.
    for (;;) {
      if (rev !== revision) return false;
      const missing = requiredSecrets(values).filter(
        s => !store.get({apiVersion: 'v1', kind: 'Secret', namespace: ns, name: s.name}),
      );
      if (missing.length === 0) break;
      for (const name of pods) {
        const m = missing[0]!;
        store.update(
          {apiVersion: 'v1', kind: 'Pod', namespace: ns, name},
          cur =>
            cur && {
              ...cur,
              status: {
                ...(cur['status'] as object),
                containerStatuses: [
                  {
                    name: 'proxy',
                    ready: false,
                    restartCount: 0,
                    image: spec['containers'][0].image,
                    state: {
                      waiting: {
                        reason: m.volume ? 'ContainerCreating' : 'CreateContainerConfigError',
                        ...(m.volume ? {} : {message: `secret "${m.name}" not found`}),
                      },
                    },
                  },
                ],
              },
            },
        );
        event(
          name,
          m.volume ? 'FailedMount' : 'Failed',
          m.volume
            ? `MountVolume.SetUp failed for volume "${m.name}" : secret "${m.name}" not found`
            : `Error: secret "${m.name}" not found`,
        );
      }
      await waitBeating(5);
    }
    await rolloutWait(opts.startSeconds ?? 8);
    if (rev !== revision) return false;
    const env: Values = values['env'] ?? {};
    // With an agent, Kong is up but Ready is the readiness probe's call, beat by beat; without one the
    // pod is Ready at once and logs the connection a real DP would.
    const agent = Boolean(opts.agent?.());
    pods.forEach((name, i) => {
      store.update(
        {apiVersion: 'v1', kind: 'Pod', namespace: ns, name},
        cur =>
          cur && {
            ...cur,
            status: {
              phase: 'Running',
              podIP: `192.168.${10 + i}.${20 + rev}`,
              startTime: stamp(clock),
              conditions: [{type: 'Ready', status: agent ? 'False' : 'True'}],
              containerStatuses: [
                {
                  name: 'proxy',
                  ready: !agent,
                  restartCount: 0,
                  image: spec['containers'][0].image,
                  state: {running: {startedAt: stamp(clock)}},
                },
              ],
            },
          },
      );
      const ts = logStamp();
      const started = [
        `${ts} [notice] 1#0: using the "epoll" event method`,
        `${ts} [notice] 1#0: start worker processes`,
      ];
      const connected = [
        `${ts} [info] data plane role, database off, cluster_mtls ${env['cluster_mtls'] ?? 'shared'}`,
        `${ts} [info] [clustering] connecting to control plane at ${env['cluster_control_plane'] ?? '<unset>'} (node ${name})`,
        `${ts} [info] [clustering] received initial configuration snapshot from control plane`,
      ];
      store.appendLog(ns, name, [...started, ...(agent ? [] : connected)].join('\n'), 'proxy');
    });
    if (agent) for (const name of pods) running.set(name, {spec});
    return true;
  }

  /** Kong's error.log time stamp (2026/12/06 10:00:00). */
  function logStamp(): string {
    return stamp(clock).replace('T', ' ').replace('Z', '').replace(/-/g, '/');
  }

  /** One readiness round: each pod's Kong beats; Ready follows its answer, the Deployment counts them. */
  async function beat(agent: DataPlaneAgent) {
    let ready = 0;
    const adopted = settle;
    for (const [name, {spec}] of [...running]) {
      // A pod deleted behind our back (the cluster deleted): its Kong stops.
      if (!store.get({apiVersion: 'v1', kind: 'Pod', namespace: ns, name})) {
        removePod(name);
        continue;
      }
      const image = String(spec['containers'][0].image);
      const result = await agent.beat(podView(name, image, spec));
      const pod = store.get({apiVersion: 'v1', kind: 'Pod', namespace: ns, name});
      // Deleted while its Kong was dialing (uninstall, a rolling update): close what it opened.
      if (!pod || !running.has(name)) {
        if (!running.has(name)) agent.forget(name);
        continue;
      }
      const ts = logStamp();
      const lines = [...result.log, ...(result.crash ? [result.crash] : [])];
      if (lines.length) store.appendLog(ns, name, lines.map(l => `${ts} ${l}`).join('\n'), 'proxy');
      const restarts = Number((pod['status'] as Values | undefined)?.['containerStatuses']?.[0]?.['restartCount'] ?? 0);
      if (result.crash) {
        store.update(
          {apiVersion: 'v1', kind: 'Pod', namespace: ns, name},
          cur =>
            cur && {
              ...cur,
              status: {
                ...(cur['status'] as object),
                phase: 'Running',
                conditions: [{type: 'Ready', status: 'False'}],
                containerStatuses: [
                  {
                    name: 'proxy',
                    ready: false,
                    restartCount: restarts + 1,
                    image,
                    state: {
                      waiting: {reason: 'CrashLoopBackOff', message: 'back-off restarting failed container proxy'},
                    },
                    lastState: {terminated: {exitCode: 1, reason: 'Error'}},
                  },
                ],
              },
            },
        );
        continue;
      }
      const was = ((pod['status'] as Values | undefined)?.['conditions'] ?? []).some(
        (c: Values) => c['type'] === 'Ready' && c['status'] === 'True',
      );
      if (result.ready) ready++;
      if (was !== result.ready) {
        store.update(
          {apiVersion: 'v1', kind: 'Pod', namespace: ns, name},
          cur =>
            cur && {
              ...cur,
              status: {
                ...(cur['status'] as object),
                conditions: [{type: 'Ready', status: result.ready ? 'True' : 'False'}],
                containerStatuses: [
                  {
                    name: 'proxy',
                    ready: result.ready,
                    restartCount: restarts,
                    image,
                    state: {running: {startedAt: stamp(clock)}},
                  },
                ],
              },
            },
        );
      }
      // What kubectl describe shows for the chart's probe while Kong has no configuration.
      if (!result.ready) event(name, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    }
    const wanted = Number(
      (
        store.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: fullname})?.['spec'] as
          Values | undefined
      )?.['replicas'] ?? running.size,
    );
    store.update(
      {apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: fullname},
      cur =>
        cur && {
          ...cur,
          status: {
            replicas: running.size,
            readyReplicas: ready,
            updatedReplicas: wanted,
            availableReplicas: ready,
            observedGeneration: cur.metadata.generation,
          },
        },
    );
    podsReady = running.size > 0 && ready === running.size && running.size === wanted;
    adopted();
  }

  /** A rollout that waits long (a pull that fails, a missing secret) still lets the running pods' Kong beat. */
  async function waitBeating(seconds: number) {
    const agent = opts.agent?.();
    if (agent && running.size > 0) await beat(agent);
    await rolloutWait(seconds);
  }

  /** The pod goes (rolling update, uninstall): its Kong closes the connection, so the CP's row goes stale. */
  function removePod(name: string) {
    store.delete({apiVersion: 'v1', kind: 'Pod', namespace: ns, name});
    running.delete(name);
    opts.agent?.()?.forget(name);
  }

  /** The pod as Kong sees it: KONG_* env and the files of its secret volumes (the store's current bytes). */
  function podView(name: string, image: string, spec: Values): DpPodView {
    const env: Record<string, string> = {};
    for (const e of (spec['containers'][0].env ?? []) as Array<{name: string; value?: string}>) {
      if (e.name.startsWith('KONG_') && e.value !== undefined) env[e.name.slice(5).toLowerCase()] = e.value;
    }
    const mounts = (spec['containers'][0].volumeMounts ?? []) as Array<{name: string; mountPath: string}>;
    return {
      name,
      namespace: ns,
      image,
      env,
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
    store.put({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {name: `${pod}.${suffix(reason + message, 8)}`, namespace: ns},
      involvedObject: {kind: 'Pod', name: pod, namespace: ns, apiVersion: 'v1'},
      reason,
      message,
      type: 'Warning',
      count: 1,
      firstTimestamp: stamp(clock),
      lastTimestamp: stamp(clock),
      source: {component: 'kubelet'},
    });
  }

  return {
    ...handle,
    install,
    uninstall,
    rollback,
    ready: () => podsReady,
    poke: () => wake?.(),
    settled: () => settled,
  };
}

function requiredSecrets(values: Values): Array<{name: string; volume: boolean}> {
  const vols: string[] = Array.isArray(values['secretVolumes']) ? values['secretVolumes'] : [];
  const license = values['enterprise']?.['enabled'] && values['enterprise']?.['license_secret'];
  return [...vols.map(name => ({name, volume: true})), ...(license ? [{name: String(license), volume: false}] : [])];
}

/** The chart's pod spec, reduced to what the wizard checks: image, env (every env.<k> -> KONG_<K>), secret volumes. */
export function podSpec(values: Values): Values {
  const image = values['image'] ?? {};
  const env = Object.entries((values['env'] ?? {}) as Record<string, unknown>).map(([k, v]) => ({
    name: `KONG_${k.toUpperCase()}`,
    value: String(v),
  }));
  if (!env.some(e => e.name === 'KONG_DATABASE')) env.push({name: 'KONG_DATABASE', value: 'off'});
  const license = values['enterprise']?.['enabled'] && values['enterprise']?.['license_secret'];
  const vols: string[] = Array.isArray(values['secretVolumes']) ? values['secretVolumes'] : [];
  return {
    containers: [
      {
        name: 'proxy',
        image: `${image['repository'] ?? 'kong/kong-gateway'}:${image['tag'] ?? '3.9'}`,
        env: [
          ...env,
          ...(license
            ? [{name: 'KONG_LICENSE_DATA', valueFrom: {secretKeyRef: {name: String(license), key: 'license'}}}]
            : []),
        ],
        ports: [
          {name: 'proxy', containerPort: 8000, protocol: 'TCP'},
          {name: 'proxy-tls', containerPort: 8443, protocol: 'TCP'},
          {name: 'status', containerPort: 8100, protocol: 'TCP'},
        ],
        volumeMounts: vols.map(name => ({name, mountPath: `/etc/secrets/${name}`})),
      },
    ],
    volumes: vols.map(name => ({name, secret: {secretName: name}})),
  };
}
