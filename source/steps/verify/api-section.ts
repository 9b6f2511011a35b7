// The verify step's API section: after the smoke test has proven the data plane carries traffic, the
// admin's first API (answers `api:`) is checked against Kong's rules, written on the control plane
// through the Admin API and every policy preset is proven through the proxy. A section of verify, not a
// step of its own: it needs exactly what verify has (the Admin API, the proxy address, a data plane
// known to receive configuration), and a session saved before it existed loads and resumes unchanged.
// The Admin API writes go into the runbook as curl commands, the token and secrets as ${VAR}s.
import {AnswerError} from '../../errors.js';
import type {StepContext} from '../types.js';
import {answerRef, resolveSecret} from '../../session/secrets.js';
import {SecretError} from '../../session/errors.js';
import type {ApiAnswers} from '../../session/api-answers.js';
import {toCommandRecord} from '../../run/command-record.js';
import {apiCalls, applyApi, curlArgs, type AdminCall, type ApiSecrets, type ApplyStep} from '../../kong/api-apply.js';
import {proveApi, type ProofStep} from '../../kong/api-prove.js';
import {checkApiAnswers} from '../../kong/api-rules.js';
import {openAdmin, type VerifyDeps, type VerifyPlan} from './verify-step.js';

export interface ApiSectionCallbacks {
  onApply?: (step: ApplyStep) => void;
  onProof?: (step: ProofStep) => void;
}

export interface ApiSectionResult {
  ok: boolean;
  summary: string;
  data: Record<string, unknown>;
  error?: string;
}

/** The api answers checked and their secrets read; AnswerError (exit 2) naming the key otherwise. */
export function apiInputs(
  api: ApiAnswers,
  env: Readonly<Record<string, string | undefined>>,
  /** A dry run records the calls with ${VAR} references: the secrets need not be readable yet. */
  requireSecrets = true,
): {secrets: ApiSecrets} {
  const issue = checkApiAnswers(api)[0];
  if (issue) throw new AnswerError(issue.key, issue.message);
  const secrets: ApiSecrets = {};
  if (!requireSecrets) return {secrets};
  for (const [i, plugin] of (api.plugins ?? []).entries()) {
    const read = (key: string, ref: ReturnType<typeof answerRef>) => {
      try {
        return ref === undefined ? undefined : resolveSecret(ref, env);
      } catch (error) {
        if (error instanceof SecretError) throw new AnswerError(key, `${key}: ${error.message}`);
        throw error;
      }
    };
    if (plugin.preset === 'key-auth') {
      secrets.apiKey = read(`api.plugins[${i}].keyEnv`, answerRef(plugin.keyEnv, plugin.keyFile))?.trim();
      if (!secrets.apiKey) throw new AnswerError(`api.plugins[${i}].keyEnv`, `api.plugins[${i}]: the API key is empty`);
    }
    if (plugin.preset === 'openid-connect')
      secrets.clientSecret = read(
        `api.plugins[${i}].clientSecretEnv`,
        answerRef(plugin.clientSecretEnv, plugin.clientSecretFile),
      )?.trim();
  }
  return {secrets};
}

function recordCall(ctx: StepContext, adminUrl: string, call: AdminCall, secrets: ApiSecrets): void {
  const {args, envRefs} = curlArgs(adminUrl, call);
  const record = toCommandRecord(
    {command: 'curl', args, step: 'verify', cwd: ctx.ports.sessionDir, envRefs, title: `Admin API: ${call.what}`},
    [secrets.apiKey, secrets.clientSecret].filter((s): s is string => Boolean(s)),
    new Date(ctx.ports.clock.now()),
  );
  if (record) ctx.dispatch({type: 'command-recorded', record});
}

const describe = (api: ApiAnswers) =>
  `API ${api.service.name} ${api.route.paths.join(',')}${(api.plugins ?? []).length ? ` (${(api.plugins ?? []).map(p => p.preset).join(', ')})` : ''}`;

/** Dry run: the Admin API calls recorded for the runbook, nothing contacted. */
export function dryRunApiSection(ctx: StepContext, plan: VerifyPlan, api: ApiAnswers): ApiSectionResult {
  const {secrets} = apiInputs(api, ctx.ports.env, false);
  const adminUrl = plan.adminUrl ?? 'http://127.0.0.1:8001';
  for (const call of apiCalls(api, secrets)) recordCall(ctx, adminUrl, call, secrets);
  return {
    ok: true,
    summary: `dry run: ${describe(api)}`,
    data: {dryRun: true, service: api.service.name, route: api.route.name},
  };
}

export async function runApiSection(
  ctx: StepContext,
  signal: AbortSignal,
  plan: VerifyPlan,
  api: ApiAnswers,
  deps: Pick<VerifyDeps, 'net' | 'clock' | 'token' | 'speed' | 'cpKube'>,
  callbacks: ApiSectionCallbacks = {},
): Promise<ApiSectionResult> {
  const {secrets} = apiInputs(api, ctx.ports.env);
  if (!plan.proxyUrl) return {ok: false, summary: '', data: {}, error: 'the data plane proxy address is not known'};
  const opened = await openAdmin(plan, {...deps, signal});
  try {
    const applied = await applyApi(opened.admin, apiCalls(api, secrets), {
      signal,
      onStep: step => {
        // Kong's messages may quote what was sent (a duplicate key): never show a secret.
        const clean = {...step, title: redact(step.title, secrets)};
        callbacks.onApply?.(clean);
      },
      onWrite: call => recordCall(ctx, plan.adminUrl ?? opened.admin.url, call, secrets),
    });
    if (!applied.ok) {
      const failed = applied.steps.find(s => s.status === 'fail');
      return {
        ok: false,
        summary: '',
        data: {},
        error: failed
          ? `${redact(failed.title, secrets)}${failed.fix ? ` — ${failed.fix}` : ''}`
          : 'the API was not applied',
      };
    }
    const interval = Math.max(100, 2000 / Math.max(1, deps.speed ?? 1));
    const proof = await proveApi({
      proxyUrl: plan.proxyUrl,
      api,
      apiKey: secrets.apiKey,
      clock: deps.clock,
      route: deps.net.route,
      signal,
      intervalMs: interval,
      onStep: callbacks.onProof,
    });
    const proven = proof.steps.filter(s => s.preset !== 'route' && s.status === 'ok').map(s => s.preset);
    return {
      ok: proof.ok,
      summary: `${describe(api)}${proven.length ? `: ${proven.join(', ')} proven through the proxy` : ''}`,
      data: {
        service: api.service.name,
        route: api.route.name,
        plugins: (api.plugins ?? []).map(p => p.preset),
        proofs: proof.steps.map(s => ({preset: s.preset, status: s.status, title: s.title})),
      },
      ...(proof.ok ? {} : {error: proof.steps.find(s => s.status === 'fail')?.title ?? 'a policy was not proven'}),
    };
  } finally {
    await opened.forwarded?.close();
  }
}

function redact(text: string, secrets: ApiSecrets): string {
  let out = text;
  for (const s of [secrets.apiKey, secrets.clientSecret]) if (s) out = out.split(s).join('***');
  return out;
}
