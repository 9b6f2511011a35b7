// The control-plane step: connect to the Kong CP on EKS and record what the data plane needs.
import {AnswerError, MissingAnswerError, StepFailure} from '../../errors.js';
import type {StepContext, StepOutcome, StepLogic} from '../types.js';
import {adminTokenSourceFromAnswers, resolveAdminToken} from '../../kong/admin-api.js';
import {parseEndpoint} from '../../kong/endpoint.js';
import {probeTcp} from '../../kong/probes.js';
import {
  cpAnswersPatch,
  cpInputFromAnswers,
  cpSummary,
  factsData,
  runControlPlaneChecks,
  type CpCheck,
  type CpFacts,
  type CpInput,
} from './cp-step.js';
import type {DeployListeners} from './cp-deploy-step.js';

/** The admin token from wherever the answers say (secrets.json, env, file, inline); never shown. */
export async function resolveCpToken(ctx: StepContext): Promise<string | undefined> {
  const stored = ctx.secret('kong.adminToken');
  if (stored) return stored;
  const result = await resolveAdminToken(adminTokenSourceFromAnswers(ctx.session.answers.controlPlane), ctx.ports.env);
  if (!result.ok) {
    // A reference the answers give that cannot be used is an answer to fix (exit 2), named by its key.
    const cp = ctx.session.answers.controlPlane;
    const key = cp?.adminTokenEnv
      ? 'controlPlane.adminTokenEnv'
      : cp?.adminTokenFile
        ? 'controlPlane.adminTokenFile'
        : null;
    if (key) throw new AnswerError(key, `${key}: ${result.message} ${result.fix}`);
    throw new StepFailure(`${result.message} ${result.fix}`);
  }
  return result.token;
}

/** Where the token comes from, for display: never its value. */
export function tokenSourceText(ctx: StepContext): string {
  const cp = ctx.session.answers.controlPlane;
  if (cp?.adminTokenEnv) return `environment variable ${cp.adminTokenEnv}`;
  if (cp?.adminTokenFile) return `file ${cp.adminTokenFile}`;
  if (cp?.adminToken || ctx.secret('kong.adminToken')) return 'stored secret (secrets.json)';
  return 'none (RBAC off)';
}

/**
 * Runs the checks for `input` and, when all pass, records the answers the data plane needs. Throws
 * StepFailure naming the first failed check and its fix.
 */
export async function runControlPlaneStep(
  ctx: StepContext,
  signal: AbortSignal,
  input: CpInput,
  onCheck?: (check: CpCheck) => void,
): Promise<StepOutcome> {
  const token = await resolveCpToken(ctx);
  const result = await runControlPlaneChecks(input, {
    net: ctx.ports.net,
    clock: ctx.ports.clock,
    speed: ctx.ports.speed,
    env: ctx.ports.env,
    token,
    signal,
    onCheck,
  });
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
  if (!result.ok) {
    const failed =
      result.checks.find(c => c.status === 'fail') ?? result.checks.find(c => c.status !== 'ok' && c.status !== 'warn');
    // Something only the answers can supply (pki: the CA key, the server name…): exit 2 naming the key.
    if (failed?.key) throw new AnswerError(failed.key, failed.title);
    throw new StepFailure(
      failed ? `${failed.title}${failed.fix ? ` — ${failed.fix}` : ''}` : 'the control plane checks did not finish',
    );
  }
  ctx.dispatch({type: 'set-answers', patch: cpAnswersPatch(result.facts)});
  return {summary: cpSummary(result.facts), data: factsData(result.facts)};
}

/** Headless: one line per settled check. */
function checkPrinter(ctx: StepContext): (check: CpCheck) => void {
  let last = '';
  return check => {
    if (check.status === 'running') return;
    const line = `${check.status === 'ok' ? '✔' : check.status === 'warn' ? '!' : check.status === 'pending' ? '…' : '✖'} ${check.title}`;
    if (line !== last) ctx.say(line);
    last = line;
  };
}

/**
 * controlPlane.deploy (issue 10), for the screen and the headless run alike: deploy (or find again) the
 * CP, then hand over to the discovery that connects to any CP. The outcome keeps what was deployed in
 * the step's data beside the discovery's facts: `destroy --include-control-plane` reads it.
 */
export async function deployThenConnect(
  ctx: StepContext,
  signal: AbortSignal,
  listeners: DeployListeners,
  onCheck?: (check: CpCheck) => void,
): Promise<StepOutcome> {
  const {deployControlPlane} = await import('./cp-deploy-step.js');
  const {input, result, plan} = await deployControlPlane(ctx, signal, listeners);
  const where = plan.eks ? `EKS ${plan.eks.name} (${plan.eks.region})` : `existing cluster ${plan.kubeconfig}`;
  const deploy = result.facts;
  if (ctx.ports.world === 'dry-run')
    return {
      summary: `dry run: Kong ${plan.values.image.tag} control plane on ${where} (commands recorded, nothing created)`,
      data: {deploy, dryRun: true},
    };
  const outcome = await runControlPlaneStep(ctx, signal, input, onCheck);
  return {summary: `deployed on ${where} · ${outcome.summary}`, data: {...outcome.data, deploy}};
}

/** Dry run: endpoints, version and the token reference from the answers; nothing is probed. */
export function dryRunControlPlane(ctx: StepContext): StepOutcome {
  const cp = ctx.session.answers.controlPlane ?? {};
  if (!cp.clusterEndpoint)
    throw new MissingAnswerError(
      'controlPlane.clusterEndpoint',
      'host:port of the control plane cluster listener, e.g. cp.example.com:8005',
    );
  if (!cp.telemetryEndpoint)
    throw new MissingAnswerError(
      'controlPlane.telemetryEndpoint',
      'host:port of the control plane telemetry listener, e.g. tp.example.com:8006',
    );
  if (!cp.version)
    throw new MissingAnswerError(
      'controlPlane.version',
      'the control plane Kong version (GET / "version"), e.g. 3.9.1.2',
    );
  for (const [key, value, port] of [
    ['controlPlane.clusterEndpoint', cp.clusterEndpoint, 8005],
    ['controlPlane.telemetryEndpoint', cp.telemetryEndpoint, 8006],
  ] as const) {
    const parsed = parseEndpoint(value, port);
    if (!parsed.ok) throw new StepFailure(`${key}: ${parsed.message} ${parsed.fix}`);
  }
  const input = cpInputFromAnswers(ctx.session.answers);
  ctx.say(`dry run: control plane not contacted; endpoints and version taken from the answers`);
  ctx.say(`cluster ${cp.clusterEndpoint} · telemetry ${cp.telemetryEndpoint} · Kong ${cp.version}`);
  ctx.say(`admin token: ${tokenSourceText(ctx)}`);
  const facts: CpFacts = {
    kubeconfig: input.kubeconfig,
    context: input.context,
    namespace: input.namespace,
    release: input.release,
    endpointSource: 'answers',
    clusterEndpoint: cp.clusterEndpoint,
    telemetryEndpoint: cp.telemetryEndpoint,
    version: cp.version,
    mode: cp.mode ?? 'shared',
    clusterCertSecret: cp.clusterCertSecret,
    licenseSecret: cp.licenseSecret,
    adminUrl: cp.adminUrl,
    dryRun: true,
  };
  return {summary: `dry run: ${cpSummary(facts)} (not probed)`, data: factsData(facts)};
}

export const logic = {
  runHeadless: async (ctx, signal) => {
    // controlPlane.deploy: deploy the CP on EKS first (issue 10), then connect to it like to any CP.
    if (ctx.session.answers.controlPlane?.deploy) {
      const {headlessDeployListeners} = await import('./cp-deploy-step.js');
      return deployThenConnect(ctx, signal, headlessDeployListeners(ctx), checkPrinter(ctx));
    }
    if (ctx.ports.world === 'dry-run') return dryRunControlPlane(ctx);
    return runControlPlaneStep(ctx, signal, cpInputFromAnswers(ctx.session.answers), checkPrinter(ctx));
  },
  // On resume: the cluster listener still answers TCP from here.
  check: async (ctx, signal) => {
    if (ctx.ports.world === 'dry-run') return {ok: true, detail: 'dry run'};
    const value = ctx.session.answers.controlPlane?.clusterEndpoint;
    const parsed = value ? parseEndpoint(value, 8005) : undefined;
    if (!parsed?.ok) return {ok: false, detail: 'the control plane cluster endpoint is not recorded'};
    const probe = await probeTcp(parsed.endpoint.host, parsed.endpoint.port, {
      route: ctx.ports.net.route,
      signal,
      timeoutMs: 3000,
    });
    return probe.status === 'ok' ? {ok: true, detail: probe.title} : {ok: false, detail: probe.title};
  },
} satisfies StepLogic;
