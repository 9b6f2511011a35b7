// Hostile and unlucky hardware.csv files: whatever the file, no BMC password (nor anything that may be
// one) is shown by `hardware validate`, its --json or the CSV import of discovery.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, writeFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {hardwareValidateCli} from '../../source/hardware/cli.js';
import {validateHardwareCsv} from '../../source/hardware/validate.js';
import {importHardwareCsvFile} from '../../source/discovery/csv-file.js';
import {HEADER, labMachine} from '../fixtures/hardware/build.js';

const SECRET = 'S3cr3t-Pw';

function rowOf(cells: Record<string, string>): string {
  return HEADER.map(h => cells[h] ?? '').join(',');
}

async function everyOutput(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eksa-kong-hostile-csv-'));
  try {
    const file = join(dir, 'hardware.csv');
    await writeFile(file, text);
    const plain = await hardwareValidateCli(file, {json: false});
    const json = await hardwareValidateCli(file, {json: true});
    const imported = await importHardwareCsvFile(file);
    return [
      plain.stdout,
      plain.stderr,
      json.stdout,
      json.stderr,
      JSON.stringify(imported.ok ? imported.value.problems : imported.error),
    ].join('\n');
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

test('a CR-only file (Excel "CSV (Macintosh)") is refused in one message that shows none of its cells', async () => {
  const text =
    [HEADER.join(','), rowOf(labMachine(1, {bmc_password: SECRET})), rowOf(labMachine(2, {bmc_password: SECRET}))].join(
      '\r',
    ) + '\r';
  const r = validateHardwareCsv(text);
  assert.equal(r.valid, false);
  assert.equal(r.errors.length + r.warnings.length, 1);
  assert.match(r.errors[0]!.message, /carriage return only/);
  const out = await everyOutput(text);
  assert.doesNotMatch(out, new RegExp(SECRET));
  assert.doesNotMatch(out, /admin|10\.20\./);
});

test('a header cell that is not a column name is shown by position, not by content', async () => {
  // A password pasted into the header, as a broken export can do.
  const text = `${HEADER.join(',')},${SECRET}\n${rowOf(labMachine(1))},x\n`;
  const r = validateHardwareCsv(text);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!.message, /^header field 12 /);
  assert.doesNotMatch(await everyOutput(text), new RegExp(SECRET));
});

test('an unquoted password with a comma never shows its tail as a MAC', async () => {
  // The header has one more column (vlan_id) that this row leaves out, so the field count still matches.
  const header = [...HEADER, 'vlan_id'].join(',');
  const m = labMachine(1);
  const shifted = [
    'eksa-wk01',
    '10.20.1.11',
    'admin',
    'hunter',
    'tail-Of-S3cret',
    m['mac'],
    m['ip_address'],
    m['netmask'],
    m['gateway'],
    m['nameservers'],
    m['labels'],
    m['disk'],
  ];
  const text = `${header}\n${shifted.join(',')}\n`;
  const r = validateHardwareCsv(text);
  assert.equal(r.valid, false);
  const mac = r.errors.find(f => f.column === 'mac');
  assert.ok(mac, JSON.stringify(r.errors));
  assert.equal(mac.value, null);
  assert.match(mac.message, /password that contains a comma/);
  assert.doesNotMatch(await everyOutput(text), /tail-Of-S3cret/);
});

test('a wrong MAC after a password that does not look shifted is still quoted', () => {
  const r = validateHardwareCsv(`${HEADER.join(',')}\n${rowOf(labMachine(1, {mac: 'zz'}))}\n`);
  assert.equal(r.errors.find(f => f.column === 'mac')?.value, 'zz');
});

test('a near-miss header name with terminal controls is shown escaped', async () => {
  const header = HEADER.map(h => (h === 'hostname' ? ' Hostname\u001b[31m\u0007' : h)).join(',');
  const out = await everyOutput(`${header}\n${rowOf(labMachine(1))}\n`);
  assert.doesNotMatch(out, /[\u0007\u001b]/);
});

test('a BMC username or password with terminal controls is refused naming the column, shown nowhere', async () => {
  for (const [column, value] of [
    ['bmc_username', 'adm\u001b[31min'],
    ['bmc_username', 'adm\nin'],
    ['bmc_password', `${SECRET}\u001b]0;x\u0007`],
    ['bmc_password', `${SECRET}\u0000`],
  ] as const) {
    const r = validateHardwareCsv(`${HEADER.join(',')}\n${rowOf(labMachine(1, {[column]: `"${value}"`}))}\n`);
    const finding = r.errors.find(f => f.column === column);
    assert.match(finding?.message ?? '', /contains a control character/, JSON.stringify(value));
    const out = await everyOutput(`${HEADER.join(',')}\n${rowOf(labMachine(1, {[column]: `"${value}"`}))}\n`);
    assert.doesNotMatch(out, /[\u0000\u0007\u001b]/);
    assert.ok(!out.includes(SECRET));
  }
  // A password with a newline still round-trips (the CSV quotes it).
  const ok = validateHardwareCsv(`${HEADER.join(',')}\n${rowOf(labMachine(1, {bmc_password: '"line1\nline2"'}))}\n`);
  assert.equal(ok.errors.length, 0);
});
