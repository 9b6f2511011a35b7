// MetalLB on the new cluster, the way EKS Anywhere documents it for curated packages
// (docs/content/en/docs/packages/metallb/addmetallb.md): `eksctl anywhere generate package metallb
// --cluster <name>` for the Package, our pool and L2 advertisement in its config, the target
// namespace, `eksctl anywhere create packages -f`, then the controller Deployment until Ready. The
// kubeconfig is the management cluster's, which for a cluster the wizard created is the cluster itself.
import {join} from 'node:path';
import yaml from 'js-yaml';
import type {Clock} from '../ports.js';
import type {CommandRunner, CommandSpec, RunningCommand} from '../run/types.js';
import {writeFileAtomic} from '../session/home.js';
import {ensureNamespace, helmEnv, kubeTargetArgs, MANAGED_BY_LABEL} from './deploy.js';
import type {KubeApi, KubeService} from './kube-api.js';
import {describeKubeError} from './kube-api.js';
import {METALLB_CONTROLLER, METALLB_NAMESPACE, METALLB_PACKAGE_FILE, metallbPackage, type LbPlan} from './lb-config.js';

const METALLB_NAMESPACE_FILE = 'metallb-namespace.yaml';

export interface LbTarget {
  kubeconfig: string;
  context?: string;
}

export interface LbCheck {
  id: 'lb-package' | 'lb-controller';
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

/** The Deployment's readiness, as `kubectl rollout status` judges it. */
function deploymentReady(d: {spec?: {replicas?: number}; status?: {readyReplicas?: number}} | null): boolean {
  return !!d && (d.status?.readyReplicas ?? 0) >= (d.spec?.replicas ?? 1);
}

export interface LbInstallResult {
  ok: boolean;
  checks: LbCheck[];
  packageFile?: string;
}

export async function installMetallb(plan: LbPlan, target: LbTarget, deps: LbInstallDeps): Promise<LbInstallResult> {
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

  report({id: 'lb-controller', status: 'running', title: `Waiting for ${METALLB_CONTROLLER} to be Ready`});
  const interval = Math.max(100, 2000 / Math.max(1, deps.speed ?? 1));
  const deadline = deps.clock.now() + (deps.timeoutMs ?? 300_000);
  let last = '';
  for (;;) {
    try {
      const d = await deps.kube.get('Deployment', METALLB_NAMESPACE, METALLB_CONTROLLER);
      if (deploymentReady(d)) break;
      last = d ? `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1} ready` : 'not created yet';
    } catch (error) {
      last = describeKubeError(error, 'get', `deployment ${METALLB_NAMESPACE}/${METALLB_CONTROLLER}`);
    }
    if (deps.signal?.aborted || deps.clock.now() >= deadline) {
      report({
        id: 'lb-controller',
        status: 'fail',
        title: `${METALLB_CONTROLLER} is not Ready (${last})`,
        fix: `eksctl anywhere get packages --cluster ${plan.clusterName}; kubectl -n ${METALLB_NAMESPACE} get pods`,
      });
      return {ok: false, checks, packageFile: METALLB_PACKAGE_FILE};
    }
    await deps.clock.sleep(interval, deps.signal).catch(() => undefined);
  }
  report({id: 'lb-controller', status: 'ok', title: `${METALLB_CONTROLLER} Ready in ${METALLB_NAMESPACE}`});
  return {ok: true, checks, packageFile: METALLB_PACKAGE_FILE};
}

/** The address MetalLB gave the proxy Service, waiting for it (bounded); undefined when none came. */
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
