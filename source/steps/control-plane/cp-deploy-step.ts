// The control-plane step's "deploy one" path (issue 10), shared by the headless run and the screen: the
// plan from the answers (a bad or missing answer is exit 2 naming its key), the secrets resolved from
// secrets.json / env / file or generated and stored there, then runCpDeploy. What it returns is the
// input of the existing discovery, which the step runs next exactly as for a CP that already existed.
import {AnswerError, MissingAnswerError, StepFailure} from '../../errors.js';
import type {StepContext, StepOutcome} from '../types.js';
import {unusableSecretRef} from '../../session/secrets.js';
import {
  cpDeployPlanFromAnswers,
  generatePassword,
  runCpDeploy,
  type CpDeployDeps,
  type CpDeployPlan,
  type CpDeployResult,
} from './cp-deploy.js';
import {expandPath, type CpInput} from './cp-step.js';
import {DEFAULT_LICENSE_SECRET, DpValuesError} from '../../kong/dp-values.js';
import {elapsedText} from './eks-cluster.js';
import {createKubeApi} from '../../kong/kube-client.js';

export function deployPlan(ctx: StepContext): CpDeployPlan {
  try {
    const plan = cpDeployPlanFromAnswers(ctx.session.answers, ctx.ports.sessionDir);
    // An inline licence moved to secrets.json when the session was saved: it is still the admin's licence.
    if (plan.values.licenseSecret === null && ctx.secret('license') !== undefined)
      plan.values.licenseSecret = ctx.session.answers.controlPlane?.licenseSecret ?? DEFAULT_LICENSE_SECRET;
    return plan;
  } catch (error) {
    if (error instanceof DpValuesError && error.key) throw new AnswerError(error.key, error.message);
    throw error;
  }
}

/** The secret values, each from where the answers say; generated (and kept in secrets.json) when the wizard may choose. */
function deploySecrets(ctx: StepContext, plan: CpDeployPlan) {
  const cp = ctx.session.answers.controlPlane ?? {};
  const db = cp.deploy?.database;
  const env = ctx.ports.env;
  const unusable = unusableSecretRef('controlPlane.deploy.database', 'password', db, env);
  if (unusable) throw new AnswerError(unusable.key, unusable.message);
  let dbPassword = ctx.secret('kong.cpDatabasePassword');
  if (dbPassword === undefined) {
    if (plan.values.database.type === 'external')
      throw new MissingAnswerError(
        'controlPlane.deploy.database.passwordEnv',
        'the external database password: passwordEnv, passwordFile or password',
      );
    dbPassword = generatePassword();
    // Inline answers go to secrets.json (0600) when the session is saved, never to session.json.
    ctx.dispatch({
      type: 'set-answers',
      patch: {controlPlane: {deploy: {database: {type: 'bundled', password: dbPassword}}}},
    });
  }
  const license = plan.values.licenseSecret ? ctx.secret('license') : undefined;
  if (license === undefined && cp.licenseFile !== undefined)
    throw new AnswerError('controlPlane.licenseFile', `controlPlane.licenseFile: cannot read ${cp.licenseFile}`);
  let adminPassword: string | undefined;
  if (plan.values.rbac) {
    const tokenRef = unusableSecretRef('controlPlane', 'adminToken', cp, env);
    if (tokenRef) throw new AnswerError(tokenRef.key, tokenRef.message);
    adminPassword = ctx.secret('kong.adminToken');
    if (adminPassword === undefined) {
      adminPassword = generatePassword();
      ctx.dispatch({type: 'set-answers', patch: {controlPlane: {adminToken: adminPassword}}});
      ctx.say('RBAC: generated the kong_admin password; it is kept in secrets.json (controlPlane.adminToken)');
    }
  }
  return {
    dbPassword,
    ...(license !== undefined ? {license} : {}),
    ...(adminPassword !== undefined ? {adminPassword} : {}),
  };
}

export interface DeployListeners {
  onPhase?: CpDeployDeps['onPhase'];
  onEks?: CpDeployDeps['onEks'];
  onCommand?: CpDeployDeps['onCommand'];
}

/** Deploys (or finds again) the CP; throws StepFailure with the fix when a phase fails. */
export async function deployControlPlane(
  ctx: StepContext,
  signal: AbortSignal,
  listeners: DeployListeners = {},
): Promise<{input: CpInput; result: CpDeployResult; plan: CpDeployPlan}> {
  const plan = deployPlan(ctx);
  const secrets = deploySecrets(ctx, plan);
  const result = await runCpDeploy(plan, secrets, {
    runner: ctx.ports.runner,
    clock: ctx.ports.clock,
    env: ctx.ports.env,
    sessionDir: ctx.ports.sessionDir,
    speed: ctx.ports.speed,
    dryRun: ctx.ports.world === 'dry-run',
    signal,
    kube: (kubeconfig, context) => createKubeApi(expandPath(kubeconfig, ctx.ports.env), context),
    ...listeners,
  });
  ctx.dispatch({type: 'step-data', step: 'control-plane', data: {deploy: result.facts}});
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
  if (!result.ok || !result.input) {
    const f = result.failure;
    throw new StepFailure(`${f?.title ?? 'the control plane deploy did not finish'}${f?.fix ? ` — ${f.fix}` : ''}`);
  }
  // The discovery that follows reads the CP from here, as for one that already existed.
  ctx.dispatch({
    type: 'set-answers',
    patch: {
      controlPlane: {
        kubeconfig: plan.kubeconfig,
        ...(plan.context ? {context: plan.context} : {}),
        namespace: plan.values.namespace,
        release: plan.values.release,
        clusterCertSecret: plan.values.clusterCertSecret,
        ...(plan.values.licenseSecret ? {licenseSecret: plan.values.licenseSecret} : {}),
      },
    },
  });
  return {input: result.input, result, plan};
}

const PHASE_MARK: Record<string, string> = {ok: '✔', fail: '✖', skipped: '–', running: '…', pending: ' '};

/** Headless: one line per phase change (with its elapsed time), the EKS sub-phases, then the hand-over. */
export async function deployHeadless(
  ctx: StepContext,
  signal: AbortSignal,
): Promise<{input: CpInput; prefix: string; outcome: StepOutcome}> {
  const said = new Map<string, string>();
  const sayOnce = (key: string, line: string) => {
    if (said.get(key) === line) return;
    said.set(key, line);
    ctx.say(line);
  };
  const deployed = await deployControlPlane(ctx, signal, {
    onPhase: phases => {
      for (const p of phases) {
        if (p.status === 'pending') continue;
        const took =
          p.startedAt !== undefined && p.endedAt !== undefined ? ` (${elapsedText(p.endedAt - p.startedAt)})` : '';
        // Running phases: one line when they start; the rest when they settle.
        if (p.status === 'running') sayOnce(p.id, `… ${p.title}`);
        else sayOnce(p.id, `${PHASE_MARK[p.status]} ${p.title}${took}${p.detail ? `: ${p.detail}` : ''}`);
      }
    },
    onEks: progress => {
      for (const p of progress.phases) {
        if (p.status === 'pending') continue;
        const took =
          p.startedAt !== undefined && p.endedAt !== undefined ? ` (${elapsedText(p.endedAt - p.startedAt)})` : '';
        sayOnce(`eks:${p.id}`, `  ${p.status === 'done' ? '✔' : p.status === 'failed' ? '✖' : '…'} ${p.title}${took}`);
      }
    },
  });
  const {plan} = deployed;
  const where = plan.eks ? `EKS ${plan.eks.name} (${plan.eks.region})` : `existing cluster ${plan.kubeconfig}`;
  const prefix = `deployed on ${where} · `;
  const outcome: StepOutcome = {
    summary: `dry run: Kong ${plan.values.image.tag} control plane on ${where} (commands recorded, nothing created)`,
    data: {deploy: deployed.result.facts, dryRun: true},
  };
  return {input: deployed.input, prefix, outcome};
}
