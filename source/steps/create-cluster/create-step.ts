// The create-cluster step's shared pieces: what it needs from the session before it may start, the
// review of every answer, recording the new (or an existing) cluster's kubeconfig, and the failure
// text a headless run prints.
import {access} from 'node:fs/promises';
import {isAbsolute, join, relative} from 'node:path';
import type {Session} from '../../session/schema.js';
import type {StepContext, StepOutcome} from '../../wizard/registry.js';
import {MissingAnswerError, StepFailure} from '../../wizard/registry.js';
import {formatCommandLine} from '../../run/command-line.js';
import type {CommandSpec} from '../../run/types.js';
import {listNodes, nodeLine, type CreateRunResult} from './create-run.js';
import {expandHome, validateExistingCluster} from '../../cluster/existing.js';
import {kubectlReachability} from '../../cluster/nodes.js';
import {formatIssue} from '../../cluster/spec.js';

export interface CreateInputs {
  clusterName: string;
  bootstrapIp: string;
  expectedHostnames: string[];
}

const inSession = (session: Session, sessionDir: string, path: string) =>
  isAbsolute(path) ? path : join(sessionDir, path);

/** What the create needs; throws naming the answer or the earlier step that provides it. */
export async function createInputs(session: Session, sessionDir: string, dryRun: boolean): Promise<CreateInputs> {
  const a = session.answers;
  if (!a.cluster?.name) throw new MissingAnswerError('cluster.name', 'the cluster name (cluster-spec step)');
  if (!a.admin?.bootstrapIp)
    throw new MissingAnswerError(
      'admin.bootstrapIp',
      'the IPv4 address of the provisioning interface (preflight step)',
    );
  for (const [key, file, step] of [
    ['clusterYaml', 'cluster.yaml', 'cluster-spec'],
    ['hardwareCsv', 'hardware.csv', 'hardware'],
  ] as const) {
    const path = session.artifacts[key];
    if (!path) throw new StepFailure(`${file} has not been written yet: complete the ${step} step first`);
    if (dryRun) continue;
    try {
      await access(inSession(session, sessionDir, path));
    } catch {
      throw new StepFailure(`${path} is missing from the session folder: run the ${step} step again`);
    }
  }
  return {
    clusterName: a.cluster.name,
    bootstrapIp: a.admin.bootstrapIp,
    expectedHostnames: (a.machines ?? []).map(m => m.hostname),
  };
}

/** Every answer the create uses, then the exact command line, for the review before it starts. */
export function reviewLines(session: Session, command: CommandSpec): string[] {
  const a = session.answers;
  const c = a.cluster ?? {};
  const machines = a.machines ?? [];
  const cps = machines.filter(m => m.role === 'cp').map(m => m.hostname);
  const workers = machines.filter(m => m.role === 'worker').map(m => m.hostname);
  return [
    `Cluster        ${c.name ?? '?'} · Kubernetes ${c.kubernetesVersion ?? 'default'} · ${c.controlPlaneCount ?? cps.length} CP + ${c.workerCount ?? workers.length} worker(s)`,
    `Endpoint       ${c.endpoint ?? '?'} · tinkerbellIP ${c.tinkerbellIp ?? '?'}${c.loadBalancerInterface ? ` · kube-vip on ${c.loadBalancerInterface}` : ''}`,
    `OS image       ${c.osImageUrl ?? '?'}`,
    `Networks       pods ${c.podsCidr || '192.168.0.0/16'} · services ${c.servicesCidr || '10.96.0.0/12'} · nodes ${a.network?.netmask ?? '?'} via ${a.network?.gateway ?? '?'}`,
    `SSH key        ${c.sshAuthorizedKey ? c.sshAuthorizedKey.split(/\s+/).slice(0, 1).join('') + ' …' + (c.sshAuthorizedKey.split(/\s+/)[2] ?? '') : 'none: eksctl generates one'}`,
    `Machines       cp: ${cps.join(', ') || 'none'} · workers: ${workers.join(', ') || 'none'}`,
    `Admin server   ${a.admin?.interface ?? '?'} ${a.admin?.bootstrapIp ?? '?'} (Tinkerbell bootstrap IP)`,
    `Files          ${session.artifacts.clusterYaml ?? 'cluster.yaml'} · ${session.artifacts.hardwareCsv ?? 'hardware.csv'}`,
    `Command        ${formatCommandLine(command.command, command.args, [])}  (in the session folder)`,
  ];
}

/** The new cluster's kubeconfig goes into the session; the nodes make the summary. */
export async function recordCreated(
  ctx: StepContext,
  kubeconfig: string,
  signal?: AbortSignal,
): Promise<StepOutcome & {nodeLines: string[]}> {
  const path = relative(ctx.ports.sessionDir, kubeconfig);
  ctx.dispatch({type: 'record-artifact', key: 'kubeconfig', path});
  const listed = await listNodes(ctx.ports.runner, kubeconfig, signal);
  const name = ctx.session.answers.cluster?.name ?? 'the cluster';
  if ('error' in listed) {
    return {
      summary: `${name} created; kubeconfig ${path} (nodes not listed: ${listed.error})`,
      data: {kubeconfig: path},
      nodeLines: [`nodes could not be listed: ${listed.error}`],
    };
  }
  const ready = listed.nodes.filter(n => n.ready).length;
  return {
    summary: `${name} created: ${ready}/${listed.nodes.length} nodes Ready; kubeconfig ${path}`,
    data: {kubeconfig: path, nodes: listed.nodes.map(n => ({name: n.name, roles: n.roles, ready: n.ready}))},
    nodeLines: listed.nodes.map(nodeLine),
  };
}

/** The "use an existing cluster" option: the kubeconfig and context must be sound and the API must answer. */
export async function adoptExistingCluster(
  ctx: StepContext,
  kubeconfig: string,
  context: string | undefined,
  signal?: AbortSignal,
): Promise<StepOutcome> {
  const checked = await validateExistingCluster(kubeconfig, context);
  if (!checked.ok) throw new StepFailure(checked.errors.map(formatIssue).join('; '));
  const path = expandHome(kubeconfig);
  const api = await kubectlReachability(ctx.ports.runner, checked.info.context)(path, signal);
  if (!api.reachable)
    throw new StepFailure(
      `cluster.existing: the API of context ${checked.info.context} (${checked.info.server ?? '?'}) does not answer: ${api.reason}`,
    );
  ctx.dispatch({type: 'set-answers', patch: {cluster: {existing: {kubeconfig, context: checked.info.context}}}});
  ctx.dispatch({type: 'record-artifact', key: 'kubeconfig', path});
  if (api.recorded)
    return {
      summary: `dry run: the existing cluster ${checked.info.cluster} (context ${checked.info.context}) would be used; kubectl get nodes recorded, not run`,
      data: {kubeconfig: path, context: checked.info.context, existing: true, dryRun: true},
    };
  return {
    summary: `using the existing cluster ${checked.info.cluster} (context ${checked.info.context}, ${api.nodes.length} nodes)`,
    data: {kubeconfig: path, context: checked.info.context, existing: true},
  };
}

/** The failure as one message: what happened, the fix, and where the evidence is. */
export function failureMessage(run: CreateRunResult): string {
  const f = run.failure;
  if (!f) return 'eksctl anywhere create cluster failed';
  const where = run.artifacts.length > 0 ? ` Evidence: ${run.artifacts.map(a => a.path).join(', ')}.` : '';
  return `${f.title}. ${f.explanation} Fix: ${f.fix}${where} Leftovers stay until cleaned up: run again with --yes to clean them up and create again.`;
}
