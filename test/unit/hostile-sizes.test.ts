// Issue 14 item 12: inputs are read with a cap (never without end: /dev/zero), and text reports print
// at most 100 findings and count the rest.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {MiB, readFileLimited, TooLargeError} from '../../source/run/read-limited.js';
import {HARDWARE_CSV_LIMIT, hardwareValidateCli} from '../../source/hardware/cli.js';
import {importHardwareCsvFile} from '../../source/discovery/csv-file.js';
import {runCli} from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-sizes-'));
const HEADER = 'hostname,bmc_ip,bmc_username,bmc_password,mac,ip_address,netmask,gateway,nameservers,labels,disk\n';

test('readFileLimited: up to the limit is read whole; one byte more is refused naming the file and limit', async () => {
  const file = join(dir, 'exact');
  writeFileSync(file, Buffer.alloc(1000, 'a'));
  assert.equal((await readFileLimited(file, 1000, 'x')).length, 1000);
  await assert.rejects(readFileLimited(file, 999, 'the answers file'), (e: unknown) => {
    assert.ok(e instanceof TooLargeError);
    assert.equal(e.message, `${file}: the answers file is larger than 999 bytes; eksa-kong reads at most that much`);
    return true;
  });
});

test(
  '/dev/zero as answers file or hardware.csv: refused at the cap, exit 2',
  {skip: !existsSync('/dev/zero') && 'no /dev/zero on this system', timeout: 30_000},
  async () => {
    const answers = await runCli(['generate', 'hardware-csv', '--answers', '/dev/zero']);
    assert.equal(answers.code, 2);
    assert.equal(answers.stderr.trim().split('\n').length, 1);
    assert.match(answers.stderr, /\/dev\/zero: the answers file is larger than 1 MiB/);
    const csv = await hardwareValidateCli('/dev/zero', {json: false});
    assert.equal(csv.exitCode, 2);
    assert.match(csv.stderr, /\/dev\/zero: hardware\.csv is larger than 10 MiB/);
    const imported = await importHardwareCsvFile('/dev/zero');
    assert.equal(imported.ok, false);
    assert.match(imported.ok ? '' : imported.error, /larger than 10 MiB/);
  },
);

test('a hardware.csv one byte over 10 MiB is refused; the answers file over 1 MiB too', async () => {
  const big = join(dir, 'big.csv');
  writeFileSync(big, HEADER + 'x'.repeat(HARDWARE_CSV_LIMIT + 1 - HEADER.length));
  const out = await hardwareValidateCli(big, {json: true});
  assert.equal(out.exitCode, 2);
  assert.equal(out.stdout, '');
  assert.equal(
    out.stderr,
    `eksa-kong: ${big}: hardware.csv is larger than 10 MiB; eksa-kong reads at most that much\n`,
  );
  const answers = join(dir, 'big.yaml');
  writeFileSync(answers, `session: big\n#${'x'.repeat(MiB)}\n`);
  const r = await runCli(['generate', 'hardware-csv', '--answers', answers]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /big\.yaml: the answers file is larger than 1 MiB/);
});

test('a report prints the first 100 findings and counts the rest; --json lists every one', async () => {
  const rows = Array.from(
    {length: 150},
    (_, i) =>
      `host${i},,,,not-a-mac-${i},10.0.${Math.floor(i / 250)}.${(i % 250) + 1},255.255.0.0,10.0.0.254,1.1.1.1,type=cp,/dev/sda`,
  );
  const file = join(dir, 'many.csv');
  writeFileSync(file, HEADER + rows.join('\n') + '\n');
  const text = await hardwareValidateCli(file, {json: false});
  assert.equal(text.exitCode, 1);
  const lines = text.stdout.trimEnd().split('\n');
  const findings = lines.filter(l => /^line \d+: /.test(l));
  assert.equal(findings.length, 100);
  assert.match(lines.at(-2)!, /^… and \d+ more \(--json lists every finding\)$/);
  const more = Number(/and (\d+) more/.exec(lines.at(-2)!)![1]);
  const json = JSON.parse((await hardwareValidateCli(file, {json: true})).stdout) as {
    errors: unknown[];
    warnings: unknown[];
  };
  assert.equal(json.errors.length + json.warnings.length, 100 + more);
  assert.match(lines.at(-1)!, new RegExp(`many\\.csv: 150 machines, ${json.errors.length} errors`));
});
