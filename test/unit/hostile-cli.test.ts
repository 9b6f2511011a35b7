// Small hostile inputs on the command line: an empty --home, a kernel file system as --home.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {runCli} from '../helpers/cli.js';

test('--home "" is refused (it would silently mean the default home), exit 2', async () => {
  const r = await runCli(['sessions', '--home', '']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--home is empty/);
});

test('--home under /proc, /sys or /dev is refused at once, exit 2', async () => {
  for (const home of ['/proc/self', '/sys', '/dev/shm/x']) {
    const r = await runCli(['sessions', '--home', home]);
    assert.equal(r.code, 2, home);
    assert.match(r.stderr, /kernel file system/);
  }
});

// Issue 14 item 13: an answers file whose secret reference cannot be used, or whose machines break a
// hardware.csv rule, exits 2 with a message that names the key that is set (never "missing answer").
const answersYaml = (session: string, bmc: string, wkIp = '10.20.0.12') => `session: ${session}
admin: {interface: eno1, bootstrapIp: 10.20.0.10}
network: {netmask: 255.255.255.0, gateway: 10.20.0.1, nameservers: [10.20.0.2]}
machines:
  - {hostname: eksa-cp01, mac: "aa:bb:cc:00:00:01", ip: 10.20.0.11, role: cp, disk: /dev/sda, bmc: {ip: 10.20.1.11, username: admin, ${bmc}}}
  - {hostname: eksa-wk01, mac: "aa:bb:cc:00:00:02", ip: ${wkIp}, role: worker, disk: /dev/sda, bmc: {ip: 10.20.1.12, username: admin, password: pw}}
`;

test('answers with an unusable secret reference or broken machines: exit 2, the key that is set, no CSV line', async () => {
  const {mkdtempSync, writeFileSync} = await import('node:fs');
  const {tmpdir} = await import('node:os');
  const {join} = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-item13-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const unsetEnv = file('env.yaml', answersYaml('env1', 'passwordEnv: BMC_PASSWORD_UNSET'));
  const gen = await runCli(['generate', 'hardware-csv', '--answers', unsetEnv]);
  assert.equal(gen.code, 2);
  assert.equal(gen.stderr, 'machines[0].bmc.passwordEnv: environment variable BMC_PASSWORD_UNSET is not set\n');
  const run = await runCli(['--dry-run', '--non-interactive', '--home', join(dir, 'h'), '--answers', unsetEnv]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /machines\[0\]\.bmc\.passwordEnv: environment variable BMC_PASSWORD_UNSET is not set/);
  assert.doesNotMatch(run.stderr, /missing answer/);

  const noFile = file('file.yaml', answersYaml('file1', `passwordFile: ${join(dir, 'nope')}`));
  const gen2 = await runCli(['generate', 'hardware-csv', '--answers', noFile]);
  assert.equal(gen2.code, 2);
  assert.match(gen2.stderr, /^machines\[0\]\.bmc\.passwordFile: cannot read secret file .*nope: no such file/);

  const dup = file('dup.yaml', answersYaml('dup1', 'password: pw', '10.20.0.11'));
  const bad = await runCli(['--dry-run', '--non-interactive', '--home', join(dir, 'h'), '--answers', dup]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(
    bad.stderr,
    /ip_address: machines\[1\] \(eksa-wk01\): duplicate ip_address "10\.20\.0\.11": machines\[0\] has it too/,
  );
  assert.doesNotMatch(bad.stderr, /line \d/);
});
