// The control-plane screen's deploy form as answers (issue 10): "existing EKS cluster" leaves
// controlPlane.deploy.eks out, the database's source replaces the others, and the form is refused with the
// answers file's own messages (same checks: schema, plan, password reference), naming the key.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {deployFields, deployFormFrom, deployPatch, type DeployForm} from '../../screens/kong/CpDeploy.js';
import {deployAnswersProblem} from '../../source/steps/control-plane/cp-deploy-step.js';
import {
  CP_DEPLOY_PHASES,
  cpDeployPlanFromAnswers,
  leftAfterStop,
  type CpDeployPhase,
} from '../../source/steps/control-plane/cp-deploy.js';
import {parseAnswers} from '../../source/session/answers-file.js';
import {AnswersFileError} from '../../source/session/errors.js';
import {extractSecrets} from '../../source/session/secrets.js';
import {mergeAnswers, wizardReducer, withoutKeys} from '../../source/wizard/reducer.js';
import {newSession} from '../../source/session/schema.js';
import type {Answers} from '../../source/session/answers.js';

const created: Answers = {
  controlPlane: {
    deploy: {
      eks: {create: true, name: 'kong-cp', region: 'eu-west-3', kubernetesVersion: '1.33', nodeType: 'm6i.large'},
      database: {type: 'bundled'},
    },
  },
};

const apply = (answers: Answers, form: DeployForm) => {
  const {patch, unset} = deployPatch(form);
  return mergeAnswers(withoutKeys(answers, unset), patch);
};

test('withoutKeys drops dotted keys and leaves the rest (and the original) alone', () => {
  const out = withoutKeys(created, ['controlPlane.deploy.eks', 'controlPlane.nothing.here', 'cluster.name']);
  assert.equal(out.controlPlane?.deploy?.eks, undefined);
  assert.deepEqual(out.controlPlane?.deploy?.database, {type: 'bundled'});
  assert.equal(created.controlPlane?.deploy?.eks?.name, 'kong-cp', 'the original is not changed');
  // Through the reducer: set-answers with unset.
  const session = {...newSession('t', 'real'), answers: created};
  const next = wizardReducer(session, {
    type: 'set-answers',
    patch: {controlPlane: {kubeconfig: '~/.kube/cp'}},
    unset: ['controlPlane.deploy.eks'],
  });
  assert.equal(next.answers.controlPlane?.deploy?.eks, undefined);
  assert.equal(next.answers.controlPlane?.kubeconfig, '~/.kube/cp');
});

test('"existing (kubeconfig)" leaves controlPlane.deploy.eks out: the plan uses the kubeconfig and context', () => {
  const form = {...deployFormFrom(created, '~/.kube/config'), eks: 'existing (kubeconfig)', context: 'cp-admin'};
  assert.deepEqual(
    deployFields(form, false).map(f => f.key),
    ['eks', 'kubeconfig', 'context', 'expose', 'rbac', 'manager', 'db'],
  );
  const answers = apply(created, {...form, kubeconfig: '/srv/cp.kubeconfig'});
  assert.equal(answers.controlPlane?.deploy?.eks, undefined);
  const plan = cpDeployPlanFromAnswers(answers, '/tmp/s');
  assert.equal(plan.eks, undefined);
  assert.equal(plan.kubeconfig, '/srv/cp.kubeconfig');
  assert.equal(plan.context, 'cp-admin');
  // The form reads it back as "existing", and back to "create" gives the cluster again.
  assert.equal(deployFormFrom(answers, '~/.kube/config').eks, 'existing (kubeconfig)');
  const again = apply(answers, {...form, eks: 'create with eksctl'});
  assert.equal(again.controlPlane?.deploy?.eks?.name, 'kong-cp');
});

test('the form is refused with the answers file message for the same value, naming the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-form-'));
  try {
    const base = deployFormFrom(created, '~/.kube/config');
    const problem = (form: DeployForm, env: Record<string, string> = {}, known = false) =>
      deployAnswersProblem(apply(created, form), env, dir, known);
    const fileMessage = (yaml: string) => {
      try {
        parseAnswers(yaml, 'a.yaml');
      } catch (error) {
        assert.ok(error instanceof AnswersFileError);
        return error.message.replace(/^a\.yaml: /, '').replace(/ \(line \d+\)$/, '');
      }
      assert.fail('accepted');
    };
    const region = problem({...base, region: 'Paris'});
    assert.equal(region?.key, 'controlPlane.deploy.eks.region');
    assert.equal(region?.message, fileMessage('controlPlane:\n  deploy:\n    eks: {region: Paris}\n'));
    const nodes = problem({...base, nodes: 'two'});
    assert.equal(nodes?.key, 'controlPlane.deploy.eks.nodes');
    assert.equal(nodes?.message, fileMessage('controlPlane:\n  deploy:\n    eks: {nodes: two}\n'));
    assert.equal(problem({...base, nodes: '0'})?.key, 'controlPlane.deploy.eks.nodes');
    assert.equal(problem(base), undefined);

    // An existing cluster needs its kubeconfig (the plan's own check and message).
    const existing = problem({...base, eks: 'existing (kubeconfig)', kubeconfig: ''});
    assert.equal(existing?.key, 'controlPlane.kubeconfig');
    assert.match(existing?.message ?? '', /missing controlPlane\.kubeconfig: without controlPlane\.deploy\.eks/);

    // External database: host, user, port and the password reference, as the headless run checks them.
    const ext: DeployForm = {...base, db: 'external', dbHost: 'kong.db.example', dbPasswordFrom: 'env'};
    assert.equal(problem({...ext, dbHost: ''})?.key, 'controlPlane.deploy.database.host');
    assert.equal(problem({...ext, dbUser: ''})?.key, 'controlPlane.deploy.database.user');
    assert.equal(problem({...ext, dbPort: '70000'})?.key, 'controlPlane.deploy.database.port');
    const unset = problem({...ext, dbPasswordEnv: 'KONG_PG_PASSWORD'});
    assert.equal(unset?.key, 'controlPlane.deploy.database.passwordEnv');
    assert.match(unset?.message ?? '', /KONG_PG_PASSWORD/);
    assert.equal(problem({...ext, dbPasswordEnv: 'KONG_PG_PASSWORD'}, {KONG_PG_PASSWORD: 's3cret'}), undefined);
    const file = join(dir, 'pg-password');
    assert.equal(
      problem({...ext, dbPasswordFrom: 'file', dbPasswordFile: file})?.key,
      'controlPlane.deploy.database.passwordFile',
    );
    writeFileSync(file, 's3cret\n', {mode: 0o600});
    assert.equal(problem({...ext, dbPasswordFrom: 'file', dbPasswordFile: file}), undefined);
    // Typed: nothing typed and nothing stored is the headless run's "missing answer".
    const none = problem({...ext, dbPasswordFrom: 'typed'});
    assert.equal(none?.key, 'controlPlane.deploy.database.passwordEnv');
    assert.match(none?.message ?? '', /^missing answer: controlPlane\.deploy\.database\.passwordEnv/);
    assert.equal(problem({...ext, dbPasswordFrom: 'typed'}, {}, true), undefined, 'a stored password will do');
    assert.equal(problem({...ext, dbPasswordFrom: 'typed', dbPassword: 'typed-pw'}), undefined);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('the chosen password source replaces the others; a typed one goes to secrets.json, never session.json', () => {
  const withEnv = apply(created, {
    ...deployFormFrom(created, '~/.kube/config'),
    db: 'external',
    dbHost: 'kong.db.example',
    dbPort: '5433',
    dbUser: 'kong',
    dbPasswordFrom: 'env',
    dbPasswordEnv: 'PG_PW',
  });
  assert.deepEqual(withEnv.controlPlane?.deploy?.database, {
    type: 'external',
    host: 'kong.db.example',
    port: 5433,
    user: 'kong',
    passwordEnv: 'PG_PW',
  });
  const form = deployFormFrom(withEnv, '~/.kube/config');
  assert.equal(form.dbPasswordFrom, 'env');
  const typed = apply(withEnv, {...form, dbPasswordFrom: 'typed', dbPassword: 'hunter2-typed'});
  assert.equal(typed.controlPlane?.deploy?.database?.passwordEnv, undefined, 'the env reference would win');
  const {answers, secrets} = extractSecrets(typed);
  assert.equal(secrets.cpDatabasePassword, 'hunter2-typed');
  assert.doesNotMatch(JSON.stringify(answers), /hunter2-typed/);
  assert.equal(deployFormFrom(typed, '~/.kube/config').dbPassword, '', 'never shown again');
  // Back to bundled: the external endpoint's keys go.
  const bundled = apply(typed, {...form, db: 'bundled'});
  assert.deepEqual(Object.keys(bundled.controlPlane?.deploy?.database ?? {}).sort(), ['password', 'type']);
});

test('after a stopped deploy: what is left and the command that removes it, by how far it got', () => {
  const phases = (reached: number): CpDeployPhase[] =>
    CP_DEPLOY_PHASES.map((p, i) => ({
      ...p,
      status: i < reached - 1 ? 'ok' : i === reached - 1 ? 'fail' : 'pending',
    }));
  const where = {namespace: 'kong', release: 'kong-cp', kubeconfig: '/s/eks.kubeconfig'};
  const eks = {name: 'kong-cp', region: 'eu-west-3'};
  assert.equal(leftAfterStop(phases(1), {...where, eks}), 'Nothing was created: only the preflight ran.');
  assert.match(
    leftAfterStop(phases(2), {...where, eks}),
    /^Left: EKS cluster kong-cp \(eu-west-3\): CloudFormation goes on creating it in AWS \(billed\)\. r carries on from there; to remove it: eksctl delete cluster --region eu-west-3 --name kong-cp --wait$/,
  );
  assert.match(
    leftAfterStop(phases(4), {...where, eks}),
    /^Left: EKS cluster kong-cp \(eu-west-3\) exists and is billed; release kong-cp \(ns kong\) and its NLBs\. .*eksctl delete cluster/,
  );
  // An existing cluster: helm uninstall (the NLBs go with the Services), or the labelled secrets.
  const existing = (reached: number) =>
    leftAfterStop(
      phases(reached).map(p => (p.id === 'preflight' || p.id === 'eks' ? {...p, status: 'skipped' as const} : p)),
      where,
    );
  assert.match(existing(4), /to remove it: helm uninstall -n kong kong-cp --kubeconfig \/s\/eks\.kubeconfig$/);
  assert.match(
    existing(3),
    /^Left: the secrets in namespace kong\. .*kubectl delete secret -n kong -l app\.kubernetes\.io\/managed-by=eksa-kong/,
  );
});
