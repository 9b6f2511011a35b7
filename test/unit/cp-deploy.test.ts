// The control plane deploy engine (issue 10) through its ports: eksctl's output read into phases with
// elapsed times, its failures mapped to fixes, the resume after a kill, the secrets with the managed-by
// label, helm, the waits, and the dry run's recorded commands.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {X509Certificate} from 'node:crypto';
import {FakeClock, FakeCommandRunner, type FakeReply} from '../helpers/cluster-fakes.js';
import {FakeKubeApi} from '../helpers/kong-fakes.js';
import {parseAnswers} from '../../source/session/answers-file.js';
import {cpDeployPlanFromAnswers, runCpDeploy, type CpDeployPhase} from '../../source/steps/control-plane/cp-deploy.js';
import {
  diagnoseEksLine,
  EksProgressParser,
  parseGetCluster,
  regionProblem,
} from '../../source/steps/control-plane/eks-cluster.js';
import {createDryRunRunner} from '../../source/run/dry-run-runner.js';
import type {CommandRecord} from '../../source/session/schema.js';

const PLAN = {name: 'kong-cp', region: 'eu-west-3'};

// Lines as eksctl 0.19x prints them (eksctl-io/eksctl#7448, #8038, canonical/bundle-kubeflow#1171).
const CREATE_LINES = [
  '2026-06-01 10:00:00 [ℹ]  eksctl version 0.215.0',
  '2026-06-01 10:00:00 [ℹ]  using region eu-west-3',
  '2026-06-01 10:00:01 [ℹ]  creating EKS cluster "kong-cp" in "eu-west-3" region with managed nodes',
  '2026-06-01 10:00:02 [ℹ]  building cluster stack "eksctl-kong-cp-cluster"',
  '2026-06-01 10:00:03 [ℹ]  deploying stack "eksctl-kong-cp-cluster"',
  '2026-06-01 10:00:33 [ℹ]  waiting for CloudFormation stack "eksctl-kong-cp-cluster"',
  '2026-06-01 10:10:01 [ℹ]  building managed nodegroup stack "eksctl-kong-cp-nodegroup-kong-cp-nodes"',
  '2026-06-01 10:10:02 [ℹ]  deploying stack "eksctl-kong-cp-nodegroup-kong-cp-nodes"',
  '2026-06-01 10:13:30 [✔]  all EKS cluster resources for "kong-cp" have been created',
  '2026-06-01 10:13:31 [ℹ]  waiting for at least 2 node(s) to become ready in "kong-cp-nodes"',
  '2026-06-01 10:14:00 [✔]  EKS cluster "kong-cp" in "eu-west-3" region is ready',
];

test('eksctl output becomes phases with their elapsed times', () => {
  const clock = new FakeClock(0);
  const parser = new EksProgressParser(clock.now, PLAN);
  const at: Record<string, number> = {
    'building cluster': 0,
    'building managed': 600_000,
    'all EKS': 810_000,
    'is ready': 840_000,
  };
  for (const line of CREATE_LINES) {
    const key = Object.keys(at).find(k => line.includes(k));
    if (key) clock.t = at[key]!;
    parser.push(line);
  }
  const state = parser.finish(0);
  assert.equal(state.done, true);
  assert.equal(state.failure, undefined);
  assert.deepEqual(
    state.phases.map(p => [p.id, p.status, (p.endedAt! - p.startedAt!) / 1000]),
    [
      ['cluster-stack', 'done', 600],
      ['nodegroup-stack', 'done', 210],
      ['nodes', 'done', 30],
    ],
  );
  assert.equal(state.phases[0]!.detail, 'eksctl-kong-cp-cluster');
});

test("eksctl's and AWS's failure messages map to fixes", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'Error: checking AWS STS access – cannot get role ARN for current session: operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found',
      'credentials',
      /AWS_PROFILE/,
    ],
    [
      '2026-06-01 10:00:03 [✖]  creating CloudFormation stack "eksctl-kong-cp-cluster": AlreadyExistsException: Stack [eksctl-kong-cp-cluster] already exists',
      'stack-exists',
      /eksctl delete cluster --region eu-west-3 --name kong-cp/,
    ],
    ['Error: invalid version, supported values: 1.30, 1.31, 1.32, 1.33', 'version', /kubernetesVersion/],
    [
      '2026-06-01 10:05:00 [✖]  AWS::EKS::Cluster/ControlPlane: CREATE_FAILED – "Resource handler returned message: \\"Cannot create cluster \'kong-cp\' because eu-west-3c, the targeted availability zone, does not currently have sufficient capacity to support the cluster. Retry and choose from these availability zones: eu-west-3a, eu-west-3b (Service: Eks, Status Code: 400)\\""',
      'az-capacity',
      /--zones eu-west-3a,eu-west-3b/,
    ],
    [
      '2026-06-01 10:01:00 [✖]  AWS::EC2::VPC/VPC: CREATE_FAILED – "Resource handler returned message: \\"The maximum number of VPCs has been reached. (Service: Ec2, Status Code: 400)\\""',
      'quota',
      /Service Quotas/,
    ],
  ];
  for (const [line, id, fix] of cases) {
    const found = diagnoseEksLine(line, PLAN);
    assert.equal(found?.id, id, line);
    assert.match(found!.fix, fix);
  }
  assert.equal(diagnoseEksLine('2026-06-01 10:00:33 [ℹ]  waiting for CloudFormation stack "x"', PLAN), undefined);
  assert.match(regionProblem('eu-west-9') ?? '', /^--region=eu-west-9 is not supported - use one of: us-west-1/);
  assert.equal(regionProblem('eu-west-3'), undefined);
});

test('eksctl get cluster: absent, creating, active', () => {
  assert.equal(
    parseGetCluster(false, [
      'Error: unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, ResourceNotFoundException: No cluster found for name: kong-cp.',
    ]).status,
    'absent',
  );
  assert.equal(parseGetCluster(true, ['[{"Name":"kong-cp","Status":"CREATING"}]']).status, 'creating');
  assert.equal(parseGetCluster(true, ['[', '{"Name":"kong-cp","Status":"ACTIVE"}', ']']).status, 'active');
});

const ANSWERS = `controlPlane:
  version: "3.10.0.2"
  license: '{"license":{"payload":{},"signature":"x","version":"1"}}'
  deploy:
    eks: {create: true, name: kong-cp, region: eu-west-3, kubernetesVersion: "1.33", nodeType: m6i.large, nodes: 2}
    database: {type: bundled}
    admin: {expose: ClusterIP}
    rbac: true
`;

/** A CP cluster where the release has done its work: job succeeded, pod Ready, both NLBs named. */
function settledCluster(kube: FakeKubeApi) {
  const labels = {'app.kubernetes.io/instance': 'kong-cp', 'app.kubernetes.io/component': 'app'};
  kube.add('Job', 'kong', {metadata: {name: 'kong-cp-kong-init-migrations'}, status: {succeeded: 1}});
  kube.add('Pod', 'kong', {
    metadata: {name: 'kong-cp-kong-abc', labels},
    status: {
      phase: 'Running',
      conditions: [{type: 'Ready', status: 'True'}],
      containerStatuses: [{name: 'proxy', ready: true, state: {running: {}}}],
    },
  });
  for (const key of ['cluster', 'clustertelemetry'])
    kube.add('Service', 'kong', {
      metadata: {name: `kong-cp-kong-${key}`, labels: {'app.kubernetes.io/instance': 'kong-cp'}},
      spec: {type: 'LoadBalancer'},
      status: {loadBalancer: {ingress: [{hostname: `${key}.elb.eu-west-3.amazonaws.com`}]}},
    });
}

const ENV = {
  PATH: '/usr/bin',
  HOME: '/root',
  AWS_PROFILE: 'kong-admin',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-value',
  GITHUB_TOKEN: 'not-for-children',
};

const NOT_FOUND: FakeReply = {
  exitCode: 1,
  lines: [
    'Error: unable to describe cluster control plane: ResourceNotFoundException: No cluster found for name: kong-cp.',
  ],
};

test('deploy: preflight, eksctl create cluster, labelled secrets, helm, waits, then the hand-over to discovery', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-'));
  const runner = new FakeCommandRunner({
    'eksctl version': {lines: ['0.215.0']},
    'eksctl get cluster': NOT_FOUND,
    'eksctl create cluster': {lines: CREATE_LINES},
    'helm repo add': {},
    'helm repo update': {},
    'helm upgrade --install': {},
  });
  const kube = new FakeKubeApi();
  settledCluster(kube);
  const phases: CpDeployPhase[][] = [];
  const plan = cpDeployPlanFromAnswers(parseAnswers(ANSWERS, 'a.yaml'), dir);
  const result = await runCpDeploy(
    plan,
    {dbPassword: 'db-pass-123', adminPassword: 'admin-pass-456', license: '{"license":{}}'},
    {
      runner,
      clock: new FakeClock(Date.UTC(2026, 5, 1)),
      env: ENV,
      sessionDir: dir,
      dryRun: false,
      kube: () => kube,
      onPhase: p => phases.push(p),
    },
  );
  assert.equal(result.ok, true, JSON.stringify(result.failure));
  assert.deepEqual(
    runner.started.map(s => [s.command, ...s.args.slice(0, 2)].join(' ')),
    [
      'eksctl version',
      'aws --version', // not installed here: eksctl checks the credentials itself
      'eksctl get cluster',
      'eksctl get cluster',
      'eksctl create cluster',
      'helm repo add',
      'helm repo update',
      'helm upgrade --install',
    ],
  );
  const create = runner.started.find(s => s.args[0] === 'create')!;
  assert.deepEqual(create.args.slice(2, 14), [
    '--name',
    'kong-cp',
    '--region',
    'eu-west-3',
    '--version',
    '1.33',
    '--nodegroup-name',
    'kong-cp-nodes',
    '--node-type',
    'm6i.large',
    '--nodes',
    '2',
  ]);
  // AWS credentials pass through (and are redacted); nothing else of ours does.
  assert.equal(create.env?.['AWS_PROFILE'], 'kong-admin');
  assert.equal(create.env?.['AWS_SECRET_ACCESS_KEY'], 'aws-secret-value');
  assert.equal(create.env?.['GITHUB_TOKEN'], undefined);
  assert.ok(create.secrets?.includes('aws-secret-value'));
  const helm = runner.started.at(-1)!;
  assert.equal(helm.env?.['AWS_SECRET_ACCESS_KEY'], undefined, 'helm gets no AWS secret');
  assert.deepEqual(helm.args.slice(-3), ['--', 'kong-cp', 'kong/kong']);

  // Secrets: labelled, cert like gen_cert, passwords stored by the cluster only.
  const secret = (name: string) =>
    [...kube.objects.values()].find(
      o => o.kind === 'Secret' && (o.object as {metadata: {name: string}}).metadata.name === name,
    )?.object as {metadata: {labels?: Record<string, string>}; data: Record<string, string>} | undefined;
  for (const name of [
    'kong-cluster-cert',
    'kong-enterprise-license',
    'kong-cp-postgresql',
    'kong-cp-admin-password',
    'kong-cp-session-config',
  ])
    assert.equal(secret(name)?.metadata.labels?.['app.kubernetes.io/managed-by'], 'eksa-kong', name);
  const cert = new X509Certificate(Buffer.from(secret('kong-cluster-cert')!.data['tls.crt']!, 'base64'));
  assert.equal(cert.subject, 'CN=kong_clustering');
  assert.equal(Buffer.from(secret('kong-cp-postgresql')!.data['password']!, 'base64').toString(), 'db-pass-123');
  assert.equal(Buffer.from(secret('kong-cp-admin-password')!.data['password']!, 'base64').toString(), 'admin-pass-456');
  // The values file names secrets, never holds them.
  const values = readFileSync(join(dir, 'kong-cp-values.yaml'), 'utf8');
  assert.ok(!values.includes('db-pass-123') && !values.includes('admin-pass-456'));

  assert.deepEqual(result.input, {
    kubeconfig: join(dir, 'kong-cp-eks.kubeconfig'),
    context: undefined,
    namespace: 'kong',
    release: 'kong-cp',
    certSecret: 'kong-cluster-cert',
    licenseSecret: 'kong-enterprise-license',
  });
  assert.equal(result.facts['clusterHostname'], 'cluster.elb.eu-west-3.amazonaws.com');
  const last = phases.at(-1)!;
  assert.deepEqual(
    last.map(p => p.status),
    ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
  );
  assert.ok(last.every(p => p.startedAt !== undefined && p.endedAt !== undefined));
});

test('resume after kill -9: eksctl get cluster finds the cluster; no second create; the existing certificate is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-'));
  const runner = new FakeCommandRunner({
    'eksctl version': {lines: ['0.215.0']},
    'aws --version': {lines: ['aws-cli/2.22.0 Python/3.12.6 Linux/6.8.0 exe/x86_64']},
    'aws sts get-caller-identity': {
      lines: ['{"UserId": "AIDA", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/admin"}'],
    },
    'eksctl get cluster': {lines: ['[{"Name":"kong-cp","Status":"ACTIVE"}]']},
    'eksctl utils write-kubeconfig': {},
    'helm repo add': {},
    'helm repo update': {},
    'helm upgrade --install': {},
  });
  const kube = new FakeKubeApi();
  settledCluster(kube);
  const {makeCert, tlsSecret} = await import('../helpers/kong-fakes.js');
  const existing = await makeCert({notBefore: new Date(Date.UTC(2026, 4, 1))});
  kube.add('Secret', 'kong', tlsSecret('kong-cluster-cert', existing) as never);
  const plan = cpDeployPlanFromAnswers(parseAnswers(ANSWERS, 'a.yaml'), dir);
  const result = await runCpDeploy(
    plan,
    {dbPassword: 'p', adminPassword: 'q', license: '{}'},
    {runner, clock: new FakeClock(Date.UTC(2026, 5, 1)), env: ENV, sessionDir: dir, dryRun: false, kube: () => kube},
  );
  assert.equal(result.ok, true, JSON.stringify(result.failure));
  assert.equal(result.facts['eksResumed'], true);
  assert.equal(result.facts['awsAccount'], '123456789012');
  assert.ok(!runner.started.some(s => s.args[0] === 'create'), 'no second eksctl create cluster');
  const kept = await kube.get('Secret', 'kong', 'kong-cluster-cert');
  assert.equal(Buffer.from(kept!.data!['tls.crt']!, 'base64').toString(), existing.certPem);
});

test('a failed eksctl create cluster stops with the mapped fix; bad credentials stop in the preflight', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-'));
  const plan = cpDeployPlanFromAnswers(parseAnswers(ANSWERS, 'a.yaml'), dir);
  const deps = (runner: FakeCommandRunner) => ({
    runner,
    clock: new FakeClock(0),
    env: ENV,
    sessionDir: dir,
    dryRun: false,
    kube: () => new FakeKubeApi(),
  });
  const exists = new FakeCommandRunner({
    'eksctl version': {},
    'eksctl get cluster': NOT_FOUND,
    'eksctl create cluster': {
      exitCode: 1,
      lines: [
        CREATE_LINES[3]!,
        '2026-06-01 10:00:03 [✖]  creating CloudFormation stack "eksctl-kong-cp-cluster": AlreadyExistsException: Stack [eksctl-kong-cp-cluster] already exists',
        'Error: failed to create cluster "kong-cp"',
      ],
    },
  });
  const failed = await runCpDeploy(plan, {dbPassword: 'p'}, deps(exists));
  assert.equal(failed.ok, false);
  assert.match(failed.failure!.title, /stack eksctl-kong-cp-cluster already exists/);
  assert.match(failed.failure!.fix!, /eksctl delete cluster --region eu-west-3 --name kong-cp --wait/);
  assert.equal(failed.phases.find(p => p.id === 'eks')!.status, 'fail');

  const noCreds = new FakeCommandRunner({
    'eksctl version': {},
    'aws --version': {},
    'aws sts get-caller-identity': {
      exitCode: 253,
      lines: ['Unable to locate credentials. You can configure credentials by running "aws configure".'],
    },
  });
  const refused = await runCpDeploy(plan, {dbPassword: 'p'}, deps(noCreds));
  assert.equal(refused.ok, false);
  assert.match(refused.failure!.title, /AWS credentials are not usable: Unable to locate credentials/);
  assert.equal(refused.phases[0]!.status, 'fail');
  assert.ok(!noCreds.started.some(s => s.args[0] === 'create'));

  const noEksctl = await runCpDeploy(plan, {dbPassword: 'p'}, deps(new FakeCommandRunner({})));
  assert.match(noEksctl.failure!.title, /eksctl is not installed/);
});

test('load balancers that never get a hostname: the wait ends with the controller to check', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-'));
  const answers = parseAnswers(
    ANSWERS.replace(/ {4}eks: .*\n/, '').replace('  version:', '  kubeconfig: /tmp/eks.kubeconfig\n  version:'),
    'a.yaml',
  );
  const kube = new FakeKubeApi();
  settledCluster(kube);
  for (const key of ['cluster', 'clustertelemetry'])
    kube.add('Service', 'kong', {
      metadata: {name: `kong-cp-kong-${key}`, labels: {'app.kubernetes.io/instance': 'kong-cp'}},
      spec: {type: 'LoadBalancer'},
      status: {loadBalancer: {}},
    });
  const result = await runCpDeploy(
    cpDeployPlanFromAnswers(answers, dir),
    {dbPassword: 'p', adminPassword: 'q', license: '{}'},
    {
      runner: new FakeCommandRunner({'helm repo': {}, 'helm upgrade': {}}),
      clock: new FakeClock(0),
      env: ENV,
      sessionDir: dir,
      dryRun: false,
      kube: () => kube,
      waitTimeoutMs: 60_000,
    },
  );
  assert.equal(result.ok, false);
  assert.equal(result.phases[0]!.status, 'skipped', 'an existing EKS cluster needs no eksctl');
  assert.equal(result.phases.find(p => p.id === 'load-balancers')!.status, 'fail');
  assert.match(result.failure!.fix!, /EKS's cloud provider provisions these NLBs/);
  assert.equal(result.facts['lbController'], 'cloud-provider', 'no controller Deployment in kube-system');
});

test('dry run: eksctl create cluster, kubectl create secret by file reference (0600), helm upgrade --install kong-cp are recorded; no value in them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-'));
  const records: CommandRecord[] = [];
  const runner = createDryRunRunner({onRecord: r => records.push(r)});
  const plan = cpDeployPlanFromAnswers(parseAnswers(ANSWERS, 'a.yaml'), dir);
  const result = await runCpDeploy(
    plan,
    {dbPassword: 'db-pass-dry', adminPassword: 'admin-pass-dry', license: '{"license":"L"}'},
    {
      runner,
      clock: new FakeClock(0),
      env: ENV,
      sessionDir: dir,
      dryRun: true,
      kube: () => assert.fail('no API in a dry run'),
    },
  );
  assert.equal(result.ok, true, JSON.stringify(result.failure));
  const lines = records.map(r => [r.command, ...r.args].join(' '));
  assert.ok(lines.some(l => l.startsWith('eksctl create cluster --name kong-cp --region eu-west-3')));
  const tls = lines.find(l => / create secret tls kong-cluster-cert /.test(l))!;
  assert.match(tls, /--cert=cp-secrets\/kong-cluster-cert\.tls\.crt --key=cp-secrets\/kong-cluster-cert\.tls\.key/);
  assert.ok(
    lines.some(l =>
      /create secret generic kong-cp-postgresql --from-file=password=cp-secrets\/kong-cp-postgresql\.password --from-file=postgres-password=/.test(
        l,
      ),
    ),
  );
  assert.ok(lines.some(l => / label secret kong-cp-postgresql app\.kubernetes\.io\/managed-by=eksa-kong$/.test(l)));
  assert.ok(lines.some(l => l.startsWith('helm upgrade --install --kubeconfig') && l.endsWith('-- kong-cp kong/kong')));
  const all = JSON.stringify(records);
  for (const value of ['db-pass-dry', 'admin-pass-dry', 'aws-secret-value']) assert.ok(!all.includes(value), value);
  const file = join(dir, 'cp-secrets', 'kong-cp-postgresql.password');
  assert.equal(readFileSync(file, 'utf8'), 'db-pass-dry');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(
    result.phases.map(p => p.status),
    ['ok', 'ok', 'ok', 'ok', 'skipped', 'skipped', 'skipped'],
  );
});

test('without the AWS CLI the credentials are checked by eksctl itself: its STS refusal stops the preflight', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-'));
  const plan = cpDeployPlanFromAnswers(parseAnswers(ANSWERS, 'a.yaml'), dir);
  const runner = new FakeCommandRunner({
    'eksctl version': {},
    'eksctl get cluster': {
      exitCode: 1,
      lines: [
        'Error: checking AWS STS access – cannot get role ARN for current session: operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found',
      ],
    },
  });
  const result = await runCpDeploy(
    plan,
    {dbPassword: 'p'},
    {runner, clock: new FakeClock(0), env: ENV, sessionDir: dir, dryRun: false, kube: () => new FakeKubeApi()},
  );
  assert.equal(result.ok, false);
  assert.equal(result.phases[0]!.status, 'fail');
  assert.match(result.failure!.title, /^AWS credentials are not usable: Error: checking AWS STS access/);
  assert.match(result.failure!.fix!, /AWS_PROFILE/);
  assert.ok(!runner.started.some(s => s.command === 'aws' && s.args[0] === 'sts'), 'no AWS CLI to ask');
  assert.ok(!runner.started.some(s => s.args[0] === 'create'));
  // eksctl's "no such cluster" is a usable identity: the preflight goes on.
  const absent = new FakeCommandRunner({'eksctl version': {}, 'eksctl get cluster': NOT_FOUND});
  const next = await runCpDeploy(
    plan,
    {dbPassword: 'p'},
    {runner: absent, clock: new FakeClock(0), env: ENV, sessionDir: dir, dryRun: false, kube: () => new FakeKubeApi()},
  );
  assert.equal(next.phases[0]!.status, 'ok');
});
