// A home on a read-only file system is reported as such (EROFS), never as "no such file": a private
// mount namespace (unshare -m) with the home bind-mounted read-only, the CLI run inside it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fsReason} from '../../source/session/errors.js';
import {runCli} from '../helpers/cli.js';

const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind / / && echo ok'], {encoding: 'utf8'});
const skip = probe.stdout.trim() === 'ok' ? false : 'needs root and unshare -m (mount namespaces)';

/** Runs the CLI (through tsx) with `ro` mounted read-only. */
function cliReadOnly(ro: string, args: string[]) {
  const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
  return spawnSync(
    'unshare',
    ['-m', 'sh', '-c', script, 'sh', ro, process.execPath, '--import', 'tsx', 'source/cli.tsx', ...args],
    {encoding: 'utf8', timeout: 60_000, env: {PATH: process.env['PATH'] ?? '', HOME: ro, NO_COLOR: '1'}},
  );
}

test('fsReason words EROFS, ENOSPC and ELOOP', () => {
  assert.equal(fsReason({code: 'EROFS'}), 'read-only file system');
  assert.equal(fsReason({code: 'ENOSPC'}), 'no space left on the device');
  assert.match(fsReason({code: 'ELOOP'}), /symbolic link/);
});

test(
  'a read-only home: new, resumed and demo sessions say "read-only file system"',
  {skip, timeout: 120_000},
  async t => {
    const home = mkdtempSync(join(tmpdir(), 'eksa-kong-ro-'));
    t.after(() => rmSync(home, {recursive: true, force: true}));
    const answers = join(home, 'answers.yaml');
    writeFileSync(answers, 'session: lab1\ncluster:\n  name: lab\n');
    // A session made while the home was writable.
    const made = await runCli(['--home', home, '--non-interactive', '--dry-run', '--answers', answers]);
    assert.match(made.stderr + made.stdout, /resume it with "eksa-kong resume lab1"/);
    writeFileSync(answers, 'session: lab2\n');
    for (const args of [
      ['resume', 'lab1', '--non-interactive'],
      ['--non-interactive', '--dry-run', '--answers', answers],
      ['demo', 'demo1', '--non-interactive'],
    ]) {
      const r = cliReadOnly(home, ['--home', home, ...args]);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, /read-only file system/, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /no such file|does not exist|EROFS|\n\s+at /, r.stderr);
    }
  },
);
