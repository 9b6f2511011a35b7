// The verify step: the control plane sees every data plane pod, then a request goes through the proxy.
import {StepFailure} from '../../errors.js';
import type {StepContext, StepOutcome, StepLogic} from '../types.js';
import {cpInputFromAnswers, expandPath} from '../control-plane/cp-step.js';
import {
  runVerify,
  smokeUrl,
  verifySummary,
  type VerifyDeps,
  type VerifyPlan,
  type VerifyResult,
} from './verify-step.js';
import {resolveCpToken} from '../control-plane/step.js';
import {dryRunApiSection, runApiSection, type ApiSectionCallbacks} from './api-section.js';

export function verifyPlanFor(ctx: StepContext): VerifyPlan {
  const answers = ctx.session.answers;
  const cp = cpInputFromAnswers(answers);
  const cpData = ctx.session.steps['control-plane'].data ?? {};
  const dpData = ctx.session.steps['data-plane'].data ?? {};
  const pods = Array.isArray(dpData['pods']) ? dpData['pods'].map(String) : [];
  return {
    adminUrl: cp.adminUrl,
    cp: {
      kubeconfig: expandPath(cp.kubeconfig, ctx.ports.env),
      context: cp.context ?? (cpData['context'] as string | undefined),
      namespace: cp.namespace,
      release: cp.release,
    },
    podNames: pods,
    expectedVersion: answers.controlPlane?.version,
    proxyUrl: typeof dpData['proxyUrl'] === 'string' ? dpData['proxyUrl'] : undefined,
    routerFlavor: typeof cpData['routerFlavor'] === 'string' ? cpData['routerFlavor'] : undefined,
    smokeTest: answers.dataPlane?.smokeTest ?? true,
  };
}

export type VerifyCallbacks = Pick<VerifyDeps, 'onRows' | 'onSmoke'> & ApiSectionCallbacks;

/** Runs the checks; returns the outcome, or throws StepFailure with what did not hold. */
export async function runVerifyStep(
  ctx: StepContext,
  signal: AbortSignal,
  plan: VerifyPlan,
  callbacks: VerifyCallbacks = {},
): Promise<{outcome: StepOutcome; result: VerifyResult}> {
  if (plan.podNames.length === 0)
    throw new StepFailure('no data plane pods are recorded: run the data-plane step first');
  const token = await resolveCpToken(ctx);
  const result = await runVerify(plan, {
    net: ctx.ports.net,
    clock: ctx.ports.clock,
    speed: ctx.ports.speed,
    token,
    signal,
    ...callbacks,
  });
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
  if (!result.ok) {
    const pod = result.verification?.pods.find(p => p.status !== 'connected');
    throw new StepFailure(
      pod ? `${pod.title}${pod.fix ? ` — ${pod.fix}` : ''}` : (result.error ?? 'verification failed'),
    );
  }
  // The admin's first API, when the answers define one: applied, then each policy proven through the proxy.
  const api = ctx.session.answers.api;
  const section = api
    ? await runApiSection(
        ctx,
        signal,
        plan,
        api,
        {net: ctx.ports.net, clock: ctx.ports.clock, speed: ctx.ports.speed, token},
        callbacks,
      )
    : undefined;
  if (section && !section.ok) throw new StepFailure(section.error ?? 'the API was not applied');
  const data = {
    ...(section ? {api: section.data} : {}),
    connected:
      result.verification?.pods.map(p => ({pod: p.pod, version: p.row?.version, sync_status: p.row?.sync_status})) ??
      [],
    source: result.verification?.source,
    ignoredRows: result.verification?.ignoredRows ?? 0,
    smokeTest: plan.smokeTest,
    ...(plan.proxyUrl && plan.smokeTest ? {smokeUrl: smokeUrl(plan.proxyUrl)} : {}),
  };
  return {
    outcome: {summary: `${verifySummary(result, plan)}${section ? ` · ${section.summary}` : ''}`, data},
    result,
  };
}

/** Dry run: what would be checked; nothing is contacted. */
export function dryRunVerify(ctx: StepContext, plan: VerifyPlan): StepOutcome {
  ctx.say('dry run: the control plane is not contacted');
  ctx.say(
    `would read GET /clustering/data-planes on ${plan.adminUrl ?? 'the Admin API (port-forward)'} for the data plane pods`,
  );
  if (plan.smokeTest)
    ctx.say(
      `would upsert Service httpbin and Route ${'/httpbin'}, then GET ${plan.proxyUrl ? smokeUrl(plan.proxyUrl) : 'http://<node-ip>:<nodePort>/httpbin/anything'} until 200`,
    );
  const api = ctx.session.answers.api;
  const section = api ? dryRunApiSection(ctx, plan, api) : undefined;
  if (section)
    ctx.say(
      `would apply ${section.summary.replace(/^dry run: /, '')} through the Admin API (the calls are in the runbook)`,
    );
  return {
    summary: 'dry run: verification not run',
    data: {dryRun: true, smokeTest: plan.smokeTest, ...(section ? {api: section.data} : {})},
  };
}

export const logic = {
  runHeadless: async (ctx, signal) => {
    const plan = verifyPlanFor(ctx);
    if (ctx.ports.world === 'dry-run') return dryRunVerify(ctx, plan);
    let last = '';
    const {outcome} = await runVerifyStep(ctx, signal, plan, {
      onRows: v => {
        const line = v.pods.map(p => p.title).join('; ');
        if (line !== last) ctx.say(line);
        last = line;
      },
      onSmoke: s => ctx.say(`${s.status === 'ok' ? '✔' : s.status === 'warn' ? '!' : '✖'} ${s.title}`),
      onApply: s => ctx.say(`${s.status === 'ok' ? '✔' : '✖'} ${s.title}`),
      onProof: s => ctx.say(`${s.status === 'ok' ? '✔' : s.status === 'warn' ? '!' : '✖'} ${s.title}`),
    });
    return outcome;
  },
} satisfies StepLogic;
