import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {LockError} from '../../source/session/errors.js';
import {acquireLock, readLock} from '../../source/session/lock.js';
import {deadPid, tempHome} from '../fixtures/session/tmp.js';

const HOLDER = fileURLToPath(new URL('../fixtures/session/hold-lock.ts', import.meta.url));

test('lock: a second holder is refused with the holder named', t => {
  const dir = tempHome(t);
  const lock = acquireLock(dir, {command: 'eksa-kong resume lab1', name: 'lab1'});
  t.after(() => lock.release());
  const content = JSON.parse(readFileSync(join(dir, 'lock'), 'utf8'));
  assert.deepEqual(Object.keys(content).sort(), ['command', 'host', 'pid', 'startedAt']);
  assert.equal(statSync(join(dir, 'lock')).mode & 0o777, 0o600);
  assert.throws(
    () => acquireLock(dir, {command: 'eksa-kong resume lab1', name: 'lab1'}),
    (err: unknown) => {
      assert.ok(err instanceof LockError);
      assert.match(
        err.message,
        new RegExp(
          `^session lab1 is in use by pid ${process.pid} on host ${hostname().replace(/\./g, '\\.')} since \\d\\d:\\d\\d \\(eksa-kong resume lab1\\)$`,
        ),
      );
      assert.equal(err.holder?.pid, process.pid);
      return true;
    },
  );
});

test(
  'lock: another process holds it; once that process is killed, its stale lock is taken over',
  {timeout: 30_000},
  async t => {
    const dir = tempHome(t);
    const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir], {stdio: ['ignore', 'pipe', 'inherit']});
    const exited = new Promise(resolve => child.once('exit', resolve));
    t.after(() => child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', d => String(d).includes('locked') && resolve());
      child.once('exit', code => reject(new Error(`holder exited early (${code})`)));
    });
    assert.throws(
      () => acquireLock(dir, {command: 'eksa-kong resume lab1'}),
      new RegExp(`in use by pid ${child.pid} `),
    );
    child.kill('SIGKILL');
    await exited;
    const lock = acquireLock(dir, {command: 'eksa-kong resume lab1'});
    assert.equal(readLock(dir)?.pid, process.pid);
    lock.release();
  },
);

test('lock: a stale lock of a dead pid on this host is taken over', async t => {
  const dir = tempHome(t);
  const pid = await deadPid();
  writeFileSync(
    join(dir, 'lock'),
    JSON.stringify({pid, host: hostname(), startedAt: new Date().toISOString(), command: 'x'}),
  );
  const lock = acquireLock(dir, {command: 'y'});
  assert.equal(readLock(dir)?.pid, process.pid);
  assert.equal(readLock(dir)?.command, 'y');
  lock.release();
});

test('lock: a lock from another host is never taken over (its pid cannot be checked)', async t => {
  const dir = tempHome(t);
  const pid = await deadPid();
  writeFileSync(
    join(dir, 'lock'),
    JSON.stringify({pid, host: 'admin2.example', startedAt: '2026-01-01T10:02:00Z', command: 'eksa-kong'}),
  );
  assert.throws(
    () => acquireLock(dir, {name: 'lab1'}),
    new RegExp(`session lab1 is in use by pid ${pid} on host admin2\\.example since 2026-01-01 \\d\\d:\\d\\d`),
  );
});

test('lock: an unreadable lock is refused while fresh and taken over once old', t => {
  const dir = tempHome(t);
  const file = join(dir, 'lock');
  writeFileSync(file, '');
  assert.throws(
    () => acquireLock(dir, {name: 'lab1'}),
    (err: Error) => err instanceof LockError && err.message.includes(file),
  );
  const old = new Date(Date.now() - 3600_000);
  utimesSync(file, old, old);
  acquireLock(dir).release();
});

test('lock: release is idempotent and never removes a lock that is not ours', t => {
  const dir = tempHome(t);
  const file = join(dir, 'lock');
  const a = acquireLock(dir);
  a.release();
  a.release();
  assert.ok(!existsSync(file));
  const b = acquireLock(dir);
  a.release(); // a's late release must not free b's lock
  assert.ok(existsSync(file));
  writeFileSync(file, JSON.stringify({pid: 1, host: 'h', startedAt: 'x', command: 'other'}));
  b.release();
  assert.ok(existsSync(file), 'a replaced lock is left to its owner');
});

test('lock: a missing session folder is a SessionError', t => {
  const dir = join(tempHome(t), 'none');
  assert.throws(() => acquireLock(dir), {name: 'SessionError'});
});
