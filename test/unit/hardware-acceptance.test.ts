// The acceptance cases of EKS Anywhere's own tests (reference eksa.md 1.8), in 'eksa' mode (EKS Anywhere's
// rules only) and, where it matters, what our strict mode adds.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {validateHardwareCsv} from '../../source/hardware/validate.js';
import {formatHardwareCsv} from '../../source/hardware/write.js';
import {csvOf, eksaMachine, FIXTURES, HEADER, type Cells} from '../fixtures/hardware/build.js';

const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const eksa = (text: string) => validateHardwareCsv(text, {mode: 'eksa'});
const mutated = (overrides: Cells) => eksa(csvOf([eksaMachine(overrides)]));

function firstError(text: string | Cells): string {
  const r = typeof text === 'string' ? eksa(text) : mutated(text);
  assert.equal(r.valid, false);
  return r.errors[0]!.message;
}

test('V1: the testdata hardware.csv is valid in both modes, with BMC', () => {
  for (const mode of ['eksa', 'strict'] as const) {
    const r = validateHardwareCsv(fixture('eksa-hardware.csv'), {mode});
    assert.deepEqual(r.errors, [], mode);
    assert.equal(r.machines, 1);
    assert.deepEqual(r.rows[0], {
      hostname: 'worker1',
      ipAddress: '10.10.10.10',
      netmask: '255.255.255.0',
      gateway: '10.10.10.1',
      nameservers: ['1.1.1.1'],
      mac: '00:00:00:00:00:01',
      disk: '/dev/sda',
      labels: {type: 'cp'},
      line: 2,
      bmc: {ip: '192.168.0.10', username: 'Admin', password: 'admin'},
    });
  }
});

test('V2: no BMC headers is valid, and the row has no BMC', () => {
  const r = validateHardwareCsv(fixture('eksa-no-bmc.csv'));
  assert.deepEqual(r.errors, []);
  assert.equal(r.rows[0]!.bmc, undefined);
});

test('V3: the base machine round-tripped through CSV is valid for EKS Anywhere; strict flags ns1 and the /32', () => {
  const text = csvOf([eksaMachine()]);
  assert.deepEqual(eksa(text).errors, []);
  const strict = validateHardwareCsv(text);
  assert.deepEqual(
    strict.errors.map(e => e.column),
    ['ip_address', 'nameservers'],
  );
  assert.match(strict.errors[0]!.message, /same subnet/);
  // and through our writer
  assert.deepEqual(eksa(formatHardwareCsv(eksa(text).rows)).errors, []);
});

test('V4: several labels', () => {
  const r = mutated({labels: 'foo=bar|qux=baz|type=cp'});
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.rows[0]!.labels, {foo: 'bar', qux: 'baz', type: 'cp'});
});

test('V5: the provider testdata with four machines is valid', () => {
  const r = validateHardwareCsv(fixture('eksa-provider.csv'));
  assert.deepEqual(r.errors, []);
  assert.equal(r.machines, 4);
  assert.deepEqual(
    r.rows.map(x => x.labels['type']),
    ['cp', 'worker', 'etcd', 'cp'],
  );
});

test('V6: an upper-case MAC is normalised to lower case', () => {
  const r = mutated({mac: 'AA:BB:CC:DD:EE:FF'});
  assert.equal(r.valid, true);
  assert.equal(r.rows[0]!.mac, 'aa:bb:cc:dd:ee:ff');
});

test('M1-M8: a header missing one required column names it', () => {
  for (const missing of ['hostname', 'ip_address', 'netmask', 'gateway', 'nameservers', 'mac', 'disk', 'labels']) {
    const r = eksa(
      csvOf(
        [eksaMachine()],
        HEADER.filter(h => h !== missing),
      ),
    );
    assert.ok(
      r.errors.some(e => e.column === missing && e.message.includes(`"${missing}" is missing`)),
      missing,
    );
  }
});

test('I1-I13: each mutation of the base machine fails with its rule', () => {
  const cases: [Cells, RegExp][] = [
    [{ip_address: ''}, /ip_address is empty/],
    [{ip_address: 'invalid'}, /"invalid" is not a valid IP address/],
    [{gateway: ''}, /gateway is empty/],
    [{gateway: 'invalid'}, /"invalid" is not a valid IP address/],
    [{nameservers: ''}, /nameservers is empty/],
    [{netmask: ''}, /netmask is empty/],
    [{mac: ''}, /mac is empty/],
    [{mac: 'invalid mac'}, /"invalid mac" is not a valid MAC address/],
    [{hostname: ''}, /hostname is empty/],
    [{hostname: '!@#$%'}, /"!@#\$%" is not a valid hostname/],
    [{bmc_ip: ''}, /bmc_ip is empty/],
    [{bmc_ip: 'invalid'}, /"invalid" is not a valid IP address/],
    [{bmc_username: ''}, /bmc_username is empty/],
    [{bmc_password: ''}, /bmc_password is empty/],
    [{labels: '?$?$?=x'}, /label key "\?\$\?\$\?"/],
    [{labels: 'type=\\/dsa'}, /label value "\\\\\/dsa"/],
    [{disk: '*&!@#!%'}, /not a device path/],
    [{disk: '/dev/'}, /not a device path/],
    [{vlan_id: '0'}, /outside 1-4094/],
    [{vlan_id: '4095'}, /outside 1-4094/],
    [{vlan_id: 'im not an int'}, /not an integer/],
  ];
  for (const [overrides, message] of cases) {
    assert.match(firstError(overrides), message, JSON.stringify(overrides));
  }
});

test('U1: two rows with the same value "foo" in ip / mac / hostname / bmc_ip: duplicate on the second row', () => {
  for (const column of ['ip_address', 'mac', 'hostname', 'bmc_ip']) {
    const other = {hostname: 'other', ip_address: '10.10.10.20', mac: '00:00:00:00:00:09', bmc_ip: '10.10.10.21'};
    const r = eksa(csvOf([eksaMachine({[column]: 'foo'}), eksaMachine({...other, [column]: 'foo'})]));
    const dup = r.errors.filter(e => e.message.startsWith(`duplicate ${column} "foo"`));
    assert.equal(dup.length, 1, column);
    assert.equal(dup[0]!.line, 3);
  }
});

test('D1: labels "type" is a badly formatted pair', () => {
  assert.match(firstError({labels: 'type'}), /"type" is not a key=value pair/);
});

test('D2: a row with 10 fields under an 11-field header fails on line 2', () => {
  const text = fixture('eksa-hardware.csv').replace(',/dev/sda', '');
  const r = eksa(text);
  assert.equal(r.errors[0]!.line, 2);
  assert.match(r.errors[0]!.message, /10 fields but the header has 11/);
});

test('D3: a BOM breaks the first header', () => {
  const r = eksa('\ufeff' + fixture('eksa-hardware.csv'));
  assert.equal(r.valid, false);
  assert.deepEqual([r.errors[0]!.line, r.errors[0]!.column], [1, 'hostname']);
});
