// A dry run of the whole flow with controlPlane.deploy (issue 10), through the CLI: the runbook holds
// eksctl create cluster, kubectl create secret ... --from-file (files 0600 in cp-secrets/), the
// managed-by label and helm upgrade --install kong-cp, in that order, and the database password given by
// passwordEnv appears nowhere but in its 0600 file: not in session.json, secrets.json, the logs or the
// runbook. Without deploy.eks (an existing EKS cluster) no eksctl command is recorded at all.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';
import {SMOKE_SECRETS} from '../helpers/bundle.js';

const PG_PASSWORD = 'pg-Dry-Run-Secret-7';

function answersFile(dir: string, deploy: string): string {
  const file = join(dir, 'answers.yaml');
  writeFileSync(
    file,
    readFileSync('templates/answers.example.yaml', 'utf8').replace(/^controlPlane:\n/m, `controlPlane:\n${deploy}`),
  );
  return file;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter(e => e.isFile())
    .map(e => join(e.parentPath, e.name));
}

test(
  'dry run with controlPlane.deploy: the runbook records eksctl, kubectl create secret by file reference and helm; the password only in its 0600 file',
  {timeout: 120_000},
  async () => {
    const home = tempHome('eksa-kong-cp-dry-');
    try {
      const answers = answersFile(
        home,
        `  deploy:
    eks: {create: true, name: kong-cp, region: eu-west-3}
    database: {type: external, host: kong.abc.eu-west-3.rds.amazonaws.com, user: kong, passwordEnv: PG_PW}
`,
      );
      const env = {...SMOKE_SECRETS, PG_PW: PG_PASSWORD};
      const run = await runCli(['--dry-run', '--non-interactive', '--answers', answers, '--home', home], env);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /Kong control plane: dry run: Kong .* control plane on EKS kong-cp \(eu-west-3\)/);
      const book = await runCli(['runbook', 'lab1', '--home', home]);
      assert.equal(book.code, 0, book.stderr);
      const lines = book.stdout.split('\n');
      const at = (re: RegExp) => {
        const i = lines.findIndex(l => re.test(l));
        assert.ok(i >= 0, `${re} in the runbook:\n${book.stdout}`);
        return i;
      };
      const order = [
        at(/^aws sts get-caller-identity --output json --region eu-west-3$/),
        at(
          /^eksctl create cluster --name kong-cp --region eu-west-3 .*--managed --kubeconfig \S+kong-cp-eks\.kubeconfig$/,
        ),
        at(/ create namespace kong$/),
        at(/ -n kong create secret tls kong-cluster-cert --cert=cp-secrets\/kong-cluster-cert\.tls\.crt --key=/),
        at(
          / -n kong create secret generic kong-cp-postgresql --from-file=password=cp-secrets\/kong-cp-postgresql\.password$/,
        ),
        at(/ -n kong label secret kong-cp-postgresql app\.kubernetes\.io\/managed-by=eksa-kong$/),
        at(
          /^helm upgrade --install --kubeconfig \S+kong-cp-eks\.kubeconfig -n kong -f kong-cp-values\.yaml .*-- kong-cp kong\/kong$/,
        ),
        at(/-- kong-dp kong\/kong$/),
      ];
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
      );
      const dir = join(home, 'sessions', 'lab1');
      const pwFile = join(dir, 'cp-secrets', 'kong-cp-postgresql.password');
      assert.equal(readFileSync(pwFile, 'utf8'), PG_PASSWORD);
      assert.equal(statSync(pwFile).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'cp-secrets')).mode & 0o777, 0o700);
      assert.ok(!book.stdout.includes(PG_PASSWORD) && !run.stdout.includes(PG_PASSWORD));
      for (const file of filesUnder(dir).filter(f => f !== pwFile))
        assert.ok(!readFileSync(file, 'utf8').includes(PG_PASSWORD), `the password is in ${file}`);
      const values = readFileSync(join(dir, 'kong-cp-values.yaml'), 'utf8');
      assert.match(values, /pg_host: kong\.abc\.eu-west-3\.rds\.amazonaws\.com/);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  },
);

test('dry run onto an existing EKS cluster (deploy.eks left out): no eksctl, the secrets and helm on its kubeconfig', async () => {
  const home = tempHome('eksa-kong-cp-dry-');
  try {
    const answers = answersFile(home, `  deploy:\n    database: {type: bundled}\n`);
    const run = await runCli(['--dry-run', '--non-interactive', '--answers', answers, '--home', home], SMOKE_SECRETS);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /control plane on existing cluster ~\/\.kube\/config/);
    const book = await runCli(['runbook', 'lab1', '--home', home]);
    assert.doesNotMatch(book.stdout, /^eksctl (create|get) cluster/m);
    assert.match(
      book.stdout,
      /^kubectl --kubeconfig \S+ --context kong-cp -n kong create secret generic kong-cp-postgresql /m,
    );
    assert.match(
      book.stdout,
      /^helm upgrade --install --kubeconfig \S+ --kube-context kong-cp -n kong .*-- kong-cp kong\/kong$/m,
    );
  } finally {
    rmSync(home, {recursive: true, force: true});
  }
});
