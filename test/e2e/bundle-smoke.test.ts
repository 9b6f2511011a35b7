// Smoke tests of the built dist/cli.js, the program users run: each step in a dry run (generating the
// cluster certificate, which only broke in the bundle) and in the headless demo, each `generate`,
// hardware validate, runbook and sessions. bundle-smoke-screens.test.ts adds the screens and checks
// that every lazily loaded chunk was loaded.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {dryRunEverything, generateEverything, runBundle} from '../helpers/bundle.js';
import {buildSmokeCli} from '../helpers/bundle.js';

const work = mkdtempSync(join(tmpdir(), 'eksa-kong-bundle-'));
const chunkLog = join(work, 'chunks.log');
let cli = '';
let remove = () => {};
before(() => {
  if (process.env['EKSA_KONG_CLI']) cli = resolve(process.env['EKSA_KONG_CLI']);
  else ({cli, remove} = buildSmokeCli('headless'));
});
after(() => {
  rmSync(work, {recursive: true, force: true});
  remove();
});

test('dist: a dry run goes through every step, generating the cluster certificate', {timeout: 100_000}, () => {
  const dir = dryRunEverything(cli, work, chunkLog);
  assert.match(readFileSync(join(dir, 'kong-dp-secrets.yaml'), 'utf8'), /type: kubernetes\.io\/tls/);
});

test('dist: every generate artifact, and hardware validate', {timeout: 60_000}, () => {
  generateEverything(cli, work, chunkLog);
});

test('dist: the demo runs every step headless', {timeout: 100_000}, () => {
  const r = runBundle(
    cli,
    work,
    chunkLog,
    ['demo', '--non-interactive', '--speed', '1000', '--home', join(work, 'demo')],
    {},
    95_000,
  );
  assert.equal(r.status, 0, r.stdout.slice(-2000) + r.stderr);
  assert.match(r.stdout, /\[10\/10\] Done: finished/);
});
