// The stand-in eksctl's pre-create checks: eksctl's rules and words (see eksctl-checks.ts for the
// upstream sources), fed with what the wizard writes and with hand edits of it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {checkCreateInputs} from '../../source/demo/standin/eksctl-checks.js';
import {renderClusterSpec} from '../../source/cluster/spec.js';
import {formatHardwareCsv} from '../../source/hardware/write.js';
import type {Answers} from '../../source/session/answers.js';
import {sshKeyProblem} from '../../source/cluster/ssh-keys.js';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const answers = (version: string): Answers => ({
  admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
  machines: [
    {hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
    {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
  ],
  cluster: {
    name: 'seed',
    kubernetesVersion: version,
    endpoint: '10.20.0.50',
    tinkerbellIp: '10.20.0.51',
    osImageUrl: `http://h/kube-${version.replace('.', '-')}.gz`,
  },
});
const csv = formatHardwareCsv([
  {
    hostname: 'eksa-cp01',
    ipAddress: '10.20.0.11',
    netmask: '255.255.255.0',
    gateway: '10.20.0.1',
    nameservers: ['10.20.0.2'],
    mac: 'aa:bb:cc:00:00:01',
    disk: '/dev/sda',
    labels: {type: 'cp'},
  },
  {
    hostname: 'eksa-wk01',
    ipAddress: '10.20.0.12',
    netmask: '255.255.255.0',
    gateway: '10.20.0.1',
    nameservers: ['10.20.0.2'],
    mac: 'aa:bb:cc:00:00:02',
    disk: '/dev/sda',
    labels: {type: 'worker'},
  },
]);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (end: string) => `${b64({alg: 'RS256'})}.${b64({endValidity: end})}.c2ln`;

test('what the wizard writes passes; an extended version without a token is refused by date, with eksctl’s validation lines', async () => {
  const ok = renderClusterSpec(answers('1.35'), {now: NOW});
  assert.equal(await checkCreateInputs(ok.yaml, csv, NOW), undefined);
  // 1.32 written a year earlier, when it needed no token, and run now: eksctl refuses it today.
  const old = renderClusterSpec(answers('1.32'), {now: Date.parse('2025-12-01T00:00:00Z')});
  assert.equal(old.errors.length, 0);
  const refused = await checkCreateInputs(old.yaml, csv, NOW);
  assert.equal(refused?.error, 'validations failed: licenseToken is required for extended kubernetes support');
  assert.deepEqual(refused?.lines.slice(0, 2), [
    'Performing setup and validations',
    '✅ Tinkerbell Provider setup is valid',
  ]);
  assert.match(
    refused?.lines[2] ?? '',
    /^❌ Validation failed\t\{"validation":"validate extended kubernetes version support is supported"/,
  );
  const withToken = renderClusterSpec(answers('1.32'), {now: NOW, licenseToken: token('2027-06-30T00:00:00Z')});
  assert.equal(await checkCreateInputs(withToken.yaml, csv, NOW), undefined);
  assert.equal(
    (await checkCreateInputs(withToken.yaml, csv, Date.parse('2027-07-01T00:00:00Z')))?.error,
    'validations failed: license is expired, please renew the license',
  );
});

test('hardware.csv goes through the same reader: a refused file fails the provider validation', async () => {
  const spec = renderClusterSpec(answers('1.35'), {now: NOW}).yaml;
  // In eksctl's words (validator.go), not the wizard's.
  const r = await checkCreateInputs(spec, csv.replace('10.20.0.12', '10.20.0.11'), NOW);
  assert.equal(r?.error, 'validations failed: duplicate IPAddress: 10.20.0.11');
  assert.equal(
    r?.lines.at(-1),
    `❌ Validation failed\t{"validation":"tinkerbell Provider setup is valid","error":"duplicate IPAddress: 10.20.0.11","remediation":""}`,
  );
  for (const [edit, error] of [
    [(t: string) => t.replace('10.20.0.12', '10.20.0.300'), 'IPAddress: is invalid: 10.20.0.300'],
    [(t: string) => t.replace(',/dev/sda', ',sda'), 'disk must be a valid linux path ("^(/dev/[\\w-]+)+$")'],
    [
      (t: string) => t.replace('type=worker', 'type'),
      'read: invalid hardware: cannot assign field at 9 to hardware.Machine through index chain [7]: badly formatted key-value pair: type',
    ],
    [
      (t: string) => t.replace('eksa-wk01', 'Eksa-wk01'),
      /^invalid hostname: Eksa-wk01: \[a lowercase RFC 1123 subdomain must consist of/,
    ],
    [(t: string) => t.replace('hostname,', 'Hostname,'), 'missing required columns in csv: hostname'],
  ] as const) {
    const refused = (await checkCreateInputs(spec, edit(csv), NOW))?.error.replace(/^validations failed: /, '');
    if (typeof error === 'string') assert.equal(refused, error);
    else assert.match(refused ?? '', error);
  }
  const noWorker = await checkCreateInputs(spec, csv.split('\n').slice(0, 2).join('\n') + '\n', NOW);
  assert.equal(
    noWorker?.error,
    `validations failed: minimum hardware count not met for selector '{"type":"worker"}': have 0, require 1`,
  );
});

test('IPs in use: eksctl refuses an endpoint or tinkerbellIP that answers, with its words; --skip-ip-check skips it', async () => {
  const spec = renderClusterSpec(answers('1.35'), {now: NOW}).yaml;
  const answering = (...ips: string[]) => ({answers: async (ip: string) => ips.includes(ip)});
  assert.equal(await checkCreateInputs(spec, csv, NOW, answering()), undefined);
  const endpoint = await checkCreateInputs(spec, csv, NOW, answering('10.20.0.50', '10.20.0.51'));
  assert.equal(endpoint?.error, 'validations failed: control plane endpoint ip in use: 10.20.0.50');
  assert.equal(
    endpoint?.lines.at(-1),
    `❌ Validation failed\t{"validation":"tinkerbell Provider setup is valid","error":"control plane endpoint ip in use: 10.20.0.50","remediation":""}`,
  );
  assert.equal(
    (await checkCreateInputs(spec, csv, NOW, answering('10.20.0.51')))?.error,
    'validations failed: tinkerbellIP <10.20.0.51> is already in use, please provide a unique IP',
  );
  // A workload cluster reuses the management cluster's tinkerbellIP: only the endpoint is probed.
  assert.equal(await checkCreateInputs(spec, '', NOW, {...answering('10.20.0.51'), workload: true}), undefined);
  assert.equal(await checkCreateInputs(spec, csv, NOW, {...answering('10.20.0.50'), skipIpCheck: true}), undefined);
  // Hardware problems come first, as in SetupAndValidateCreateCluster.
  assert.equal(
    (await checkCreateInputs(spec, csv.replace('10.20.0.12', '10.20.0.11'), NOW, answering('10.20.0.50')))?.error,
    'validations failed: duplicate IPAddress: 10.20.0.11',
  );
});

test('SSH keys: the stand-in reads them as eksctl does (certificates, an options prefix) and refuses with eksctl’s message', async t => {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const str = (b: Buffer | string) => Buffer.concat([u32(Buffer.from(b).length), Buffer.from(b)]);
  const ed25519 = `ssh-ed25519 ${Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(32, 7))]).toString('base64')} me@admin`;
  const keys = [ed25519, `restrict,from="10.0.0.0/8,192.168.0.0/16" ${ed25519}`];
  const dir = mkdtempSync(join(tmpdir(), 'standin-ssh-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ca', '-f', join(dir, 'ca')], {stdio: 'ignore'});
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-C', 'me', '-f', join(dir, 'id')], {stdio: 'ignore'});
    execFileSync('ssh-keygen', ['-q', '-s', join(dir, 'ca'), '-I', 'me', '-n', 'ec2-user', join(dir, 'id.pub')], {
      stdio: 'ignore',
    });
    const cert = readFileSync(join(dir, 'id-cert.pub'), 'utf8').trim();
    keys.push(cert, `no-pty ${cert}`);
  } catch {
    t.diagnostic('ssh-keygen is not installed: certificates built by hand only');
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
  for (const key of keys) {
    // What the wizard accepts and writes, the stand-in accepts.
    assert.equal(sshKeyProblem(key), undefined, key);
    const spec = renderClusterSpec(
      {...answers('1.35'), cluster: {...answers('1.35').cluster, sshAuthorizedKey: key}},
      {now: NOW},
    );
    assert.deepEqual(spec.errors, [], key);
    assert.equal(await checkCreateInputs(spec.yaml, csv, NOW), undefined, key);
  }
  // Hand edits: a placeholder, and a key cut short; eksctl's words, naming the machine config.
  const spec = renderClusterSpec(
    {...answers('1.35'), cluster: {...answers('1.35').cluster, sshAuthorizedKey: ed25519}},
    {now: NOW},
  ).yaml;
  const short = `ssh-ed25519 ${Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(31, 7))]).toString('base64')}`;
  for (const bad of ['ssh-rsa AAAA...', short]) {
    const refused = await checkCreateInputs(spec.split(ed25519).join(bad), csv, NOW);
    assert.match(
      refused?.error ?? '',
      /^validations failed: stripping ssh key comment: TinkerbellMachineConfig name=seed(-cp)?: ssh: no key found$/,
      bad,
    );
    assert.ok(sshKeyProblem(bad), bad);
  }
});
