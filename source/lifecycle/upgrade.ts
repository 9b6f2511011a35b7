// `eksa-kong upgrade NAME --dp-version V`: a rolling upgrade of the session's data plane within Kong's
// version rule. Check the rule against the CP's version, `helm upgrade` with the new image tag, watch
// the pods roll one by one (old and new side by side), then verify again: every new pod's
// /clustering/data-planes row is normal with the new version, and the route answers through the proxy.
// A failed rollout offers `helm rollback` to the revision that ran before.
import type {Clock, Net} from '../ports.js';
import type {CommandSpec} from '../run/types.js';
import type {KubeApi, KubePod} from '../kong/kube-api.js';
import {DEFAULT_CHART_VERSION, dpPodSelector, HELM_CHART, helmEnv, podState} from '../kong/deploy.js';
import {DP_VALUES_FILE} from '../kong/dp-values.js';
import {checkVersionSkew, splitImage, type SkewCheck} from '../kong/version.js';
import {httpGet, verifyDataPlanes, type DataPlaneVerification} from '../kong/verify.js';
import {smokeUrl} from '../steps/verify/verify-step.js';
import type {AdminClient} from '../kong/admin-api.js';
export {runWithOutput} from './run-output.js';

export interface UpgradeTarget {
  release: string;
  namespace: string;
  kubeconfig: string;
  context?: string;
  /** The kubeconfig as written in commands (relative to the session folder when inside it). */
  kubeconfigArg: string;
  sessionDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** repository:tag running now (the data-plane step's image, or the last upgrade's). */
  image: string;
  replicas: number;
  proxyUrl?: string;
}

/** The version rule against the CP: same major, DP minor not above the CP's. */
export function judgeUpgrade(cpVersion: string, to: string): SkewCheck {
  return checkVersionSkew(cpVersion, to);
}

export function upgradeCommand(t: UpgradeTarget, to: string): CommandSpec {
  const {repository} = splitImage(t.image);
  return {
    command: 'helm',
    args: [
      'upgrade',
      '-n',
      t.namespace,
      '-f',
      DP_VALUES_FILE,
      '--version',
      DEFAULT_CHART_VERSION,
      '--set',
      `image.repository=${repository}`,
      '--set',
      `image.tag=${to}`,
      '--kubeconfig',
      t.kubeconfigArg,
      ...(t.context ? ['--kube-context', t.context] : []),
      // cobra/pflag: after `--` every word is positional, so a release can never be read as a flag.
      '--',
      t.release,
      HELM_CHART,
    ],
    step: 'upgrade',
    cwd: t.sessionDir,
    env: helmEnv(t.env, t.kubeconfig),
    timeoutMs: 600_000,
    title: `Upgrade the data plane ${t.release} to ${to}`,
  };
}

export function rollbackCommand(t: UpgradeTarget, revision: number): CommandSpec {
  return {
    command: 'helm',
    args: [
      'rollback',
      '-n',
      t.namespace,
      '--kubeconfig',
      t.kubeconfigArg,
      ...(t.context ? ['--kube-context', t.context] : []),
      '--wait',
      '--',
      t.release,
      String(revision),
    ],
    step: 'upgrade',
    cwd: t.sessionDir,
    env: helmEnv(t.env, t.kubeconfig),
    timeoutMs: 600_000,
    title: `Roll the data plane ${t.release} back to revision ${revision}`,
  };
}

/** The deployed helm revision of the release (helm keeps it in sh.helm.release.v1.* secrets), or undefined. */
export async function deployedRevision(
  kube: KubeApi,
  t: Pick<UpgradeTarget, 'namespace' | 'release'>,
): Promise<number | undefined> {
  const secrets = await kube.list('Secret', t.namespace, {
    labelSelector: `owner=helm,name=${t.release},status=deployed`,
  });
  const versions = secrets.map(s => Number(s.metadata.labels?.['version'])).filter(n => Number.isInteger(n));
  return versions.length > 0 ? Math.max(...versions) : undefined;
}

export interface RolloutPod {
  name: string;
  tag: string;
  ready: boolean;
  /** Ready, ContainerCreating, ImagePullBackOff... */
  state: string;
  isNew: boolean;
}

function podTag(pod: KubePod): string {
  const containers = (pod.spec as {containers?: Array<{name?: string; image?: string}>} | undefined)?.containers ?? [];
  const image = (containers.find(c => c.name === 'proxy') ?? containers[0])?.image ?? '';
  return splitImage(image).tag ?? '';
}

/** Reasons that do not cure by waiting: the rollout is failing. */
const STUCK = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CrashLoopBackOff',
  'InvalidImageName',
]);

export interface RolloutResult {
  status: 'done' | 'failing' | 'timeout' | 'cancelled';
  pods: RolloutPod[];
  title: string;
}

/** Polls the release's pods until every one runs the new tag and is Ready (and the old ones are gone). */
export async function watchRollout(
  kube: KubeApi,
  t: Pick<UpgradeTarget, 'namespace' | 'release' | 'replicas'>,
  to: string,
  opts: {
    clock: Clock;
    intervalMs: number;
    timeoutMs: number;
    signal?: AbortSignal;
    onPods?: (pods: RolloutPod[]) => void;
  },
): Promise<RolloutResult> {
  const deadline = opts.clock.now() + opts.timeoutMs;
  let pods: RolloutPod[] = [];
  for (;;) {
    if (opts.signal?.aborted) return {status: 'cancelled', pods, title: 'Stopped watching the rollout'};
    const list = await kube.list('Pod', t.namespace, {labelSelector: dpPodSelector(t.release)});
    pods = list.map(p => {
      const s = podState(p);
      const tag = podTag(p);
      return {name: s.name, tag, ready: s.ready, state: s.ready ? 'Ready' : (s.reason ?? s.phase), isNew: tag === to};
    });
    opts.onPods?.(pods);
    const fresh = pods.filter(p => p.isNew);
    if (fresh.length >= t.replicas && fresh.every(p => p.ready) && pods.every(p => p.isNew)) {
      return {
        status: 'done',
        pods,
        title: `${fresh.length} data plane pod${fresh.length === 1 ? '' : 's'} on ${to}, Ready`,
      };
    }
    const stuck = fresh.find(p => STUCK.has(p.state));
    if (stuck) return {status: 'failing', pods, title: `${stuck.name} (${to}): ${stuck.state}`};
    if (opts.clock.now() >= deadline)
      return {
        status: 'timeout',
        pods,
        title: `the new pods were not Ready in time (${fresh.filter(p => p.ready).length}/${t.replicas})`,
      };
    try {
      await opts.clock.sleep(opts.intervalMs, opts.signal);
    } catch {
      return {status: 'cancelled', pods, title: 'Stopped watching the rollout'};
    }
  }
}

export interface ReverifyResult {
  ok: boolean;
  verification?: DataPlaneVerification;
  proxyOk?: boolean;
  title: string;
}

/** After the rollout: the CP sees every new pod normal on the new version, and the route answers. */
export async function reverify(
  admin: AdminClient,
  podNames: string[],
  to: string,
  opts: {clock: Clock; net: Net; intervalMs: number; attempts: number; proxyUrl?: string; signal?: AbortSignal},
): Promise<ReverifyResult> {
  let verification: DataPlaneVerification | undefined;
  let error = '';
  for (let i = 1; i <= opts.attempts; i++) {
    try {
      verification = await verifyDataPlanes(admin, {
        podNames,
        nowMs: opts.clock.now(),
        expectedVersion: to,
        signal: opts.signal,
      });
      if (verification.ok && !verification.versionNote) break;
    } catch (e) {
      error = (e as Error).message.split('\n')[0]!;
    }
    if (i < opts.attempts) await opts.clock.sleep(opts.intervalMs, opts.signal).catch(() => undefined);
  }
  if (!verification?.ok || verification.versionNote) {
    const pod = verification?.pods.find(p => p.status !== 'connected');
    return {
      ok: false,
      verification,
      title: pod
        ? `${pod.title}${pod.fix ? ` — ${pod.fix}` : ''}`
        : (verification?.versionNote ?? error ?? 'the new pods are not connected'),
    };
  }
  if (!opts.proxyUrl)
    return {ok: true, verification, title: `${podNames.length} pod(s) connected on ${to} (no proxy address to call)`};
  let last = '';
  for (let i = 1; i <= opts.attempts; i++) {
    try {
      const answer = await httpGet(smokeUrl(opts.proxyUrl), {
        timeoutMs: 5000,
        route: opts.net.route,
        signal: opts.signal,
      });
      if (answer.status === 200)
        return {
          ok: true,
          verification,
          proxyOk: true,
          title: `${podNames.length} pod(s) connected on ${to} (sync_status normal) · GET ${smokeUrl(opts.proxyUrl)} → 200`,
        };
      last = `HTTP ${answer.status}`;
    } catch (e) {
      last = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    if (i < opts.attempts) await opts.clock.sleep(opts.intervalMs, opts.signal).catch(() => undefined);
  }
  return {
    ok: false,
    verification,
    proxyOk: false,
    title: `GET ${smokeUrl(opts.proxyUrl)} did not answer 200 (last: ${last})`,
  };
}

/** One line per pod, old and new side by side. */
export function rolloutLine(pods: readonly RolloutPod[]): string {
  return pods.map(p => `${p.name} ${p.tag || '?'} ${p.state}${p.isNew ? ' (new)' : ' (old)'}`).join(' | ');
}
