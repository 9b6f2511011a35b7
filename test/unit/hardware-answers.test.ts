// From answers to rows (secrets through a lookup), from rows back to answers (passwords apart),
// and `generate hardware-csv`.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {answersSchema, type Answers, type Machine} from '../../source/session/answers.js';
import {
  generateHardwareCsvFromAnswers,
  machinesFromRows,
  rowsFromAnswers,
  type SecretLookup,
} from '../../source/hardware/answers.js';
import {validateHardwareCsv} from '../../source/hardware/validate.js';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {FIXTURES} from '../fixtures/hardware/build.js';

const answers: Answers = answersSchema.parse({
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2', '1.1.1.1']},
  machines: [
    {
      hostname: 'eksa-cp01',
      mac: 'AA-BB-CC-00-00-01',
      ip: '10.20.0.11',
      role: 'cp',
      disk: '/dev/sda',
      bmc: {ip: '10.20.1.11', username: 'admin', passwordEnv: 'BMC_PASSWORD'},
      labels: {rack: 'r1'},
    },
    {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/nvme0n1'},
  ],
});
const secrets: SecretLookup = {bmcPassword: (m: Machine) => (m.hostname === 'eksa-cp01' ? 'pa,ss' : undefined)};

test('rowsFromAnswers: network on every row, MAC normalised, type from the role, password from the lookup', () => {
  const rows = rowsFromAnswers(answers, secrets);
  assert.deepEqual(rows[0], {
    hostname: 'eksa-cp01',
    ipAddress: '10.20.0.11',
    netmask: '255.255.255.0',
    gateway: '10.20.0.1',
    nameservers: ['10.20.0.2', '1.1.1.1'],
    mac: 'aa:bb:cc:00:00:01',
    disk: '/dev/sda',
    labels: {rack: 'r1', type: 'cp'},
    bmc: {ip: '10.20.1.11', username: 'admin', password: 'pa,ss'},
  });
  assert.equal(rows[1]!.bmc, undefined);
  assert.deepEqual(rows[1]!.labels, {type: 'worker'});
});

test('machinesFromRows: machines without passwords, passwords by hostname, network from the rows', () => {
  const read = validateHardwareCsv(readFileSync(join(FIXTURES, 'lab-warning.csv'), 'utf8'));
  assert.equal(read.valid, true);
  const imported = machinesFromRows(read.rows);
  assert.deepEqual(imported.machines[0], {
    hostname: 'eksa-cp01',
    mac: 'aa:bb:cc:00:00:01',
    ip: '10.20.0.11',
    role: 'cp',
    disk: '/dev/sda',
    bmc: {ip: '10.20.1.11', username: 'admin'},
  });
  assert.equal(imported.machines[1]!.role, 'worker');
  assert.deepEqual(
    [...imported.passwords],
    [
      ['eksa-cp01', 's3,cr"et'],
      ['eksa-wk01', 'plain'],
    ],
  );
  assert.ok(!JSON.stringify(imported.machines).includes('s3,cr'));
  assert.deepEqual(imported.network, {
    netmask: '255.255.255.0',
    gateway: '10.20.0.1',
    nameservers: ['10.20.0.2', '1.1.1.1'],
  });
  assert.deepEqual(imported.warnings, []);
  // The imported machines satisfy the answers schema.
  answersSchema.parse({machines: imported.machines, network: imported.network});
});

test('machinesFromRows warns about rows whose network differs and a missing type label; vlan_id is kept', () => {
  const rows = rowsFromAnswers(answers, secrets);
  rows[1]!.gateway = '10.20.0.254';
  rows[1]!.vlanId = '12';
  rows[1]!.labels = {rack: 'r2'};
  rows[1]!.line = 3;
  const imported = machinesFromRows(rows);
  assert.deepEqual(
    imported.warnings.map(w => [w.line, w.column]),
    [
      [3, 'gateway'],
      [3, 'labels'],
    ],
  );
  assert.equal(imported.machines[1]!.role, 'worker');
  assert.deepEqual(imported.machines[1]!.labels, {rack: 'r2'});
  assert.equal(imported.machines[1]!.vlanId, '12');
  assert.equal(rowsFromAnswers({...answers, machines: imported.machines}, secrets)[1]!.vlanId, '12', 'written back');
});

test('answers -> rows -> csv -> rows -> answers keeps the machines', () => {
  const csv = generateHardwareCsvFromAnswers(answers, {bmcPassword: () => 'pw'}).csv;
  const back = machinesFromRows(validateHardwareCsv(csv).rows);
  const [cp, wk] = answers.machines!;
  assert.deepEqual(back.machines, [{...cp, mac: 'aa:bb:cc:00:00:01', bmc: {ip: '10.20.1.11', username: 'admin'}}, wk]);
  assert.deepEqual([...back.passwords], [['eksa-cp01', 'pw']]);
});

test('generateHardwareCsvFromAnswers: valid answers give a clean CSV', () => {
  const out = generateHardwareCsvFromAnswers(answers, {bmcPassword: () => 'pa,ss'});
  assert.equal(out.findings.valid, true, JSON.stringify(out.findings));
  assert.match(out.csv, /^hostname,bmc_ip,bmc_username,bmc_password,mac,/);
  assert.match(out.csv, /,"pa,ss",aa:bb:cc:00:00:01,/);
});

test('generateHardwareCsvFromAnswers: a missing password names the machine and never shows a secret', () => {
  const out = generateHardwareCsvFromAnswers(answers, {bmcPassword: () => undefined});
  assert.equal(out.findings.valid, false);
  const errors = out.findings.errors;
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0]!.message, /^machines\[0\]\.bmc: no password found/);
  assert.equal(errors[0]!.line, null, 'a line of the generated CSV means nothing to the answers file');
});

test('generateHardwareCsvFromAnswers: findings name machines[i]; missing network keys are named once', () => {
  const bad = answersSchema.parse({
    machines: [
      {hostname: 'Bad_Name', mac: 'x', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda', labels: {type: 'worker'}},
    ],
  });
  const out = generateHardwareCsvFromAnswers(bad, secrets);
  const messages = out.findings.errors.map(e => e.message);
  assert.ok(messages.includes('answers: network.netmask is missing'));
  assert.ok(messages.includes('answers: network.gateway is missing'));
  assert.ok(messages.includes('answers: network.nameservers is missing'));
  assert.ok(messages.some(m => /^machines\[0\] \(Bad_Name\): "Bad_Name" is not a valid hostname/.test(m)));
  assert.ok(messages.some(m => /^machines\[0\] \(Bad_Name\): "x" is not a valid MAC/.test(m)));
  assert.equal(messages.filter(m => /netmask is empty|gateway is empty|nameservers is empty/.test(m)).length, 0);
  assert.ok(out.findings.warnings.some(w => /labels\.type is replaced by the role: type=cp/.test(w.message)));
});

test('generateHardwareCsvFromAnswers: no machines', () => {
  const out = generateHardwareCsvFromAnswers(answersSchema.parse({network: answers.network}), secrets);
  assert.deepEqual(
    out.findings.errors.map(e => e.message),
    ['answers: machines is missing or empty'],
  );
});
