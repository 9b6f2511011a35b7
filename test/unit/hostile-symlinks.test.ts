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
