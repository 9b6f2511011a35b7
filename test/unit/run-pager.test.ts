import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {openInPager, pagerCommand} from '../../source/run/pager.js';

test('PAGER is split into a command and its arguments; less -R by default', () => {
  assert.deepEqual(pagerCommand({}), {command: 'less', args: ['-R']});
  assert.deepEqual(pagerCommand({PAGER: '  '}), {command: 'less', args: ['-R']});
  assert.deepEqual(pagerCommand({PAGER: 'most -s'}), {command: 'most', args: ['-s']});
});

test('runs the pager on the file and reports failures in one line', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-pager-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const fake = join(dir, 'fake-pager');
  writeFileSync(fake, '#!/bin/sh\nprintf "%s\\n" "$@" > "$1"\n');
  chmodSync(fake, 0o755);
  const seen = join(dir, 'seen');
  const result = await openInPager('/some/log file.log', {PATH: process.env['PATH'], PAGER: `${fake} ${seen}`});
  assert.deepEqual(result, {ok: true});
  assert.equal(readFileSync(seen, 'utf8'), `${seen}\n/some/log file.log\n`);
  assert.deepEqual(await openInPager('x', {PATH: dir, PAGER: 'no-such-pager'}), {
    ok: false,
    error: 'no-such-pager was not found on PATH (set PAGER)',
  });
  assert.deepEqual(await openInPager('x', {PATH: process.env['PATH'], PAGER: 'false'}), {
    ok: false,
    error: 'false exited with code 1',
  });
});
