// One test per validation rule: EKS Anywhere's (both modes) and our stricter ones (strict mode).
import {test, describe} from 'node:test';
import assert from 'node:assert/strict';
import {validateHardwareCsv} from '../../source/hardware/validate.js';
import type {HardwareFinding, ValidationResult} from '../../source/hardware/types.js';
import {csvOf, eksaMachine, HEADER, labMachine, type Cells} from '../fixtures/hardware/build.js';

function lab(...rows: Cells[]): ValidationResult {
  return validateHardwareCsv(csvOf(rows.length ? rows : [labMachine()], HEADER));
}
function eksa(overrides: Cells): ValidationResult {
  return validateHardwareCsv(csvOf([eksaMachine(overrides)]), {mode: 'eksa'});
}
/** The single error of the column, checked for line, column and value. */
function oneError(r: ValidationResult, column: string, value: string | null, line = 2): HardwareFinding {
  const found = r.errors.filter(f => f.column === column);
  assert.equal(found.length, 1, `expected one ${column} error, got ${JSON.stringify(r.errors)}`);
  const f = found[0]!;
  assert.equal(f.line, line);
  assert.equal(f.value, value);
  assert.equal(r.valid, false);
  return f;
}
function oneWarning(r: ValidationResult, column: string, value: string | null): HardwareFinding {
  const found = r.warnings.filter(f => f.column === column);
  assert.equal(found.length, 1, `expected one ${column} warning, got ${JSON.stringify(r.warnings)}`);
  assert.equal(found[0]!.value, value);
  return found[0]!;
}

test('the lab base machine is valid with no warnings', () => {
  const r = lab();
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.valid, true);
  assert.equal(r.machines, 1);
});

describe("EKS Anywhere's per-row rules (eksa mode, then the same in strict)", () => {
  const cases: [string, Cells, string, RegExp][] = [
    ['#1 ip_address empty', {ip_address: ''}, 'ip_address', /ip_address is empty/],
    ['#2 ip_address not an IP', {ip_address: 'invalid'}, 'ip_address', /"invalid" is not a valid IP address/],
    ['#3 gateway empty', {gateway: ''}, 'gateway', /gateway is empty/],
    ['#4 gateway not an IP', {gateway: 'invalid'}, 'gateway', /"invalid" is not a valid IP address/],
    ['#6 nameservers with an empty entry', {nameservers: '1.1.1.1|'}, 'nameservers', /contains an empty entry/],
    ['#6 nameservers empty', {nameservers: ''}, 'nameservers', /nameservers is empty/],
    ['#7 netmask empty', {netmask: ''}, 'netmask', /netmask is empty/],
    ['#8 mac empty', {mac: ''}, 'mac', /mac is empty/],
    ['#9 mac unparsable', {mac: 'invalid mac'}, 'mac', /"invalid mac" is not a valid MAC address/],
    ['#10 hostname empty', {hostname: ''}, 'hostname', /hostname is empty/],
    ['#10 hostname not DNS-1123', {hostname: '!@#$%'}, 'hostname', /"!@#\$%" is not a valid hostname/],
    ['#11 disk not a device path', {disk: '*&!@#!%'}, 'disk', /"\*&!@#!%" is not a device path/],
    ['#11 disk just /dev/', {disk: '/dev/'}, 'disk', /"\/dev\/" is not a device path/],
    ['#12 label key invalid', {labels: '?$?$?=x'}, 'labels', /label key "\?\$\?\$\?" is not valid/],
    [
      '#13 label value invalid',
      {labels: 'type=\\/dsa'},
      'labels',
      /label value "\\\\\/dsa" of key "type" is not valid/,
    ],
    ['#13 label value longer than 63', {labels: `type=${'a'.repeat(64)}`}, 'labels', /longer than 63/],
    ['labels pair without =', {labels: 'type'}, 'labels', /"type" is not a key=value pair/],
    ['labels pair with two =', {labels: 'a=b=c'}, 'labels', /"a=b=c" is not a key=value pair/],
    ['#14 bmc_ip empty while user/password set', {bmc_ip: ''}, 'bmc_ip', /bmc_ip is empty but/],
    ['#15 bmc_ip not an IP', {bmc_ip: 'invalid'}, 'bmc_ip', /"invalid" is not a valid IP address/],
    ['#16 bmc_username empty', {bmc_username: ''}, 'bmc_username', /bmc_username is empty/],
    ['#17 vlan_id not an integer', {vlan_id: 'im not an int'}, 'vlan_id', /"im not an int" is not an integer/],
    ['#18 vlan_id 0', {vlan_id: '0'}, 'vlan_id', /0 is outside 1-4094/],
    ['#18 vlan_id 4095', {vlan_id: '4095'}, 'vlan_id', /4095 is outside 1-4094/],
  ];
  for (const [name, overrides, column, message] of cases) {
    test(name, () => {
      const value = overrides[column]!;
      for (const mode of ['eksa', 'strict'] as const) {
        // Strict mode needs a strict-valid base, or its own rules would add errors for ns1 and the /32.
        const cells = mode === 'eksa' ? eksaMachine(overrides) : {...labMachine(), vlan_id: '200', ...overrides};
        const r = validateHardwareCsv(csvOf([cells]), {mode});
        assert.match(oneError(r, column, value).message, message, mode);
        assert.deepEqual(
          r.errors.filter(f => f.column !== column),
          [],
          `${mode}: only the mutated column fails`,
        );
      }
    });
  }

  test('#16 bmc_password empty: reported, value hidden', () => {
    const r = eksa({bmc_password: ''});
    assert.match(oneError(r, 'bmc_password', '(hidden)').message, /bmc_password is empty/);
  });

  test('vlan_id empty is allowed; +5 is an integer as Go reads it', () => {
    assert.equal(eksa({vlan_id: ''}).valid, true);
    assert.equal(eksa({vlan_id: '+5'}).valid, true);
  });

  test('labels may be empty, and spaces around keys and values are trimmed', () => {
    assert.equal(eksa({labels: ''}).valid, true);
    const r = eksa({labels: ' type = cp | rack=r1'});
    assert.equal(r.valid, true);
    assert.deepEqual(r.rows[0]!.labels, {type: 'cp', rack: 'r1'});
  });

  test('label key with a DNS prefix is accepted; bad prefixes and two slashes are not', () => {
    assert.equal(eksa({labels: 'example.com/rack=r1'}).valid, true);
    assert.equal(eksa({labels: '/rack=r1'}).valid, false);
    assert.equal(eksa({labels: 'Example.com/rack=r1'}).valid, false);
    assert.equal(eksa({labels: 'a/b/c=r1'}).valid, false);
  });

  test('IPv6 passes EKS Anywhere (net.ParseIP) but not strict', () => {
    assert.equal(eksa({ip_address: 'fd00::5'}).valid, true);
    assert.match(oneError(lab(labMachine(1, {ip_address: 'fd00::5'})), 'ip_address', 'fd00::5').message, /IPv6/);
  });

  test('values are not trimmed', () => {
    const r = eksa({ip_address: ' 10.10.10.10'});
    assert.match(oneError(r, 'ip_address', ' 10.10.10.10').message, /remove the spaces/);
  });

  test('IPv4 with a leading zero is refused, as Go does', () => {
    oneError(eksa({ip_address: '10.10.10.010'}), 'ip_address', '10.10.10.010');
  });
});

describe("EKS Anywhere's cross-row rules", () => {
  const two = (a: Cells, b: Cells) => validateHardwareCsv(csvOf([eksaMachine(a), eksaMachine(b)]), {mode: 'eksa'});
  const distinct = (n: number): Cells => ({
    hostname: `h${n}`,
    ip_address: `10.10.10.${20 + n}`,
    mac: `00:00:00:00:00:0${n}`,
    bmc_ip: `10.10.10.${40 + n}`,
  });
  test('distinct rows are valid', () => assert.equal(two(distinct(1), distinct(2)).valid, true));
  for (const column of ['ip_address', 'mac', 'hostname', 'bmc_ip']) {
    test(`duplicate ${column} is reported on the second row, naming the first`, () => {
      const value = distinct(1)[column]!;
      const r = two(distinct(1), {...distinct(2), [column]: value});
      const f = oneError(r, column, value, 3);
      assert.match(f.message, new RegExp(`duplicate ${column} .*line 2 has it too`));
    });
  }
  test('duplicate MAC is case-insensitive', () => {
    const r = two(distinct(1), {...distinct(2), mac: '00:00:00:00:00:01'.toUpperCase()});
    assert.match(oneError(r, 'mac', '00:00:00:00:00:01'.toUpperCase(), 3).message, /duplicate mac/);
  });
});

describe('parsing as EKS Anywhere does', () => {
  const required = ['hostname', 'ip_address', 'netmask', 'gateway', 'nameservers', 'mac', 'disk', 'labels'];
  for (const missing of required) {
    test(`missing required header ${missing}`, () => {
      const header = HEADER.filter(h => h !== missing);
      const r = validateHardwareCsv(csvOf([labMachine()], header));
      const f = r.errors.find(e => e.column === missing);
      assert.ok(f, JSON.stringify(r.errors));
      assert.equal(f.line, 1);
      assert.match(f.message, new RegExp(`required column "${missing}" is missing`));
    });
  }

  test('headers are case-sensitive and exact; the near miss is named', () => {
    const header = HEADER.map(h => (h === 'mac' ? 'Mac' : h === 'disk' ? ' disk' : h));
    const r = validateHardwareCsv(csvOf([labMachine()], HEADER).replace(HEADER.join(','), header.join(',')));
    assert.match(r.errors.find(e => e.column === 'mac')!.message, /found "Mac", but names must match exactly/);
    assert.match(r.errors.find(e => e.column === 'disk')!.message, /found " disk"/);
    assert.equal(r.warnings.filter(w => w.column === 'Mac').length, 0, 'a near miss is not also an unknown column');
  });

  test('column order does not matter', () => {
    const shuffled = [...HEADER].reverse();
    const r = validateHardwareCsv(csvOf([labMachine(1), labMachine(2)], shuffled));
    assert.equal(r.valid, true, JSON.stringify(r.errors));
    assert.equal(r.rows[1]!.hostname, 'eksa-wk02');
  });

  test('blank lines are skipped and line numbers still count them', () => {
    const text = csvOf([labMachine(1), labMachine(2, {ip_address: 'bad'})], HEADER).replace(/\n/g, '\n\n');
    const r = validateHardwareCsv(text);
    assert.equal(r.machines, 2);
    oneError(r, 'ip_address', 'bad', 5);
  });

  test('CRLF line ends are fine', () => {
    const r = validateHardwareCsv(csvOf([labMachine(1), labMachine(2)], HEADER).replace(/\n/g, '\r\n'));
    assert.equal(r.valid, true, JSON.stringify(r.errors));
    assert.equal(r.rows[1]!.disk, '/dev/sda');
  });

  test('a row with the wrong number of fields is an error at its line', () => {
    const text = csvOf([labMachine(1), labMachine(2)], HEADER).replace('hunter2', 'hun,ter2');
    const r = validateHardwareCsv(text);
    const f = r.errors.find(e => /fields but the header has/.test(e.message));
    assert.deepEqual(f && {line: f.line, column: f.column, value: f.value}, {line: 2, column: null, value: null});
    assert.match(f!.message, /12 fields but the header has 11/);
    assert.equal(r.machines, 1, 'the other row is still checked');
  });

  test('a bare quote in an unquoted field is an error at its line and column, without the value', () => {
    const text = csvOf([labMachine(1), labMachine(2)], HEADER).replace('eksa-wk02', 'eksa"wk02');
    const r = validateHardwareCsv(text);
    const f = r.errors.find(e => /does not start with a quote/.test(e.message));
    assert.deepEqual(f && [f.line, f.column, f.value], [3, 'hostname', null]);
  });

  test('an unclosed quote is an error at the line where reading stopped', () => {
    const r = validateHardwareCsv(csvOf([labMachine(1)], HEADER) + 'eksa-wk02,"10.20.1.12,admin\nmore\n');
    const f = r.errors.find(e => /quoted value is not closed/.test(e.message));
    assert.deepEqual(f && [f.line, f.column], [4, 'bmc_ip']);
  });

  test('text after a closing quote is an error', () => {
    const r = validateHardwareCsv(csvOf([labMachine(1)], HEADER).replace('hunter2', '"hunter"2'));
    const f = r.errors.find(e => /quoted value is not closed/.test(e.message));
    assert.deepEqual(f && [f.line, f.column, f.value], [2, 'bmc_password', null]);
  });

  test('a quoted password with comma, quote and newline is read intact, and later lines are numbered right', () => {
    const rows = [labMachine(1, {bmc_password: 'a,"b"\nc'}), labMachine(2, {ip_address: 'bad'})];
    const r = validateHardwareCsv(csvOf(rows, HEADER));
    assert.equal(r.rows[0]!.bmc?.password, 'a,"b"\nc');
    oneError(r, 'ip_address', 'bad', 4);
  });

  test('a field after a multi-line quoted field reports the line it starts on', () => {
    const r = validateHardwareCsv(csvOf([labMachine(1, {bmc_password: 'x\ny', mac: 'zz'})], HEADER));
    oneError(r, 'mac', 'zz', 3);
  });

  test('unknown columns are ignored by EKS Anywhere; strict warns', () => {
    const text = csvOf([{...labMachine(), vendor: 'dell'}]);
    assert.equal(validateHardwareCsv(text, {mode: 'eksa'}).warnings.length, 0);
    const r = validateHardwareCsv(text);
    assert.equal(r.valid, true);
    // By position, never by content: a header cell that is not a column name may be a value.
    assert.equal(r.warnings.length, 1);
    const w = r.warnings[0]!;
    assert.equal(w.line, 1);
    assert.equal(w.column, null);
    assert.match(w.message, /^header field 12 is not a known column name and is ignored/);
    assert.doesNotMatch(JSON.stringify(w), /vendor/);
  });

  test('a duplicate header: the last wins, strict warns', () => {
    const row = labMachine();
    const text = `hostname,${HEADER.join(',')}\neksa-other,${HEADER.map(h => row[h]).join(',')}\n`;
    const r = validateHardwareCsv(text);
    assert.equal(r.rows[0]!.hostname, 'eksa-wk01');
    oneWarning(r, 'hostname', null);
  });

  test('a UTF-8 BOM is an error on line 1 naming the first header', () => {
    const r = validateHardwareCsv('\ufeff' + csvOf([labMachine()], HEADER));
    assert.equal(r.errors.length, 1);
    const f = r.errors[0]!;
    assert.deepEqual([f.line, f.column], [1, 'hostname']);
    assert.match(f.message, /byte order mark/);
  });

  test('a header with no rows is an error', () => {
    const r = validateHardwareCsv(HEADER.join(',') + '\n');
    assert.equal(r.valid, false);
    assert.equal(r.machines, 0);
    assert.match(r.errors[0]!.message, /header but no machines/);
    assert.equal(r.errors[0]!.line, null);
  });

  test('an empty file is an error', () => {
    const r = validateHardwareCsv('');
    assert.equal(r.valid, false);
    assert.deepEqual([r.errors[0]!.line, r.errors[0]!.column], [null, null]);
    assert.match(r.errors[0]!.message, /empty/);
    assert.match(validateHardwareCsv('\n\r\n').errors[0]!.message, /only blank lines/);
  });
});

describe('stricter rules', () => {
  test('netmask must be a dotted quad', () => {
    assert.match(oneError(lab(labMachine(1, {netmask: '24'})), 'netmask', '24').message, /not a dotted netmask/);
  });
  test('netmask must be contiguous', () => {
    assert.match(
      oneError(lab(labMachine(1, {netmask: '255.0.255.0'})), 'netmask', '255.0.255.0').message,
      /not a contiguous/,
    );
  });
  test('netmask /0 is refused', () => {
    oneError(lab(labMachine(1, {netmask: '0.0.0.0'})), 'netmask', '0.0.0.0');
  });
  test('nameservers must be IPv4', () => {
    const r = lab(labMachine(1, {nameservers: '10.20.0.2|ns1'}));
    assert.match(oneError(r, 'nameservers', '10.20.0.2|ns1').message, /nameserver "ns1" is not an IPv4 address/);
  });
  test('gateway must be IPv4', () => {
    oneError(lab(labMachine(1, {gateway: 'fd00::1'})), 'gateway', 'fd00::1');
  });
  test('ip_address and gateway must share the subnet', () => {
    const r = lab(labMachine(1, {ip_address: '10.20.9.11'}));
    assert.match(
      oneError(r, 'ip_address', '10.20.9.11').message,
      /not in the same subnet under netmask 255.255.255.0 \(10.20.9.0\/24\)/,
    );
  });
  test('ip_address must not be the gateway, the network or the broadcast address', () => {
    assert.match(oneError(lab(labMachine(1, {ip_address: '10.20.0.1'})), 'ip_address', '10.20.0.1').message, /gateway/);
    assert.match(
      oneError(lab(labMachine(1, {ip_address: '10.20.0.0'})), 'ip_address', '10.20.0.0').message,
      /network address/,
    );
    assert.match(
      oneError(lab(labMachine(1, {ip_address: '10.20.0.255'})), 'ip_address', '10.20.0.255').message,
      /broadcast/,
    );
  });
  test('BMC fields all or nothing: none is fine', () => {
    const r = lab(labMachine(1, {bmc_ip: '', bmc_username: '', bmc_password: ''}));
    assert.equal(r.valid, true);
    assert.equal(r.rows[0]!.bmc, undefined);
  });
  test('BMC fields all or nothing: password alone is an error on the others', () => {
    const r = lab(labMachine(1, {bmc_ip: '', bmc_username: ''}));
    oneError(r, 'bmc_ip', '');
    oneError(r, 'bmc_username', '');
  });
  test('BMC columns all or nothing in the header', () => {
    const r = validateHardwareCsv(
      csvOf(
        [labMachine()],
        HEADER.filter(h => h !== 'bmc_password'),
      ),
    );
    const f = r.errors.find(e => /give all three BMC columns/.test(e.message));
    assert.deepEqual(f && [f.line, f.column], [1, null]);
  });
  test('hostname with upper case is an error', () => {
    oneError(lab(labMachine(1, {hostname: 'Eksa-wk01'})), 'hostname', 'Eksa-wk01');
  });
  test('hostname with dots is a warning', () => {
    const r = lab(labMachine(1, {hostname: 'wk01.lab.example'}));
    assert.equal(r.valid, true);
    assert.match(oneWarning(r, 'hostname', 'wk01.lab.example').message, /contains dots/);
  });
  test('hostname part longer than 63 characters is an error', () => {
    const long = 'a'.repeat(64);
    oneError(lab(labMachine(1, {hostname: long})), 'hostname', long);
  });
  for (const disk of ['/dev/sda2', '/dev/nvme0n1p2']) {
    test(`disk partition ${disk} is a warning`, () => {
      const r = lab(labMachine(1, {disk}));
      assert.equal(r.valid, true);
      assert.match(oneWarning(r, 'disk', disk).message, /partition/);
    });
  }
  test('whole disks do not warn', () => {
    for (const disk of ['/dev/sda', '/dev/nvme0n1', '/dev/vdb', '/dev/mmcblk0'])
      assert.deepEqual(lab(labMachine(1, {disk})).warnings, [], disk);
  });
  test('disk naming two devices is an error', () => {
    oneError(lab(labMachine(1, {disk: '/dev/sda/dev/sdb'})), 'disk', '/dev/sda/dev/sdb');
  });
  test('MAC with 8 octets passes Go but not strict', () => {
    const mac = '00:00:00:00:00:00:00:01';
    assert.equal(eksaValid({mac}), true);
    assert.match(oneError(lab(labMachine(1, {mac})), 'mac', mac).message, /8 octets/);
  });
  for (const mac of ['AA-BB-CC-00-00-01', 'aabb.cc00.0001']) {
    test(`MAC ${mac} is accepted, normalised and warned about`, () => {
      const r = lab(labMachine(1, {mac}));
      assert.equal(r.valid, true);
      assert.equal(r.rows[0]!.mac, 'aa:bb:cc:00:00:01');
      assert.match(oneWarning(r, 'mac', mac).message, /written as aa:bb:cc:00:00:01/);
    });
  }
  test('MAC with mixed separators is invalid', () => {
    oneError(lab(labMachine(1, {mac: 'aa:bb-cc:00:00:01'})), 'mac', 'aa:bb-cc:00:00:01');
  });
  test('duplicate MAC across written forms', () => {
    const r = lab(labMachine(1), labMachine(2, {mac: 'AA-BB-CC-00-00-01'}));
    assert.match(oneError(r, 'mac', 'AA-BB-CC-00-00-01', 3).message, /duplicate mac/);
  });
  test("a host ip equal to another row's bmc_ip is an error on the later line", () => {
    const r = lab(labMachine(1), labMachine(2, {bmc_ip: '10.20.0.11'}));
    assert.match(oneError(r, 'bmc_ip', '10.20.0.11', 3).message, /also the ip_address on line 2/);
    const r2 = lab(labMachine(1, {bmc_ip: '10.20.0.12'}), labMachine(2));
    assert.match(oneError(r2, 'ip_address', '10.20.0.12', 3).message, /also the bmc_ip on line 2/);
  });
  test('EKS Anywhere does not compare host and BMC addresses', () => {
    const rows = [
      eksaMachine({hostname: 'a', bmc_ip: '10.10.10.20'}),
      eksaMachine({hostname: 'b', ip_address: '10.10.10.20', mac: '00:00:00:00:00:01', bmc_ip: '10.10.10.21'}),
    ];
    assert.equal(validateHardwareCsv(csvOf(rows), {mode: 'eksa'}).valid, true);
  });
  test('a repeated label key is a warning', () => {
    oneWarning(lab(labMachine(1, {labels: 'type=cp|type=worker'})), 'labels', 'type=cp|type=worker');
  });
  test('no type label is a warning (the machine would be a spare)', () => {
    const r = lab(labMachine(1, {labels: 'rack=r1'}));
    assert.equal(r.valid, true);
    assert.match(oneWarning(r, 'labels', 'rack=r1').message, /spare/);
  });
  test('control characters of a value are escaped in messages', () => {
    const r = lab(labMachine(1, {hostname: 'wk\u001b[2J'}));
    const f = oneError(r, 'hostname', 'wk\u001b[2J');
    assert.ok(!f.message.includes('\u001b'));
    assert.match(f.message, /"wk\\u001b\[2J"/);
  });
  test('a password never appears in any finding', () => {
    const secret = 'S3cr3t-Pa55';
    const rows = [labMachine(1, {bmc_password: secret, bmc_ip: ''}), labMachine(1, {bmc_password: secret})];
    const r = lab(...rows);
    assert.ok(r.errors.length > 0);
    assert.ok(!JSON.stringify([r.errors, r.warnings]).includes(secret));
    for (const f of [...r.errors, ...r.warnings]) if (f.column === 'bmc_password') assert.equal(f.value, '(hidden)');
  });
});

function eksaValid(overrides: Cells): boolean {
  return eksa(overrides).valid;
}
