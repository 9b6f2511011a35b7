// No error may leave the session running and locked with a stack trace on screen: the last-resort
// handler saves it as interrupted, releases the lock and prints one line, exit 1.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {fatalLine} from '../../source/run/last-resort.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/run/fatal-session.ts', import.meta.url));

for (const kind of ['exception', 'rejection']) {
  test(`an uncaught ${kind}: one line, exit 1, session interrupted, lock released`, t => {
    const home = mkdtempSync(join(tmpdir(), 'eksa-kong-fatal-'));
    t.after(() => rmSync(home, {recursive: true, force: true}));
    const r = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, home, kind], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.stdout, 'ready\n');
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.split('\n').filter(l => l.replace(/\u001b\[[0-9;?]*[a-zA-Z]/g, '').trim() !== '');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0]!,
      /^eksa-kong: unexpected error: .*; the session is saved as interrupted \(eksa-kong resume fatal\)$/,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at |second line|\u001b\[31m/);
    const dir = join(home, 'sessions', 'fatal');
    assert.equal(existsSync(join(dir, 'lock')), false, 'the lock is released');
    const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as {
      status: string;
      steps: {welcome: {state: string}};
    };
    assert.equal(session.status, 'interrupted');
    assert.equal(session.steps.welcome.state, 'interrupted');
  });
}

test('the line keeps only the first line of the message, without control characters, capped', () => {
  const line = fatalLine(new Error(`x\u001b]0;t\u0007${'y'.repeat(1000)}\nsecond`), 'lab1');
  assert.ok(line.length < 420);
  assert.doesNotMatch(line, /[\u0000-\u0009\u000b-\u001f]|second/);
});
