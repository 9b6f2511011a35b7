// Deploying the Kong control plane on EKS when there is none (issue 10), through the ports only (runner,
// clock, the Kubernetes API of the new cluster): preflight, the EKS cluster (created, found again after a
// kill, or an existing one), the secrets with the managed-by label, `helm upgrade --install kong-cp`,
// then the waits (migrations job, CP pods Ready, both load balancers' hostnames). It ends with the
// input of the EXISTING control-plane discovery, which connects to this CP like to any other.
// Dry run: every command is recorded (eksctl create cluster, kubectl create secret by file reference,
// helm upgrade --install kong-cp); the files the secrets come from are written 0600 for the runbook.
import {randomBytes} from 'node:crypto';
import {mkdir} from 'node:fs/promises';
import {join, relative} from 'node:path';
import type {Clock} from '../../ports.js';
import {writeFileAtomic} from '../../session/home.js';
import type {Answers} from '../../session/answers.js';
import type {CommandResult, CommandRunner, CommandSpec, RunningCommand} from '../../run/types.js';
import {generateClusterCert, inspectClusterCert} from '../../kong/cluster-cert.js';
import {
  adminPasswordSecretName,
  CP_VALUES_FILE,
  cpValuesInputFromAnswers,
  dbPasswordSecretName,
  renderCpValues,
  sessionConfSecretName,
  type CpValuesInput,
} from '../../kong/cp-values.js';
import {
  applySecret,
  ensureNamespace,
  helmCommands,
  helmEnv,
  kubeTargetArgs,
  licenseSecretFromText,
  MANAGED_BY_LABEL,
  podState,
  tlsSecretFromPem,
  type DpPodState,
} from '../../kong/deploy.js';
import {DpValuesError} from '../../kong/dp-values.js';
import {
  awsCliVersionCommand,
  EKS_DEFAULTS,
  EKS_KUBECONFIG_FILE,
  eksctlCreateCommand,
  eksctlGetClusterCommand,
  eksctlVersionCommand,
  eksctlWriteKubeconfigCommand,
  EksProgressParser,
  parseGetCluster,
  regionProblem,
  stsIdentityCommand,
  type EksPlan,
  type EksProgress,
} from './eks-cluster.js';
import type {KubeApi, KubeSecret} from '../../kong/kube-api.js';
import {describeKubeError} from '../../kong/kube-api.js';
import type {CpInput} from './cp-step.js';

export type CpDeployPhaseId = 'preflight' | 'eks' | 'secrets' | 'helm' | 'migrations' | 'pods' | 'load-balancers';

export const CP_DEPLOY_PHASES: ReadonlyArray<{id: CpDeployPhaseId; title: string}> = [
  {id: 'preflight', title: 'Preflight: eksctl, AWS credentials, region'},
  {id: 'eks', title: 'EKS cluster'},
  {id: 'secrets', title: 'Secrets: cluster certificate, licence, passwords'},
  {id: 'helm', title: 'helm upgrade --install'},
  {id: 'migrations', title: 'Database migrations job'},
  {id: 'pods', title: 'Control plane pods Ready'},
  {id: 'load-balancers', title: 'Load balancers 8005/8006 get hostnames'},
];

export interface CpDeployPhase {
  id: CpDeployPhaseId;
  title: string;
  status: 'pending' | 'running' | 'ok' | 'fail' | 'skipped';
  detail?: string;
  fix?: string;
  startedAt?: number;
  endedAt?: number;
}

export interface CpDeployPlan {
  /** Absent: an existing EKS cluster named by controlPlane.kubeconfig/context. */
  eks?: EksPlan;
  kubeconfig: string;
  context?: string;
  values: CpValuesInput;
  chartVersion?: string;
}

/** The secret values the deploy needs, resolved by the step (secrets.json, env, file) or generated there. */
export interface CpDeploySecrets {
  license?: string;
  dbPassword: string;
  /** The RBAC super admin's password (KONG_PASSWORD); only with rbac. */
  adminPassword?: string;
}

export interface CpDeployDeps {
  runner: CommandRunner;
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
  sessionDir: string;
  dryRun: boolean;
  /** Demo speed: polls come faster when the simulated AWS is faster. */
  speed?: number;
  signal?: AbortSignal;
  /** The Kubernetes API of the CP cluster (client-node on the kubeconfig in real runs). */
  kube: (kubeconfig: string, context?: string) => KubeApi;
  onPhase?: (phases: CpDeployPhase[]) => void;
  onEks?: (progress: EksProgress) => void;
  onCommand?: (running: RunningCommand) => void;
  /** How long to wait for migrations, pods and load balancers together (default 20 min). */
  waitTimeoutMs?: number;
}

export interface CpDeployResult {
  ok: boolean;
  phases: CpDeployPhase[];
  /** For the existing discovery: where the CP is. */
  input?: CpInput;
  failure?: {title: string; fix?: string};
  /** Secret-free facts for the step's data. */
  facts: Record<string, unknown>;
}

/** The plan from the answers; throws DpValuesError naming the key when something is missing. */
export function cpDeployPlanFromAnswers(answers: Answers, sessionDir: string): CpDeployPlan {
  const values = cpValuesInputFromAnswers(answers);
  const cp = answers.controlPlane ?? {};
  const eks = cp.deploy?.eks;
  if (eks && eks.create !== false) {
    if (!eks.name)
      throw new DpValuesError(
        'missing controlPlane.deploy.eks.name: the EKS cluster name',
        'controlPlane.deploy.eks.name',
      );
    if (!eks.region)
      throw new DpValuesError(
        'missing controlPlane.deploy.eks.region: the AWS region, e.g. eu-west-3',
        'controlPlane.deploy.eks.region',
      );
    const kubeconfig = join(sessionDir, EKS_KUBECONFIG_FILE);
    return {
      eks: {
        name: eks.name,
        region: eks.region,
        kubernetesVersion: eks.kubernetesVersion ?? EKS_DEFAULTS.kubernetesVersion,
        nodeType: eks.nodeType ?? EKS_DEFAULTS.nodeType,
        nodes: eks.nodes ?? EKS_DEFAULTS.nodes,
        kubeconfig,
        cwd: sessionDir,
      },
      kubeconfig,
      values,
    };
  }
  if (!cp.kubeconfig)
    throw new DpValuesError(
      'missing controlPlane.kubeconfig: without controlPlane.deploy.eks the control plane goes to an existing EKS cluster, named by its kubeconfig (and context)',
      'controlPlane.kubeconfig',
    );
  return {kubeconfig: cp.kubeconfig, context: cp.context, values};
}

/** A password for Postgres or the RBAC admin: 32 characters of base64url (192 bits). */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

const secretDir = (sessionDir: string) => join(sessionDir, 'cp-secrets');

/** The secrets the CP release reads, as Kubernetes objects (labelled managed-by eksa-kong). */
export function cpSecrets(
  plan: CpDeployPlan,
  secrets: CpDeploySecrets,
  cert: {certPem: string; keyPem: string} | undefined,
  sessionSecret: string,
): KubeSecret[] {
  const {namespace, release} = plan.values;
  const opaque = (name: string, data: Record<string, string>): KubeSecret => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name, namespace, labels: {...MANAGED_BY_LABEL}},
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
  const out: KubeSecret[] = [];
  if (cert) out.push(tlsSecretFromPem(plan.values.clusterCertSecret, namespace, cert.certPem, cert.keyPem));
  if (plan.values.licenseSecret && secrets.license !== undefined)
    out.push(licenseSecretFromText(plan.values.licenseSecret, namespace, secrets.license));
  out.push(
    opaque(dbPasswordSecretName(release), {
      password: secrets.dbPassword,
      // The bundled Postgres's superuser: the same password (the admin never needs it apart).
      ...(plan.values.database.type === 'bundled' ? {'postgres-password': secrets.dbPassword} : {}),
    }),
  );
  if (plan.values.rbac && secrets.adminPassword !== undefined) {
    out.push(opaque(adminPasswordSecretName(release), {password: secrets.adminPassword}));
    out.push(
      opaque(sessionConfSecretName(release), {
        admin_gui_session_conf: JSON.stringify({
          cookie_name: 'admin_session',
          cookie_samesite: 'Strict',
          cookie_secure: true,
          secret: sessionSecret,
          storage: 'kong',
        }),
      }),
    );
  }
  return out;
}

/**
 * The runbook's form of the secrets: the files they are made from (0600, in <session>/cp-secrets/) and
 * `kubectl create secret ... --from-file` plus the managed-by label, so no value is on a command line.
 */
export async function secretCommands(
  plan: CpDeployPlan,
  objects: readonly KubeSecret[],
  deps: Pick<CpDeployDeps, 'sessionDir' | 'env'>,
): Promise<CommandSpec[]> {
  const dir = secretDir(deps.sessionDir);
  await mkdir(dir, {recursive: true, mode: 0o700});
  const target = {kubeconfig: plan.kubeconfig, context: plan.context};
  const env = helmEnv(deps.env, plan.kubeconfig);
  const ns = plan.values.namespace;
  const base = {step: 'control-plane', env, cwd: deps.sessionDir};
  const specs: CommandSpec[] = [
    {
      ...base,
      command: 'kubectl',
      args: [...kubeTargetArgs('kubectl', target), 'create', 'namespace', ns],
      title: `Create namespace ${ns}`,
    },
  ];
  for (const secret of objects) {
    const name = secret.metadata.name;
    const files: string[] = [];
    for (const [key, b64] of Object.entries(secret.data ?? {})) {
      const file = join(dir, `${name}.${key}`);
      await writeFileAtomic(file, Buffer.from(b64, 'base64').toString('utf8'));
      files.push(relative(deps.sessionDir, file));
    }
    const keys = Object.keys(secret.data ?? {});
    const args =
      secret.type === 'kubernetes.io/tls'
        ? ['secret', 'tls', name, `--cert=${files[keys.indexOf('tls.crt')]}`, `--key=${files[keys.indexOf('tls.key')]}`]
        : ['secret', 'generic', name, ...keys.map((k, i) => `--from-file=${k}=${files[i]}`)];
    specs.push({
      ...base,
      command: 'kubectl',
      args: [...kubeTargetArgs('kubectl', target), '-n', ns, 'create', ...args],
      title: `Create secret ${name} (from files in ${relative(deps.sessionDir, dir)}/, 0600)`,
    });
    specs.push({
      ...base,
      command: 'kubectl',
      args: [
        ...kubeTargetArgs('kubectl', target),
        '-n',
        ns,
        'label',
        'secret',
        name,
        Object.entries(MANAGED_BY_LABEL)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ],
      title: `Label secret ${name} as managed by eksa-kong`,
    });
  }
  return specs;
}

const lbSelector = (release: string) => `app.kubernetes.io/instance=${release}`;

export async function runCpDeploy(
  plan: CpDeployPlan,
  secrets: CpDeploySecrets,
  deps: CpDeployDeps,
): Promise<CpDeployResult> {
  const phases: CpDeployPhase[] = CP_DEPLOY_PHASES.map(p => ({...p, status: 'pending'}));
  const facts: Record<string, unknown> = {
    namespace: plan.values.namespace,
    release: plan.values.release,
    kubeconfig: plan.kubeconfig,
    ...(plan.eks ? {eksCluster: plan.eks.name, region: plan.eks.region} : {}),
  };
  const set = (id: CpDeployPhaseId, patch: Partial<CpDeployPhase>) => {
    const phase = phases.find(p => p.id === id)!;
    const now = deps.clock.now();
    if (patch.status === 'running' && phase.status !== 'running') phase.startedAt = now;
    if (patch.status && patch.status !== 'running' && patch.status !== 'pending') phase.endedAt = now;
    Object.assign(phase, patch);
    deps.onPhase?.(phases.map(p => ({...p})));
  };
  const fail = (id: CpDeployPhaseId, title: string, fix?: string): CpDeployResult => {
    set(id, {status: 'fail', detail: title, ...(fix ? {fix} : {})});
    return {ok: false, phases, failure: {title, ...(fix ? {fix} : {})}, facts};
  };
  const run = async (spec: CommandSpec): Promise<{result: CommandResult; lines: string[]}> => {
    const running = deps.runner.start(spec, deps.signal);
    deps.onCommand?.(running);
    const result = await running.done;
    return {result, lines: running.output.slice(0, running.output.size)};
  };
  const cancelled = () => deps.signal?.aborted === true;

  // 1. Preflight (only when the wizard creates the cluster).
  if (plan.eks) {
    const eks = plan.eks;
    set('preflight', {status: 'running', detail: 'eksctl version'});
    const region = regionProblem(eks.region);
    if (region)
      return fail('preflight', region, 'Set controlPlane.deploy.eks.region to one of the regions eksctl supports.');
    const version = await run(eksctlVersionCommand(deps.env));
    if (!version.result.ok && !version.result.recorded)
      return fail(
        'preflight',
        version.result.exitCode === null ? 'eksctl is not installed (not on PATH)' : 'eksctl version failed',
        'Install eksctl (https://eksctl.io/installation/) and make sure it is on PATH.',
      );
    // Credentials: the AWS CLI when there is one (the clearest message), else eksctl's own STS check.
    const awsCli = await run(awsCliVersionCommand(deps.env));
    set('preflight', {detail: 'AWS credentials'});
    const identity = awsCli.result.ok
      ? await run(stsIdentityCommand(deps.env, eks.region))
      : await run(eksctlGetClusterCommand(deps.env, eks));
    const identityText = identity.lines.join('\n');
    if (!identity.result.ok && !identity.result.recorded) {
      const absent = !awsCli.result.ok && /ResourceNotFoundException|No cluster found/.test(identityText);
      if (!absent)
        return fail(
          'preflight',
          `AWS credentials are not usable: ${identity.lines.filter(Boolean).pop() ?? identity.result.error ?? 'STS refused'}`.slice(
            0,
            300,
          ),
          'Give credentials the usual way (export AWS_PROFILE=..., or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for SSO run aws sso login), then retry.',
        );
    }
    const account = /"Account":\s*"(\d+)"/.exec(identityText)?.[1];
    if (account) facts.awsAccount = account;
    set('preflight', {
      status: 'ok',
      detail: identity.result.recorded
        ? 'recorded (dry run)'
        : `eksctl found; credentials usable${account ? ` (account ${account})` : ''}; region ${eks.region}`,
    });

    // 2. The EKS cluster: found again (resume after a kill) or created.
    set('eks', {status: 'running', detail: `Looking for ${eks.name} in ${eks.region}`});
    const found = deps.dryRun
      ? {status: 'absent' as const, detail: 'dry run'}
      : parseGetCluster(
          ...(await run(eksctlGetClusterCommand(deps.env, eks)).then(r => [r.result.ok, r.lines] as const)),
        );
    if (found.status === 'failed')
      return fail(
        'eks',
        `EKS cluster ${eks.name} exists in state ${found.detail}`,
        `Delete it (eksctl delete cluster --region ${eks.region} --name ${eks.name} --wait) and retry.`,
      );
    if (found.status === 'active' || found.status === 'creating') {
      // A run killed while eksctl waited: wait for EKS to finish, then take its kubeconfig.
      let state = found;
      while (state.status === 'creating' && !cancelled()) {
        set('eks', {detail: `${eks.name} is still being created by an earlier run (CREATING)`});
        await deps.clock
          .sleep(Math.max(500, 30_000 / Math.max(1, deps.speed ?? 1)), deps.signal)
          .catch(() => undefined);
        const again = await run(eksctlGetClusterCommand(deps.env, eks));
        state = parseGetCluster(again.result.ok, again.lines);
      }
      if (cancelled()) return fail('eks', 'cancelled');
      if (state.status !== 'active')
        return fail(
          'eks',
          `EKS cluster ${eks.name}: ${state.detail}`,
          'Look at the CloudFormation console for the stack events.',
        );
      const write = await run(eksctlWriteKubeconfigCommand(deps.env, eks));
      if (!write.result.ok)
        return fail('eks', `Could not write the kubeconfig of ${eks.name}: ${write.lines.pop() ?? write.result.error}`);
      set('eks', {status: 'ok', detail: `EKS cluster ${eks.name} found (made by an earlier run); kubeconfig written`});
      facts.eksResumed = true;
    } else {
      const spec = eksctlCreateCommand(deps.env, eks);
      const running = deps.runner.start(spec, deps.signal);
      deps.onCommand?.(running);
      const parser = new EksProgressParser(deps.clock.now, eks);
      let seen = 0;
      const drain = () => {
        const out = running.output;
        const first = out.total - out.size;
        const from = Math.max(seen, first);
        if (from >= out.total) return;
        const lines = out.slice(from - first, out.size);
        seen = out.total;
        let changed = false;
        for (const line of lines) changed = parser.push(line) || changed;
        if (changed) {
          const state = parser.state();
          deps.onEks?.(state);
          set('eks', {detail: state.last});
        }
      };
      const unsubscribe = running.output.subscribe(drain);
      let result: CommandResult;
      try {
        result = await running.done;
      } finally {
        unsubscribe();
      }
      drain();
      if (result.recorded) set('eks', {status: 'ok', detail: 'recorded (dry run)'});
      else {
        const progress = parser.finish(result.exitCode);
        deps.onEks?.(progress);
        facts.eksPhases = progress.phases.map(p => ({
          id: p.id,
          status: p.status,
          ...(p.startedAt !== undefined && p.endedAt !== undefined
            ? {seconds: Math.round((p.endedAt - p.startedAt) / 1000)}
            : {}),
        }));
        if (result.cancelled) return fail('eks', 'cancelled');
        if (!result.ok) {
          const failure = progress.failure;
          return fail('eks', failure?.title ?? result.error ?? 'eksctl create cluster failed', failure?.fix);
        }
        set('eks', {status: 'ok', detail: `EKS cluster ${eks.name} is ready`});
      }
    }
  } else {
    set('preflight', {status: 'skipped', detail: 'existing EKS cluster'});
    set('eks', {
      status: 'skipped',
      detail: `existing cluster (${plan.kubeconfig}${plan.context ? `, ${plan.context}` : ''})`,
    });
  }

  // 3. Secrets.
  const {namespace, release} = plan.values;
  set('secrets', {status: 'running'});
  const kube = deps.dryRun ? undefined : deps.kube(plan.kubeconfig, plan.context);
  // An existing cluster: the NLB annotations must suit what runs there (the controller's or the cloud provider's).
  if (kube && !plan.eks) {
    const lbc = await kube.get('Deployment', 'kube-system', 'aws-load-balancer-controller').catch(() => null);
    plan.values.lbController = lbc ? 'aws-load-balancer-controller' : 'cloud-provider';
    facts.lbController = plan.values.lbController;
  }
  let cert: {certPem: string; keyPem: string} | undefined;
  let certNote = 'generated (EC P-384, CN kong_clustering, 1095 days, like kong hybrid gen_cert)';
  if (kube) {
    // Never replace a cluster certificate that exists: data planes hold byte copies of it.
    try {
      const existing = await kube.get('Secret', namespace, plan.values.clusterCertSecret);
      const pem = (k: string) => existing?.data?.[k] && Buffer.from(existing.data[k]!, 'base64').toString('utf8');
      const certPem = pem('tls.crt');
      const keyPem = pem('tls.key');
      if (existing && certPem && keyPem && inspectClusterCert(certPem, keyPem, {now: new Date(deps.clock.now())}).ok)
        certNote = `kept: secret ${plan.values.clusterCertSecret} already holds a valid certificate`;
      else if (existing)
        return fail(
          'secrets',
          `Secret ${namespace}/${plan.values.clusterCertSecret} exists but holds no usable cluster certificate`,
          `Delete it (kubectl delete secret ${plan.values.clusterCertSecret} -n ${namespace}) and retry: a new one is generated.`,
        );
      else cert = await generateClusterCert({now: new Date(deps.clock.now())});
    } catch (error) {
      return fail(
        'secrets',
        describeKubeError(error, 'read', `secret ${namespace}/${plan.values.clusterCertSecret}`),
        'Check the kubeconfig of the control plane cluster (for EKS its exec credentials need the AWS CLI or eksctl).',
      );
    }
  } else cert = await generateClusterCert({now: new Date(deps.clock.now())});
  // Kong Manager's session cookie key: only the cluster needs it, so it is not kept by the wizard.
  const objects = cpSecrets(plan, secrets, cert, generatePassword());
  if (deps.dryRun) {
    for (const spec of await secretCommands(plan, objects, deps)) await run(spec);
  } else {
    const ns = await ensureNamespace(kube!, namespace);
    if (ns.status === 'failed') return fail('secrets', ns.title, ns.fix);
    for (const object of objects) {
      // A session cookie key already there stays (replacing it would log everybody out).
      if (
        object.metadata.name === sessionConfSecretName(release) &&
        (await kube!.get('Secret', namespace, object.metadata.name).catch(() => null))
      )
        continue;
      const applied = await applySecret(kube!, object);
      if (applied.status === 'failed') return fail('secrets', applied.title, applied.fix);
    }
  }
  facts.secrets = objects.map(o => o.metadata.name);
  set('secrets', {
    status: 'ok',
    detail: `${objects.map(o => o.metadata.name).join(', ')} in ${namespace}; certificate ${certNote}`,
  });

  // 4. helm upgrade --install kong-cp.
  set('helm', {status: 'running'});
  const valuesFile = join(deps.sessionDir, CP_VALUES_FILE);
  await writeFileAtomic(valuesFile, renderCpValues(plan.values, plan.chartVersion));
  const helmSpecs = helmCommands({
    release,
    namespace,
    kubeconfig: plan.kubeconfig,
    context: plan.context,
    valuesFile: CP_VALUES_FILE,
    chartVersion: plan.chartVersion,
    env: deps.env,
    step: 'control-plane',
    cwd: deps.sessionDir,
  }).map(s => (s.args[0] === 'upgrade' ? {...s, title: 'Install the Kong control plane'} : s));
  for (const spec of helmSpecs) {
    const {result, lines} = await run(spec);
    if (result.cancelled) return fail('helm', 'cancelled');
    if (!result.ok && !result.recorded)
      return fail(
        'helm',
        `${spec.args.slice(0, 2).join(' ')} failed: ${lines.filter(l => /Error/.test(l)).pop() ?? result.error ?? ''}`.trim(),
        spec.args[0] === 'repo'
          ? 'This host must reach https://charts.konghq.com (or set HTTPS_PROXY).'
          : 'Read the helm output; kubectl -n ' + namespace + ' get events shows what the cluster refused.',
      );
  }
  set('helm', {status: 'ok', detail: deps.dryRun ? 'recorded (dry run)' : `release ${release} installed`});
  if (deps.dryRun) {
    for (const id of ['migrations', 'pods', 'load-balancers'] as const) set(id, {status: 'skipped', detail: 'dry run'});
    return {ok: true, phases, facts, input: handover(plan)};
  }

  // 5–7. Wait: migrations, pods, load balancers (NLBs take minutes).
  const interval = Math.max(200, 5000 / Math.max(1, deps.speed ?? 1));
  const deadline = deps.clock.now() + (deps.waitTimeoutMs ?? 20 * 60_000);
  const migrationsJob = `${release}-kong-init-migrations`;
  set('migrations', {status: 'running', detail: `job ${migrationsJob}`});
  set('pods', {status: 'running'});
  set('load-balancers', {status: 'running', detail: 'NLBs are provisioned by the AWS Load Balancer Controller'});
  let jobDone = false;
  let podsDone = false;
  const hostnames: Record<'cluster' | 'clustertelemetry', string | undefined> = {
    cluster: undefined,
    clustertelemetry: undefined,
  };
  for (;;) {
    if (cancelled()) return fail('pods', 'cancelled');
    try {
      if (!jobDone) {
        const job = await kube!.get('Job', namespace, migrationsJob);
        const status = job?.status ?? {};
        if ((status.succeeded ?? 0) > 0) {
          jobDone = true;
          set('migrations', {status: 'ok', detail: `${migrationsJob} completed (kong migrations bootstrap)`});
        } else if (job?.status?.conditions?.some(c => c.type === 'Failed' && c.status === 'True')) {
          const why = await migrationsLog(kube!, namespace, migrationsJob);
          return fail(
            'migrations',
            `The migrations job failed${why ? `: ${why}` : ''}`,
            plan.values.database.type === 'external'
              ? `Check that ${plan.values.database.host}:${plan.values.database.port} is reachable from the EKS nodes (security group) and that user ${plan.values.database.user} and its password are right.`
              : 'Look at the Postgres pod (kubectl -n ' + namespace + ' logs statefulset/' + release + '-postgresql).',
          );
        } else set('migrations', {detail: job ? `${migrationsJob}: running` : `${migrationsJob}: not created yet`});
      }
      if (!podsDone) {
        const pods = (
          await kube!.list('Pod', namespace, {
            labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/component=app`,
          })
        ).map(podState);
        const ready = pods.filter(p => p.ready);
        const stuck = pods.find(p => p.reason && /BackOff|Err|Error/.test(p.reason));
        if (stuck && stuck.reason !== 'CrashLoopBackOff')
          return fail(
            'pods',
            `${stuck.name}: ${stuck.reason}${stuck.message ? ` (${stuck.message})` : ''}`,
            podFix(stuck),
          );
        if (pods.length > 0 && ready.length === pods.length && jobDone) {
          podsDone = true;
          set('pods', {
            status: 'ok',
            detail: `${ready.length} control plane pod${ready.length === 1 ? '' : 's'} Ready`,
          });
        } else
          set('pods', {
            detail: `${ready.length}/${Math.max(1, pods.length)} Ready${stuck ? ` · ${stuck.name} ${stuck.reason}` : ''}`,
          });
      }
      const services = await kube!.list('Service', namespace, {labelSelector: lbSelector(release)});
      for (const key of ['cluster', 'clustertelemetry'] as const) {
        const svc = services.find(s => s.metadata.name === `${release}-kong-${key}`);
        hostnames[key] =
          svc?.status?.loadBalancer?.ingress?.[0]?.hostname ?? svc?.status?.loadBalancer?.ingress?.[0]?.ip;
      }
      const waitedFor = Math.round(
        (deps.clock.now() - (phases.find(p => p.id === 'load-balancers')!.startedAt ?? 0)) / 1000,
      );
      if (hostnames.cluster && hostnames.clustertelemetry) {
        if (phases.find(p => p.id === 'load-balancers')!.status !== 'ok')
          set('load-balancers', {
            status: 'ok',
            detail: `cluster ${hostnames.cluster}:8005 · telemetry ${hostnames.clustertelemetry}:8006`,
          });
      } else
        set('load-balancers', {
          detail: `cluster ${hostnames.cluster ?? '<pending>'} · telemetry ${hostnames.clustertelemetry ?? '<pending>'} (${waitedFor}s; NLBs take a few minutes)`,
        });
    } catch (error) {
      return fail(
        'pods',
        describeKubeError(error, 'read', `the release in ${namespace}`),
        'Check the kubeconfig of the control plane cluster.',
      );
    }
    if (jobDone && podsDone && hostnames.cluster && hostnames.clustertelemetry) break;
    if (deps.clock.now() >= deadline) {
      const stuck = phases.find(p => p.status === 'running');
      return fail(
        stuck?.id ?? 'pods',
        `${stuck?.title ?? 'The control plane'}: not done in time (${stuck?.detail ?? ''})`,
        stuck?.id === 'load-balancers'
          ? `Look at the Service's events (kubectl -n ${namespace} describe svc ${release}-kong-cluster): ${plan.values.lbController === 'aws-load-balancer-controller' ? 'the AWS Load Balancer Controller provisions these NLBs' : "EKS's cloud provider provisions these NLBs"}; subnets need the kubernetes.io/role/elb tag and the account its NLB quota.`
          : `Look at kubectl -n ${namespace} get pods,jobs and their logs.`,
      );
    }
    try {
      await deps.clock.sleep(interval, deps.signal);
    } catch {
      return fail('pods', 'cancelled');
    }
  }
  facts.clusterHostname = hostnames.cluster;
  facts.telemetryHostname = hostnames.clustertelemetry;
  return {ok: true, phases, facts, input: handover(plan)};
}

/** The existing discovery reads the release like any CP: endpoints from its Services, admin by port-forward. */
function handover(plan: CpDeployPlan): CpInput {
  return {
    kubeconfig: plan.kubeconfig,
    context: plan.context,
    namespace: plan.values.namespace,
    release: plan.values.release,
    certSecret: plan.values.clusterCertSecret,
    ...(plan.values.licenseSecret ? {licenseSecret: plan.values.licenseSecret} : {}),
  };
}

function podFix(pod: DpPodState): string {
  if (pod.reason === 'CreateContainerConfigError')
    return 'A secret the values reference is missing: check the secrets step created them in this namespace.';
  if (/ImagePull/.test(pod.reason ?? ''))
    return 'The nodes cannot pull kong/kong-gateway:<version>: check controlPlane.version exists on Docker Hub.';
  return 'Look at kubectl describe pod and its logs.';
}

async function migrationsLog(kube: KubeApi, namespace: string, job: string): Promise<string | undefined> {
  try {
    const pods = await kube.list('Pod', namespace, {labelSelector: `job-name=${job}`});
    const pod = pods[pods.length - 1];
    if (!pod) return undefined;
    const log = await kube.podLog(namespace, pod.metadata.name, {tailLines: 50});
    const line = log
      .split('\n')
      .reverse()
      .find(l => /Error|FATAL|failed|refused|timeout/i.test(l));
    return line?.trim().slice(0, 200);
  } catch {
    return undefined;
  }
}

/**
 * After the admin stopped a deploy (Esc, then y): what stays in AWS or on the cluster, and how to remove
 * it. Stopping eksctl does not stop CloudFormation: the stacks go on in AWS, and a retry finds them.
 * `eksctl delete cluster` also deletes the load balancers of the cluster's Services; on an existing
 * cluster `helm uninstall` removes the release and, with its Services, their NLBs.
 */
export function leftAfterStop(
  phases: readonly CpDeployPhase[],
  where: {eks?: {name: string; region: string}; namespace: string; release: string; kubeconfig: string},
  /** How to carry on: r on the step after Esc-then-y; a resume after quitting. */
  carryOn = 'r carries on from there',
): string {
  const reached = (id: CpDeployPhaseId) => {
    const p = phases.find(x => x.id === id);
    return p !== undefined && p.status !== 'pending' && p.status !== 'skipped';
  };
  const left: string[] = [];
  const {eks} = where;
  const eksReached = eks !== undefined && reached('eks');
  if (eksReached)
    left.push(
      phases.find(p => p.id === 'eks')?.status === 'ok'
        ? `EKS cluster ${eks.name} (${eks.region}) exists and is billed`
        : `EKS cluster ${eks.name} (${eks.region}): CloudFormation goes on creating it in AWS (billed)`,
    );
  if (reached('helm')) left.push(`release ${where.release} (ns ${where.namespace}) and its NLBs`);
  else if (reached('secrets')) left.push(`the secrets in namespace ${where.namespace}`);
  if (left.length === 0) return 'Nothing was created: only the preflight ran.';
  const remove = eksReached
    ? `eksctl delete cluster --region ${eks.region} --name ${eks.name} --wait`
    : reached('helm')
      ? `helm uninstall -n ${where.namespace} ${where.release} --kubeconfig ${where.kubeconfig}`
      : `kubectl delete secret -n ${where.namespace} -l app.kubernetes.io/managed-by=eksa-kong --kubeconfig ${where.kubeconfig}`;
  return `Left: ${left.join('; ')}. ${carryOn}; to remove it: ${remove}`;
}
