// Session files are never written through a link: a symlinked logs/ or log file is refused and its
// target is neither written nor chmod'ed.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {openLog, logPathFor} from '../../source/run/log-file.js';

test('a symlinked logs/ folder is refused and its target keeps its mode', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-links-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const target = join(dir, 'elsewhere');
  mkdirSync(target);
  chmodSync(target, 0o755);
  const session = join(dir, 'session');
  mkdirSync(session);
  symlinkSync(target, join(session, 'logs'));
  await assert.rejects(openLog(logPathFor(session, 'preflight', 1)), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
  assert.equal(statSync(target).mode & 0o777, 0o755);
});

test('a log file that is a link is not written through', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-links-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const target = join(dir, 'shadow');
  writeFileSync(target, 'untouched\n');
  mkdirSync(join(dir, 'logs'));
  symlinkSync(target, logPathFor(dir, 'preflight', 1));
  await assert.rejects(openLog(logPathFor(dir, 'preflight', 1)), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
  assert.equal(readFileSync(target, 'utf8'), 'untouched\n');
});

test('a re-run writes hardware.csv, cluster.yaml, the values and the secrets manifest beside links, never through them', async t => {
  const {runCli} = await import('../helpers/cli.js');
  const {lstatSync, readdirSync, unlinkSync} = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-links-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const env = {BMC_PASSWORD: 'bmc-pw-links', KONG_ADMIN_TOKEN: 'admin-token-links'};
  const home = join(dir, 'home');
  const answers = join(dir, 'answers.yaml');
  writeFileSync(answers, readFileSync('templates/answers.example.yaml'));
  const args = ['--home', home, '--non-interactive', '--dry-run', '--yes', '--answers', answers];
  assert.equal((await runCli(args, env)).code, 0);
  const session = join(home, 'sessions', 'lab1');
  const files = ['hardware.csv', 'cluster.yaml', 'kong-dp-values.yaml', 'kong-dp-secrets.yaml'];
  assert.deepEqual(
    files.filter(f => !readdirSync(session).includes(f)),
    [],
    'the first run wrote them all',
  );
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'ORIGINAL\n');
  chmodSync(victim, 0o644);
  for (const f of files) {
    unlinkSync(join(session, f));
    symlinkSync(victim, join(session, f));
  }
  // The answers again: the steps that wrote these files run again.
  const rerun = await runCli(args, env);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'ORIGINAL\n');
  assert.equal(statSync(victim).mode & 0o777, 0o644);
  for (const f of files) {
    assert.ok(lstatSync(join(session, f)).isFile(), `${f} is a file of its own again`);
    assert.equal(statSync(join(session, f)).mode & 0o777, 0o600, f);
  }
});
