// Small hostile inputs on the command line: an empty --home, a kernel file system as --home.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {runCli} from '../helpers/cli.js';

test('--home "" is refused (it would silently mean the default home), exit 2', async () => {
  const r = await runCli(['sessions', '--home', '']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--home is empty/);
});

test('--home under /proc, /sys or /dev is refused at once, exit 2', async () => {
  for (const home of ['/proc/self', '/sys', '/dev/shm/x']) {
    const r = await runCli(['sessions', '--home', home]);
    assert.equal(r.code, 2, home);
    assert.match(r.stderr, /kernel file system/);
  }
});
