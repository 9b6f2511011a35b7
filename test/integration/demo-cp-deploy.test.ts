// The demo world's "no control plane yet" path (issue 10): the stand-in eksctl for EKS refuses what
// eksctl refuses with its words, the EKS cluster outlives a killed eksctl (resume), and a headless demo
// with controlPlane.deploy in --answers ends with a verified data plane.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {existsSync, readdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld} from '../../source/demo/world.js';
import {runCli} from '../helpers/cli.js';

function run(
  dir: string,
  env: Record<string, string>,
  args: string[],
): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise(resolve => {
    execFile('eksctl', args, {cwd: dir, env: {...env, HOME: dir}, timeout: 60_000}, (err, stdout, stderr) =>
      resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

const create = (name: string, region = 'eu-west-3', version = '1.33') => [
  'create',
  'cluster',
  '--name',
  name,
  '--region',
  region,
  '--version',
  version,
  '--nodegroup-name',
  `${name}-nodes`,
  '--node-type',
  'm6i.large',
  '--nodes',
  '2',
  '--managed',
  '--kubeconfig',
  'eks.kubeconfig',
];

test(
  'stand-in eksctl (EKS): refuses like eksctl, creates, and a second create hits the existing stack',
  {timeout: 90_000},
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-eks-'));
    const world = await startDemoWorld({sessionDir: dir, speed: 2000, controlPlaneMode: 'deploy'});
    try {
      const env = world.env;
      const badName = await run(dir, env, create('kong_cp'));
      assert.equal(badName.code, 1);
      assert.match(
        badName.stderr,
        /Error: validation for kong_cp failed, name must satisfy regular expression pattern: \[a-zA-Z\]\[-a-zA-Z0-9\]\*/,
      );
      const badRegion = await run(dir, env, create('kong-cp', 'eu-west-9'));
      assert.match(badRegion.stderr, /Error: --region=eu-west-9 is not supported - use one of: us-west-1, /);
      const badVersion = await run(dir, env, create('kong-cp', 'eu-west-3', '1.19'));
      assert.match(badVersion.stderr, /Error: invalid version, supported values: 1\.30, /);
      const unknown = await run(dir, env, [...create('kong-cp'), '--zones', 'a']);
      assert.match(unknown.stderr, /Error: unknown flag: --zones/);
      const absent = await run(dir, env, [
        'get',
        'cluster',
        '--name',
        'kong-cp',
        '--region',
        'eu-west-3',
        '--output',
        'json',
      ]);
      assert.equal(absent.code, 1);
      assert.match(absent.stderr, /ResourceNotFoundException: No cluster found for name: kong-cp\./);

      const made = await run(dir, env, create('kong-cp'));
      assert.equal(made.code, 0, made.stderr);
      assert.match(
        made.stderr,
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[ℹ\] {2}building cluster stack "eksctl-kong-cp-cluster"$/m,
      );
      assert.match(made.stderr, /\[✔\] {2}EKS cluster "kong-cp" in "eu-west-3" region is ready/);
      assert.match(
        readFileSync(join(dir, 'eks.kubeconfig'), 'utf8'),
        new RegExp(`server: ${world.apis.controlPlane.url}`),
      );
      const active = await run(dir, env, [
        'get',
        'cluster',
        '--name',
        'kong-cp',
        '--region',
        'eu-west-3',
        '--output',
        'json',
      ]);
      assert.equal(JSON.parse(active.stdout)[0].Status, 'ACTIVE');

      const again = await run(dir, env, create('kong-cp'));
      assert.equal(again.code, 1);
      assert.match(again.stderr, /AlreadyExistsException: Stack \[eksctl-kong-cp-cluster\] already exists/);
      assert.match(again.stderr, /Error: failed to create cluster "kong-cp"/);
    } finally {
      await world.close();
      rmSync(dir, {recursive: true, force: true});
    }
  },
);

test(
  'headless demo with controlPlane.deploy in --answers: EKS, the CP, then a verified data plane',
  {timeout: 240_000},
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'demo-cp-deploy-'));
    const answers = join(home, 'answers.yaml');
    writeFileSync(
      answers,
      `controlPlane:
  deploy:
    eks: {create: true, name: kong-cp, region: eu-west-3, kubernetesVersion: "1.33", nodeType: m6i.large, nodes: 2}
    database: {type: bundled}
    admin: {expose: ClusterIP}
    rbac: false
    manager: false
`,
    );
    try {
      const r = await runCli(['demo', '--non-interactive', '--speed', '1000', '--answers', answers, '--home', home]);
      assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
      const out = r.stdout;
      assert.match(out, /✔ Preflight: eksctl, AWS credentials, region .*account 111122223333/);
      assert.match(out, /✔ EKS control plane \(CloudFormation stack\) \(\d+m\d\ds\)/);
      assert.match(out, /✔ Database migrations job/);
      assert.match(out, /✔ Load balancers 8005\/8006 get hostnames .*elb\.eu-west-3\.amazonaws\.com:8005/);
      assert.match(out, /\[7\/10\] Kong control plane: deployed on EKS kong-cp \(eu-west-3\) · Kong /);
      assert.match(out, /\[9\/10\] Verify: 1 data plane connected \(sync_status normal\)/);
      assert.match(out, /\[10\/10\] Done: finished/);
      const dir = join(home, 'sessions', 'demo');
      const secrets = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'));
      assert.ok(secrets.cpDatabasePassword, 'the generated database password is kept in secrets.json');
      assert.ok(!readFileSync(join(dir, 'session.json'), 'utf8').includes(secrets.cpDatabasePassword));
      assert.ok(existsSync(join(dir, 'kong-cp-values.yaml')));
      const book = await runCli(['runbook', 'demo', '--home', home]);
      assert.match(book.stdout, /^eksctl create cluster --name kong-cp --region eu-west-3 /m);
      assert.match(book.stdout, /helm upgrade --install .* -- kong-cp kong\/kong$/m);
      // The password reached the cluster's secret only: not the output, the runbook, the logs or any file
      // of the session but secrets.json (the simulated cluster keeps it base64-encoded, as Kubernetes does).
      assert.ok(!out.includes(secrets.cpDatabasePassword) && !book.stdout.includes(secrets.cpDatabasePassword));
      const files = readdirSync(dir, {recursive: true, withFileTypes: true})
        .filter(e => e.isFile() && e.name !== 'secrets.json')
        .map(e => join(e.parentPath, e.name));
      assert.ok(
        files.some(f => f.includes(`${join('logs', 'control-plane')}`)),
        'the step has logs',
      );
      for (const file of files)
        assert.ok(!readFileSync(file).includes(secrets.cpDatabasePassword), `the database password is in ${file}`);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  },
);
