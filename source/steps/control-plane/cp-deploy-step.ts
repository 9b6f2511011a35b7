// The control-plane step's "deploy one" path (issue 10), shared by the headless run and the screen: the
// plan from the answers (a bad or missing answer is exit 2 naming its key), the secrets resolved from
// secrets.json / env / file or generated and stored there, then runCpDeploy. What it returns is the
// input of the existing discovery, which the step runs next exactly as for a CP that already existed.
import {AnswerError, MissingAnswerError, StepFailure} from '../../errors.js';
import type {StepContext} from '../types.js';
import {unusableSecretRef} from '../../session/secrets.js';
import {answersProblem, formatIssue} from '../../session/answers-file.js';
import type {Answers} from '../../session/answers.js';
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

/**
 * What is wrong with the database password's answers: a reference that cannot be read, or an external
 * database without any password (`known`: one is stored or typed). The headless run and the form both ask.
 */
export function dbPasswordProblem(
  answers: Answers,
  env: Readonly<Record<string, string | undefined>>,
  known: boolean,
): AnswerError | undefined {
  const db = answers.controlPlane?.deploy?.database;
  const unusable = unusableSecretRef('controlPlane.deploy.database', 'password', db, env);
  if (unusable) return new AnswerError(unusable.key, unusable.message);
  const given = db?.password !== undefined || db?.passwordEnv !== undefined || db?.passwordFile !== undefined;
  if (!known && !given && db?.type === 'external')
    return new MissingAnswerError(
      'controlPlane.deploy.database.passwordEnv',
      'the external database password: passwordEnv, passwordFile or password',
    );
  return undefined;
}

/**
 * The deploy answers checked as the headless run checks them, before anything runs: the answers file's
 * schema (same rules, same messages), then what the plan needs (DpValuesError naming its key), then the
 * database password. For the screen's form; `known`: a database password is stored already.
 */
export function deployAnswersProblem(
  answers: Answers,
  env: Readonly<Record<string, string | undefined>>,
  sessionDir: string,
  known: boolean,
): {key: string; message: string} | undefined {
  const issue = answersProblem({controlPlane: answers.controlPlane});
  if (issue) return {key: issue.path, message: formatIssue(issue)};
  try {
    cpDeployPlanFromAnswers(answers, sessionDir);
  } catch (error) {
    if (error instanceof DpValuesError && error.key) return {key: error.key, message: error.message};
    throw error;
  }
  const db = dbPasswordProblem(answers, env, known);
  return db ? {key: db.key, message: db.message} : undefined;
}

/** The secret values, each from where the answers say; generated (and kept in secrets.json) when the wizard may choose. */
function deploySecrets(ctx: StepContext, plan: CpDeployPlan) {
  const cp = ctx.session.answers.controlPlane ?? {};
  const env = ctx.ports.env;
  let dbPassword = ctx.secret('kong.cpDatabasePassword');
  const dbProblem = dbPasswordProblem(ctx.session.answers, env, dbPassword !== undefined);
  if (dbProblem) throw dbProblem;
  if (dbPassword === undefined) {
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

/** Headless: one line per phase change (with its elapsed time) and per EKS sub-phase. */
export function headlessDeployListeners(ctx: StepContext): DeployListeners {
  const said = new Map<string, string>();
  const sayOnce = (key: string, line: string) => {
    if (said.get(key) === line) return;
    said.set(key, line);
    ctx.say(line);
  };
  return {
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
  };
}
