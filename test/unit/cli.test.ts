import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';

const answers = (home: string, text: string) => {
  const file = join(home, 'answers.yaml');
  writeFileSync(file, text);
  return file;
};

test('--help lists the contract and exits 0; --version prints the version', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  for (const word of [
    '--home',
    '--answers',
    '--yes',
    '--non-interactive',
    '--dry-run',
    '--no-color',
    'resume',
    'sessions',
  ]) {
    assert.ok(help.stdout.includes(word), `help mentions ${word}`);
  }
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('unknown flags and extra arguments are usage errors (exit 2)', async () => {
  assert.equal((await runCli(['--bogus'])).code, 2);
  assert.equal((await runCli(['sessions', '--bogus'])).code, 2);
});

test('sessions --json on an empty home prints [] and nothing else', async () => {
  const home = tempHome();
  const run = await runCli(['sessions', '--json'], {EKSA_KONG_HOME: home});
  assert.equal(run.code, 0);
  assert.equal(run.stdout, '[]\n');
});

test('global flags are accepted before or after the subcommand; --home beats EKSA_KONG_HOME', async () => {
  const home = tempHome();
  const other = tempHome();
  const file = answers(home, 'session: lab1\n');
  await runCli(['--non-interactive', '--answers', file, '--home', home]);
  const before = await runCli(['--home', home, 'sessions', '--json'], {EKSA_KONG_HOME: other});
  const after = await runCli(['sessions', '--json', '--home', home], {EKSA_KONG_HOME: other});
  assert.deepEqual(
    JSON.parse(before.stdout).map((s: {name: string}) => s.name),
    ['lab1'],
  );
  assert.equal(before.stdout, after.stdout);
  const envOnly = await runCli(['sessions', '--json'], {EKSA_KONG_HOME: other});
  assert.equal(envOnly.stdout, '[]\n');
});

test('without a terminal and without answers: exit 2 with what to give', async () => {
  const run = await runCli([], {EKSA_KONG_HOME: tempHome()});
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--answers FILE/);
  assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

test('answers file problems exit 2 naming the file, the key and the line', async () => {
  const home = tempHome();
  const missing = await runCli(['--non-interactive', '--answers', join(home, 'nope.yaml')], {EKSA_KONG_HOME: home});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml/);

  const noName = await runCli(
    ['--non-interactive', '--answers', answers(home, 'network: {netmask: 255.255.255.0}\n')],
    {EKSA_KONG_HOME: home},
  );
  assert.equal(noName.code, 2);
  assert.match(noName.stderr, /missing answer: session/);

  const bad = answers(
    home,
    'session: lab1\nmachines:\n  - hostname: a\n    mac: "aa:bb:cc:dd:ee:ff"\n    ip: 10.0.0.2\n    role: boss\n    disk: /dev/sda\n',
  );
  const wrong = await runCli(['--non-interactive', '--answers', bad], {EKSA_KONG_HOME: home});
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /machines\[0\]\.role/);
  assert.match(wrong.stderr, /line 6/);
});

test('a headless run from answers creates the session, saves progress and names the resume command', async () => {
  const home = tempHome();
  const file = answers(home, 'session: lab2\nnetwork: {netmask: 255.255.255.0}\n');
  // A PATH with no tools on it: eksctl, docker and helm are missing wherever the test runs, so Preflight
  // fails (exit 1) and the session is saved as failed.
  const run = await runCli(['--non-interactive', '--answers', file], {EKSA_KONG_HOME: home, PATH: home});
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /\[1\/10\] Welcome/);
  assert.match(run.stderr, /\[2\/10\] Preflight: .*eksctl/);
  const saved = JSON.parse(readFileSync(join(home, 'sessions', 'lab2', 'session.json'), 'utf8'));
  assert.equal(saved.steps.welcome.state, 'done');
  assert.equal(saved.answers.network.netmask, '255.255.255.0');
  assert.match(run.stderr, /eksa-kong resume lab2/);
  const list = JSON.parse((await runCli(['sessions', '--json'], {EKSA_KONG_HOME: home})).stdout);
  assert.deepEqual(Object.keys(list[0]).sort(), ['name', 'status', 'step', 'updatedAt']);
  assert.equal(list[0].status, 'failed');
});

test('resume of an unknown session exits 2 naming it', async () => {
  const run = await runCli(['resume', 'ghost', '--non-interactive'], {EKSA_KONG_HOME: tempHome()});
  assert.equal(run.code, 2);
  assert.match(run.stderr, /no session named ghost/);
});

test('a corrupt session is listed as broken in the table, left out of --json, and named on stderr', async () => {
  const home = tempHome();
  await runCli(['--non-interactive', '--answers', answers(home, 'session: good\n')], {EKSA_KONG_HOME: home});
  await runCli(['--non-interactive', '--answers', answers(home, 'session: bad\n')], {EKSA_KONG_HOME: home});
  writeFileSync(join(home, 'sessions', 'bad', 'session.json'), '{"version": 1, "name": tru');
  const table = await runCli(['sessions'], {EKSA_KONG_HOME: home});
  assert.equal(table.code, 0);
  assert.match(table.stdout, /^bad +\? +broken/m);
  assert.match(table.stderr, /bad.*session\.json is corrupt/);
  const json = await runCli(['sessions', '--json'], {EKSA_KONG_HOME: home});
  assert.deepEqual(
    JSON.parse(json.stdout).map((r: {name: string}) => r.name),
    ['good'],
  );
  const resume = await runCli(['resume', 'bad', '--non-interactive'], {EKSA_KONG_HOME: home});
  assert.equal(resume.code, 2);
  assert.match(resume.stderr, /sessions\/bad\/session\.json is corrupt/);
  assert.doesNotMatch(resume.stderr, /\n\s+at /, 'no stack trace');
});

test('an interactive run clears CI markers so Ink draws live screens', async () => {
  const {allowLiveScreens} = await import('../../source/cli-options.js');
  const env: NodeJS.ProcessEnv = {CI: 'true', CONTINUOUS_INTEGRATION: '1', PATH: '/bin'};
  allowLiveScreens(env);
  assert.deepEqual(env, {CI: 'false', CONTINUOUS_INTEGRATION: 'false', PATH: '/bin'});
});
