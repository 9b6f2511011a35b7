// The writer's exact output, the file it writes (mode 0600, atomic), and write -> read round trips.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readdir, readFile, rm, stat, writeFile, chmod} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {formatHardwareCsv, writeHardwareCsvFile} from '../../source/hardware/write.js';
import {validateHardwareCsv} from '../../source/hardware/validate.js';
import type {HardwareRow} from '../../source/hardware/types.js';

const HEADER = 'hostname,bmc_ip,bmc_username,bmc_password,mac,ip_address,netmask,gateway,nameservers,labels,disk';

function row(overrides: Partial<HardwareRow> = {}): HardwareRow {
  return {
    hostname: 'eksa-cp01',
    ipAddress: '10.20.0.11',
    netmask: '255.255.255.0',
    gateway: '10.20.0.1',
    nameservers: ['10.20.0.2', '1.1.1.1'],
    mac: 'AA-BB-CC-00-00-01',
    disk: '/dev/sda',
    labels: {type: 'cp', zone: 'b', rack: 'r1'},
    bmc: {ip: '10.20.1.11', username: 'admin', password: 'pa,ss"word'},
    ...overrides,
  };
}

test('exact output: documented header order, quoting, lowercase colon MAC, | joins, type label first', () => {
  const text = formatHardwareCsv([
    row(),
    row({
      hostname: 'eksa-wk01',
      bmc: undefined,
      labels: {type: 'worker'},
      mac: 'aabb.cc00.0002',
      ipAddress: '10.20.0.12',
    }),
  ]);
  assert.equal(
    text,
    `${HEADER}\n` +
      'eksa-cp01,10.20.1.11,admin,"pa,ss""word",aa:bb:cc:00:00:01,10.20.0.11,255.255.255.0,10.20.0.1,10.20.0.2|1.1.1.1,type=cp|rack=r1|zone=b,/dev/sda\n' +
      'eksa-wk01,,,,aa:bb:cc:00:00:02,10.20.0.12,255.255.255.0,10.20.0.1,10.20.0.2|1.1.1.1,type=worker,/dev/sda\n',
  );
});

test('no BOM, no CR, header only for no rows', () => {
  const text = formatHardwareCsv([]);
  assert.equal(text, `${HEADER}\n`);
  assert.ok(!formatHardwareCsv([row()]).startsWith('\ufeff'));
  assert.ok(!formatHardwareCsv([row()]).includes('\r'));
});

test('vlan_id is added as a last column only when a row has one', () => {
  const text = formatHardwareCsv([row({vlanId: '200'}), row({hostname: 'b'})]);
  const lines = text.split('\n');
  assert.equal(lines[0], `${HEADER},vlan_id`);
  assert.ok(lines[1]!.endsWith(',/dev/sda,200'));
  assert.ok(lines[2]!.endsWith(',/dev/sda,'));
});

test('round trip: write then read gives the same rows', () => {
  const rows = [
    row(),
    row({
      hostname: 'eksa-wk01',
      ipAddress: '10.20.0.12',
      mac: 'aa:bb:cc:00:00:02',
      labels: {type: 'worker'},
      bmc: {ip: '10.20.1.12', username: 'root', password: 'line1\nline2'},
    }),
  ];
  const r = validateHardwareCsv(formatHardwareCsv(rows));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.rows.map(({line: _line, ...rest}) => rest),
    rows.map(x => ({...x, mac: x.mac === 'AA-BB-CC-00-00-01' ? 'aa:bb:cc:00:00:01' : x.mac})),
  );
  assert.deepEqual(
    r.rows.map(x => x.line),
    [2, 3],
  );
});

test('round trip property: any printable password and label set survive', () => {
  const labelPart = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/);
  fc.assert(
    fc.property(
      fc.string({minLength: 1, maxLength: 40}),
      fc.dictionary(labelPart, labelPart, {maxKeys: 4}),
      (password, extra) => {
        fc.pre(!password.includes('\r'));
        const input = row({bmc: {ip: '10.20.1.11', username: 'admin', password}, labels: {...extra, type: 'cp'}});
        const r = validateHardwareCsv(formatHardwareCsv([input]));
        assert.deepEqual(
          r.errors.filter(e => e.column !== 'labels'),
          [],
        );
        assert.equal(r.rows[0]!.bmc?.password, password);
        assert.deepEqual(r.rows[0]!.labels, {...extra, type: 'cp'});
      },
    ),
    {numRuns: 200},
  );
});

test('writeHardwareCsvFile: mode 0600, even over an existing 0644 file; no temp file left', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eksa-kong-hw-'));
  try {
    const path = join(dir, 'hardware.csv');
    await writeFile(path, 'old\n');
    await chmod(path, 0o644);
    await writeHardwareCsvFile(path, [row()]);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await readFile(path, 'utf8'), formatHardwareCsv([row()]));
    assert.deepEqual(await readdir(dir), ['hardware.csv']);

    const fresh = join(dir, 'new.csv');
    await writeHardwareCsvFile(fresh, []);
    assert.equal((await stat(fresh)).mode & 0o777, 0o600);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
});

test('writeHardwareCsvFile into a missing folder creates it private (0700), the file 0600, no temp file left', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eksa-kong-hw-'));
  try {
    await writeHardwareCsvFile(join(dir, 'new', 'hardware.csv'), [row()]);
    assert.equal((await stat(join(dir, 'new'))).mode & 0o777, 0o700);
    assert.equal((await stat(join(dir, 'new', 'hardware.csv'))).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'new')), ['hardware.csv']);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
});
