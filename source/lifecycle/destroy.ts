// `eksa-kong destroy`: removes only what the session created, newest first. The data plane release
// (helm uninstall), the secrets and the namespace the wizard created (kubectl by the managed-by label),
// the MetalLB package the data-plane step installed (eksctl anywhere delete packages) or its kube-vip
// manifests (kubectl delete -f of the file it applied) and, only when
// this session created the cluster, `eksctl anywhere delete cluster`. What the session did not create
// is listed as kept, with why. Every command goes through the session's runner, so it is logged and
// joins the runbook.
import {isAbsolute, join, relative} from 'node:path';
import type {Session} from '../session/schema.js';
import type {CommandRunner, CommandSpec} from '../run/types.js';
import {runWithOutput} from './run-output.js';
import {formatCommandLine} from '../run/command-line.js';
import {helmEnv, MANAGED_BY_LABEL} from '../kong/deploy.js';
import {workloadKubeconfig} from '../steps/data-plane/dp-step.js';
import {createClusterEnv} from '../cluster/create.js';
import {METALLB_NAMESPACE} from '../kong/lb-config.js';

export const MANAGED_BY_SELECTOR = Object.entries(MANAGED_BY_LABEL)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

export type DestroyActionId =
  | 'helm-uninstall'
  | 'secrets'
  | 'namespace'
  | 'lb-package'
  | 'lb-namespace'
  | 'lb-kube-vip'
  | 'cp-helm-uninstall'
  | 'cp-secrets'
  | 'cp-namespace'
  | 'cp-eks-cluster'
  | 'cluster';

export interface DestroyAction {
  id: DestroyActionId;
  title: string;
  spec: CommandSpec;
  /** Output that means "already gone": a rerun after a partial destroy goes on. */
  alreadyGone?: RegExp;
}

export interface DestroyPlan {
  actions: DestroyAction[];
  /** What stays, and why (not created by this session). */
  kept: string[];
}

/** Whether the session created the cluster (not one it was pointed at). */
export function sessionCreatedCluster(session: Session): boolean {
  return (
    !session.answers.cluster?.existing &&
    session.steps['create-cluster'].state === 'done' &&
    Boolean(session.artifacts.kubeconfig)
  );
}

/** What the control-plane step deployed (issue 10), from its recorded facts; undefined when it deployed nothing. */
export function deployedControlPlane(
  session: Session,
):
  | {namespace: string; release: string; kubeconfig: string; context?: string; eks?: {name: string; region: string}}
  | undefined {
  const deploy = session.steps['control-plane'].data?.['deploy'] as Record<string, unknown> | undefined;
  if (!session.answers.controlPlane?.deploy || !deploy) return undefined;
  const text = (k: string) => (typeof deploy[k] === 'string' ? (deploy[k] as string) : undefined);
  const namespace = text('namespace');
  const release = text('release');
  const kubeconfig = text('kubeconfig');
  if (!namespace || !release || !kubeconfig) return undefined;
  const eksCluster = text('eksCluster');
  const region = text('region');
  const context = session.answers.controlPlane.context;
  return {
    namespace,
    release,
    kubeconfig,
    ...(context ? {context} : {}),
    ...(eksCluster && region ? {eks: {name: eksCluster, region}} : {}),
  };
}

export interface DestroyOptions {
  /** The second confirmation: the control plane this session deployed goes too. */
  includeControlPlane?: boolean;
  /** The rest went in an earlier destroy: only the control plane is left to remove. */
  onlyControlPlane?: boolean;
}

/** Whether an earlier destroy already removed the control plane this session deployed. */
export function controlPlaneRemoved(session: Session): boolean {
  return session.lifecycle.some(
    e => e.action === 'destroy' && e.result === 'done' && /\bcp-helm-uninstall\b/.test(e.detail ?? ''),
  );
}

/**
 * Deletes a namespace only if the wizard created it: by name and label together, so a namespace that was
 * there before the wizard (no label) stays.
 */
function managedNamespaceAction(
  id: DestroyActionId,
  namespace: string,
  title: string,
  on: {base: {step: string; cwd: string}; env: CommandSpec['env']; kubeconfig: string; kctx: string[]},
): DestroyAction {
  return {
    id,
    title: `Delete namespace ${namespace} if the wizard created it (label ${MANAGED_BY_SELECTOR})`,
    spec: {
      ...on.base,
      env: on.env,
      command: 'kubectl',
      args: [
        'delete',
        'namespace',
        '-l',
        MANAGED_BY_SELECTOR,
        '--field-selector',
        `metadata.name=${namespace}`,
        '--kubeconfig',
        on.kubeconfig,
        ...on.kctx,
        '--ignore-not-found',
        '--wait',
      ],
      timeoutMs: 300_000,
      title,
    },
  };
}

export function destroyPlan(
  session: Session,
  sessionDir: string,
  env: Readonly<Record<string, string | undefined>>,
  options: DestroyOptions = {},
): DestroyPlan {
  const actions: DestroyAction[] = [];
  const kept: string[] = [];
  const workload = workloadKubeconfig(session, sessionDir, env);
  const dpData = session.steps['data-plane'].data ?? {};
  const dpRan = session.steps['data-plane'].attempts.length > 0 || session.steps['data-plane'].state === 'done';
  const namespace =
    typeof dpData['namespace'] === 'string' ? dpData['namespace'] : (session.answers.dataPlane?.namespace ?? 'kong');
  const release =
    typeof dpData['release'] === 'string' ? dpData['release'] : (session.answers.dataPlane?.release ?? 'kong-dp');
  // Paths inside the session folder are written relative to it (the commands run there), so the runbook reads well.
  const rel = (p: string) => (isAbsolute(p) && !relative(sessionDir, p).startsWith('..') ? relative(sessionDir, p) : p);
  const base = {step: 'destroy', cwd: sessionDir};

  const only = options.onlyControlPlane === true;
  if (only) kept.push('data plane, load balancer and cluster: removed by the earlier destroy');
  else if (dpRan && workload) {
    const kubeconfig = rel(workload.kubeconfig);
    const ctx = workload.context ? ['--kube-context', workload.context] : [];
    const kctx = workload.context ? ['--context', workload.context] : [];
    const kenv = helmEnv(env, workload.kubeconfig);
    actions.push({
      id: 'helm-uninstall',
      title: `Uninstall the data plane release ${release} (namespace ${namespace})`,
      spec: {
        ...base,
        env: kenv,
        command: 'helm',
        args: ['uninstall', '-n', namespace, '--kubeconfig', kubeconfig, ...ctx, '--wait', '--', release],
        timeoutMs: 600_000,
        title: `Uninstall the data plane release ${release}`,
      },
      alreadyGone: /release: not found/,
    });
    actions.push({
      id: 'secrets',
      title: `Delete the secrets the wizard created in ${namespace} (label ${MANAGED_BY_SELECTOR})`,
      spec: {
        ...base,
        env: kenv,
        command: 'kubectl',
        args: [
          'delete',
          'secret',
          '-n',
          namespace,
          '-l',
          MANAGED_BY_SELECTOR,
          '--kubeconfig',
          kubeconfig,
          ...kctx,
          '--ignore-not-found',
        ],
        timeoutMs: 120_000,
        title: 'Delete the data plane secrets the wizard created',
      },
    });
    actions.push(
      managedNamespaceAction('namespace', namespace, 'Delete the data plane namespace the wizard created', {
        base,
        env: kenv,
        kubeconfig,
        kctx,
      }),
    );
  } else if (!dpRan) kept.push('data plane: never deployed by this session');
  else kept.push('data plane: the cluster kubeconfig is not known, nothing can be removed there');

  // MetalLB went in before the data plane, so it goes after it; only what the step recorded as installed.
  const lb = dpData['loadBalancer'] as
    {provider?: string; pool?: string; package?: string; manifest?: string; namespace?: string} | undefined;
  const lbCluster = session.answers.cluster?.name;
  if (only) {
    // removed before
  } else if (lb?.provider === 'kube-vip' && lb.manifest && workload) {
    // Exactly what the step applied, from the file it applied (in the session folder, the cwd here).
    actions.push({
      id: 'lb-kube-vip',
      title: `Delete kube-vip for Services and its cloud provider (range ${lb.pool ?? '?'}) the wizard installed`,
      spec: {
        ...base,
        env: helmEnv(env, workload.kubeconfig),
        command: 'kubectl',
        args: [
          'delete',
          '-f',
          lb.manifest,
          '--kubeconfig',
          rel(workload.kubeconfig),
          ...(workload.context ? ['--context', workload.context] : []),
          '--ignore-not-found',
          '--wait',
        ],
        timeoutMs: 300_000,
        title: `Delete the kube-vip objects of ${lb.manifest}`,
      },
    });
  } else if (lb?.manifest)
    kept.push(`load balancer: kube-vip (${lb.manifest}) stays: the cluster kubeconfig is not known`);
  else if (lb?.package && workload && lbCluster) {
    const kubeconfig = rel(workload.kubeconfig);
    const kctx = workload.context ? ['--context', workload.context] : [];
    const kenv = helmEnv(env, workload.kubeconfig);
    const lbNamespace = lb.namespace ?? METALLB_NAMESPACE;
    // cmd/eksctl-anywhere/cmd/deletepackages.go: names as arguments, --cluster required; it deletes the
    // Package from eksa-packages-<cluster> and the package controller uninstalls MetalLB with its pool.
    actions.push({
      id: 'lb-package',
      title: `Delete the MetalLB package ${lb.package} (pool ${lb.pool ?? '?'}) the wizard installed`,
      spec: {
        ...base,
        env: kenv,
        command: 'eksctl',
        args: ['anywhere', 'delete', 'packages', lb.package, '--cluster', lbCluster, '--kubeconfig', kubeconfig],
        timeoutMs: 300_000,
        title: `Delete the MetalLB package ${lb.package}`,
      },
      alreadyGone: new RegExp(
        `\\(NotFound\\): packages\\.packages\\.eks\\.amazonaws\\.com "${lb.package.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" not found`,
      ),
    });
    actions.push(
      managedNamespaceAction('lb-namespace', lbNamespace, 'Delete the MetalLB namespace the wizard created', {
        base,
        env: kenv,
        kubeconfig,
        kctx,
      }),
    );
  } else if (lb?.package)
    kept.push(`load balancer: the MetalLB package ${lb.package} stays: the cluster kubeconfig or name is not known`);
  else
    kept.push(
      "load balancer pool: none installed by the wizard (the proxy is a NodePort or the cluster's own LoadBalancer)",
    );

  // The control plane only when this session deployed it, and only on the second confirmation.
  const cp = deployedControlPlane(session);
  if (cp && options.includeControlPlane) {
    const kubeconfig = rel(cp.kubeconfig);
    const ctx = cp.context ? ['--kube-context', cp.context] : [];
    const kctx = cp.context ? ['--context', cp.context] : [];
    const kenv = helmEnv(env, cp.kubeconfig);
    actions.push(
      {
        id: 'cp-helm-uninstall',
        title: `Uninstall the control plane release ${cp.release} (namespace ${cp.namespace}) this session deployed`,
        spec: {
          ...base,
          env: kenv,
          command: 'helm',
          args: ['uninstall', '-n', cp.namespace, '--kubeconfig', kubeconfig, ...ctx, '--wait', '--', cp.release],
          timeoutMs: 600_000,
          title: `Uninstall the control plane release ${cp.release}`,
        },
        alreadyGone: /release: not found/,
      },
      {
        id: 'cp-secrets',
        title: `Delete the control plane secrets the wizard created in ${cp.namespace} (label ${MANAGED_BY_SELECTOR})`,
        spec: {
          ...base,
          env: kenv,
          command: 'kubectl',
          args: [
            'delete',
            'secret',
            '-n',
            cp.namespace,
            '-l',
            MANAGED_BY_SELECTOR,
            '--kubeconfig',
            kubeconfig,
            ...kctx,
            '--ignore-not-found',
          ],
          timeoutMs: 120_000,
          title: 'Delete the control plane secrets the wizard created',
        },
      },
      managedNamespaceAction('cp-namespace', cp.namespace, 'Delete the control plane namespace the wizard created', {
        base,
        env: kenv,
        kubeconfig,
        kctx,
      }),
    );
    if (cp.eks)
      actions.push({
        id: 'cp-eks-cluster',
        title: `Delete the EKS cluster ${cp.eks.name} (${cp.eks.region}) this session created (eksctl delete cluster)`,
        spec: {
          ...base,
          env: createClusterEnv(env),
          command: 'eksctl',
          args: ['delete', 'cluster', '--name', cp.eks.name, '--region', cp.eks.region, '--wait'],
          timeoutMs: 2 * 60 * 60 * 1000,
          title: `Delete the EKS cluster ${cp.eks.name}`,
        },
      });
    else kept.push(`control plane cluster: ${cp.kubeconfig} was given to this session, not created by it; it stays`);
  } else if (cp)
    kept.push(
      `control plane: release ${cp.release} in ${cp.namespace}${cp.eks ? ` on the EKS cluster ${cp.eks.name} (${cp.eks.region})` : ''} was deployed by this session but stays: give --include-control-plane (or confirm it on the terminal) to remove it`,
    );

  const clusterName = session.answers.cluster?.name;
  if (only) {
    // removed before
  } else if (sessionCreatedCluster(session) && clusterName) {
    const kubeconfig = rel(workload?.kubeconfig ?? join(sessionDir, session.artifacts.kubeconfig!));
    actions.push({
      id: 'cluster',
      title: `Delete the EKS Anywhere cluster ${clusterName} this session created (eksctl anywhere delete cluster)`,
      spec: {
        ...base,
        env: createClusterEnv(env),
        command: 'eksctl',
        args: [
          'anywhere',
          'delete',
          'cluster',
          '-f',
          session.artifacts.clusterYaml ?? 'cluster.yaml',
          '-w',
          kubeconfig,
        ],
        timeoutMs: 2 * 60 * 60 * 1000,
        title: `Delete the cluster ${clusterName}`,
      },
    });
  } else if (session.answers.cluster?.existing) {
    kept.push(
      `cluster: ${session.answers.cluster.existing.kubeconfig} was given to this session, not created by it; it is not touched`,
    );
  } else kept.push('cluster: this session did not create one');
  if (!cp) kept.push('control plane: not deployed by this session; its cluster and its load balancers stay');
  return {actions, kept};
}

/** The plan as the lines a dry run prints. */
export function planLines(plan: DestroyPlan): string[] {
  return [
    'Would run, in this order:',
    ...plan.actions.map((a, i) => `  ${i + 1}. ${a.title}\n     $ ${formatCommandLine(a.spec.command, a.spec.args)}`),
    'Would keep:',
    ...plan.kept.map(k => `  - ${k}`),
  ];
}

/** eksctl anywhere delete cluster failures worth a fix (reference 3.x; issue #7268 for half-broken clusters). */
export function deleteFailureFix(lines: readonly string[]): string | undefined {
  const text = lines.join('\n');
  if (/kubeconfig file missing/.test(text))
    return 'The cluster kubeconfig is gone: eksctl needs it to reach the cluster. Restore <cluster>/<cluster>-eks-a-cluster.kubeconfig.';
  if (/connection refused|unable to connect|i\/o timeout|no such host/i.test(text))
    return 'The cluster API does not answer: check the control plane endpoint; a half-broken cluster may need its machines powered off by hand (eks-anywhere issue #7268).';
  if (/clusterconfig file .* not found|does not exist/.test(text))
    return 'cluster.yaml is missing from the session folder: regenerate it with eksa-kong generate cluster-spec.';
  return undefined;
}

export interface DestroyDeps {
  runner: CommandRunner;
  signal?: AbortSignal;
  /** Live progress: a line of a command's output, or a line about the action. */
  say(line: string): void;
}

export interface DestroyOutcome {
  ok: boolean;
  done: DestroyActionId[];
  failed?: {action: DestroyAction; error: string; fix?: string; log: string | null};
}

/** Runs the actions in order; stops at the first failure (later ones depend on it). */
export async function runDestroy(plan: DestroyPlan, deps: DestroyDeps): Promise<DestroyOutcome> {
  const done: DestroyActionId[] = [];
  for (const action of plan.actions) {
    deps.say(`▸ ${action.title}`);
    let lines: string[] = [];
    const result = await runWithOutput(
      deps.runner,
      action.spec,
      line => {
        deps.say(line);
        lines.push(line);
        if (lines.length > 400) lines = lines.slice(-200);
      },
      deps.signal,
    );
    if (!result.ok && !(action.alreadyGone && lines.some(l => action.alreadyGone!.test(l)))) {
      return {
        ok: false,
        done,
        failed: {
          action,
          error: result.error ?? `exit ${result.exitCode}`,
          fix: deleteFailureFix(lines),
          log: result.logPath,
        },
      };
    }
    done.push(action.id);
  }
  return {ok: true, done};
}
