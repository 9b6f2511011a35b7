// The data-plane step: values from the templates, then the DP deployed with Helm onto the new cluster.
import {relative} from 'node:path';
import {access} from 'node:fs/promises';
import {join} from 'node:path';
import {AnswerError, MissingAnswerError, StepFailure} from '../../errors.js';
import type {StepContext, StepOutcome, StepLogic} from '../types.js';
import {DpValuesError, DP_VALUES_FILE, type DpValuesInput} from '../../kong/dp-values.js';
import {kongLicenseProblem} from '../../kong/license.js';
import {PkiError} from '../../kong/pki.js';
import {
  deployDataPlane,
  dpPlanFor,
  dpSummary,
  dpValuesFor,
  dryRunDataPlane,
  expectedKubeconfig,
  writeDpValues,
  type DpDeps,
  type DpPlan,
} from './dp-step.js';
import {factsData} from '../control-plane/cp-step.js';
import {createKubeApi} from '../../kong/kube-client.js';
import {dpPodSelector} from '../../kong/deploy.js';
import {openAdmin} from '../verify/verify-step.js';
import {emptyConfigConnection, type EmptyConfigView} from '../../kong/verify.js';
import {resolveCpToken} from '../control-plane/step.js';
import {verifyPlanFor} from '../verify/step.js';
import {toCommandRecord} from '../../run/command-record.js';
import {loadBalancerPlan, runLoadBalancerStage} from './load-balancer.js';

/** The CP's view of the DP pods through its Admin API (the URL or a port-forward), opened per question. */
function cpViewFor(ctx: StepContext): DpDeps['cpView'] {
  return async (podNames, signal): Promise<EmptyConfigView> => {
    const token = await resolveCpToken(ctx);
    const {admin, forwarded} = await openAdmin(verifyPlanFor(ctx), {
      net: ctx.ports.net,
      clock: ctx.ports.clock,
      token,
      signal,
    });
    try {
      return await emptyConfigConnection(admin, {podNames, nowMs: ctx.ports.clock.now(), signal});
    } finally {
      await forwarded?.close();
    }
  };
}

/** The values input, or the answers-file key that is missing. */
export function dataPlaneValues(ctx: StepContext): DpValuesInput {
  try {
    return dpValuesFor(
      ctx.session.answers,
      ctx.session.steps['control-plane'].data,
      ctx.secret('license') !== undefined,
    );
  } catch (error) {
    if (error instanceof DpValuesError && error.key && /^missing /.test(error.message))
      throw new MissingAnswerError(error.key, error.message.replace(/^missing [^:]+: /, ''));
    if (error instanceof DpValuesError) throw new StepFailure(error.message);
    throw error;
  }
}

/** The plan for these values; in a dry run the kubeconfig eksctl would write stands in for a missing one. */
export function dataPlanePlan(ctx: StepContext, values: DpValuesInput): DpPlan {
  const plan = dpPlanFor(ctx.session, ctx.ports.sessionDir, ctx.ports.env, values);
  if (plan) return plan;
  const name = ctx.session.answers.cluster?.name;
  if (ctx.ports.world === 'dry-run' && name) {
    const session = {...ctx.session, artifacts: {...ctx.session.artifacts, kubeconfig: expectedKubeconfig(name)}};
    return dpPlanFor(session, ctx.ports.sessionDir, ctx.ports.env, values)!;
  }
  throw new MissingAnswerError(
    'cluster.existing.kubeconfig',
    'the kubeconfig of the EKS Anywhere cluster (the create-cluster step records it)',
  );
}

/** Writes kong-dp-values.yaml and records it as the dpValues artifact. */
export async function writeValuesArtifact(ctx: StepContext, values: DpValuesInput, plan?: DpPlan): Promise<string> {
  const {file, text} = await writeDpValues(ctx.ports.sessionDir, values, plan, ctx.ports.env);
  ctx.dispatch({type: 'record-artifact', key: 'dpValues', path: file});
  return text;
}

export type DataPlaneCallbacks = Pick<DpDeps, 'onCheck' | 'onCommand' | 'onPods'>;

/** The whole step for a plan: values written, then deploy (or the dry-run records). */
export async function runDataPlaneStep(
  ctx: StepContext,
  signal: AbortSignal,
  plan: DpPlan,
  callbacks: DataPlaneCallbacks = {},
): Promise<StepOutcome> {
  const licenseText = ctx.secret('license');
  if (licenseText !== undefined) {
    const problem = kongLicenseProblem(licenseText);
    const file = ctx.session.answers.controlPlane?.licenseFile;
    if (problem)
      throw new AnswerError(
        file !== undefined ? 'controlPlane.licenseFile' : 'controlPlane.license',
        `${file !== undefined ? `controlPlane.licenseFile: ${JSON.stringify(file)}` : 'controlPlane.license'} ${problem}: ` +
          'a Kong licence is JSON with a "license" object holding "payload" and "signature"',
      );
  }
  const lb = loadBalancerPlan(ctx);
  await writeValuesArtifact(ctx, plan.values, plan);
  callbacks.onCheck?.({id: 'values', status: 'ok', title: `${DP_VALUES_FILE} written`});
  const lbInstalled = lb
    ? await runLoadBalancerStage(ctx, signal, lb, plan.workload, {
        onCheck: c => callbacks.onCheck?.({...c, id: 'load-balancer'}),
        onCommand: callbacks.onCommand,
      })
    : undefined;
  const deps: DpDeps = {
    runner: ctx.ports.runner,
    clock: ctx.ports.clock,
    env: ctx.ports.env,
    sessionDir: ctx.ports.sessionDir,
    speed: ctx.ports.speed,
    signal,
    licenseText,
    cpView: cpViewFor(ctx),
    record: spec => {
      const record = toCommandRecord(spec, [], new Date(ctx.ports.clock.now()));
      if (record) ctx.dispatch({type: 'command-recorded', record});
    },
    ...callbacks,
    onCommand: command => {
      if (command.logPath)
        ctx.dispatch({type: 'attempt-log', step: 'data-plane', log: relative(ctx.ports.sessionDir, command.logPath)});
      callbacks.onCommand?.(command);
    },
  };
  const result = await (
    ctx.ports.world === 'dry-run' ? dryRunDataPlane(plan, deps) : deployDataPlane(plan, deps)
  ).catch((error: unknown) => {
    if (error instanceof PkiError) throw new AnswerError(error.key, error.message);
    throw error;
  });
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
  if (!result.ok) {
    const failed = result.checks.find(c => c.status === 'fail');
    // Something only the answers can supply (pki: the CA key, the DP certificate…): exit 2 naming the key.
    if (failed?.key) throw new AnswerError(failed.key, failed.title);
    throw new StepFailure(
      failed ? `${failed.title}${failed.fix ? ` — ${failed.fix}` : ''}` : 'the data plane deployment did not finish',
    );
  }
  return {
    summary: dpSummary(result.facts),
    data: {...factsData(result.facts), ...(lbInstalled ? {loadBalancer: lbInstalled} : {})},
  };
}

export const logic = {
  runHeadless: async (ctx, signal) => {
    const plan = dataPlanePlan(ctx, dataPlaneValues(ctx));
    let lastPods = '';
    return runDataPlaneStep(ctx, signal, plan, {
      onCheck: c => {
        if (c.status !== 'running') ctx.say(`${c.status === 'ok' ? '✔' : c.status === 'warn' ? '!' : '✖'} ${c.title}`);
      },
      onCommand: c => ctx.say(`$ ${c.display}`),
      onPods: (pods, diagnoses) => {
        const line = pods.map(p => `${p.name} ${p.ready ? 'Ready' : (p.reason ?? p.phase)}`).join(', ');
        if (line && line !== lastPods) ctx.say(`pods: ${line}`);
        lastPods = line;
        for (const d of diagnoses) ctx.say(`${d.pod}: ${d.title} — ${d.fix}`);
      },
    });
  },
  // On resume: the values file is still there and (outside a dry run) the pods are still Ready.
  check: async ctx => {
    try {
      await access(join(ctx.ports.sessionDir, DP_VALUES_FILE));
    } catch {
      return {ok: false, detail: `${DP_VALUES_FILE} is missing`};
    }
    if (ctx.ports.world === 'dry-run') return {ok: true, detail: 'values written'};
    const data = ctx.session.steps['data-plane'].data ?? {};
    const plan = dpPlanFor(ctx.session, ctx.ports.sessionDir, ctx.ports.env, {
      namespace: String(data['namespace'] ?? 'kong'),
      release: String(data['release'] ?? 'kong-dp'),
    } as DpValuesInput);
    if (!plan) return {ok: false, detail: 'the kubeconfig of the new cluster is not known'};
    try {
      const pods = await createKubeApi(plan.workload.kubeconfig, plan.workload.context).list(
        'Pod',
        plan.values.namespace,
        {labelSelector: dpPodSelector(plan.values.release)},
      );
      const ready = pods.filter(p => p.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True'));
      if (ready.length > 0) return {ok: true, detail: `${ready.length} data plane pod(s) Ready`};
      // A brand-new CP: the pods run, connected, until verify gives them a configuration.
      const running = pods.filter(p => p.status?.phase === 'Running');
      if (data['awaitingConfig'] === true && running.length > 0)
        return {
          ok: true,
          detail: `${running.length} data plane pod(s) running, waiting for configuration from the control plane`,
        };
      return {ok: false, detail: 'no data plane pod is Ready'};
    } catch (error) {
      return {ok: false, detail: `cannot list the data plane pods (${(error as Error).message.split('\n')[0]})`};
    }
  },
} satisfies StepLogic;
