// The EKS cluster for a control plane the wizard deploys (issue 10): `eksctl create cluster` as an argument
// array with an allow-listed environment (the admin's AWS credentials passed through, never stored), its
// live progress parsed into phases (CloudFormation stacks: control plane, nodegroup, then nodes Ready),
// failures mapped to fixes, the preflight (eksctl present, credentials usable, region valid) and the
// resume check (`eksctl get cluster` finds a cluster an earlier, killed run started).
import {sanitisedEnv} from '../../run/env.js';
import type {CommandSpec} from '../../run/types.js';

export interface EksPlan {
  name: string;
  region: string;
  kubernetesVersion: string;
  nodeType: string;
  nodes: number;
  /** Where eksctl writes the cluster's kubeconfig (in the session folder). */
  kubeconfig: string;
  cwd?: string;
}

export const EKS_DEFAULTS = {kubernetesVersion: '1.33', nodeType: 'm6i.large', nodes: 2} as const;
export const EKS_KUBECONFIG_FILE = 'kong-cp-eks.kubeconfig';

// eksctl's api.SupportedRegions() (pkg/apis/eksctl.io/v1alpha5): other regions are refused with
// "--region=<r> is not supported - use one of: ..." (pkg/ctl/cmdutils ErrUnsupportedRegion).
export const EKSCTL_REGIONS = [
  'us-west-1',
  'us-west-2',
  'us-east-1',
  'us-east-2',
  'ca-central-1',
  'ca-west-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-central-1',
  'eu-central-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ap-south-1',
  'ap-south-2',
  'ap-east-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'af-south-1',
  'il-central-1',
  'cn-north-1',
  'cn-northwest-1',
  'us-gov-west-1',
  'us-gov-east-1',
  'us-iso-east-1',
  'us-isob-east-1',
] as const;

export function regionProblem(region: string): string | undefined {
  if ((EKSCTL_REGIONS as readonly string[]).includes(region)) return undefined;
  return `--region=${region} is not supported - use one of: ${EKSCTL_REGIONS.join(', ')}`;
}

// The AWS SDK's credential chain (environment, shared config/credentials files and profiles, SSO, web
// identity, container credentials): passed to eksctl and aws, nothing else of ours.
const AWS_PASSED = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CA_BUNDLE',
  'AWS_SDK_LOAD_CONFIG',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const;
/** Values that are credentials: redacted from output and logs. */
const AWS_SECRET_NAMES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'];

export function awsEnv(env: Readonly<Record<string, string | undefined>>, extra: Record<string, string> = {}) {
  const pass: Record<string, string> = {};
  for (const name of AWS_PASSED) if (env[name]) pass[name] = env[name]!;
  return {
    env: sanitisedEnv(env, {...pass, ...extra}),
    secrets: AWS_SECRET_NAMES.map(n => env[n]).filter((v): v is string => Boolean(v)),
  };
}

/** For the runbook: which AWS variables the commands read, never their values. */
const AWS_ENV_REFS = {
  AWS_PROFILE: 'the AWS profile to use (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment)',
};

function awsSpec(
  env: Readonly<Record<string, string | undefined>>,
  spec: Omit<CommandSpec, 'env' | 'secrets' | 'step'>,
): CommandSpec {
  const aws = awsEnv(env);
  return {...spec, step: 'control-plane', env: aws.env, secrets: aws.secrets, envRefs: AWS_ENV_REFS};
}

export const eksctlVersionCommand = (env: Readonly<Record<string, string | undefined>>): CommandSpec =>
  awsSpec(env, {command: 'eksctl', args: ['version'], title: 'Check eksctl is installed', timeoutMs: 30_000});

export const awsCliVersionCommand = (env: Readonly<Record<string, string | undefined>>): CommandSpec =>
  awsSpec(env, {command: 'aws', args: ['--version'], title: 'Check for the AWS CLI', timeoutMs: 30_000});

export const stsIdentityCommand = (env: Readonly<Record<string, string | undefined>>, region: string): CommandSpec =>
  awsSpec(env, {
    command: 'aws',
    args: ['sts', 'get-caller-identity', '--output', 'json', '--region', region],
    title: 'Check the AWS credentials (STS GetCallerIdentity)',
    timeoutMs: 60_000,
  });

/** `eksctl get cluster`: checks the credentials (eksctl calls STS first) and finds an earlier run's cluster. */
export const eksctlGetClusterCommand = (
  env: Readonly<Record<string, string | undefined>>,
  plan: Pick<EksPlan, 'name' | 'region'>,
): CommandSpec =>
  awsSpec(env, {
    command: 'eksctl',
    args: ['get', 'cluster', '--name', plan.name, '--region', plan.region, '--output', 'json'],
    title: `Look for EKS cluster ${plan.name} in ${plan.region}`,
    timeoutMs: 120_000,
  });

export const eksctlCreateCommand = (env: Readonly<Record<string, string | undefined>>, plan: EksPlan): CommandSpec =>
  awsSpec(env, {
    command: 'eksctl',
    args: [
      'create',
      'cluster',
      '--name',
      plan.name,
      '--region',
      plan.region,
      '--version',
      plan.kubernetesVersion,
      '--nodegroup-name',
      `${plan.name}-nodes`,
      '--node-type',
      plan.nodeType,
      '--nodes',
      String(plan.nodes),
      '--managed',
      '--kubeconfig',
      plan.kubeconfig,
    ],
    cwd: plan.cwd,
    title: `Create EKS cluster ${plan.name} in ${plan.region} (15–20 minutes)`,
    // eksctl waits up to 25 minutes per stack itself.
    timeoutMs: 60 * 60_000,
  });

/** For a cluster that exists already (resume): its kubeconfig without creating anything. */
export const eksctlWriteKubeconfigCommand = (
  env: Readonly<Record<string, string | undefined>>,
  plan: EksPlan,
): CommandSpec =>
  awsSpec(env, {
    command: 'eksctl',
    args: [
      'utils',
      'write-kubeconfig',
      '--cluster',
      plan.name,
      '--region',
      plan.region,
      '--kubeconfig',
      plan.kubeconfig,
    ],
    cwd: plan.cwd,
    title: `Write the kubeconfig of EKS cluster ${plan.name}`,
    timeoutMs: 120_000,
  });

/** What `eksctl get cluster -o json` says about the cluster: absent, being made, usable, or failed. */
export function parseGetCluster(
  ok: boolean,
  lines: readonly string[],
): {status: 'absent' | 'creating' | 'active' | 'failed' | 'unknown'; detail: string} {
  const text = lines.join('\n');
  if (!ok) {
    if (/ResourceNotFoundException|No cluster found for name/i.test(text))
      return {status: 'absent', detail: 'no such cluster'};
    return {status: 'unknown', detail: lastError(lines) ?? 'eksctl get cluster failed'};
  }
  const start = text.indexOf('[');
  try {
    const list = JSON.parse(start >= 0 ? text.slice(start) : text) as Array<{Status?: string; Name?: string}>;
    const status = list[0]?.Status;
    if (!status) return {status: 'absent', detail: 'no such cluster'};
    if (status === 'ACTIVE') return {status: 'active', detail: 'ACTIVE'};
    if (status === 'CREATING') return {status: 'creating', detail: 'CREATING'};
    return {status: 'failed', detail: status};
  } catch {
    return {status: 'unknown', detail: 'eksctl get cluster printed no JSON'};
  }
}

// --- progress ---------------------------------------------------------------------------------------

export type EksPhaseId = 'cluster-stack' | 'nodegroup-stack' | 'nodes';
export const EKS_PHASES: ReadonlyArray<{id: EksPhaseId; title: string}> = [
  {id: 'cluster-stack', title: 'EKS control plane (CloudFormation stack)'},
  {id: 'nodegroup-stack', title: 'Managed nodegroup (CloudFormation stack)'},
  {id: 'nodes', title: 'Nodes Ready'},
];

export interface EksPhaseState {
  id: EksPhaseId;
  title: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  startedAt?: number;
  endedAt?: number;
  /** The stack's name or the last thing eksctl said about this phase. */
  detail?: string;
}

export interface EksFailure {
  id: 'credentials' | 'quota' | 'stack-exists' | 'version' | 'az-capacity' | 'region' | 'other';
  title: string;
  fix: string;
}

export interface EksProgress {
  phases: EksPhaseState[];
  /** The last meaningful line, for the status line. */
  last?: string;
  failure?: EksFailure;
  done: boolean;
}

// eksctl prints "2024-12-09 15:57:36 [ℹ]  message" (its logger with timestamps).
const PREFIX = /^(?:\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\S*\s+)?\[(.)\]\s+/u;

/** Maps eksctl's and AWS's words to what the admin should do. Messages are the tools' own, cited per rule. */
export function diagnoseEksLine(line: string, plan: Pick<EksPlan, 'name' | 'region'>): EksFailure | undefined {
  // eksctl-io/eksctl#321, #5779: "checking AWS STS access – cannot get role ARN for current session: ..."
  if (
    /checking AWS STS access|NoCredentialProviders|failed to refresh cached credentials|no EC2 IMDS role found|InvalidClientTokenId|ExpiredToken|security token included in the request is (invalid|expired)/i.test(
      line,
    )
  )
    return {
      id: 'credentials',
      title: 'AWS refused or found no credentials',
      fix: 'Give credentials the usual way (export AWS_PROFILE=..., or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for SSO run aws sso login), check them with aws sts get-caller-identity, then retry.',
    };
  // eksctl-io/eksctl#4662: creating CloudFormation stack "eksctl-x-cluster": AlreadyExistsException: Stack [eksctl-x-cluster] already exists
  const exists = /AlreadyExistsException: Stack \[([^\]]+)\] already exists/.exec(line);
  if (exists)
    return {
      id: 'stack-exists',
      title: `CloudFormation stack ${exists[1]} already exists (an earlier attempt)`,
      fix: `If that cluster is usable, retry: the wizard finds it and continues. Otherwise delete it (eksctl delete cluster --region ${plan.region} --name ${plan.name} --wait) or choose another controlPlane.deploy.eks.name.`,
    };
  // eksctl-io/eksctl#5275 "invalid version, supported values: ..."; #2418 "is not known to this version of eksctl";
  // the EKS API's InvalidParameterException "unsupported Kubernetes version".
  if (/invalid version|is not known to this version of eksctl|unsupported Kubernetes version/i.test(line))
    return {
      id: 'version',
      title: 'This Kubernetes version cannot be created by this eksctl or EKS',
      fix: 'Set controlPlane.deploy.eks.kubernetesVersion to one the message lists (EKS standard support), or upgrade eksctl.',
    };
  // eksctl-io/eksctl#252, #118: UnsupportedAvailabilityZoneException "... does not currently have sufficient capacity to support the cluster. Retry and choose from these availability zones: ..."
  const az =
    /because (\S+), the targeted availability zone, does not currently have sufficient capacity.*?choose from these availability zones: ([a-z0-9, -]+)/i.exec(
      line,
    );
  if (az || /UnsupportedAvailabilityZoneException|InsufficientInstanceCapacity/i.test(line))
    return {
      id: 'az-capacity',
      title: az ? `${az[1]} has no capacity for EKS right now` : 'An availability zone has no capacity right now',
      fix: `Delete the failed stacks (eksctl delete cluster --region ${plan.region} --name ${plan.name} --wait) and retry${az ? `; if it recurs, create the cluster with --zones ${az[2]!.split(/,\s*/).slice(0, 2).join(',')} and point the wizard at it (leave controlPlane.deploy.eks out)` : ''}.`,
    };
  // AWS quota errors: VpcLimitExceeded "The maximum number of VPCs has been reached", AddressLimitExceeded,
  // VcpuLimitExceeded, "ResourceLimitExceeded"; EKS "cluster limit exceeded".
  if (/LimitExceeded|maximum number of [\w ]+ has been reached|exceeded (your|the) .*(quota|limit)/i.test(line))
    return {
      id: 'quota',
      title: 'An AWS quota is exhausted in this region',
      fix: `Free the resources named in the message in ${plan.region} (unused VPCs, Elastic IPs, clusters) or request more in Service Quotas, delete the failed stacks (eksctl delete cluster --region ${plan.region} --name ${plan.name} --wait), then retry.`,
    };
  if (/--region=\S+ is not supported/.test(line))
    return {
      id: 'region',
      title: 'eksctl does not know this region',
      fix: 'Set controlPlane.deploy.eks.region to one of the regions the message lists.',
    };
  return undefined;
}

function lastError(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (/^Error: /.test(l)) return l.slice('Error: '.length);
    const m = PREFIX.exec(l);
    if (m?.[1] === '✖') return l.slice(m[0].length);
  }
  return undefined;
}

/** Reads eksctl create cluster's output line by line into phases with their times. */
export class EksProgressParser {
  readonly #phases: EksPhaseState[] = EKS_PHASES.map(p => ({...p, status: 'pending'}));
  #last: string | undefined;
  #failure: EksFailure | undefined;
  #done = false;
  readonly #lines: string[] = [];

  constructor(
    private readonly now: () => number,
    private readonly plan: Pick<EksPlan, 'name' | 'region'>,
  ) {}

  #start(id: EksPhaseId, detail?: string) {
    const at = this.now();
    for (const p of this.#phases) {
      if (p.id === id) {
        if (p.status === 'pending') Object.assign(p, {status: 'running', startedAt: at});
        if (detail) p.detail = detail;
        return;
      }
      if (p.status === 'running' || p.status === 'pending')
        Object.assign(p, {status: 'done', endedAt: at, startedAt: p.startedAt ?? at});
    }
  }

  #finishAll() {
    const at = this.now();
    for (const p of this.#phases)
      if (p.status !== 'done') Object.assign(p, {status: 'done', startedAt: p.startedAt ?? at, endedAt: at});
  }

  /** True when the state changed. */
  push(raw: string): boolean {
    const line = raw.replace(/\s+$/, '');
    if (!line) return false;
    this.#lines.push(line);
    if (this.#lines.length > 200) this.#lines.shift();
    const text = line.replace(PREFIX, '');
    const before = JSON.stringify(this.state());
    const failure = diagnoseEksLine(line, this.plan);
    if (failure && !this.#failure) this.#failure = failure;
    let m: RegExpExecArray | null;
    if ((m = /(?:building|deploying) cluster stack "([^"]+)"/.exec(text))) this.#start('cluster-stack', m[1]);
    else if ((m = /(?:building|deploying) (?:managed )?nodegroup stack "([^"]+)"/.exec(text)))
      this.#start('nodegroup-stack', m[1]);
    else if (
      /waiting for at least \d+ node\(s\) to become ready|all EKS cluster resources for .* have been created/.test(text)
    )
      this.#start('nodes');
    else if (/EKS cluster ".*" in ".*" region is ready/.test(text)) {
      this.#finishAll();
      this.#done = true;
    }
    if (/\[✖\]|^Error: /u.test(line)) {
      const running = this.#phases.find(p => p.status === 'running');
      if (running) Object.assign(running, {status: 'failed', endedAt: this.now(), detail: text});
    }
    if (!/^waiting for CloudFormation stack/.test(text)) this.#last = text;
    return JSON.stringify(this.state()) !== before;
  }

  /** After exit: a failure from the output or, failing that, eksctl's last error line. */
  finish(exitCode: number | null): EksProgress {
    if (exitCode === 0) {
      this.#finishAll();
      this.#done = true;
    } else {
      const running = this.#phases.find(p => p.status === 'running');
      if (running) Object.assign(running, {status: 'failed', endedAt: this.now()});
      if (!this.#failure) {
        const message = lastError(this.#lines) ?? `eksctl exited with code ${exitCode ?? 'unknown'}`;
        this.#failure = {
          id: 'other',
          title: message,
          fix: `Read the log; the stacks of the attempt are listed by eksctl utils describe-stacks --region=${this.plan.region} --cluster=${this.plan.name}.`,
        };
      }
    }
    return this.state();
  }

  state(): EksProgress {
    return {
      phases: this.#phases.map(p => ({...p})),
      last: this.#last,
      failure: this.#failure,
      done: this.#done,
    };
  }
}

/** "12m05s" for a phase's elapsed time. */
export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
