// `eksa-kong hardware validate FILE [--json]`: exit codes and both output formats.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {hardwareValidateCli} from '../../source/hardware/cli.js';
import {FIXTURES} from '../fixtures/hardware/build.js';

test('valid with a warning: exit 0, findings then the summary', async () => {
  const out = await hardwareValidateCli(join(FIXTURES, 'lab-warning.csv'), {json: false});
  assert.equal(out.exitCode, 0);
  assert.equal(out.stderr, '');
  assert.equal(
    out.stdout,
    'line 2: mac: warning: "AA-BB-CC-00-00-01" is not in colon form; written as aa:bb:cc:00:00:01 (EKS Anywhere would keep it as given)\n' +
      'lab-warning.csv: 2 machines, 0 errors, 1 warning\n',
  );
});

test('invalid: exit 1, errors before warnings, password hidden', async () => {
  const out = await hardwareValidateCli(join(FIXTURES, 'lab-invalid.csv'), {json: false});
  assert.equal(out.exitCode, 1);
  const lines = out.stdout.trimEnd().split('\n');
  assert.deepEqual(lines, [
    "line 2: bmc_password: bmc_password is empty but other BMC fields are set; give all three BMC fields or none (eksa-kong's rule, stricter than EKS Anywhere for create cluster, which would accept it and then fail to reach the BMC)",
    'line 3: hostname: duplicate hostname "eksa-cp01": line 2 has it too',
    'line 3: mac: duplicate mac "aa:bb:cc:00:00:01": line 2 has it too',
    "line 3: ip_address: ip_address 10.20.9.12 and gateway 10.20.0.1 are not in the same subnet under netmask 255.255.255.0 (10.20.9.0/24) (eksa-kong's rule, stricter than EKS Anywhere)",
    'line 2: disk: warning: "/dev/sda2" looks like a partition; the OS is installed onto a whole disk such as /dev/sda',
    'lab-invalid.csv: 2 machines, 4 errors, 1 warning',
  ]);
  assert.ok(!out.stdout.includes('hunter2'));
});

test('--json: one line with exactly valid, machines, errors, warnings', async () => {
  const out = await hardwareValidateCli(join(FIXTURES, 'lab-invalid.csv'), {json: true});
  assert.equal(out.exitCode, 1);
  assert.ok(out.stdout.endsWith('}\n'));
  assert.equal(out.stdout.trimEnd().split('\n').length, 1);
  const parsed = JSON.parse(out.stdout);
  assert.deepEqual(Object.keys(parsed), ['valid', 'machines', 'errors', 'warnings']);
  assert.equal(parsed.valid, false);
  assert.equal(parsed.machines, 2);
  assert.equal(parsed.errors.length, 4);
  assert.deepEqual(parsed.errors[0], {
    line: 2,
    column: 'bmc_password',
    value: '(hidden)',
    message:
      "bmc_password is empty but other BMC fields are set; give all three BMC fields or none (eksa-kong's rule, stricter than EKS Anywhere for create cluster, which would accept it and then fail to reach the BMC)",
  });
  for (const f of [...parsed.errors, ...parsed.warnings])
    assert.deepEqual(Object.keys(f), ['line', 'column', 'value', 'message']);
  assert.ok(!out.stdout.includes('hunter2'));
});

test('--json on a valid file: exit 0', async () => {
  const out = await hardwareValidateCli(join(FIXTURES, 'eksa-hardware.csv'), {json: true});
  assert.equal(out.exitCode, 0);
  assert.deepEqual(JSON.parse(out.stdout), {valid: true, machines: 1, errors: [], warnings: []});
});

test('file-level and row-level findings without a column', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eksa-kong-cli-'));
  try {
    const {writeFile} = await import('node:fs/promises');
    const path = join(dir, 'empty.csv');
    await writeFile(path, '');
    const out = await hardwareValidateCli(path, {json: false});
    assert.equal(out.exitCode, 1);
    assert.match(out.stdout, /^file: the file is empty/);
    assert.match(out.stdout, /empty\.csv: 0 machines, 1 error, 0 warnings\n$/);

    const short = join(dir, 'short.csv');
    await writeFile(short, 'hostname,mac,ip_address,netmask,gateway,nameservers,labels,disk\na,b\n');
    assert.match((await hardwareValidateCli(short, {json: false})).stdout, /^line 2: this row has 2 fields/);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
});

test('unreadable file: exit 2, stderr names the file and the OS reason, no stack', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eksa-kong-cli-'));
  try {
    const missing = join(dir, 'missing.csv');
    const out = await hardwareValidateCli(missing, {json: true});
    assert.equal(out.exitCode, 2);
    assert.equal(out.stdout, '');
    assert.equal(out.stderr, `eksa-kong: cannot read ${missing}: no such file or directory\n`);
    const isDir = await hardwareValidateCli(dir, {json: false});
    assert.equal(isDir.exitCode, 2);
    assert.match(isDir.stderr, /illegal operation on a directory\n$/);
    assert.ok(!isDir.stderr.includes('    at '));
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
});
