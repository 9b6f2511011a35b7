// controlPlane.deploy (issue 10): the keys exactly as the issue gives them, refusals that name the key and
// the line, and the database password kept out of session.json like every other secret.
import {test} from 'node:test';
import {readFileSync} from 'node:fs';
import assert from 'node:assert/strict';
import {AnswersFileError} from '../../source/session/errors.js';
import {parseAnswers} from '../../source/session/answers-file.js';
import {allSecretValues, cpDatabasePasswordRef, emptySecrets, extractSecrets} from '../../source/session/secrets.js';

const ISSUE_YAML = `controlPlane:
  version: "3.10.0.2"
  licenseFile: kong-license.json
  deploy:
    eks: {create: true, name: kong-cp, region: eu-west-3, kubernetesVersion: "1.33", nodeType: m6i.large, nodes: 2}
    database: {type: bundled}
    admin: {expose: ClusterIP}
    rbac: false
    manager: false
`;

function refusal(text: string): AnswersFileError {
  try {
    parseAnswers(text, 'answers.yaml');
  } catch (error) {
    assert.ok(error instanceof AnswersFileError, String(error));
    return error;
  }
  assert.fail('accepted invalid answers');
}

test('the issue example parses as given', () => {
  const answers = parseAnswers(ISSUE_YAML, 'answers.yaml');
  assert.deepEqual(answers.controlPlane?.deploy, {
    eks: {
      create: true,
      name: 'kong-cp',
      region: 'eu-west-3',
      kubernetesVersion: '1.33',
      nodeType: 'm6i.large',
      nodes: 2,
    },
    database: {type: 'bundled'},
    admin: {expose: 'ClusterIP'},
    rbac: false,
    manager: false,
  });
});

test('an unquoted kubernetesVersion keeps the text written (1.30 is not 1.3)', () => {
  const answers = parseAnswers(
    'controlPlane:\n  deploy:\n    eks: {name: kong-cp, region: eu-west-3, kubernetesVersion: 1.30}\n',
    'answers.yaml',
  );
  assert.equal(answers.controlPlane?.deploy?.eks?.kubernetesVersion, '1.30');
});

test('refusals name the key and the line', () => {
  const cases: Array<[string, string, number]> = [
    [ISSUE_YAML.replace('eu-west-3', 'Paris'), 'controlPlane.deploy.eks.region', 5],
    [ISSUE_YAML.replace('name: kong-cp', 'name: 1kong'), 'controlPlane.deploy.eks.name', 5],
    [ISSUE_YAML.replace('name: kong-cp', 'name: kong_cp'), 'controlPlane.deploy.eks.name', 5],
    [ISSUE_YAML.replace('nodes: 2', 'nodes: 0'), 'controlPlane.deploy.eks.nodes', 5],
    [ISSUE_YAML.replace('"1.33"', '"v1.33"'), 'controlPlane.deploy.eks.kubernetesVersion', 5],
    [ISSUE_YAML.replace('m6i.large', 'large'), 'controlPlane.deploy.eks.nodeType', 5],
    [ISSUE_YAML.replace('expose: ClusterIP', 'expose: NodePort'), 'controlPlane.deploy.admin.expose', 7],
    [ISSUE_YAML.replace('type: bundled', 'type: rds'), 'controlPlane.deploy.database.type', 6],
    [ISSUE_YAML.replace('type: bundled', 'type: external, user: kong'), 'controlPlane.deploy.database.host', 6],
    [ISSUE_YAML.replace('rbac: false', 'rbac: yes please'), 'controlPlane.deploy.rbac', 8],
    [ISSUE_YAML.replace('manager: false', 'manger: false'), 'controlPlane.deploy.manger', 9],
  ];
  for (const [text, key, line] of cases) {
    const error = refusal(text);
    const issue = error.issues[0]!;
    assert.equal(issue.path, key, error.message);
    assert.equal(issue.line, line, error.message);
    assert.match(error.message, new RegExp(`^answers\\.yaml: ${key.replace(/\./g, '\\.')}`));
  }
});

test('the database password goes to secrets.json, references stay, and it is redacted', () => {
  const answers = parseAnswers(
    ISSUE_YAML.replace(
      'type: bundled',
      'type: external, host: db.example.com, port: 5432, user: kong, password: "s3cret-pg-pass"',
    ),
    'answers.yaml',
  );
  const {answers: kept, secrets} = extractSecrets(answers);
  assert.equal(kept.controlPlane?.deploy?.database?.password, undefined);
  assert.equal(secrets.cpDatabasePassword, 's3cret-pg-pass');
  assert.ok(!JSON.stringify(kept).includes('s3cret-pg-pass'));
  assert.deepEqual(allSecretValues(secrets, {}), ['s3cret-pg-pass']);
  // A reference in the answers wins over the stored value.
  const byEnv = parseAnswers(
    ISSUE_YAML.replace('type: bundled', 'type: external, host: db, user: kong, passwordEnv: PG_PASS'),
    'answers.yaml',
  );
  assert.deepEqual(cpDatabasePasswordRef(secrets, byEnv), {env: 'PG_PASS'});
  assert.deepEqual(allSecretValues(emptySecrets(), {PG_PASS: 'from-env-pw'}, byEnv), ['from-env-pw']);
});

test('eksa-kong generate cp-values: values on stdout; exit 2 naming the key of a bad answer, with its line', async () => {
  const {runCli, tempHome} = await import('../helpers/cli.js');
  const {writeFileSync} = await import('node:fs');
  const {join} = await import('node:path');
  const dir = tempHome();
  const good = join(dir, 'good.yaml');
  writeFileSync(good, ISSUE_YAML);
  const ok = await runCli(['generate', 'cp-values', '--answers', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /role: control_plane/);
  assert.match(ok.stdout, /helm upgrade --install kong-cp kong\/kong -n kong -f kong-cp-values\.yaml/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, ISSUE_YAML.replace('expose: ClusterIP', 'expose: Ingress'));
  const refused = await runCli(['generate', 'cp-values', '--answers', bad]);
  assert.equal(refused.code, 2);
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /controlPlane\.deploy\.admin\.expose/);
  assert.match(refused.stderr, /line 7/);
  assert.ok(!refused.stderr.includes('    at '), 'no stack trace');
});

test('every controlPlane.deploy key of the JSON Schema is in templates/answers.example.yaml, commented out', () => {
  const schema = JSON.parse(readFileSync('templates/answers.schema.json', 'utf8'));
  const deploy = schema.properties.controlPlane.properties.deploy;
  const keys: string[] = [];
  const walk = (node: {properties?: Record<string, unknown>}, path: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      keys.push(`${path}.${key}`);
      walk(child as {properties?: Record<string, unknown>}, `${path}.${key}`);
    }
  };
  walk(deploy, 'controlPlane.deploy');
  assert.ok(keys.length >= 17, keys.join(', '));
  const example = readFileSync('templates/answers.example.yaml', 'utf8');
  const block = /^ {2}# deploy:\n((?: {2}# .*\n)+)/m.exec(example)?.[1];
  assert.ok(block, 'the commented deploy block');
  for (const key of keys) {
    const name = key.split('.').pop()!;
    assert.match(block, new RegExp(`[{ ,]${name}: `), `${key} in the example's deploy block`);
  }
});
