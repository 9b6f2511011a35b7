// Every folder the wizard keeps is 0700, also one an older version left 0755, and nothing is written
// through a symbolic link: a link planted at the home, sessions/, a session folder, logs/, an
// artifact folder, or a file is refused (or replaced, for a file) and its target is left as it was.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {appendPrivateFile, ensurePrivateDir, writeFileAtomic, writeFileAtomicSync} from '../../source/session/home.js';
import {createSession} from '../../source/session/store.js';
import {openSession} from '../../source/wizard/open-session.js';
import {writeClusterSpec} from '../../source/cluster/spec.js';
import {writeKubeconfig} from '../../source/demo/kubeconfig.js';

const mode = (p: string) => statSync(p).mode & 0o777;

function base(t: {after(fn: () => void): void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-private-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

/** A folder elsewhere, 0755, that a planted link points at. */
function decoy(root: string): string {
  const d = join(root, 'decoy');
  mkdirSync(d);
  chmodSync(d, 0o755);
  return d;
}

const open = (home: string, name = 'lab1') => openSession({home, name, create: 'dry-run', env: {}, command: 'test'});

test('folders an older version left 0755 are 0700 again when the session is opened', async t => {
  const home = join(base(t), 'home');
  (await open(home)).close();
  const dir = join(home, 'sessions', 'lab1');
  const folders = [home, join(home, 'sessions'), dir, join(dir, 'logs')];
  for (const d of folders) chmodSync(d, 0o755);
  (await open(home)).close();
  for (const d of folders) assert.equal(mode(d), 0o700, d);
});

test('ensurePrivateDir: creates 0700 whatever the umask, fixes an existing folder, refuses a link', t => {
  const root = base(t);
  const old = process.umask(0);
  try {
    ensurePrivateDir(join(root, 'a', 'b', 'c'));
  } finally {
    process.umask(old);
  }
  for (const d of ['a', 'a/b', 'a/b/c']) assert.equal(mode(join(root, d)), 0o700, d);
  chmodSync(join(root, 'a', 'b'), 0o755);
  ensurePrivateDir(join(root, 'a', 'b'));
  assert.equal(mode(join(root, 'a', 'b')), 0o700);
  const target = decoy(root);
  symlinkSync(target, join(root, 'link'));
  assert.throws(() => ensurePrivateDir(join(root, 'link')), {code: 'ELOOP'});
  symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
  assert.throws(() => ensurePrivateDir(join(root, 'dangling')), {code: 'ELOOP'});
  assert.equal(mode(target), 0o755);
});

for (const where of ['home', 'sessions', 'session', 'logs'] as const) {
  test(`a link planted at the ${where} folder is refused; its target is neither chmod'ed nor written`, async t => {
    const root = base(t);
    const target = decoy(root);
    const home = join(root, 'home');
    if (where === 'home') symlinkSync(target, home);
    else {
      (await open(home)).close();
      const dir = join(home, 'sessions', 'lab1');
      const at = where === 'sessions' ? join(home, 'sessions') : where === 'session' ? dir : join(dir, 'logs');
      rmSync(at, {recursive: true});
      symlinkSync(target, at);
    }
    await assert.rejects(open(home), (e: Error) => /symbolic link/.test(e.message), where);
    assert.equal(mode(target), 0o755);
    assert.deepEqual(readdirSync(target), []);
  });
}

test('a new session under a linked home or sessions/ is refused before anything is written', async t => {
  const root = base(t);
  const target = decoy(root);
  const home = join(root, 'home');
  mkdirSync(home, {mode: 0o700});
  symlinkSync(target, join(home, 'sessions'));
  await assert.rejects(createSession(home, 'lab2', 'dry-run'), /symbolic link/);
  assert.deepEqual(readdirSync(target), []);
  assert.equal(mode(target), 0o755);
});

test('artifact folders and files: never written through a link', async t => {
  const root = base(t);
  const target = decoy(root);
  const session = join(root, 'session');
  mkdirSync(session, {mode: 0o700});
  // The cluster's folder (cluster.yaml, kubeconfig) planted as a link.
  symlinkSync(target, join(session, 'lab'));
  await assert.rejects(writeClusterSpec(join(session, 'lab', 'cluster.yaml'), 'x: 1\n'), {code: 'ELOOP'});
  assert.throws(
    () =>
      writeKubeconfig(join(session, 'lab', 'k.kubeconfig'), {server: 'https://127.0.0.1:1', context: 'c', user: 'u'}),
    {
      code: 'ELOOP',
    },
  );
  assert.throws(() => writeFileAtomicSync(join(session, 'lab', 'f'), 'x'), {code: 'ELOOP'});
  await assert.rejects(appendPrivateFile(join(session, 'lab', 'watch.log'), 'x\n'), {code: 'ELOOP'});
  assert.deepEqual(readdirSync(target), []);
  assert.equal(mode(target), 0o755);

  // A file planted as a link: the atomic write replaces the link, the target keeps its text; an append refuses.
  const shadow = join(root, 'shadow');
  writeFileSync(shadow, 'untouched\n');
  symlinkSync(shadow, join(session, 'kong-dp-secrets.yaml'));
  await writeFileAtomic(join(session, 'kong-dp-secrets.yaml'), 'secret: 1\n');
  assert.equal(readFileSync(shadow, 'utf8'), 'untouched\n');
  assert.ok(!lstatSync(join(session, 'kong-dp-secrets.yaml')).isSymbolicLink());
  assert.equal(mode(join(session, 'kong-dp-secrets.yaml')), 0o600);
  symlinkSync(shadow, join(session, 'a.log'));
  await assert.rejects(appendPrivateFile(join(session, 'a.log'), 'x\n'), {code: 'ELOOP'});
  assert.equal(readFileSync(shadow, 'utf8'), 'untouched\n');
});

test('ensurePrivateDir never tightens a shared (sticky) folder such as /tmp: others must keep using it', t => {
  const shared = join(base(t), 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  ensurePrivateDir(shared);
  assert.equal(statSync(shared).mode & 0o7777, 0o1777);
  // A folder created inside it is still private.
  ensurePrivateDir(join(shared, 'mine'));
  assert.equal(mode(join(shared, 'mine')), 0o700);
});
