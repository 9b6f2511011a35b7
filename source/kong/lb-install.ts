// MetalLB on the new cluster, the way EKS Anywhere documents it for curated packages
// (docs/content/en/docs/packages/metallb/addmetallb.md): `eksctl anywhere generate package metallb
// --cluster <name>` for the Package, our pool and L2 advertisement in its config, the target
// namespace, `eksctl anywhere create packages -f`, then the controller Deployment until Ready. The
// kubeconfig is the management cluster's, which for a cluster the wizard created is the cluster itself.
// kube-vip (EKS Anywhere "Kube-Vip ARP Mode"): our manifests (lb-config.ts) applied with kubectl, then the
// services DaemonSet and the cloud provider Deployment until Ready. Both providers share the wait below.
import {join} from 'node:path';
import yaml from 'js-yaml';
import type {Clock} from '../ports.js';
import type {CommandRunner, CommandSpec, RunningCommand} from '../run/types.js';
import {writeFileAtomic} from '../session/home.js';
import {ensureNamespace, helmEnv, kubeTargetArgs, MANAGED_BY_LABEL} from './deploy.js';
import type {KubeApi, KubeMeta, KubeService} from './kube-api.js';
import {describeKubeError} from './kube-api.js';
import {
  KUBE_VIP_CLOUD_PROVIDER,
  KUBE_VIP_CONFIGMAP,
  KUBE_VIP_DAEMONSET,
  KUBE_VIP_MANIFEST_FILE,
  KUBE_VIP_NAMESPACE,
  kubeVipManifestYaml,
  METALLB_CONTROLLER,
  METALLB_NAMESPACE,
  METALLB_PACKAGE_FILE,
  metallbPackage,
  type LbPlan,
} from './lb-config.js';

const METALLB_NAMESPACE_FILE = 'metallb-namespace.yaml';

export interface LbTarget {
  kubeconfig: string;
  context?: string;
}

export interface LbCheck {
  id: 'lb-package' | 'lb-controller' | 'lb-manifests' | 'lb-daemonset';
  status: 'running' | 'ok' | 'warn' | 'fail';
  title: string;
  fix?: string;
}

export interface LbInstallDeps {
  runner: CommandRunner;
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
  sessionDir: string;
  kube: KubeApi;
  dryRun: boolean;
  speed?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  onCommand?: (command: RunningCommand) => void;
  onCheck?: (check: LbCheck) => void;
  /** Records the kubectl equivalent of an API write (the namespace) for the runbook. */
  record?: (spec: CommandSpec) => void;
}

export function generatePackageCommand(
  plan: LbPlan,
  target: LbTarget,
  env: LbInstallDeps['env'],
  cwd: string,
): CommandSpec {
  return {
    command: 'eksctl',
    args: [
      'anywhere',
      'generate',
      'package',
      'metallb',
      '--cluster',
      plan.clusterName,
      '--kubeconfig',
      target.kubeconfig,
    ],
    step: 'data-plane',
    cwd,
    env: helmEnv(env, target.kubeconfig),
    title: 'Generate the MetalLB curated package',
    timeoutMs: 120_000,
  };
}

export function createPackagesCommand(target: LbTarget, env: LbInstallDeps['env'], cwd: string): CommandSpec {
  return {
    command: 'eksctl',
    args: ['anywhere', 'create', 'packages', '-f', METALLB_PACKAGE_FILE, '--kubeconfig', target.kubeconfig],
    step: 'data-plane',
    cwd,
    env: helmEnv(env, target.kubeconfig),
    title: 'Install MetalLB (EKS Anywhere curated package)',
    timeoutMs: 300_000,
  };
}

/** A readiness probe: ready, or what is missing in a few words. */
type Probe = () => Promise<{ready: true} | {ready: false; detail: string}>;

/** The Deployment's readiness, as `kubectl rollout status` judges it. */
function deploymentProbe(kube: KubeApi, namespace: string, name: string): Probe {
  return async () => {
    const d = await kube.get('Deployment', namespace, name);
    if (d && (d.status?.readyReplicas ?? 0) >= (d.spec?.replicas ?? 1)) return {ready: true};
    return {
      ready: false,
      detail: d ? `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1} ready` : 'not created yet',
    };
  };
}

/** The DaemonSet's readiness, as `kubectl rollout status daemonset` judges it: every scheduled pod Ready. */
function daemonSetProbe(kube: KubeApi, namespace: string, name: string): Probe {
  return async () => {
    const d = await kube.get('DaemonSet', namespace, name);
    const want = d?.status?.desiredNumberScheduled ?? 0;
    const ready = d?.status?.numberReady ?? 0;
    if (d && want > 0 && ready >= want) return {ready: true};
    if (!d) return {ready: false, detail: 'not created yet'};
    return {ready: false, detail: want === 0 ? 'no node to run it on yet' : `${ready}/${want} pods ready`};
  };
}

export interface LbInstallResult {
  ok: boolean;
  checks: LbCheck[];
  /** The file in the session folder holding what was applied. */
  packageFile?: string;
}

/** The shared plumbing of both installs: checks collected, commands started and followed, bounded waits. */
function installKit(deps: LbInstallDeps) {
  const checks: LbCheck[] = [];
  const report = (c: LbCheck) => {
    if (c.status !== 'running') checks.push(c);
    deps.onCheck?.(c);
  };
  const run = async (spec: CommandSpec) => {
    const running = deps.runner.start(spec, deps.signal);
    deps.onCommand?.(running);
    const result = await running.done;
    return {result, display: running.display, lines: running.output.slice(0, running.output.size)};
  };
  /** Polls until Ready or the deadline (one deadline per wait); reports running, then ok or fail with the fix. */
  const waitReady = async (id: LbCheck['id'], what: string, where: string, probe: Probe, fix: string) => {
    report({id, status: 'running', title: `Waiting for ${what} to be Ready`});
    const interval = Math.max(100, 2000 / Math.max(1, deps.speed ?? 1));
    const deadline = deps.clock.now() + (deps.timeoutMs ?? 300_000);
    let last = '';
    for (;;) {
      try {
        const seen = await probe();
        if (seen.ready) break;
        last = seen.detail;
      } catch (error) {
        last = describeKubeError(error, 'get', what);
      }
      if (deps.signal?.aborted || deps.clock.now() >= deadline) {
        report({id, status: 'fail', title: `${what} is not Ready (${last})`, fix});
        return false;
      }
      await deps.clock.sleep(interval, deps.signal).catch(() => undefined);
    }
    report({id, status: 'ok', title: `${what} Ready in ${where}`});
    return true;
  };
  return {checks, report, run, waitReady};
}

/** MetalLB or kube-vip, as the plan says. */
export function installLoadBalancer(plan: LbPlan, target: LbTarget, deps: LbInstallDeps): Promise<LbInstallResult> {
  return plan.provider === 'kube-vip' ? installKubeVip(plan, target, deps) : installMetallb(plan, target, deps);
}

export function applyKubeVipCommand(target: LbTarget, env: LbInstallDeps['env'], cwd: string): CommandSpec {
  return {
    command: 'kubectl',
    args: [...kubeTargetArgs('kubectl', target), 'apply', '-f', KUBE_VIP_MANIFEST_FILE],
    step: 'data-plane',
    cwd,
    env: helmEnv(env, target.kubeconfig),
    title: 'Install kube-vip for Services (ARP) and the kube-vip cloud provider',
    timeoutMs: 120_000,
  };
}

/**
 * kube-vip's ARP mode needs kube-proxy's strictARP when kube-proxy runs in IPVS mode (EKS Anywhere "Kube-Vip
 * ARP Mode", step 1; kube-vip docs): otherwise every node answers ARP for the VIP. In iptables mode (EKS
 * Anywhere's default) it changes nothing. We read kube-proxy's configuration and refuse with the documented
 * fix rather than rewrite a system component's ConfigMap ourselves. undefined: nothing to fix.
 */
export async function kubeProxyStrictArpProblem(kube: KubeApi): Promise<string | undefined> {
  const cm = await kube.get('ConfigMap', 'kube-system', 'kube-proxy').catch(() => null);
  const text = cm?.data?.['config.conf'];
  if (!text) return undefined; // no kube-proxy (replaced by the CNI) or not readable: nothing to check
  let config: {mode?: string; ipvs?: {strictARP?: boolean}} | undefined;
  try {
    config = yaml.load(text) as typeof config;
  } catch {
    return undefined;
  }
  if (config?.mode !== 'ipvs' || config.ipvs?.strictARP === true) return undefined;
  return 'kube-proxy runs in IPVS mode without strictARP: every node would answer ARP for the kube-vip addresses';
}

/**
 * A kube-vip for Services someone else installed (no managed-by label of ours): applying over it would
 * rewrite their pool and destroy would delete it. undefined when there is none or it is ours (a rerun).
 */
export async function foreignKubeVip(kube: KubeApi): Promise<string | undefined> {
  const ours = (m: KubeMeta) => Object.entries(MANAGED_BY_LABEL).every(([k, v]) => m.labels?.[k] === v);
  const found = [
    ['configmap', await kube.get('ConfigMap', KUBE_VIP_NAMESPACE, KUBE_VIP_CONFIGMAP).catch(() => null)],
    ['daemonset', await kube.get('DaemonSet', KUBE_VIP_NAMESPACE, KUBE_VIP_DAEMONSET).catch(() => null)],
    ['deployment', await kube.get('Deployment', KUBE_VIP_NAMESPACE, KUBE_VIP_CLOUD_PROVIDER).catch(() => null)],
  ] as const;
  const theirs = found.filter(([, o]) => o && !ours(o.metadata)).map(([kind, o]) => `${kind} ${o!.metadata.name}`);
  return theirs.length > 0
    ? `kube-vip is already installed in ${KUBE_VIP_NAMESPACE}, not by eksa-kong (${theirs.join(', ')})`
    : undefined;
}

export async function installKubeVip(plan: LbPlan, target: LbTarget, deps: LbInstallDeps): Promise<LbInstallResult> {
  const {checks, report, run, waitReady} = installKit(deps);
  const file = KUBE_VIP_MANIFEST_FILE;
  report({id: 'lb-manifests', status: 'running', title: 'kube-vip for Services'});
  if (!deps.dryRun) {
    const arp = await kubeProxyStrictArpProblem(deps.kube);
    if (arp) {
      report({
        id: 'lb-manifests',
        status: 'fail',
        title: arp,
        fix:
          `set strictARP: true in the kube-proxy ConfigMap (kubectl --kubeconfig ${target.kubeconfig} -n kube-system ` +
          'edit configmap kube-proxy), restart kube-proxy (kubectl -n kube-system rollout restart daemonset kube-proxy), then retry',
      });
      return {ok: false, checks};
    }
    const foreign = await foreignKubeVip(deps.kube);
    if (foreign) {
      report({
        id: 'lb-manifests',
        status: 'fail',
        title: foreign,
        fix:
          'use it as it is: remove dataPlane.loadBalancer and set dataPlane.proxyType: LoadBalancer (its pool is the kubevip ' +
          'ConfigMap), or remove it first; the wizard does not overwrite or later delete what it did not install',
      });
      return {ok: false, checks};
    }
  }
  await writeFileAtomic(
    join(deps.sessionDir, file),
    `# kube-vip for the Kong data plane proxy, written by eksa-kong (pool ${plan.pool.text}).\n` +
      kubeVipManifestYaml(plan),
  );
  const applied = await run(applyKubeVipCommand(target, deps.env, deps.sessionDir));
  if (!applied.result.ok) {
    const said = applied.lines.filter(l => /error/i.test(l)).pop();
    report({
      id: 'lb-manifests',
      status: 'fail',
      title: `${applied.display}: ${said ?? applied.result.error ?? `exit ${applied.result.exitCode}`}`,
      fix: `Read the output above; ${file} in the session folder holds what was applied.`,
    });
    return {ok: false, checks, packageFile: file};
  }
  report({
    id: 'lb-manifests',
    status: 'ok',
    title: `${deps.dryRun ? 'Would install' : 'Installed'} kube-vip (ARP, services) with range ${plan.pool.text} (${file})`,
  });
  if (deps.dryRun) return {ok: true, checks, packageFile: file};
  const ns = KUBE_VIP_NAMESPACE;
  const kubectl = `kubectl --kubeconfig ${target.kubeconfig} -n ${ns}`;
  const ok =
    (await waitReady(
      'lb-daemonset',
      `daemonset ${KUBE_VIP_DAEMONSET}`,
      ns,
      daemonSetProbe(deps.kube, ns, KUBE_VIP_DAEMONSET),
      `${kubectl} get pods -l app.kubernetes.io/name=${KUBE_VIP_DAEMONSET} -o wide; ${kubectl} describe daemonset ${KUBE_VIP_DAEMONSET} (image pulls from ghcr.io, NET_ADMIN on the nodes)`,
    )) &&
    (await waitReady(
      'lb-controller',
      `deployment ${KUBE_VIP_CLOUD_PROVIDER}`,
      ns,
      deploymentProbe(deps.kube, ns, KUBE_VIP_CLOUD_PROVIDER),
      `${kubectl} get pods -l component=${KUBE_VIP_CLOUD_PROVIDER}; ${kubectl} logs deployment/${KUBE_VIP_CLOUD_PROVIDER}`,
    ));
  return {ok, checks, packageFile: file};
}

export async function installMetallb(plan: LbPlan, target: LbTarget, deps: LbInstallDeps): Promise<LbInstallResult> {
  const {checks, report, run, waitReady} = installKit(deps);

  report({id: 'lb-package', status: 'running', title: 'MetalLB curated package'});
  const generated = await run(generatePackageCommand(plan, target, deps.env, deps.sessionDir));
  if (!generated.result.ok && !deps.dryRun) {
    report({
      id: 'lb-package',
      status: 'fail',
      title: `eksctl anywhere generate package metallb failed (${generated.result.error ?? `exit ${generated.result.exitCode}`})`,
      fix: 'Curated packages need the package controller on the cluster (eksctl anywhere create cluster installs it unless --install-packages was refused) and registry access.',
    });
    return {ok: false, checks};
  }
  let base: string | undefined = generated.lines.join('\n');
  try {
    yaml.loadAll(base);
  } catch {
    base = undefined; // warnings mixed into the output: the documented shape instead
  }
  const pkg = metallbPackage(plan, base || undefined);
  await writeFileAtomic(
    join(deps.sessionDir, METALLB_PACKAGE_FILE),
    `# MetalLB for the Kong data plane proxy, written by eksa-kong (pool ${plan.pool.text}).\n` +
      yaml.dump(pkg, {lineWidth: -1, noRefs: true}),
  );

  // The runbook applies the namespace from a manifest, so that running it again finds it in place
  // (`kubectl create namespace` fails once it exists).
  await writeFileAtomic(
    join(deps.sessionDir, METALLB_NAMESPACE_FILE),
    yaml.dump(
      {apiVersion: 'v1', kind: 'Namespace', metadata: {name: METALLB_NAMESPACE, labels: {...MANAGED_BY_LABEL}}},
      {lineWidth: -1, noRefs: true},
    ),
  );
  const nsCommand: CommandSpec = {
    command: 'kubectl',
    args: [...kubeTargetArgs('kubectl', target), 'apply', '-f', METALLB_NAMESPACE_FILE],
    step: 'data-plane',
    cwd: deps.sessionDir,
    env: helmEnv(deps.env, target.kubeconfig),
    title: `Create the namespace ${METALLB_NAMESPACE}`,
  };
  if (deps.dryRun) {
    const recorded = await run(nsCommand);
    if (!recorded.result.ok) return {ok: false, checks};
  } else {
    const ns = await ensureNamespace(deps.kube, METALLB_NAMESPACE);
    if (ns.status === 'failed') {
      report({id: 'lb-package', status: 'fail', title: ns.title, ...(ns.fix ? {fix: ns.fix} : {})});
      return {ok: false, checks};
    }
    deps.record?.(nsCommand);
  }

  const created = await run(createPackagesCommand(target, deps.env, deps.sessionDir));
  if (!created.result.ok) {
    const said = created.lines.filter(l => /error/i.test(l)).pop();
    report({
      id: 'lb-package',
      status: 'fail',
      title: `${created.display}: ${said ?? created.result.error ?? `exit ${created.result.exitCode}`}`,
      fix: `Read the output above; ${METALLB_PACKAGE_FILE} in the session folder holds what was applied.`,
    });
    return {ok: false, checks, packageFile: METALLB_PACKAGE_FILE};
  }
  report({
    id: 'lb-package',
    status: 'ok',
    title: `${deps.dryRun ? 'Would install' : 'Installed'} MetalLB with pool ${plan.pool.text} (${METALLB_PACKAGE_FILE})`,
  });
  if (deps.dryRun) return {ok: true, checks, packageFile: METALLB_PACKAGE_FILE};

  const ready = await waitReady(
    'lb-controller',
    METALLB_CONTROLLER,
    METALLB_NAMESPACE,
    deploymentProbe(deps.kube, METALLB_NAMESPACE, METALLB_CONTROLLER),
    `eksctl anywhere get packages --cluster ${plan.clusterName}; kubectl -n ${METALLB_NAMESPACE} get pods`,
  );
  return {ok: ready, checks, packageFile: METALLB_PACKAGE_FILE};
}

/** The address the load balancer gave the proxy Service, waiting for it (bounded); undefined when none came. */
export async function waitForLoadBalancerIp(
  kube: KubeApi,
  namespace: string,
  service: string,
  options: {clock: Clock; timeoutMs?: number; intervalMs?: number; signal?: AbortSignal},
): Promise<{ip?: string; service?: KubeService | null}> {
  const deadline = options.clock.now() + (options.timeoutMs ?? 120_000);
  let svc: KubeService | null = null;
  for (;;) {
    svc = await kube.get('Service', namespace, service).catch(() => null);
    const ingress = svc?.status?.loadBalancer?.ingress?.[0];
    const ip = ingress?.ip ?? ingress?.hostname;
    if (ip) return {ip, service: svc};
    if (options.signal?.aborted || options.clock.now() >= deadline) return {service: svc};
    await options.clock.sleep(options.intervalMs ?? 1000, options.signal).catch(() => undefined);
  }
}

/**
 * Why a LoadBalancer Service has no address: the newest Warning event on it (the service controller
 * records the cloud provider's error as SyncLoadBalancerFailed), undefined when there is none or events
 * cannot be read.
 */
export async function loadBalancerPendingReason(
  kube: KubeApi,
  namespace: string,
  service: string,
): Promise<string | undefined> {
  const events = await kube.list('Event', namespace).catch(() => []);
  const mine = events.filter(
    e => e.type === 'Warning' && e.involvedObject?.kind === 'Service' && e.involvedObject.name === service,
  );
  const last = mine.at(-1);
  return last ? `${last.reason ?? 'Warning'}: ${last.message ?? ''}`.trim() : undefined;
}
