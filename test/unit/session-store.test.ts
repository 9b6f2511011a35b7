import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {sessionDir} from '../../source/session/home.js';
import {migrate} from '../../source/session/migrate.js';
import {SESSION_VERSION, newSession} from '../../source/session/schema.js';
import {createSession, listSessions, loadSession, saveSession, sessionsJson} from '../../source/session/store.js';
import {deadPid, tempHome} from '../fixtures/session/tmp.js';

const oneLine = (err: unknown) => {
  assert.ok(err instanceof Error);
  assert.ok(!err.message.includes('\n'), err.message);
  return true;
};

test('store: create, then load the same session', async t => {
  const home = tempHome(t);
  const now = new Date('2026-11-27T10:02:00Z');
  const created = await createSession(home, 'lab1', 'demo', now);
  const dir = sessionDir(home, 'lab1');
  assert.ok(existsSync(join(dir, 'logs')));
  const loaded = await loadSession(home, 'lab1');
  assert.deepEqual(loaded, created);
  assert.equal(loaded.world, 'demo');
  assert.equal(loaded.updatedAt, now.toISOString());
  assert.equal(loaded.answers.session, 'lab1');
});

test('store: an existing name is refused with a clear message', async t => {
  const home = tempHome(t);
  await createSession(home, 'lab1', 'real');
  await assert.rejects(createSession(home, 'lab1', 'real'), (err: Error) => {
    assert.equal(err.name, 'SessionError');
    assert.match(err.message, /session named lab1 already exists .*eksa-kong resume lab1/);
    return oneLine(err);
  });
});

test('store: a missing session names the file', async t => {
  const home = tempHome(t);
  await assert.rejects(loadSession(home, 'nope'), (err: Error) => {
    assert.equal(err.name, 'SessionError');
    assert.ok(err.message.includes(join(home, 'sessions', 'nope', 'session.json')), err.message);
    return oneLine(err);
  });
});

async function loadBroken(t: import('node:test').TestContext, content: string): Promise<Error> {
  const home = tempHome(t);
  await createSession(home, 'lab1', 'real');
  const file = join(sessionDir(home, 'lab1'), 'session.json');
  writeFileSync(file, content);
  try {
    await loadSession(home, 'lab1');
  } catch (err) {
    assert.equal((err as Error).name, 'SessionError');
    assert.ok((err as Error).message.includes(file), (err as Error).message);
    oneLine(err);
    assert.ok(!(err as Error).message.includes('    at '), 'no stack in the message');
    return err as Error;
  }
  assert.fail('loaded a broken session');
}

test('corruption: truncated JSON', async t => {
  const good = JSON.stringify(newSession('lab1', 'real'), null, 2);
  const err = await loadBroken(t, good.slice(0, good.length / 2));
  assert.match(err.message, /is corrupt: not valid JSON/);
});

test('corruption: empty file', async t => {
  assert.match((await loadBroken(t, '')).message, /is corrupt: empty/);
});

test('corruption: valid JSON of the wrong shape', async t => {
  const err = await loadBroken(t, JSON.stringify({...newSession('lab1', 'real'), currentStep: 'nowhere'}));
  assert.match(err.message, /is not a valid session: currentStep: /);
  assert.match((await loadBroken(t, '[1,2]')).message, /expected a JSON object/);
  assert.match((await loadBroken(t, '{"name":"lab1"}')).message, /no session "version"/);
});

test('corruption: a file from a newer version says so', async t => {
  const err = await loadBroken(t, JSON.stringify({...newSession('lab1', 'real'), version: SESSION_VERSION + 1}));
  assert.match(err.message, /written by a newer eksa-kong \(session version 2; this one reads up to 1\)/);
});

test('migration: an unknown older version is refused by migrate(), naming the file', async t => {
  const err = await loadBroken(t, JSON.stringify({...newSession('lab1', 'real'), version: 0}));
  assert.match(err.message, /has session version 0, which this eksa-kong cannot read/);
});

test('migration: migrate() runs each step in order up to the target', () => {
  const doc = {version: 1, a: 1};
  const out = migrate(doc, 'f.json', {1: d => ({...d, version: 2, b: 2}), 2: d => ({...d, version: 3, c: 3})}, 3);
  assert.deepEqual(out, {version: 3, a: 1, b: 2, c: 3});
  assert.deepEqual(migrate(doc, 'f.json', {}, 1), doc);
  assert.throws(() => migrate(doc, 'f.json', {1: d => ({...d, version: 5})}, 3), /did not produce version 2/);
});

test('save: updatedAt is set, the result is what a load returns', async t => {
  const home = tempHome(t);
  const s = await createSession(home, 'lab1', 'real', new Date('2026-01-01T00:00:00Z'));
  const at = new Date('2026-02-02T02:02:02Z');
  const saved = await saveSession(sessionDir(home, 'lab1'), {...s, currentStep: 'discover', status: 'running'}, at);
  assert.equal(saved.updatedAt, at.toISOString());
  assert.deepEqual(await loadSession(home, 'lab1'), saved);
});

test('save: saves started in order land in order', async t => {
  const home = tempHome(t);
  const s = await createSession(home, 'lab1', 'real');
  const dir = sessionDir(home, 'lab1');
  const saves = [];
  for (let i = 0; i < 20; i++)
    saves.push(saveSession(dir, {...s, answers: {...s.answers, admin: {interface: `eth${i}`}}}));
  await Promise.all(saves);
  assert.equal((await loadSession(home, 'lab1')).answers.admin?.interface, 'eth19');
});

test('save: an invalid session is refused and the old file stays', async t => {
  const home = tempHome(t);
  const s = await createSession(home, 'lab1', 'real');
  const dir = sessionDir(home, 'lab1');
  const before = readFileSync(join(dir, 'session.json'), 'utf8');
  const bad = {...s, status: 'weird'} as unknown as typeof s;
  await assert.rejects(saveSession(dir, bad), /refusing to write an invalid session .*status/);
  assert.equal(readFileSync(join(dir, 'session.json'), 'utf8'), before);
});

test('stray temp files of dead writers are cleaned; live or foreign ones are left alone', async t => {
  const home = tempHome(t);
  await createSession(home, 'lab1', 'real');
  const dir = sessionDir(home, 'lab1');
  const dead = `.session.json.${hostname()}.${await deadPid()}.0123456789ab.tmp`;
  const live = `.session.json.${hostname()}.${process.pid}.0123456789ab.tmp`;
  const foreign = `.session.json.elsewhere.example.${await deadPid()}.0123456789ab.tmp`;
  for (const n of [dead, live, foreign]) writeFileSync(join(dir, n), '{"torn');
  await loadSession(home, 'lab1');
  const names = readdirSync(dir);
  assert.ok(!names.includes(dead));
  assert.ok(names.includes(live));
  assert.ok(names.includes(foreign));
});

test('a hardware.csv temp file a killed writer left (it holds BMC passwords) is removed when the session is opened', async t => {
  const home = tempHome(t);
  await createSession(home, 'lab1', 'real');
  const dir = sessionDir(home, 'lab1');
  const pid = await deadPid();
  const current = `.hardware.csv.${hostname()}.${pid}.0123456789ab.tmp`;
  // As builds before this one named it: no host, 8 hex digits.
  const older = `.hardware.csv.${pid}.89abcdef.tmp`;
  const live = `.hardware.csv.${process.pid}.89abcdef.tmp`;
  for (const n of [current, older, live]) writeFileSync(join(dir, n), 'hostname,bmc_password\nn1,s3cret\n');
  await loadSession(home, 'lab1');
  const names = readdirSync(dir);
  assert.ok(!names.includes(current));
  assert.ok(!names.includes(older));
  assert.ok(names.includes(live));
});

test('list: newest first; a broken session is listed, not fatal', async t => {
  const home = tempHome(t);
  assert.deepEqual(await listSessions(home), []);
  await createSession(home, 'old', 'real', new Date('2026-01-01T00:00:00Z'));
  const mid = await createSession(home, 'mid', 'demo', new Date('2026-01-02T00:00:00Z'));
  await saveSession(
    sessionDir(home, 'mid'),
    {...mid, currentStep: 'hardware', status: 'interrupted'},
    new Date('2026-01-03T00:00:00Z'),
  );
  await createSession(home, 'bad', 'real');
  writeFileSync(join(sessionDir(home, 'bad'), 'session.json'), '{"version": 1, "na');
  mkdirSync(join(home, 'sessions', 'Not A Session'));
  writeFileSync(join(home, 'sessions', 'stray.txt'), 'x');

  const list = await listSessions(home);
  assert.deepEqual(
    list.map(s => s.name),
    ['bad', 'mid', 'old'],
  );
  assert.deepEqual(list[1], {
    name: 'mid',
    step: 'hardware',
    status: 'interrupted',
    updatedAt: '2026-01-03T00:00:00.000Z',
    world: 'demo',
  });
  const bad = list[0]!;
  assert.equal(bad.status, 'broken');
  assert.equal(bad.step, null);
  assert.match(bad.error ?? '', /session\.json is corrupt/);
  assert.deepEqual(Object.keys(sessionsJson(list)[0]!), ['name', 'step', 'status', 'updatedAt']);
});

test('list: a session saved as done with a failed step (saved before status followed the last attempt) is not done', async t => {
  const home = tempHome(t);
  const s = await createSession(home, 'rerun', 'real', new Date('2026-01-01T00:00:00Z'));
  const steps = Object.fromEntries(Object.entries(s.steps).map(([id, r]) => [id, {...r, state: 'done' as const}]));
  const failed = {...steps, 'data-plane': {...steps['data-plane']!, state: 'failed' as const, error: 'helm failed'}};
  await saveSession(sessionDir(home, 'rerun'), {
    ...s,
    steps: failed as typeof s.steps,
    currentStep: 'data-plane',
    status: 'done',
  });
  assert.equal((await listSessions(home))[0]!.status, 'failed');
  await saveSession(sessionDir(home, 'rerun'), {
    ...s,
    steps: steps as typeof s.steps,
    currentStep: 'done',
    status: 'done',
  });
  assert.equal((await listSessions(home))[0]!.status, 'done');
});
