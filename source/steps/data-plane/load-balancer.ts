// The data-plane step's load-balancer stage: the pool checked (answers, then the network), then
// MetalLB (the curated package) or kube-vip (ARP services mode with its cloud provider) installed before
// helm, so the proxy Service of type LoadBalancer gets an address from the pool as soon as the chart
// creates it.
import {relative} from 'node:path';
import {AnswerError, MissingAnswerError, StepFailure} from '../../errors.js';
import type {StepContext} from '../types.js';
import {toCommandRecord} from '../../run/command-record.js';
import type {RunningCommand} from '../../run/types.js';
import {LB_ADDRESSES_KEY} from '../../kong/lb-addresses.js';
import {checkLoadBalancerPool} from '../../kong/lb-check.js';
import {
  KUBE_VIP_NAMESPACE,
  LbConfigError,
  lbPlanFromAnswers,
  METALLB_NAMESPACE,
  PACKAGE_NAME,
  type LbPlan,
} from '../../kong/lb-config.js';
import {installLoadBalancer, type LbCheck, type LbTarget} from '../../kong/lb-install.js';
import {createKubeApi} from '../../kong/kube-client.js';
import type {KubeApi} from '../../kong/kube-api.js';

/** The pool plan, or undefined without dataPlane.loadBalancer; answer problems as AnswerError (exit 2). */
export function loadBalancerPlan(ctx: Pick<StepContext, 'session'>): LbPlan | undefined {
  // The admin chose NodePort after all: the pool stays in the answers, nothing is installed.
  if (ctx.session.answers.dataPlane?.proxyType === 'NodePort') return undefined;
  let plan: LbPlan | undefined;
  try {
    plan = lbPlanFromAnswers(ctx.session.answers);
  } catch (error) {
    if (error instanceof LbConfigError)
      throw error.missing
        ? new MissingAnswerError(error.key, error.message.replace(/^missing [^:]+: /, ''))
        : new AnswerError(error.key, error.message);
    throw error;
  }
  return plan;
}

export interface LoadBalancerStageCallbacks {
  onCheck?: (check: LbCheck) => void;
  onCommand?: (command: RunningCommand) => void;
}

/**
 * What the stage installed, as the step records it for destroy: MetalLB's package, or kube-vip's manifest
 * file in the session folder (destroy deletes what it lists).
 */
export type LbInstalled =
  | {provider: 'metallb'; pool: string; package: string; namespace: string}
  | {provider: 'kube-vip'; pool: string; manifest: string; namespace: string};

/** Checks the pool on the network and installs the provider; throws AnswerError / StepFailure. */
export async function runLoadBalancerStage(
  ctx: StepContext,
  signal: AbortSignal,
  plan: LbPlan,
  target: LbTarget,
  callbacks: LoadBalancerStageCallbacks = {},
  kube?: KubeApi,
): Promise<LbInstalled> {
  const dryRun = ctx.ports.world === 'dry-run';
  // A dry run contacts nothing: the pool's form and overlaps were checked with the answers already.
  if (!dryRun) {
    const issues = await checkLoadBalancerPool(ctx.session.answers, ctx.ports, signal);
    if (issues.length > 0) throw new AnswerError(LB_ADDRESSES_KEY, issues.map(i => i.message).join('\n'));
  }
  const result = await installLoadBalancer(plan, target, {
    runner: ctx.ports.runner,
    clock: ctx.ports.clock,
    env: ctx.ports.env,
    sessionDir: ctx.ports.sessionDir,
    kube: kube ?? createKubeApi(target.kubeconfig, target.context),
    dryRun,
    speed: ctx.ports.speed,
    signal,
    onCheck: callbacks.onCheck,
    onCommand: command => {
      if (command.logPath)
        ctx.dispatch({type: 'attempt-log', step: 'data-plane', log: relative(ctx.ports.sessionDir, command.logPath)});
      callbacks.onCommand?.(command);
    },
    record: spec => {
      const record = toCommandRecord(spec, [], new Date(ctx.ports.clock.now()));
      if (record) ctx.dispatch({type: 'command-recorded', record});
    },
  });
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
  if (!result.ok) {
    const failed = result.checks.find(c => c.status === 'fail');
    throw new StepFailure(
      failed ? `${failed.title}${failed.fix ? ` — ${failed.fix}` : ''}` : `${plan.provider} did not install`,
    );
  }
  if (plan.provider === 'kube-vip')
    return {provider: 'kube-vip', pool: plan.pool.text, manifest: result.packageFile!, namespace: KUBE_VIP_NAMESPACE};
  return {provider: 'metallb', pool: plan.pool.text, package: PACKAGE_NAME, namespace: METALLB_NAMESPACE};
}
