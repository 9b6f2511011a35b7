import {test} from 'node:test';
import assert from 'node:assert/strict';
import {statSync, writeFileSync, chmodSync} from 'node:fs';
import {join} from 'node:path';
import {resolveHome, sessionDir, writeFileAtomic} from '../../source/session/home.js';
import {createSession, loadSession, saveSession} from '../../source/session/store.js';
import {acquireLock} from '../../source/session/lock.js';
import {tempHome} from '../fixtures/session/tmp.js';

const mode = (p: string) => statSync(p).mode & 0o777;

test('home: --home wins over EKSA_KONG_HOME, which wins over ~/.eksa-kong', () => {
  const homedir = '/home/admin';
  assert.equal(resolveHome({flag: '/srv/kong', env: {EKSA_KONG_HOME: '/var/x'}, homedir}), '/srv/kong');
  assert.equal(resolveHome({env: {EKSA_KONG_HOME: '/var/x'}, homedir}), '/var/x');
  assert.equal(resolveHome({env: {}, homedir}), '/home/admin/.eksa-kong');
});

test('home: ~ is expanded, empty values are ignored, relative paths become absolute', () => {
  const homedir = '/home/admin';
  assert.equal(resolveHome({flag: '~/lab', env: {}, homedir}), '/home/admin/lab');
  assert.equal(resolveHome({flag: '~', env: {}, homedir}), '/home/admin');
  assert.equal(resolveHome({env: {EKSA_KONG_HOME: '~/k'}, homedir}), '/home/admin/k');
  assert.equal(resolveHome({flag: '', env: {EKSA_KONG_HOME: ' '}, homedir}), '/home/admin/.eksa-kong');
  assert.equal(resolveHome({flag: 'rel/dir', env: {}, homedir}), join(process.cwd(), 'rel/dir'));
});

test('home: a session name cannot escape the sessions folder', () => {
  for (const bad of ['../x', 'a/b', '', '.hidden', 'Upper', 'x'.repeat(64)]) {
    assert.throws(() => sessionDir('/h', bad), {name: 'SessionError'}, bad);
  }
  assert.equal(sessionDir('/h', 'lab1'), '/h/sessions/lab1');
});

test('permissions: folders 0700 and files 0600 even with umask 000', async t => {
  const base = tempHome(t);
  const home = join(base, 'new-home');
  const old = process.umask(0o000);
  try {
    await createSession(home, 'lab1', 'real');
    const dir = sessionDir(home, 'lab1');
    const s = await loadSession(home, 'lab1');
    await saveSession(dir, {...s, answers: {...s.answers, controlPlane: {adminToken: 'kpat_x'}}});
    const lock = acquireLock(dir, {command: 'test'});
    t.after(() => lock.release());
    for (const d of [home, join(home, 'sessions'), dir, join(dir, 'logs')]) assert.equal(mode(d), 0o700, d);
    for (const f of ['session.json', 'secrets.json', 'lock']) assert.equal(mode(join(dir, f)), 0o600, f);
  } finally {
    process.umask(old);
  }
});

test('permissions: an atomic write replaces a too-open file with a 0600 one', async t => {
  const dir = tempHome(t);
  const file = join(dir, 'x.json');
  writeFileSync(file, 'old');
  chmodSync(file, 0o644);
  await writeFileAtomic(file, 'new');
  assert.equal(mode(file), 0o600);
});
