// A data plane on a cluster made elsewhere (EKS Anywhere on vSphere, EKS in another region, any
// Kubernetes): answers with `cluster.existing` and no `machines` skip the bare-metal steps, and the
// preflight checks only what that flow needs: kubectl, helm, the cluster answering, and its nodes'
// CPU architecture against the data plane image.
import type {StepContext, StepOutcome} from '../steps/types.js';
import {StepFailure} from '../errors.js';
import {capture} from '../cluster/capture.js';
import {evaluateHelm, evaluateKubectl, PREFLIGHT_COMMANDS, type PreflightCheck} from '../cluster/preflight.js';
import {checkLine} from '../steps/preflight/preflight-step.js';
import {expandHome} from '../cluster/existing.js';
import {createKubeApi} from '../kong/kube-client.js';
import {describeKubeError, type KubeApi} from '../kong/kube-api.js';

/** The platforms kong/kong-gateway images are published for (Docker Hub manifest list). */
export const DP_IMAGE_ARCHITECTURES: ReadonlySet<string> = new Set(['amd64', 'arm64']);

/** The nodes answer, and every node's architecture has a data plane image. */
export async function clusterChecks(kube: KubeApi, where: string): Promise<PreflightCheck[]> {
  let nodes: Awaited<ReturnType<KubeApi['list']>>;
  try {
    nodes = await kube.list('Node', '');
  } catch (error) {
    return [
      {
        id: 'cluster-reachable',
        title: 'Existing cluster reachable',
        status: 'fail',
        detail: describeKubeError(error, 'list', `nodes of ${where}`),
        fix: 'Check cluster.existing.kubeconfig and its context (for EKS: aws eks update-kubeconfig).',
      },
    ];
  }
  const checks: PreflightCheck[] = [];
  checks.push(
    nodes.length === 0
      ? {
          id: 'cluster-reachable',
          title: 'Existing cluster reachable',
          status: 'fail',
          detail: `${where} answers but has no nodes`,
          fix: 'Add worker nodes before deploying the data plane.',
        }
      : {
          id: 'cluster-reachable',
          title: 'Existing cluster reachable',
          status: 'pass',
          detail: `${where}: ${nodes.length} node${nodes.length === 1 ? '' : 's'}`,
          fix: '',
        },
  );
  const archOf = (n: unknown) =>
    String((n as {status?: {nodeInfo?: {architecture?: string}}}).status?.nodeInfo?.architecture ?? 'unknown');
  const odd = nodes.filter(n => !DP_IMAGE_ARCHITECTURES.has(archOf(n)));
  if (nodes.length > 0) {
    checks.push(
      odd.length === 0
        ? {
            id: 'node-architecture',
            title: 'Node architecture vs the data plane image',
            status: 'pass',
            detail: [...new Set(nodes.map(archOf))].join(', '),
            fix: '',
          }
        : {
            id: 'node-architecture',
            title: 'Node architecture vs the data plane image',
            status: 'fail',
            detail: odd.map(n => `${n.metadata.name}: ${archOf(n)}`).join(', '),
            fix: 'kong/kong-gateway is published for amd64 and arm64 only: schedule the data plane on such nodes.',
          },
    );
  }
  return checks;
}

/** The narrower preflight of the existing-cluster flow (headless): every check said, the first failure stops it. */
export async function runExistingClusterPreflight(
  ctx: StepContext,
  signal: AbortSignal,
  kubeFor = createKubeApi,
): Promise<StepOutcome> {
  const checks = await existingClusterChecks(ctx, signal, kubeFor);
  for (const c of checks) ctx.say(checkLine(c));
  const failed = checks.find(c => c.status === 'fail');
  if (failed) throw new StepFailure(`${failed.title}: ${failed.detail}${failed.fix ? ` — ${failed.fix}` : ''}`);
  return existingClusterOutcome(checks);
}

/** The step's summary and data once the checks pass (the screen and headless say the same). */
export function existingClusterOutcome(checks: PreflightCheck[]): StepOutcome {
  return {
    summary: `existing cluster: ${checks.map(c => c.detail).join(' · ')}`,
    data: {existingCluster: true, checks: checks.map(c => ({id: c.id, status: c.status}))},
  };
}

/** What the existing-cluster flow checks: kubectl, helm, the cluster answering and its nodes' architecture. */
export async function existingClusterChecks(
  ctx: StepContext,
  signal: AbortSignal,
  kubeFor = createKubeApi,
): Promise<PreflightCheck[]> {
  const existing = ctx.session.answers.cluster!.existing!;
  const checks: PreflightCheck[] = [];
  // A dry run records the commands without running them: say so instead of judging empty output.
  const judged = async (
    spec: typeof PREFLIGHT_COMMANDS.kubectl,
    judge: typeof evaluateKubectl,
  ): Promise<PreflightCheck> => {
    const c = await capture(ctx.ports.runner, spec, signal);
    const check = judge(c);
    return c.result.recorded
      ? {
          ...check,
          status: 'warn',
          detail: 'dry run: the command was recorded, not run',
          fix: 'Run without --dry-run to check it.',
        }
      : check;
  };
  checks.push(await judged(PREFLIGHT_COMMANDS.kubectl, evaluateKubectl));
  checks.push(await judged(PREFLIGHT_COMMANDS.helm, evaluateHelm));
  if (ctx.ports.world !== 'dry-run') {
    const path = expandHome(existing.kubeconfig);
    checks.push(
      ...(await clusterChecks(
        kubeFor(path, existing.context),
        existing.context ? `context ${existing.context}` : path,
      )),
    );
  }
  return checks;
}
