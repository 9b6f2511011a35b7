// Installing the data plane on the new EKS Anywhere cluster: namespace, a byte-identical copy of the
// control plane's cluster certificate secret, the license secret, the helm commands, and the watch of
// the data plane pods until Ready (with log diagnoses when they are not).
import yaml from 'js-yaml';
import {writeFileAtomic} from '../session/home.js';
import {yamlComment} from '../run/yaml-comment.js';
import type {Clock} from '../ports.js';
import type {CommandResult, CommandRunner, CommandSpec} from '../run/types.js';
import {formatCommandLine} from '../run/command-line.js';
import {describeKubeError, type KubeApi, type KubePod, type KubeSecret} from './kube-api.js';
import {diagnoseDpLog, type LogDiagnosis} from './dp-log-failures.js';
import {SecretMaterial} from './secret-material.js';
import {DP_VALUES_FILE} from './dp-values.js';

export const HELM_REPO_NAME = 'kong';
export const HELM_REPO_URL = 'https://charts.konghq.com';
export const HELM_CHART = 'kong/kong';
/** The chart version the DP values were written for (Kong/charts snapshot of the reference). */
export const DEFAULT_CHART_VERSION = '3.4.1';
export const MANAGED_BY_LABEL = {'app.kubernetes.io/managed-by': 'eksa-kong'};
export const SECRET_MANIFESTS_FILE = 'kong-dp-secrets.yaml';

export interface DeployStepResult {
  status: 'created' | 'replaced' | 'unchanged' | 'exists' | 'failed';
  title: string;
  fix?: string;
}

export async function ensureNamespace(kube: KubeApi, name: string): Promise<DeployStepResult> {
  try {
    if (await kube.get('Namespace', '', name)) return {status: 'exists', title: `Namespace ${name} exists`};
    await kube.create('Namespace', '', {metadata: {name, labels: {...MANAGED_BY_LABEL}}});
    return {status: 'created', title: `Namespace ${name} created`};
  } catch (error) {
    return {
      status: 'failed',
      title: describeKubeError(error, 'create', `namespace ${name}`),
      fix: 'The kubeconfig of the new cluster must allow creating namespaces (cluster admin).',
    };
  }
}

/**
 * The Secret to create on the data plane cluster: same name, type and data bytes (base64 kept as read),
 * without the server-set metadata (uid, resourceVersion, managedFields, owner, Helm ownership).
 */
export function dataPlaneSecretCopy(source: SecretMaterial | KubeSecret, namespace: string, name?: string): KubeSecret {
  const secret = source instanceof SecretMaterial ? source.unwrap() : source;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name: name ?? secret.metadata.name, namespace, labels: {...MANAGED_BY_LABEL}},
    type: secret.type ?? 'Opaque',
    data: {...(secret.data ?? {})},
  };
}

/** A license secret (key "license") from the license text the admin gave, for `enterprise.license_secret`. */
export function licenseSecretFromText(name: string, namespace: string, licenseText: string): KubeSecret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name, namespace, labels: {...MANAGED_BY_LABEL}},
    type: 'Opaque',
    data: {license: Buffer.from(licenseText, 'utf8').toString('base64')},
  };
}

/** A kubernetes.io/tls secret from PEM (a newly generated cluster certificate). */
export function tlsSecretFromPem(name: string, namespace: string, certPem: string, keyPem: string): KubeSecret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name, namespace, labels: {...MANAGED_BY_LABEL}},
    type: 'kubernetes.io/tls',
    data: {'tls.crt': Buffer.from(certPem).toString('base64'), 'tls.key': Buffer.from(keyPem).toString('base64')},
  };
}

const sameData = (a: Record<string, string> = {}, b: Record<string, string> = {}) => {
  const keys = Object.keys(a).sort();
  return keys.join('\0') === Object.keys(b).sort().join('\0') && keys.every(k => a[k] === b[k]);
};

/** Creates the secret, or replaces it when its bytes differ. Values are never part of the result. */
export async function applySecret(kube: KubeApi, secret: KubeSecret): Promise<DeployStepResult> {
  const namespace = secret.metadata.namespace ?? '';
  const name = secret.metadata.name;
  try {
    const existing = await kube.get('Secret', namespace, name);
    if (!existing) {
      await kube.create('Secret', namespace, secret);
      return {status: 'created', title: `Secret ${namespace}/${name} created`};
    }
    if (existing.type === secret.type && sameData(existing.data, secret.data))
      return {status: 'unchanged', title: `Secret ${namespace}/${name} already holds the same data`};
    if (existing.type !== secret.type) {
      return {
        status: 'failed',
        title: `Secret ${namespace}/${name} exists with type ${existing.type}, not ${secret.type}`,
        fix: `Delete it (kubectl delete secret ${name} -n ${namespace}) and retry: the type of a secret cannot change.`,
      };
    }
    await kube.replace('Secret', namespace, {
      ...secret,
      metadata: {...secret.metadata, resourceVersion: existing.metadata.resourceVersion},
    });
    return {
      status: 'replaced',
      title: `Secret ${namespace}/${name} replaced with the control plane's data`,
      fix: 'Restart data plane pods that were already running so they read it.',
    };
  } catch (error) {
    return {
      status: 'failed',
      title: describeKubeError(error, 'write', `secret ${namespace}/${name}`),
      fix: 'The kubeconfig of the new cluster must allow creating secrets in that namespace.',
    };
  }
}

/** The Namespace as the wizard creates it, for the manifests file (kubectl apply creates it first). */
export function namespaceManifest(name: string): {
  apiVersion: string;
  kind: string;
  metadata: {name: string; labels: Record<string, string>};
} {
  return {apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels: {...MANAGED_BY_LABEL}}};
}

/** Multi-document YAML of the namespace and secrets. Holds secret data: write it with writeSecretManifests only. */
export function secretManifests(secrets: readonly KubeSecret[], namespace?: string): string {
  const docs: object[] = [...(namespace ? [namespaceManifest(namespace)] : []), ...secrets];
  return docs.map(s => yaml.dump(s, {lineWidth: -1, noRefs: true})).join('---\n');
}

/** Writes the manifests readable by the owner only; the runbook references the file, never its content. */
export async function writeSecretManifests(
  path: string,
  secrets: readonly KubeSecret[],
  comments: readonly string[] = [],
  namespace?: string,
): Promise<void> {
  // Atomic and 0600 like every session file: a temp file renamed over the name, never written through a link.
  await writeFileAtomic(path, yamlComment(comments) + secretManifests(secrets, namespace));
}

export interface HelmPlan {
  release: string;
  namespace: string;
  /** Path of the kubeconfig of the EKS Anywhere cluster. */
  kubeconfig: string;
  /** Its context, when not the kubeconfig's current one. */
  context?: string;
  valuesFile?: string;
  chartVersion?: string;
  /** The wizard's own environment: only PATH, HOME and proxy settings are passed on. */
  env: Readonly<Record<string, string | undefined>>;
  step?: string;
  cwd?: string;
}

const PASSED_ENV = [
  'PATH',
  'HOME',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'HELM_CACHE_HOME',
  'HELM_CONFIG_HOME',
  'HELM_DATA_HOME',
];

export function helmEnv(env: Readonly<Record<string, string | undefined>>, kubeconfig: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED_ENV) {
    const value = env[name];
    if (value) out[name] = value;
  }
  out.KUBECONFIG = kubeconfig;
  return out;
}

/**
 * The flags that pin kubectl/helm to the new cluster. The commands run with KUBECONFIG set too, but
 * the runbook shows arguments only: without them a rerun would go to whatever cluster the admin's
 * current context names, possibly the control plane's.
 */
export function kubeTargetArgs(tool: 'kubectl' | 'helm', plan: Pick<HelmPlan, 'kubeconfig' | 'context'>): string[] {
  return [
    '--kubeconfig',
    plan.kubeconfig,
    ...(plan.context ? [tool === 'helm' ? '--kube-context' : '--context', plan.context] : []),
  ];
}

/** kubectl apply of the namespace and secrets manifest (0600, by file reference): the runbook's form of the API writes. */
export function applySecretManifestsCommand(plan: HelmPlan, manifestsFile = SECRET_MANIFESTS_FILE): CommandSpec {
  return {
    command: 'kubectl',
    args: [...kubeTargetArgs('kubectl', plan), 'apply', '-f', manifestsFile],
    step: plan.step ?? 'data-plane',
    cwd: plan.cwd,
    env: helmEnv(plan.env, plan.kubeconfig),
    title: 'Create the namespace and its secrets (cluster certificate, license) on the new cluster',
  };
}

export function helmCommands(plan: HelmPlan): CommandSpec[] {
  const step = plan.step ?? 'data-plane';
  const env = helmEnv(plan.env, plan.kubeconfig);
  const base = {step, env, cwd: plan.cwd};
  return [
    {
      ...base,
      command: 'helm',
      args: ['repo', 'add', HELM_REPO_NAME, HELM_REPO_URL, '--force-update'],
      title: 'Add the Kong Helm repository',
      timeoutMs: 120_000,
    },
    {
      ...base,
      command: 'helm',
      args: ['repo', 'update', HELM_REPO_NAME],
      title: 'Update the Kong Helm repository',
      timeoutMs: 120_000,
    },
    {
      ...base,
      command: 'helm',
      args: [
        'upgrade',
        '--install',
        ...kubeTargetArgs('helm', plan),
        '-n',
        plan.namespace,
        '-f',
        plan.valuesFile ?? DP_VALUES_FILE,
        '--version',
        plan.chartVersion ?? DEFAULT_CHART_VERSION,
        // helm parses with cobra/pflag: `--` ends the flags, so the release is a name even if it looks like one.
        '--',
        plan.release,
        HELM_CHART,
      ],
      title: 'Install the Kong data plane',
      timeoutMs: 600_000,
    },
  ];
}

/** The install command as it runs (the last of helmCommands), as a shell line: the values file's header. */
export function helmInstallCommandLine(plan: HelmPlan): string {
  const install = helmCommands(plan).at(-1)!;
  return formatCommandLine(install.command, install.args);
}

/** Runs the helm commands one after the other; stops at the first failure. */
export async function runHelm(
  runner: CommandRunner,
  specs: readonly CommandSpec[],
  signal?: AbortSignal,
): Promise<{ok: boolean; results: CommandResult[]}> {
  const results: CommandResult[] = [];
  for (const spec of specs) {
    const result = await runner.start(spec, signal).done;
    results.push(result);
    if (!result.ok) return {ok: false, results};
  }
  return {ok: true, results};
}

export interface DpPodState {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** e.g. CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError. */
  reason?: string;
  message?: string;
  nodeName?: string;
  hostIP?: string;
}

export function dpPodSelector(release: string): string {
  return `app.kubernetes.io/instance=${release},app.kubernetes.io/component=app`;
}

export function podState(pod: KubePod): DpPodState {
  const statuses = pod.status?.containerStatuses ?? [];
  const proxy = statuses.find(s => s.name === 'proxy') ?? statuses[0];
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready')?.status === 'True';
  const waiting = proxy?.state?.waiting;
  const terminated = proxy?.state?.terminated;
  return {
    name: pod.metadata.name,
    phase: pod.status?.phase ?? 'Unknown',
    ready,
    restarts: proxy?.restartCount ?? 0,
    reason: waiting?.reason ?? terminated?.reason,
    message: (waiting?.message ?? terminated?.message)?.slice(0, 300),
    nodeName: pod.spec?.nodeName,
    hostIP: pod.status?.hostIP,
  };
}

const POD_REASON_FIXES: Record<string, string> = {
  ImagePullBackOff:
    'The node cannot pull the image: check the tag exists and the site can reach the registry (or mirror it).',
  ErrImagePull:
    'The node cannot pull the image: check the tag exists and the site can reach the registry (or mirror it).',
  CreateContainerConfigError:
    'A referenced secret or key is missing (cluster certificate or license secret) in the data plane namespace.',
};

// Log failures that retrying does not cure; DNS, timeouts and refusals may clear (new NLB, CP restart).
const PERMANENT_FAILURES = new Set([
  'self-signed',
  'host-mismatch',
  'digest-mismatch',
  'version',
  'plugin-missing',
  'cert-missing',
  'database',
]);

export interface PodWatchResult {
  /** connected-empty: every pod runs and is connected, and NotReady only because the CP holds no configuration. */
  status: 'ready' | 'connected-empty' | 'failing' | 'timeout' | 'cancelled';
  pods: DpPodState[];
  diagnoses: Array<LogDiagnosis & {line: string; pod: string}>;
  title: string;
  fix?: string;
}

export interface PodWatchOptions {
  namespace: string;
  release: string;
  clock: Clock;
  /** Number of pods expected Ready (replicaCount). */
  replicas?: number;
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onUpdate?: (pods: DpPodState[], diagnoses: PodWatchResult['diagnoses']) => void;
  /**
   * Asked while every expected pod runs but is not Ready: the control plane's view. A verdict ends the
   * watch as connected-empty (a brand-new CP: Kong's /status/ready answers 503 until the DP holds a
   * non-empty configuration, kong/status/ready.lua), undefined keeps waiting.
   */
  explainNotReady?: (pods: DpPodState[]) => Promise<{title: string; fix?: string} | undefined>;
}

async function podDiagnoses(
  kube: KubeApi,
  namespace: string,
  pods: DpPodState[],
): Promise<PodWatchResult['diagnoses']> {
  const out: PodWatchResult['diagnoses'] = [];
  for (const pod of pods.filter(p => !p.ready)) {
    try {
      const log = await kube.podLog(namespace, pod.name, {
        container: 'proxy',
        tailLines: 200,
        previous: pod.restarts > 0 && pod.reason === 'CrashLoopBackOff',
      });
      for (const d of diagnoseDpLog(log)) out.push({...d, pod: pod.name});
    } catch {
      // No log yet (container creating); the pod state says why.
    }
  }
  return out;
}

/** Polls the release's pods until all expected are Ready, a known failure shows, or the time runs out. */
export async function watchDpPods(kube: KubeApi, options: PodWatchOptions): Promise<PodWatchResult> {
  const {clock, namespace} = options;
  const interval = options.intervalMs ?? 3000;
  const deadline = clock.now() + (options.timeoutMs ?? 600_000);
  const want = options.replicas ?? 1;
  let pods: DpPodState[] = [];
  let diagnoses: PodWatchResult['diagnoses'] = [];
  for (;;) {
    if (options.signal?.aborted)
      return {status: 'cancelled', pods, diagnoses, title: 'Stopped watching the data plane pods'};
    try {
      pods = (await kube.list('Pod', namespace, {labelSelector: dpPodSelector(options.release)})).map(podState);
    } catch (error) {
      return {
        status: 'failing',
        pods,
        diagnoses,
        title: describeKubeError(error, 'list', `pods in ${namespace}`),
        fix: 'Check the kubeconfig of the new cluster.',
      };
    }
    const ready = pods.filter(p => p.ready);
    diagnoses = await podDiagnoses(kube, namespace, pods);
    options.onUpdate?.(pods, diagnoses);
    if (ready.length >= want && ready.length === pods.length) {
      return {
        status: 'ready',
        pods,
        diagnoses,
        title: `${ready.length} data plane pod${ready.length === 1 ? '' : 's'} Ready (configuration received)`,
      };
    }
    const running = pods.filter(p => p.phase === 'Running' && !p.reason);
    if (options.explainNotReady && pods.length >= want && running.length === pods.length) {
      const verdict = await options.explainNotReady(pods).catch(() => undefined);
      if (verdict) return {status: 'connected-empty', pods, diagnoses, ...verdict};
    }
    const stuck = pods.find(p => p.reason && POD_REASON_FIXES[p.reason]);
    const first = diagnoses.find(d => PERMANENT_FAILURES.has(d.id));
    if (stuck || first) {
      return {
        status: 'failing',
        pods,
        diagnoses,
        title: first ? `${first.pod}: ${first.title}` : `${stuck!.name}: ${stuck!.reason}`,
        fix: first?.fix ?? POD_REASON_FIXES[stuck!.reason!],
      };
    }
    if (clock.now() >= deadline) {
      const first = diagnoses[0];
      return {
        status: 'timeout',
        pods,
        diagnoses,
        title: `Data plane pods not Ready in time (${ready.length}/${Math.max(want, pods.length)} Ready)`,
        fix:
          first?.fix ??
          `Look at kubectl -n ${namespace} describe pods -l ${dpPodSelector(options.release)} and their logs.`,
      };
    }
    try {
      await clock.sleep(interval, options.signal);
    } catch {
      return {status: 'cancelled', pods, diagnoses, title: 'Stopped watching the data plane pods'};
    }
  }
}
