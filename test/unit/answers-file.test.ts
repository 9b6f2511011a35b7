import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import yaml from 'js-yaml';
import {AnswersFileError} from '../../source/session/errors.js';
import {
  answersJsonSchema,
  loadAnswersFile,
  loadWithLines,
  mergeAnswers,
  parseAnswers,
} from '../../source/session/answers-file.js';
import {tempHome} from '../fixtures/session/tmp.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

function errorOf(text: string): AnswersFileError {
  try {
    parseAnswers(text, 'answers.yaml');
  } catch (err) {
    assert.ok(err instanceof AnswersFileError, String(err));
    assert.ok(!err.message.includes('\n'), err.message);
    assert.ok(err.message.startsWith('answers.yaml: '), err.message);
    return err;
  }
  assert.fail('accepted invalid answers');
}

test('JSON Schema: templates/answers.schema.json is the one generated from the zod schema', () => {
  const committed = JSON.parse(readFileSync(join(TEMPLATES, 'answers.schema.json'), 'utf8'));
  assert.deepEqual(committed, answersJsonSchema(), 'regenerate templates/answers.schema.json from answersJsonSchema()');
});

test('example: templates/answers.example.yaml loads and points editors at the schema', async () => {
  const file = join(TEMPLATES, 'answers.example.yaml');
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], '# yaml-language-server: $schema=answers.schema.json');
  const answers = await loadAnswersFile(file);
  assert.deepEqual(
    answers.machines?.map(m => [m.hostname, m.role, m.bmc?.passwordEnv]),
    [
      ['eksa-cp01', 'cp', 'BMC_PASSWORD'],
      ['eksa-wk01', 'worker', 'BMC_PASSWORD'],
    ],
  );
  assert.equal(answers.cluster?.kubernetesVersion, '1.35');
  assert.equal(answers.controlPlane?.adminTokenEnv, 'KONG_ADMIN_TOKEN');
});

test('errors: a missing file names the file', async t => {
  const path = join(tempHome(t), 'nope.yaml');
  await assert.rejects(loadAnswersFile(path), (err: Error) => {
    assert.ok(err instanceof AnswersFileError);
    assert.equal(err.message, `${path}: cannot read the answers file: no such file or folder`);
    return true;
  });
});

test('errors: YAML syntax names the line and column', () => {
  const err = errorOf('session: lab1\nmachines:\n  - {hostname: a,\n');
  assert.match(err.message, /^answers\.yaml: YAML syntax error: .* \(line 4, column 1\)$/);
  assert.match(
    errorOf('a: 1\n  b: 2\n').message,
    /YAML syntax error: bad indentation of a mapping entry \(line 2, column 4\)/,
  );
});

const BLOCK = `session: lab1
machines:
  - hostname: eksa-cp01
    mac: "aa:bb:cc:00:00:01"
    ip: 10.20.0.11
    role: cp
    disk: /dev/sda
  - hostname: eksa-wk01
    mac: "aa:bb:cc:00:00:02"
    # the worker
    ip: 10.20.0.12

    disk: /dev/nvme0n1
    role: boss
    bmc:
      ip: 10.20.1.12
      username: admin
      pasword: x
`;

test('errors: a list item key in block style: path, expectation, line', () => {
  const err = errorOf(BLOCK);
  assert.equal(err.message, 'answers.yaml: machines[1].role: expected cp or worker (line 14) (and 1 more problem)');
  assert.deepEqual(err.issues[1], {path: 'machines[1].bmc.pasword', line: 18, problem: 'unknown key "pasword"'});
});

test('errors: flow style over several lines, as in DESIGN.md', () => {
  const text = `machines:
  - {hostname: eksa-cp01, mac: "aa:bb:cc:00:00:01", ip: 10.20.0.11, role: cp, disk: /dev/sda,
     bmc: {ip: 10.20.1.11, username: admin, passwordEnv: BMC_PASSWORD}}
  - {hostname: eksa-wk01, mac: "aa:bb:cc:00:00:02", ip: 10.20.0.12, role: worker, disk: /dev/nvme0n1,
     bmc: {ip: 10.20.1.12, username: admin, passwordEnvv: BMC_PASSWORD}}
dataPlane: {namespace: kong,
            httpNodePort: 80}
`;
  const err = errorOf(text);
  assert.deepEqual(err.issues, [
    {path: 'machines[1].bmc.passwordEnvv', line: 5, problem: 'unknown key "passwordEnvv"'},
    {path: 'dataPlane.httpNodePort', line: 7, problem: 'expected a number at least 30000'},
  ]);
});

test('errors: a missing key points at its item; wrong types say what is expected without the value', () => {
  const text = `machines:
  - hostname: a
    mac: m
    ip: i
    disk: d
    role: cp
  - hostname: b
    ip: i
    disk: d
    role: worker
discovery:
  redfish:
    password: 123456789
cluster: {kubernetesVersion: [1]}
`;
  const err = errorOf(text);
  assert.deepEqual(err.issues, [
    {path: 'machines[1].mac', line: 7, problem: 'missing, expected a string'},
    {path: 'discovery.redfish.password', line: 13, problem: 'expected a string, got a number'},
    {path: 'cluster.kubernetesVersion', line: 14, problem: 'expected a string or a number, got a list'},
  ]);
  assert.ok(!JSON.stringify(err.issues).includes('123456789'));
});

test('errors: unknown top-level key and the session name rule', () => {
  assert.equal(errorOf('sesion: lab1\n').message, 'answers.yaml: sesion: unknown key "sesion" (line 1)');
  assert.match(errorOf('\n\nsession: Lab 1\n').message, /^answers\.yaml: session: lowercase letters.* \(line 3\)$/);
  assert.equal(errorOf('- a\n').message, 'answers.yaml: expected a mapping, got a list (line 1)');
});

test('an empty file is no answers', () => {
  assert.deepEqual(parseAnswers('', 'a.yaml'), {});
  assert.deepEqual(parseAnswers('# nothing yet\n', 'a.yaml'), {});
});

test('property: the line of a bad list item key is right in any YAML style', () => {
  fc.assert(
    fc.property(
      fc.integer({min: 1, max: 6}),
      fc.nat(),
      fc.integer({min: -1, max: 3}),
      fc.boolean(),
      fc.array(fc.boolean(), {maxLength: 120}),
      (count, pick, flowLevel, unknownKey, breaks) => {
        const bad = pick % count;
        const machines = Array.from({length: count}, (_, i) => ({
          hostname: `h${i}`,
          mac: `aa:bb:cc:00:00:0${i}`,
          ip: `10.0.0.${i}`,
          role: i === bad && !unknownKey ? 'boss' : 'worker',
          disk: '/dev/sda',
          bmc: {ip: `10.1.0.${i}`, username: 'admin', ...(i === bad && unknownKey ? {zzextra: 1} : {})},
        }));
        const dumped = yaml.dump({session: 's', machines, dataPlane: {replicas: 2}}, {flowLevel, lineWidth: 60});
        // Flow collections over several lines, as people write them: break after some commas.
        const text = dumped.split(', ').reduce((acc, part, i) => acc + (breaks[i - 1] ? ',\n    ' : ', ') + part);
        const needle = unknownKey ? 'zzextra' : 'boss';
        const expected = text.split('\n').findIndex(l => l.includes(needle)) + 1;
        const err = errorOf(text);
        assert.equal(err.issues.length, 1);
        assert.equal(err.issues[0]!.path, unknownKey ? `machines[${bad}].bmc.zzextra` : `machines[${bad}].role`);
        assert.equal(err.issues[0]!.line, expected, text);
      },
    ),
    {numRuns: 200},
  );
});

test('locator: quoted keys, comments and blank lines', () => {
  const {locator} = loadWithLines(
    `# head\n"session": x\n\ncluster:\n  # c\n  'name': y\n  existing:\n    kubeconfig: k\n`,
  );
  assert.equal(locator(['session']), 2);
  assert.equal(locator(['cluster', 'name']), 6);
  assert.equal(locator(['cluster', 'existing', 'kubeconfig']), 8);
  assert.equal(locator(['cluster', 'absent']), 4);
});

test('mergeAnswers: the file wins, mappings merge deeply, lists are replaced', () => {
  const existing = {
    session: 'lab1',
    admin: {interface: 'eno1', bootstrapIp: '10.0.0.1'},
    network: {nameservers: ['1.1.1.1', '8.8.8.8']},
    dataPlane: {replicas: 2},
  };
  const fromFile = {admin: {bootstrapIp: '10.0.0.9'}, network: {nameservers: ['9.9.9.9']}, cluster: {name: 'c'}};
  assert.deepEqual(mergeAnswers(existing, fromFile), {
    session: 'lab1',
    admin: {interface: 'eno1', bootstrapIp: '10.0.0.9'},
    network: {nameservers: ['9.9.9.9']},
    dataPlane: {replicas: 2},
    cluster: {name: 'c'},
  });
  assert.deepEqual(existing.admin, {interface: 'eno1', bootstrapIp: '10.0.0.1'}, 'inputs untouched');
});

test('loadAnswersFile reads a file from disk', async t => {
  const path = join(tempHome(t), 'a.yaml');
  writeFileSync(path, 'session: lab1\ncluster: {kubernetesVersion: 1.35}\n');
  assert.deepEqual(await loadAnswersFile(path), {session: 'lab1', cluster: {kubernetesVersion: '1.35'}});
});

test('versions keep the text written: kubernetesVersion 1.30 is "1.30", not "1.3"', () => {
  const a = parseAnswers('cluster: {kubernetesVersion: 1.30}\ncontrolPlane:\n  version: 3.10\n', 'a.yaml');
  assert.equal(a.cluster?.kubernetesVersion, '1.30');
  assert.equal(a.controlPlane?.version, '3.10');
});
