// The data-plane step's work, shared by the headless run and the screen: the values file from the
// templates, then on the new cluster the namespace, a byte-identical copy of the CP's cluster
// certificate secret, the license secret, helm, and the pods until Ready. Dry-run writes the values and
// the secrets' manifests and records the commands. Results are secret-free.
import {join, isAbsolute} from 'node:path';
import {writeFileAtomic} from '../../session/home.js';
import type {Clock} from '../../ports.js';
import type {Answers} from '../../session/answers.js';
import type {Session} from '../../session/schema.js';
import type {CommandRunner, CommandSpec, RunningCommand} from '../../run/types.js';
import {generateClusterCert} from '../../kong/cluster-cert.js';
import {readClusterCertSecret, readLicenseSecret} from '../../kong/cp-discovery.js';
import {expandPath, DEFAULT_CP_NAMESPACE, DEFAULT_CP_RELEASE, DEFAULT_KUBECONFIG} from '../control-plane/cp-step.js';
import {dataPlanePkiSecret, type PkiAnswers} from '../../kong/pki.js';
import {pkiFailure} from './pki-failure.js';
import {
  applySecret,
  applySecretManifestsCommand,
  helmInstallCommandLine,
  dataPlaneSecretCopy,
  ensureNamespace,
  helmCommands,
  licenseSecretFromText,
  SECRET_MANIFESTS_FILE,
  tlsSecretFromPem,
  watchDpPods,
  writeSecretManifests,
  type DpPodState,
  type HelmPlan,
  type PodWatchResult,
} from '../../kong/deploy.js';
import {
  DEFAULT_LICENSE_SECRET,
  DP_VALUES_FILE,
  dpValuesInputFromAnswers,
  renderDpValues,
  type DpValuesInput,
} from '../../kong/dp-values.js';
import type {KubeApi, KubeSecret} from '../../kong/kube-api.js';
import {createKubeApi} from '../../kong/kube-client.js';
import type {CheckStatus} from '../control-plane/cp-step.js';
import type {EmptyConfigView} from '../../kong/verify.js';
import {loadBalancerPendingReason, waitForLoadBalancerIp} from '../../kong/lb-install.js';

/** The DP step's words for pods connected to a CP that holds no entities yet (verify then gives it some). */
export const AWAITING_CONFIG = 'connected, waiting for configuration';
export type DpCheckId =
  'values' | 'load-balancer' | 'namespace' | 'cert-secret' | 'license-secret' | 'helm' | 'pods' | 'proxy';

export interface DpCheck {
  id: DpCheckId;
  status: CheckStatus;
  title: string;
  fix?: string;
  /** The answers-file key that would fix a failure (a headless run exits 2 naming it). */
  key?: string;
}

export interface DpPlan {
  values: DpValuesInput;
  /** The new cluster. */
  workload: {kubeconfig: string; context?: string};
  /** The control plane cluster, where the cluster certificate and license are read. */
  cp: {
    kubeconfig: string;
    context?: string;
    namespace: string;
    release?: string;
    licenseKey?: string;
    pki?: PkiAnswers;
  };
  /** Make a new cluster certificate instead of copying the CP's (explicit choice only). */
  generateCert: boolean;
  /** Node IPs from the answers, used when the cluster does not report them. */
  fallbackNodeIps: string[];
}

export interface DpFacts {
  namespace: string;
  release: string;
  image: string;
  valuesFile: string;
  proxyType: 'NodePort' | 'LoadBalancer';
  httpNodePort?: number;
  replicas: number;
  pods?: string[];
  nodeIps?: string[];
  /** e.g. http://10.20.0.12:32080 */
  proxyUrl?: string;
  secrets: string[];
  /** Connected to the CP, NotReady only because the CP has no configuration yet (verify gives it one). */
  awaitingConfig?: boolean;
  certGenerated?: boolean;
  manifestsFile?: string;
  dryRun?: boolean;
}

export interface DpDeps {
  runner: CommandRunner;
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
  sessionDir: string;
  speed?: number;
  signal?: AbortSignal;
  /** The license text when the admin gave it (file or typed); never logged. */
  licenseText?: string;
  onCheck?: (check: DpCheck) => void;
  onCommand?: (command: RunningCommand) => void;
  onPods?: (pods: DpPodState[], diagnoses: PodWatchResult['diagnoses']) => void;
  podTimeoutMs?: number;
  /** How long the proxy Service may wait for its load-balancer address (default 120 s). */
  lbTimeoutMs?: number;
  /**
   * The control plane's view of running, not-Ready pods (its Admin API): lets a brand-new CP with no
   * entities end the step as "connected, waiting for configuration" instead of a 600 s timeout.
   */
  cpView?: (podNames: string[], signal?: AbortSignal) => Promise<EmptyConfigView>;
  /**
   * Records a command that was not run as such (the namespace and secrets were written through the
   * Kubernetes API): its kubectl equivalent goes into the session's commands and so the runbook.
   */
  record?: (spec: CommandSpec) => void;
  /** For tests: other KubeApis than client-node on the kubeconfigs. */
  workloadKube?: KubeApi;
  cpKube?: KubeApi;
}

export interface DpResult {
  ok: boolean;
  facts: DpFacts;
  checks: DpCheck[];
  pods?: PodWatchResult;
}

/** The values input from the answers plus what the control-plane step learned (router flavor, vitals). */
export function dpValuesFor(
  answers: Answers,
  cpData: Record<string, unknown> | undefined,
  storedLicense = false,
): DpValuesInput {
  const input = dpValuesInputFromAnswers(answers);
  // An inline controlPlane.license is moved out of the answers into secrets.json when the session
  // takes it: it still counts as a license the data plane gets (as `generate` treats it).
  if (storedLicense && input.licenseSecret === null)
    input.licenseSecret = answers.controlPlane?.licenseSecret ?? DEFAULT_LICENSE_SECRET;
  const flavor = cpData?.['routerFlavor'];
  if (typeof flavor === 'string') input.routerFlavor = flavor;
  if (typeof cpData?.['vitals'] === 'boolean') input.vitals = cpData['vitals'];
  // A copied secret keeps its key names (cluster.crt, cert, …): the values point at the keys it has.
  if (cpData?.['clusterCertSecret'] === input.clusterCertSecret && input.mode === 'shared') {
    if (typeof cpData['clusterCertKey'] === 'string') input.certKey = cpData['clusterCertKey'];
    if (typeof cpData['clusterCertKeyKey'] === 'string') input.keyKey = cpData['clusterCertKeyKey'];
  }
  // A license given by the admin is copied under the default name unless one is named.
  if (input.licenseSecret === null && typeof cpData?.['licenseSecret'] === 'string')
    input.licenseSecret = cpData['licenseSecret'];
  return input;
}

/** The kubeconfig of the new cluster: the create-cluster step's artifact, or an existing cluster's. */
export function workloadKubeconfig(
  session: Session,
  sessionDir: string,
  env: Readonly<Record<string, string | undefined>>,
): {kubeconfig: string; context?: string} | undefined {
  const artifact = session.artifacts.kubeconfig;
  const existing = session.answers.cluster?.existing;
  // An adopted cluster's kubeconfig is recorded too; its context still picks the cluster in that file.
  if (artifact)
    return {
      kubeconfig: isAbsolute(artifact) ? artifact : join(sessionDir, artifact),
      ...(existing?.context ? {context: existing.context} : {}),
    };
  if (existing) return {kubeconfig: expandPath(existing.kubeconfig, env), context: existing.context};
  return undefined;
}

/** Where eksctl anywhere writes the kubeconfig: <session>/<name>/<name>-eks-a-cluster.kubeconfig. */
export function expectedKubeconfig(clusterName: string): string {
  return join(clusterName, `${clusterName}-eks-a-cluster.kubeconfig`);
}

export function dpPlanFor(
  session: Session,
  sessionDir: string,
  env: Readonly<Record<string, string | undefined>>,
  values: DpValuesInput,
): DpPlan | undefined {
  const workload = workloadKubeconfig(session, sessionDir, env);
  if (!workload) return undefined;
  const cp = session.answers.controlPlane ?? {};
  const cpData = session.steps['control-plane'].data ?? {};
  return {
    values,
    workload,
    cp: {
      kubeconfig: expandPath(cp.kubeconfig || DEFAULT_KUBECONFIG, env),
      context: cp.context || (typeof cpData['context'] === 'string' ? cpData['context'] : undefined),
      namespace: cp.namespace || DEFAULT_CP_NAMESPACE,
      release: cp.release || DEFAULT_CP_RELEASE,
      pki: {
        clusterServerName: cp.clusterServerName,
        clusterCaSecret: cp.clusterCaSecret,
        clusterCaCertFile: cp.clusterCaCertFile,
        clusterCaKeyFile: cp.clusterCaKeyFile,
        dataPlaneCertFile: cp.dataPlaneCertFile,
        dataPlaneKeyFile: cp.dataPlaneKeyFile,
      },
      ...(typeof cpData['licenseKey'] === 'string' ? {licenseKey: cpData['licenseKey']} : {}),
    },
    generateCert: cp.generateCert === true,
    fallbackNodeIps: (session.answers.machines ?? []).filter(m => m.role === 'worker').map(m => m.ip),
  };
}

/**
 * Writes kong-dp-values.yaml into the session folder; returns its name there and the text. With a
 * plan, the header shows the helm install command exactly as the step runs it.
 */
export async function writeDpValues(
  sessionDir: string,
  values: DpValuesInput,
  plan?: DpPlan,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<{file: string; text: string}> {
  const text = renderDpValues(values, plan ? helmInstallCommandLine(helmPlan(plan, {env, sessionDir})) : undefined);
  // Like every session file: atomic and 0600.
  await writeFileAtomic(join(sessionDir, DP_VALUES_FILE), text);
  return {file: DP_VALUES_FILE, text};
}

function helmPlan(plan: DpPlan, deps: Pick<DpDeps, 'env' | 'sessionDir'>): HelmPlan {
  return {
    release: plan.values.release,
    namespace: plan.values.namespace,
    kubeconfig: plan.workload.kubeconfig,
    context: plan.workload.context,
    env: deps.env,
    cwd: deps.sessionDir,
    valuesFile: DP_VALUES_FILE,
  };
}

function baseFacts(plan: DpPlan, valuesFile: string): DpFacts {
  const v = plan.values;
  return {
    namespace: v.namespace,
    release: v.release,
    image: `${v.image.repository}:${v.image.tag}`,
    valuesFile,
    proxyType: v.proxy.type,
    httpNodePort: v.proxy.type === 'NodePort' ? v.proxy.httpNodePort : undefined,
    replicas: v.replicas ?? 1,
    secrets: [],
  };
}

function pkiSecretInput(plan: DpPlan, deps: DpDeps, kube?: KubeApi) {
  return {
    kube,
    target: {namespace: plan.cp.namespace, release: plan.cp.release ?? DEFAULT_CP_RELEASE},
    answers: plan.cp.pki ?? {},
    env: deps.env,
    name: plan.values.clusterCertSecret,
    namespace: plan.values.namespace,
    commonName: `${plan.values.release}.${plan.values.namespace}`,
  };
}

/** The secrets the data plane needs, built from the control plane (or generated). Values stay inside. */
async function dataPlaneSecrets(
  plan: DpPlan,
  deps: DpDeps,
  report: (c: DpCheck) => void,
): Promise<{cert?: KubeSecret; license?: KubeSecret; generated?: {certPem: string; keyPem: string}}> {
  const ns = plan.values.namespace;
  const name = plan.values.clusterCertSecret;
  const out: {cert?: KubeSecret; license?: KubeSecret; generated?: {certPem: string; keyPem: string}} = {};
  const cpKube = () => deps.cpKube ?? createKubeApi(plan.cp.kubeconfig, plan.cp.context);
  if (plan.values.mode === 'pki') {
    // pki: a client certificate of its own (issued from the CA key or the admin's) and the CA, never the CP's pair.
    try {
      out.cert = (await dataPlanePkiSecret(pkiSecretInput(plan, deps, cpKube()))).secret;
    } catch (error) {
      report(pkiFailure(error));
      return out;
    }
  } else if (plan.generateCert) {
    const generated = await generateClusterCert();
    out.generated = generated;
    out.cert = tlsSecretFromPem(name, ns, generated.certPem, generated.keyPem);
  } else {
    const read = await readClusterCertSecret(
      cpKube(),
      plan.cp.namespace,
      {name, certKey: plan.values.certKey, keyKey: plan.values.keyKey},
      {mode: plan.values.mode},
    );
    if (read.status !== 'ok' || !read.material) {
      report({id: 'cert-secret', status: 'fail', title: read.title, ...(read.fix ? {fix: read.fix} : {})});
      return out;
    }
    if (read.certKey !== (plan.values.certKey ?? 'tls.crt') || read.keyKey !== (plan.values.keyKey ?? 'tls.key')) {
      report({
        id: 'cert-secret',
        status: 'fail',
        title: `Secret ${name} holds its certificate under ${read.certKey} and ${read.keyKey}, but the values point at ${plan.values.certKey ?? 'tls.crt'} and ${plan.values.keyKey ?? 'tls.key'}`,
        fix: 'Run the control-plane step again so it records the secret as it is.',
      });
      return out;
    }
    out.cert = dataPlaneSecretCopy(read.material, ns);
  }
  const licenseName = plan.values.licenseSecret;
  if (licenseName !== null) {
    if (deps.licenseText) out.license = licenseSecretFromText(licenseName, ns, deps.licenseText);
    else {
      const read = await readLicenseSecret(cpKube(), plan.cp.namespace, {name: licenseName, key: plan.cp.licenseKey});
      if (read.present && read.material) {
        // The chart reads enterprise.license_secret's key `license`: a license under another key is copied there.
        const copy = dataPlaneSecretCopy(read.material, ns, licenseName);
        out.license = read.key === 'license' ? copy : {...copy, data: {...copy.data, license: copy.data![read.key]!}};
      } else report({id: 'license-secret', status: 'fail', title: read.title, ...(read.fix ? {fix: read.fix} : {})});
    }
  }
  return out;
}

/** Runs one command after another, showing each; stops at the first failure. */
async function runCommands(
  deps: DpDeps,
  specs: ReturnType<typeof helmCommands>,
): Promise<{ok: boolean; error?: string}> {
  for (const spec of specs) {
    const running = deps.runner.start(spec, deps.signal);
    deps.onCommand?.(running);
    const result = await running.done;
    if (!result.ok) return {ok: false, error: `${running.display}: ${result.error ?? `exit ${result.exitCode}`}`};
  }
  return {ok: true};
}

/** The node IPs of the pods (InternalIP), falling back to the worker IPs of the answers. */
async function nodeIpsOf(kube: KubeApi, pods: DpPodState[], fallback: string[]): Promise<string[]> {
  try {
    const nodes = await kube.list('Node', '');
    const ipOf = new Map(
      nodes.map(n => [n.metadata.name, n.status?.addresses?.find(a => a.type === 'InternalIP')?.address]),
    );
    const ips = pods
      .map(p => p.hostIP ?? (p.nodeName ? ipOf.get(p.nodeName) : undefined))
      .filter((ip): ip is string => Boolean(ip));
    if (ips.length > 0) return [...new Set(ips)];
  } catch {
    // Listing nodes needs cluster-wide rights; the answers know the workers.
  }
  return fallback;
}

async function proxyUrlOf(kube: KubeApi, plan: DpPlan, nodeIps: string[], deps: DpDeps): Promise<string | undefined> {
  const v = plan.values;
  if (v.proxy.type === 'NodePort')
    return nodeIps[0] && v.proxy.httpNodePort ? `http://${nodeIps[0]}:${v.proxy.httpNodePort}` : undefined;
  // The load balancer assigns the address after the Service exists: wait for it, bounded.
  const {ip} = await waitForLoadBalancerIp(kube, v.namespace, `${v.release}-kong-proxy`, {
    clock: deps.clock,
    timeoutMs: deps.lbTimeoutMs ?? 120_000,
    intervalMs: Math.max(100, 2000 / Math.max(1, deps.speed ?? 1)),
    signal: deps.signal,
  });
  return ip ? `http://${ip}` : undefined;
}

/** The verdict for running, NotReady pods when the CP says they are connected and it holds nothing to send. */
async function explainEmptyConfig(
  deps: DpDeps,
  pods: DpPodState[],
): Promise<{title: string; fix?: string} | undefined> {
  const view = await deps.cpView!(
    pods.map(p => p.name),
    deps.signal,
  );
  if (!view.ok) return undefined;
  const n = pods.length;
  return {
    title:
      `${n} data plane pod${n === 1 ? '' : 's'} connected to the control plane (sync_status normal), not Ready only because the control plane ` +
      'has no Services or Routes yet: Kong answers 503 "empty configuration present" on /status/ready until it receives one',
    fix: 'The verify step creates the smoke-test Service and Route; the pods turn Ready when that configuration reaches them.',
  };
}

/** Namespace, secrets, helm, pods until Ready; the values file must already be written. */
export async function deployDataPlane(plan: DpPlan, deps: DpDeps): Promise<DpResult> {
  const checks = new Map<DpCheckId, DpCheck>();
  const report = (c: DpCheck) => {
    checks.set(c.id, c);
    deps.onCheck?.(c);
  };
  const facts = baseFacts(plan, DP_VALUES_FILE);
  const done = (pods?: PodWatchResult): DpResult => {
    const list = [...checks.values()];
    return {
      ok: list.every(c => c.status === 'ok' || c.status === 'warn') && checks.has('pods'),
      facts,
      checks: list,
      pods,
    };
  };
  const ns = plan.values.namespace;
  const kube = deps.workloadKube ?? createKubeApi(plan.workload.kubeconfig, plan.workload.context);

  report({id: 'namespace', status: 'running', title: `Namespace ${ns}`});
  const nsResult = await ensureNamespace(kube, ns);
  report({
    id: 'namespace',
    status: nsResult.status === 'failed' ? 'fail' : 'ok',
    title: nsResult.title,
    ...(nsResult.fix ? {fix: nsResult.fix} : {}),
  });
  if (nsResult.status === 'failed') return done();

  report({id: 'cert-secret', status: 'running', title: `Cluster certificate ${plan.values.clusterCertSecret}`});
  const secrets = await dataPlaneSecrets(plan, deps, report);
  if (checks.get('cert-secret')?.status === 'fail' || checks.get('license-secret')?.status === 'fail') return done();
  for (const [id, secret] of [
    ['cert-secret', secrets.cert],
    ['license-secret', secrets.license],
  ] as const) {
    if (!secret) continue;
    const applied = await applySecret(kube, secret);
    const copied =
      id !== 'cert-secret' || plan.generateCert
        ? ''
        : plan.values.mode === 'pki'
          ? " (the data plane's own client certificate, issued by the CA, and ca.crt)"
          : " (byte-identical copy of the control plane's)";
    report({
      id,
      status: applied.status === 'failed' ? 'fail' : 'ok',
      title: `${applied.title}${applied.status === 'failed' ? '' : copied}`,
      ...(applied.fix ? {fix: applied.fix} : {}),
    });
    if (applied.status === 'failed') return done();
    facts.secrets.push(secret.metadata.name);
  }
  // The runbook's form of what the API just did: one kubectl apply of a 0600 manifest, by file reference.
  if (deps.record) {
    const applied = [secrets.cert, secrets.license].filter((x): x is KubeSecret => x !== undefined);
    await writeSecretManifests(
      join(deps.sessionDir, SECRET_MANIFESTS_FILE),
      applied,
      [
        'Namespace and secrets of the Kong data plane, as eksa-kong created them through the Kubernetes API. Holds secret data: keep it 0600.',
      ],
      ns,
    );
    facts.manifestsFile = SECRET_MANIFESTS_FILE;
    deps.record({
      ...applySecretManifestsCommand(helmPlan(plan, deps)),
      title: 'Namespace and secrets (written through the Kubernetes API; the kubectl equivalent)',
    });
  }
  if (secrets.generated) {
    facts.certGenerated = true;
    report({
      id: 'cert-secret',
      status: 'warn',
      title: `New cluster certificate ${plan.values.clusterCertSecret} generated`,
      fix: 'Put the same secret on the control plane and restart it; data planes holding the old one disconnect.',
    });
  }

  report({id: 'helm', status: 'running', title: 'helm repo add, repo update, upgrade --install'});
  const helm = await runCommands(deps, helmCommands(helmPlan(plan, deps)));
  if (!helm.ok) {
    report({
      id: 'helm',
      status: 'fail',
      title: helm.error ?? 'helm failed',
      fix: "Read the helm output above; the full log is in the session's logs/.",
    });
    return done();
  }
  report({id: 'helm', status: 'ok', title: `Release ${plan.values.release} installed in ${ns}`});

  report({id: 'pods', status: 'running', title: 'Waiting for the data plane pods'});
  const watch = await watchDpPods(kube, {
    namespace: ns,
    release: plan.values.release,
    clock: deps.clock,
    replicas: plan.values.replicas,
    intervalMs: Math.max(200, 3000 / Math.max(1, deps.speed ?? 1)),
    timeoutMs: deps.podTimeoutMs ?? 600_000,
    signal: deps.signal,
    onUpdate: deps.onPods,
    ...(deps.cpView ? {explainNotReady: (pods: DpPodState[]) => explainEmptyConfig(deps, pods)} : {}),
  });
  facts.pods = watch.pods.map(p => p.name);
  const podsOk = watch.status === 'ready' || watch.status === 'connected-empty';
  if (watch.status === 'connected-empty') facts.awaitingConfig = true;
  report({id: 'pods', status: podsOk ? 'ok' : 'fail', title: watch.title, ...(watch.fix ? {fix: watch.fix} : {})});
  if (!podsOk) return done(watch);

  facts.nodeIps = await nodeIpsOf(kube, watch.pods, plan.fallbackNodeIps);
  facts.proxyUrl = await proxyUrlOf(kube, plan, facts.nodeIps, deps);
  const proxyService = `${plan.values.release}-kong-proxy`;
  // A LoadBalancer Service left <pending>: the load balancer's own error, as kubectl describe shows it.
  const pending =
    !facts.proxyUrl && plan.values.proxy.type === 'LoadBalancer'
      ? await loadBalancerPendingReason(kube, ns, proxyService)
      : undefined;
  report(
    facts.proxyUrl
      ? {id: 'proxy', status: 'ok', title: `Proxy at ${facts.proxyUrl}`}
      : {
          id: 'proxy',
          status: 'warn',
          title: pending
            ? `The proxy Service has no load-balancer address (<pending>): ${pending}`
            : 'The proxy address is not known yet',
          fix: `kubectl -n ${ns} describe svc ${proxyService}`,
        },
  );
  return done(watch);
}

/** Dry run: values and secrets' manifests (0600) written, kubectl apply and helm recorded, nothing contacted. */
export async function dryRunDataPlane(plan: DpPlan, deps: DpDeps): Promise<DpResult> {
  const facts = baseFacts(plan, DP_VALUES_FILE);
  const ns = plan.values.namespace;
  const secrets: KubeSecret[] = [];
  const notes: string[] = [
    'Secrets of the Kong data plane, generated by eksa-kong (dry run). Holds secret data: keep it 0600.',
  ];
  if (plan.values.mode === 'pki') {
    // A dry run contacts nothing: the CA (and its key, or the DP's own pair) must come from files.
    secrets.push((await dataPlanePkiSecret(pkiSecretInput(plan, deps))).secret);
  } else if (plan.generateCert) {
    const generated = await generateClusterCert();
    secrets.push(tlsSecretFromPem(plan.values.clusterCertSecret, ns, generated.certPem, generated.keyPem));
    facts.certGenerated = true;
  } else {
    notes.push(
      `The cluster certificate secret ${plan.values.clusterCertSecret} is not read in a dry run. Copy it byte for byte from the control plane first:`,
      `  kubectl --kubeconfig ${plan.cp.kubeconfig}${plan.cp.context ? ` --context ${plan.cp.context}` : ''} -n ${plan.cp.namespace} get secret ${plan.values.clusterCertSecret} -o yaml \\`,
      `    | sed -e '/^  \\(uid\\|resourceVersion\\|creationTimestamp\\|namespace\\):/d' | kubectl --kubeconfig ${plan.workload.kubeconfig}${plan.workload.context ? ` --context ${plan.workload.context}` : ''} -n ${ns} apply -f -`,
    );
  }
  if (plan.values.licenseSecret !== null) {
    if (deps.licenseText)
      secrets.push(licenseSecretFromText(plan.values.licenseSecret ?? DEFAULT_LICENSE_SECRET, ns, deps.licenseText));
    else
      notes.push(
        `The license secret ${plan.values.licenseSecret} is copied the same way from the control plane namespace.`,
      );
  }
  const file = join(deps.sessionDir, SECRET_MANIFESTS_FILE);
  await writeSecretManifests(file, secrets, notes, ns);
  facts.manifestsFile = SECRET_MANIFESTS_FILE;
  facts.secrets = secrets.map(s => s.metadata.name);
  facts.dryRun = true;
  const hp = helmPlan(plan, deps);
  const result = await runCommands(deps, [applySecretManifestsCommand(hp), ...helmCommands(hp)]);
  const checks: DpCheck[] = [
    {id: 'values', status: 'ok', title: `${DP_VALUES_FILE} written`},
    {id: 'cert-secret', status: 'ok', title: `${SECRET_MANIFESTS_FILE} written (0600)`},
    {
      id: 'helm',
      status: result.ok ? 'ok' : 'fail',
      title: result.ok
        ? 'kubectl apply and helm commands recorded for the runbook'
        : (result.error ?? 'recording failed'),
    },
  ];
  for (const c of checks) deps.onCheck?.(c);
  return {ok: result.ok, facts, checks};
}

export function dpSummary(facts: DpFacts): string {
  const where = facts.proxyUrl
    ? ` · proxy ${facts.proxyUrl}`
    : facts.httpNodePort
      ? ` · NodePort ${facts.httpNodePort}`
      : '';
  const n = facts.pods?.length ?? 0;
  const pods = facts.pods ? ` · ${n} pod${n === 1 ? '' : 's'} ${facts.awaitingConfig ? AWAITING_CONFIG : 'Ready'}` : '';
  return `${facts.dryRun ? 'dry run: ' : ''}${facts.release} in ${facts.namespace}, ${facts.image}${pods}${where}`;
}
