// Runs the built dist/cli.js for the bundle smoke tests, recording which of its modules load.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const CHUNK_RECORDER = fileURLToPath(new URL('../fixtures/run/chunk-recorder.mjs', import.meta.url));
export const SMOKE_SECRETS = {BMC_PASSWORD: 'bmc-smoke-pw', KONG_ADMIN_TOKEN: 'kpat_smoke'};

export interface BundleRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runBundle(
  cli: string,
  work: string,
  chunkLog: string,
  args: string[],
  env: Record<string, string> = {},
  timeout = 100_000,
): BundleRun {
  const r = spawnSync(process.execPath, ['--import', CHUNK_RECORDER, cli, ...args], {
    encoding: 'utf8',
    timeout,
    env: {PATH: process.env['PATH'] ?? '', HOME: work, EKSA_KONG_CHUNK_LOG: chunkLog, NO_COLOR: '1', ...env},
  });
  // A bundle-only break shows as an unexpected error or a stack trace, whatever the exit code.
  assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at .*dist\/|Cannot read properties/, r.stderr);
  return {status: r.status, stdout: r.stdout, stderr: r.stderr};
}

/** templates/answers.example.yaml with controlPlane.generateCert: true, the path that broke in the bundle. */
export function answersWithGeneratedCert(work: string): string {
  const file = join(work, 'answers.yaml');
  const text = readFileSync('templates/answers.example.yaml', 'utf8')
    .replace(/^controlPlane:\n/m, 'controlPlane:\n  generateCert: true\n')
    // The proxy behind MetalLB and the example's first API, so their code paths run in the bundle too.
    .replace(/^ {2}proxyType: NodePort\n/m, '')
    .replace(/^ {2}# loadBalancer: /m, '  loadBalancer: ')
    .replace(
      /^# api:\n((?:# {3}.*\n)+)/m,
      (_m, body: string) => `api:\n${body.replace(/^# (?! {3}# )/gm, '').replace(/^ {2}#/gm, '  #')}`,
    );
  assert.match(text, /generateCert: true/);
  assert.match(text, /^ {2}loadBalancer: \{provider: metallb/m);
  assert.match(text, /^api:\n {2}service:/m);
  writeFileSync(file, text);
  return file;
}

/** templates/answers.example.yaml with controlPlane.deploy: the wizard deploys the control plane on EKS. */
export function answersWithDeploy(work: string): string {
  const file = join(work, 'answers-deploy.yaml');
  const text = readFileSync('templates/answers.example.yaml', 'utf8').replace(
    /^controlPlane:\n/m,
    'controlPlane:\n  deploy:\n    eks: {create: true, name: kong-cp, region: eu-west-3}\n    database: {type: bundled}\n',
  );
  writeFileSync(file, text);
  return file;
}

/** The dry run of every step (certificate generated), then runbook, sessions and resume; returns the session folder. */
export function dryRunEverything(cli: string, work: string, chunkLog: string): string {
  const home = join(work, 'dry');
  const r = runBundle(
    cli,
    work,
    chunkLog,
    ['--dry-run', '--non-interactive', '--answers', answersWithGeneratedCert(work), '--home', home],
    SMOKE_SECRETS,
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\[10\/10\] Done: finished/);
  const book = runBundle(cli, work, chunkLog, ['runbook', 'lab1', '--home', home]);
  assert.equal(book.status, 0, book.stderr);
  assert.equal(runBundle(cli, work, chunkLog, ['sessions', '--home', home]).status, 0);
  const resumed = runBundle(
    cli,
    work,
    chunkLog,
    ['resume', 'lab1', '--non-interactive', '--home', home],
    SMOKE_SECRETS,
  );
  assert.equal(resumed.status, 0, resumed.stdout + resumed.stderr);
  return join(home, 'sessions', 'lab1');
}

/** Each `generate` artifact, and `hardware validate` of the generated CSV. */
export function generateEverything(cli: string, work: string, chunkLog: string): void {
  const answers = answersWithGeneratedCert(work);
  for (const artifact of ['hardware-csv', 'cluster-spec', 'dp-values', 'lb-config']) {
    const r = runBundle(cli, work, chunkLog, ['generate', artifact, '--answers', answers], SMOKE_SECRETS);
    assert.equal(r.status, 0, `${artifact}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0, artifact);
    if (artifact === 'hardware-csv') {
      const csv = join(work, 'hardware.csv');
      writeFileSync(csv, r.stdout);
      const v = runBundle(cli, work, chunkLog, ['hardware', 'validate', csv]);
      assert.equal(v.status, 0, v.stdout + v.stderr);
    }
  }
  // The control plane deploy path (issue 10): its values, and a dry run of it (the deploy chunk).
  const deploy = answersWithDeploy(work);
  const values = runBundle(cli, work, chunkLog, ['generate', 'cp-values', '--answers', deploy], SMOKE_SECRETS);
  assert.equal(values.status, 0, values.stderr);
  assert.match(values.stdout, /role: control_plane/);
  const dry = runBundle(
    cli,
    work,
    chunkLog,
    ['--dry-run', '--non-interactive', '--answers', deploy, '--home', join(work, 'deploy')],
    SMOKE_SECRETS,
  );
  assert.equal(dry.status, 0, dry.stdout + dry.stderr);
  assert.match(dry.stdout, /Kong control plane: dry run: Kong .* control plane on EKS kong-cp/);
  // discover loads the inventory and the real command runner: a BMC address where nothing listens
  // (the discard port on loopback) is reported as unreachable, exit 1, in the documented JSON shape.
  const d = runBundle(
    cli,
    work,
    chunkLog,
    ['discover', '--redfish', '127.0.0.1:9', '--username', 'admin', '--password-env', 'SMOKE_BMC_PASSWORD', '--json'],
    {SMOKE_BMC_PASSWORD: 'x'},
  );
  assert.equal(d.status, 1, d.stderr);
  assert.equal(JSON.parse(d.stdout).errors[0].kind, 'unreachable', d.stdout);
}

/**
 * Builds the CLI into its own folder under the package (.smoke/NAME), so that the smoke tests neither
 * replace dist/ under other tests that are running it nor are replaced themselves. Returns cli.js.
 */
export function buildSmokeCli(name: string): {cli: string; remove(): void} {
  const outdir = join('.smoke', `${name}-${process.pid}`);
  execFileSync(process.execPath, ['scripts/build.mjs', outdir], {stdio: 'inherit'});
  return {cli: join(process.cwd(), outdir, 'cli.js'), remove: () => rmSync(outdir, {recursive: true, force: true})};
}
