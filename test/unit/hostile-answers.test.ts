// A hostile-value corpus run through the answers fields that reach commands, kubeconfig lookups and
// YAML: each is refused with its key named, and what is written as YAML cannot be injected into.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import {parseAnswers} from '../../source/session/answers-file.js';
import {AnswersFileError} from '../../source/session/errors.js';
import {buildDpValues, renderDpValues, type DpValuesInput} from '../../source/kong/dp-values.js';
import {writeSecretManifests} from '../../source/kong/deploy.js';
import {yamlComment} from '../../source/run/yaml-comment.js';

/** Refused by every validated field: line breaks, terminal control, values a tool would read as a flag. */
const EVERYWHERE = [
  'ctx\nkind: ClusterRoleBinding',
  'a\r\nb',
  'x\u2028y',
  '\u001b[31mred',
  'bell\u0007',
  'nul\u0000',
  '--kubeconfig=/tmp/evil',
  '-rf',
];
/** Also refused by names (namespace, release, secret names, env names). */
const NOT_AN_IDENTIFIER = ['kong dp', '$(id)', '`id`', 'a/b', 'a'.repeat(300), ''];
const NOT_A_NAME = [...NOT_AN_IDENTIFIER, 'Kong', 'kong_dp', '.kong'];

const FIELDS: {path: string[]; kind: 'name' | 'identifier' | 'text'; base?: Record<string, unknown>}[] = [
  {path: ['controlPlane', 'context'], kind: 'text'},
  {path: ['controlPlane', 'kubeconfig'], kind: 'text'},
  {path: ['controlPlane', 'namespace'], kind: 'name'},
  {path: ['controlPlane', 'release'], kind: 'name'},
  {path: ['controlPlane', 'clusterCertSecret'], kind: 'name'},
  {path: ['controlPlane', 'licenseSecret'], kind: 'name'},
  {path: ['controlPlane', 'licenseFile'], kind: 'text'},
  {path: ['controlPlane', 'adminTokenFile'], kind: 'text'},
  {path: ['controlPlane', 'adminTokenEnv'], kind: 'identifier'},
  {path: ['dataPlane', 'namespace'], kind: 'name'},
  {path: ['dataPlane', 'release'], kind: 'name'},
  {path: ['dataPlane', 'image'], kind: 'text'},
  {path: ['admin', 'interface'], kind: 'identifier'},
  {path: ['admin', 'bootstrapIp'], kind: 'name'},
  {path: ['discovery', 'importCsv'], kind: 'text'},
  {path: ['discovery', 'redfish', 'passwordEnv'], kind: 'identifier'},
  {path: ['discovery', 'redfish', 'passwordFile'], kind: 'text'},
  {path: ['cluster', 'existing', 'context'], kind: 'text', base: {kubeconfig: '/root/.kube/config'}},
  {path: ['cluster', 'existing', 'kubeconfig'], kind: 'text'},
  {path: ['cluster', 'licenseTokenEnv'], kind: 'identifier'},
  {path: ['cluster', 'licenseTokenFile'], kind: 'text'},
];

function answersWith(path: readonly string[], value: string, base: Record<string, unknown> = {}): string {
  const doc: Record<string, unknown> = {};
  let node = doc;
  path.slice(0, -1).forEach((key, i) => {
    node[key] = i === path.length - 2 ? {...base} : {};
    node = node[key] as Record<string, unknown>;
  });
  node[path.at(-1)!] = value;
  return yaml.dump(doc);
}

function refusedKey(text: string): string | null {
  try {
    parseAnswers(text, 'answers.yaml');
    return null;
  } catch (error) {
    assert.ok(error instanceof AnswersFileError, `not an answers error: ${String(error)}`);
    assert.ok(!(error as Error).message.includes('\u001b'), 'the message carries a raw ESC');
    return error.issues[0]?.path ?? '';
  }
}

for (const field of FIELDS) {
  const key = field.path.join('.');
  test(`${key}: every hostile value is refused naming the key`, () => {
    const corpus = [
      ...EVERYWHERE,
      ...(field.kind === 'name' ? NOT_A_NAME : field.kind === 'identifier' ? NOT_AN_IDENTIFIER : []),
    ];
    for (const value of corpus)
      assert.equal(refusedKey(answersWith(field.path, value, field.base)), key, `accepted ${JSON.stringify(value)}`);
  });
}

test('ordinary values are still accepted', () => {
  const text = [
    'admin: {interface: eno1, bootstrapIp: 10.20.0.5}',
    'controlPlane: {context: "arn:aws:eks:us-east-1:1234:cluster/kong cp", kubeconfig: ~/.kube/config, namespace: kong, release: kong-cp, clusterCertSecret: kong-cluster-cert, adminTokenEnv: KONG_ADMIN_TOKEN}',
    'dataPlane: {namespace: kong-dp, release: kong.dp-1, image: "kong/kong-gateway:3.9.1.2"}',
  ].join('\n');
  const a = parseAnswers(text, 'answers.yaml');
  assert.equal(a.controlPlane?.context, 'arn:aws:eks:us-east-1:1234:cluster/kong cp');
  assert.equal(a.dataPlane?.release, 'kong.dp-1');
});

test('property: a YAML comment block never ends the comment, whatever the text', () => {
  fc.assert(
    fc.property(fc.array(fc.string({unit: 'binary'}), {maxLength: 4}), lines => {
      const text = yamlComment(lines) + 'a: 1\n';
      for (const line of text.split('\n').slice(0, -2)) assert.match(line, /^#/);
      assert.deepEqual(yaml.load(text), {a: 1});
    }),
    {numRuns: 300},
  );
});

test('the values file is the values, even with a newline in the release (validation bypassed)', () => {
  const input: DpValuesInput = {
    mode: 'shared',
    namespace: 'kong\nextraObjects:\n- {kind: Pod}',
    release: 'dp\r\nextraObjects: [{kind: Pod}]',
    image: {repository: 'kong/kong-gateway', tag: '3.9.1.2'},
    clusterEndpoint: 'cp.example.com:8005',
    telemetryEndpoint: 'tp.example.com:8006',
    clusterCertSecret: 'kong-cluster-cert',
    licenseSecret: null,
    proxy: {type: 'NodePort'},
  };
  assert.deepEqual(yaml.load(renderDpValues(input)), buildDpValues(input));
});

test('the secrets manifest is written through no symlink and carries no injected document', t => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-hostile-yaml-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const target = join(dir, 'elsewhere');
  writeFileSync(target, 'untouched\n');
  const file = join(dir, 'kong-dp-secrets.yaml');
  symlinkSync(target, file);
  return writeSecretManifests(
    file,
    [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {name: 's', namespace: 'kong'},
        type: 'Opaque',
        data: {license: 'e30='},
      },
    ],
    ['copy it with kubectl --context ctx\n---\nkind: ClusterRoleBinding'],
  ).then(() => {
    assert.equal(readFileSync(target, 'utf8'), 'untouched\n');
    assert.equal(lstatSync(file).isSymbolicLink(), false);
    assert.equal(lstatSync(file).mode & 0o777, 0o600);
    const docs = yaml.loadAll(readFileSync(file, 'utf8'));
    assert.deepEqual(
      docs.map(d => (d as {kind: string}).kind),
      ['Secret'],
    );
  });
});

test('keys and values with terminal controls never reach the terminal raw in messages', () => {
  for (const text of [
    'controlPlane:\n  "co\\e[31mntext\\a": x\n',
    'machines:\n- {hostname: a, mac: b, ip: c, role: cp, disk: d, labels: {"x\\e]0;t\\a": 1}}\n',
  ]) {
    try {
      parseAnswers(text, 'answers.yaml');
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof AnswersFileError, String(error));
      assert.doesNotMatch(error.message, /[\u0007\u001b]/, error.message);
    }
  }
});

test('a terminal control in any string answer is refused naming its key, even free-text ones; newline and tab stay for multi-line values', () => {
  const cases: [string, string][] = [
    ['machines:\n  - {hostname: a, mac: m, ip: i, role: cp, disk: d, model: "X\\e]2;t\\a"}', 'machines[0].model'],
    [
      'machines:\n  - {hostname: a, mac: m, ip: i, role: cp, disk: d, labels: {rack: "r\\e[31m"}}',
      'machines[0].labels.rack',
    ],
    ['cluster: {name: "seed\\e[41m"}', 'cluster.name'],
    ['controlPlane: {license: "{\\"license\\": 1}\\0"}', 'controlPlane.license'],
    ['controlPlane: {adminToken: "tok\\x9b31m"}', 'controlPlane.adminToken'],
    ['network: {nameservers: [10.0.0.1, "1.1.1.1\\a"]}', 'network.nameservers[1]'],
  ];
  for (const [text, key] of cases) {
    assert.equal(refusedKey(text), key, text);
    try {
      parseAnswers(text, 'answers.yaml');
    } catch (error) {
      assert.match((error as Error).message, /contains a control character/);
      assert.doesNotMatch((error as Error).message, /tok|seed|license"/, 'the value is not quoted');
    }
  }
  const licence = parseAnswers('controlPlane:\n  license: "{\\n\\t\\"license\\": {}\\n}"\n', 'answers.yaml');
  assert.equal(licence.controlPlane?.license, '{\n\t"license": {}\n}');
});
