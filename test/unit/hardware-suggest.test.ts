// Suggestions for the hardware screen, and the per-field validator (same rules as the file validator).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {suggestHostnames, suggestIps} from '../../source/hardware/suggest.js';
import {checkField, validateField} from '../../source/hardware/field.js';
import {validateHardwareCsv} from '../../source/hardware/validate.js';
import {csvOf, HEADER, labMachine} from '../fixtures/hardware/build.js';

test('suggestHostnames numbers each role from 01, skipping taken names', () => {
  assert.deepEqual(suggestHostnames(undefined, undefined, ['cp', 'worker', 'cp', 'worker']), [
    'eksa-cp01',
    'eksa-wk01',
    'eksa-cp02',
    'eksa-wk02',
  ]);
  assert.deepEqual(suggestHostnames('cp-', 'w-', ['cp', 'worker'], ['cp-01']), ['cp-02', 'w-01']);
  assert.equal(suggestHostnames(undefined, undefined, Array(100).fill('cp'))[99], 'eksa-cp100');
});

test('suggestIps: next free addresses in sequence, inside the subnet', () => {
  assert.deepEqual(suggestIps('10.20.0.11', 3, ['10.20.0.12']), ['10.20.0.11', '10.20.0.13', '10.20.0.14']);
  assert.deepEqual(
    suggestIps('10.20.0.253', 5, []),
    ['10.20.0.253', '10.20.0.254'],
    'stops before the broadcast address',
  );
  assert.deepEqual(suggestIps('10.20.0.0', 1, []), ['10.20.0.1'], 'skips the network address');
  assert.deepEqual(
    suggestIps('10.20.0.255', 2, [], '255.255.254.0'),
    ['10.20.0.255', '10.20.1.0'],
    'a /23 crosses the third octet',
  );
  assert.deepEqual(suggestIps('not-an-ip', 2, []), []);
  assert.deepEqual(suggestIps('10.20.0.1', 2, [], '255.0.255.0'), []);
});

test('validateField: same verdicts as the file validator for every column', () => {
  const samples: Record<string, string[]> = {
    hostname: ['eksa-cp01', '', 'Bad', 'a.b'],
    ip_address: ['10.20.0.11', '', 'x', 'fd00::1', '10.20.9.1'],
    netmask: ['255.255.255.0', '', '255.0.255.0'],
    gateway: ['10.20.0.1', 'nope'],
    nameservers: ['1.1.1.1', 'ns1', '1.1.1.1|'],
    mac: ['aa:bb:cc:00:00:01', 'AA-BB-CC-00-00-01', 'zz'],
    disk: ['/dev/sda', '/dev/sda2', 'sda'],
    labels: ['type=cp', 'type', ''],
    bmc_ip: ['10.20.1.11', '', 'bad'],
    bmc_username: ['admin', ''],
    bmc_password: ['pw', ''],
    vlan_id: ['', '12', '0', 'x'],
  };
  for (const [column, values] of Object.entries(samples)) {
    for (const value of values) {
      const cells = {...labMachine(), vlan_id: '', [column]: value};
      const file = validateHardwareCsv(csvOf([cells], [...HEADER, 'vlan_id']));
      const fileError = file.errors.find(e => e.column === column)?.message ?? null;
      const row = {...cells};
      const fieldError = validateField(column as never, value, {row});
      assert.equal(fieldError, fileError, `${column}=${JSON.stringify(value)}`);
      const fileWarning = file.warnings.find(w => w.column === column)?.message;
      const fieldWarning = checkField(column as never, value, {row}).find(i => i.level === 'warning')?.message;
      assert.equal(fieldWarning, fileWarning, `warning ${column}=${JSON.stringify(value)}`);
    }
  }
});

test('validateField: values other machines use are refused, MACs in any form', () => {
  const taken = {
    mac: ['aa:bb:cc:00:00:01'],
    ip_address: ['10.20.0.11'],
    bmc_ip: ['10.20.1.11'],
    hostname: ['eksa-cp01'],
  };
  assert.match(validateField('mac', 'AA-BB-CC-00-00-01', {taken}) ?? '', /already used/);
  assert.match(validateField('hostname', 'eksa-cp01', {taken}) ?? '', /already used/);
  assert.match(validateField('ip_address', '10.20.1.11', {taken}) ?? '', /already used as a bmc_ip/);
  assert.match(validateField('bmc_ip', '10.20.0.11', {taken}) ?? '', /already used as a ip_address/);
  assert.equal(validateField('ip_address', '10.20.0.12', {taken}), null);
  assert.match(validateField('ip_address', '10.20.0.12', {row: {bmc_ip: '10.20.0.12'}}) ?? '', /bmc_ip/);
});

test('validateField: BMC all-or-nothing looks at the rest of the row', () => {
  assert.equal(validateField('bmc_username', '', {row: {bmc_ip: '', bmc_password: ''}}), null);
  assert.match(validateField('bmc_username', '', {row: {bmc_ip: '10.20.1.11'}}) ?? '', /give all three/);
});

test('validateField in eksa mode follows EKS Anywhere only', () => {
  assert.equal(validateField('nameservers', 'ns1', {mode: 'eksa'}), null);
  assert.notEqual(validateField('nameservers', 'ns1'), null);
});
