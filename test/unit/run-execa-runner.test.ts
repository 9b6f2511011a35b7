import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createExecaRunner, type ExecaRunnerOptions} from '../../source/run/execa-runner.js';
import type {CommandSpec, RunningCommand} from '../../source/run/types.js';
import type {CommandRecord} from '../../source/session/schema.js';
import {until} from '../helpers/wait.js';

const fixtures = new URL('../fixtures/run/', import.meta.url).pathname;
const emit = join(fixtures, 'emit.mjs');
const tree = join(fixtures, 'tree.sh');
const node = process.execPath;

function tempDir(t: {after(fn: () => void): void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-run-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

function runner(options: Partial<ExecaRunnerOptions> = {}) {
  return createExecaRunner({sessionDir: null, ...options});
}

function spec(command: string, args: string[], extra: Partial<CommandSpec> = {}): CommandSpec {
  return {command, args, step: 'preflight', ...extra};
}

/** A zombie (exited, not yet reaped by an init that may not reap) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

async function pidsOf(command: RunningCommand): Promise<[number, number]> {
  await until(() => command.output.tail(5).some(l => l.startsWith('pids ')), 'the pids line', {
    timeoutMs: 10_000,
    intervalMs: 20,
  });
  const line = command.output.tail(5).find(l => l.startsWith('pids '))!;
  const [, child, grandchild] = line.split(' ').map(Number);
  return [child!, grandchild!];
}

test('exit code 0 is ok; another exit code fails with a one-line error', async () => {
  const r = runner();
  const good = await r.start(spec('sh', ['-c', 'echo hi'])).done;
  assert.equal(good.ok, true);
  assert.equal(good.exitCode, 0);
  assert.equal(good.lineCount, 1);
  assert.equal(good.error, undefined);
  const bad = await r.start(spec('sh', ['-c', 'echo oops >&2; exit 3'])).done;
  assert.equal(bad.ok, false);
  assert.equal(bad.exitCode, 3);
  assert.equal(bad.error, 'sh exited with code 3');
});

test('a command killed by a signal says so', async () => {
  const result = await runner().start(spec('sh', ['-c', 'kill -9 $$'])).done;
  assert.equal(result.ok, false);
  assert.equal(result.signal, 'SIGKILL');
  assert.equal(result.error, 'sh was killed by SIGKILL');
});

test('a missing executable is reported as not found on PATH', async t => {
  const empty = tempDir(t);
  const result = await runner().start(spec('helm', ['version'], {env: {PATH: empty}})).done;
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, null);
  assert.equal(result.error, 'helm was not found on PATH');
});

test('a missing working folder is named as the cause', async t => {
  const dir = tempDir(t);
  const result = await runner().start(spec('sh', ['-c', 'true'], {cwd: join(dir, 'nope')})).done;
  assert.equal(result.error, 'sh not started: its working folder does not exist');
});

test('stdout and stderr both reach the buffer', async () => {
  const command = runner().start(spec('sh', ['-c', 'echo out; echo err >&2']));
  const result = await command.done;
  assert.deepEqual([...command.output.tail(10)].sort(), ['err', 'out']);
  assert.equal(result.lineCount, 2);
});

test('cancel ends the child and its grandchild', async () => {
  const controller = new AbortController();
  const command = runner().start(spec('sh', [tree]), controller.signal);
  const [child, grandchild] = await pidsOf(command);
  assert.ok(alive(child) && alive(grandchild));
  controller.abort();
  const result = await command.done;
  assert.equal(result.ok, false);
  assert.equal(result.cancelled, true);
  assert.equal(result.error, 'cancelled');
  assert.equal(alive(child), false, 'child gone');
  assert.equal(alive(grandchild), false, 'grandchild gone');
});

test('cancel escalates to SIGKILL when the tree ignores SIGTERM', async () => {
  const controller = new AbortController();
  const command = runner({killGraceMs: 300}).start(spec('sh', [tree, 'stubborn']), controller.signal);
  const [child, grandchild] = await pidsOf(command);
  controller.abort();
  const result = await command.done;
  assert.equal(result.cancelled, true);
  assert.equal(alive(child), false, 'child gone');
  assert.equal(alive(grandchild), false, 'grandchild gone');
});

test('an already aborted signal runs nothing and records nothing', async () => {
  const records: CommandRecord[] = [];
  const controller = new AbortController();
  controller.abort();
  const result = await runner({onRecord: r => records.push(r)}).start(spec('sh', ['-c', 'exit 0']), controller.signal)
    .done;
  assert.equal(result.cancelled, true);
  assert.equal(records.length, 0);
});

test('a timeout ends the tree and says how long it waited', async () => {
  const command = runner().start(spec('sh', [tree], {timeoutMs: 400}));
  const [child, grandchild] = await pidsOf(command);
  const result = await command.done;
  assert.equal(result.timedOut, true);
  assert.equal(result.error, 'timed out after 400 ms');
  assert.equal(alive(child) || alive(grandchild), false);
});

test('the process group is ended when our process exits', {timeout: 30_000}, async () => {
  const parent = spawn(node, ['--import', 'tsx', join(fixtures, 'exit-parent.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  parent.stdout.on('data', d => (out += d));
  await new Promise(resolve => parent.once('exit', resolve));
  const match = /pids (\d+) (\d+)/.exec(out);
  assert.ok(match, `parent printed the pids: ${out}`);
  const pids = [Number(match[1]), Number(match[2])];
  await until(() => pids.every(p => !alive(p)), 'the orphaned tree to end', {timeoutMs: 10_000, intervalMs: 20});
});

test('a background grandchild holding the pipes does not keep the command running', {timeout: 20_000}, async () => {
  const command = runner({drainMs: 200}).start(spec('sh', ['-c', 'sleep 60 & echo "bg $!"']));
  const result = await command.done;
  const pid = Number(command.output.tail(1)[0]?.split(' ')[1]);
  process.kill(pid, 'SIGKILL');
  assert.equal(result.ok, true);
});

test('a flood of 200,000 lines: counted right, buffer bounded, log complete', {timeout: 60_000}, async t => {
  const dir = tempDir(t);
  const command = runner({sessionDir: dir, capacity: 1000}).start(spec(node, [emit, 'flood', '200000']));
  const result = await command.done;
  assert.equal(result.ok, true, result.error);
  assert.equal(result.lineCount, 200_000);
  assert.equal(command.output.total, 200_000);
  assert.equal(command.output.size, 1000);
  assert.equal(command.output.tail(1)[0], 'line 200000');
  const log = readFileSync(command.logPath!, 'utf8').split('\n');
  assert.equal(log.length, 200_000 + 3, 'header, lines, trailer and the final empty split');
  assert.equal(log[200_000], 'line 200000');
});

test('binary and invalid UTF-8: display gets replacement characters, the log the exact bytes', async t => {
  const dir = tempDir(t);
  const command = runner({sessionDir: dir}).start(spec(node, [emit, 'bytes']));
  const result = await command.done;
  assert.equal(result.ok, true);
  for (const line of command.output.tail(100)) assert.doesNotMatch(line, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  const [withBadByte, truncatedChar] = command.output.tail(2);
  assert.ok(withBadByte!.endsWith('~' + '\uFFFD'.repeat(129) + '('), 'bytes 0x7f-0xff and a bad lead byte');
  assert.equal(truncatedChar, '\uFFFD', 'a truncated 3-byte sequence');
  const log = readFileSync(command.logPath!);
  const start = log.indexOf(0x0a) + 1;
  const expected = Buffer.alloc(1024);
  for (let i = 0; i < 1024; i++) expected[i] = i % 256;
  assert.deepEqual(log.subarray(start, start + 1024), expected);
});

test('a 1 MB line is cut for display and kept whole in the log', async t => {
  const dir = tempDir(t);
  const command = runner({sessionDir: dir}).start(spec(node, [emit, 'bigline', String(1024 * 1024)]));
  const result = await command.done;
  assert.equal(result.lineCount, 2);
  const [big, after] = command.output.tail(2);
  assert.match(big!, /^y{4096} … \[line cut, 1,048,576 bytes in the log\]$/);
  assert.equal(after, 'after');
  const log = readFileSync(command.logPath!, 'utf8');
  assert.ok(log.includes(`\n${'y'.repeat(1024 * 1024)}\nafter\n`));
});

test('colours are stripped and redraws collapse for display; the log keeps them', async t => {
  const dir = tempDir(t);
  const command = runner({sessionDir: dir}).start(spec(node, [emit, 'colour']));
  await command.done;
  assert.deepEqual(command.output.tail(5), ['green', '100%']);
  assert.ok(readFileSync(command.logPath!, 'utf8').includes('\u001b[32mgreen\u001b[0m\r\n10%\r50%\r100%\n'));
});

test('secrets are masked in the buffer, the log, the command line and the record, even across chunks', async t => {
  const dir = tempDir(t);
  const records: CommandRecord[] = [];
  const secret = 'hunter2-s3cret';
  const r = runner({sessionDir: dir, onRecord: rec => records.push(rec)});
  r.addSecret(secret);
  const command = r.start(spec(node, [emit, 'split', secret], {step: 'control-plane', secretEnv: {SPLIT: secret}}));
  const result = await command.done;
  assert.equal(result.ok, true, result.error);
  assert.ok(!command.display.includes(secret));
  assert.ok(command.display.endsWith("split '***'"), command.display);
  assert.deepEqual([...command.output.tail(5)].sort(), ['stderr sees ***', 'token=*** end']);
  const log = readFileSync(command.logPath!, 'utf8');
  assert.ok(!log.includes(secret), log);
  assert.ok(!log.includes('hunt'), `no part of the secret before the split either: ${log}`);
  assert.ok(log.includes('token=*** end\n'));
  assert.ok(log.startsWith(`$ ${command.display}\n`));
  assert.equal(records.length, 1);
  assert.ok(!JSON.stringify(records).includes(secret));
  assert.deepEqual(records[0]!.args.slice(-1), ['${SPLIT}']);
});

test('spec secrets and a runner-level secret source are masked; secretEnv names the reference', async () => {
  const records: CommandRecord[] = [];
  let source = ['from-source-1'];
  const r = runner({secrets: () => source, onRecord: rec => records.push(rec)});
  source = [...source, 'from-source-2'];
  const command = r.start(
    spec('sh', ['-c', 'echo "$0 $1"', 'tok-abcdef', '--token=from-source-2'], {
      step: 'data-plane',
      secretEnv: {KONG_ADMIN_TOKEN: 'tok-abcdef'},
      envRefs: {KONG_ADMIN_TOKEN: 'the admin token'},
    }),
  );
  await command.done;
  assert.deepEqual(command.output.tail(1), ['*** --token=***']);
  assert.deepEqual(records[0]!.args, ['-c', 'echo "$0 $1"', '${KONG_ADMIN_TOKEN}', '--token=${REDACTED_SECRET_1}']);
  assert.equal(records[0]!.envRefs!['KONG_ADMIN_TOKEN'], 'the admin token');
});

test('log files: logs/<step>-<attempt>.log, 0600 in a 0700 folder, appended per command with headers', async t => {
  const dir = tempDir(t);
  const r = runner({sessionDir: dir, attemptFor: step => (step === 'create-cluster' ? 2 : 1)});
  const first = r.start(spec('sh', ['-c', 'echo one'], {step: 'create-cluster'}));
  await first.done;
  const second = r.start(spec('sh', ['-c', 'printf two; exit 4'], {step: 'create-cluster'}));
  await second.done;
  assert.equal(first.logPath, join(dir, 'logs', 'create-cluster-2.log'));
  assert.equal(second.logPath, first.logPath);
  assert.equal(statSync(first.logPath!).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'logs')).mode & 0o777, 0o700);
  const lines = readFileSync(first.logPath!, 'utf8').split('\n');
  assert.equal(lines[0], "$ sh -c 'echo one'");
  assert.equal(lines[1], 'one');
  assert.match(lines[2]!, /^# exit code 0 after /);
  assert.equal(lines[3], "$ sh -c 'printf two; exit 4'");
  assert.equal(lines[4], 'two');
  assert.match(lines[5]!, /^# sh exited with code 4 after /);
});

test('without spec.env the child gets a sanitised environment', async () => {
  const base = {
    PATH: process.env['PATH'],
    HOME: '/home/admin',
    LANG: 'en_GB.UTF-8',
    AWS_SECRET_ACCESS_KEY: 'aws',
    KONG_ADMIN_TOKEN: 'kong',
    GITHUB_TOKEN: 'gh',
    DB_PASSWORD: 'db',
    RANDOM_THING: 'r',
  };
  const command = runner({baseEnv: base}).start(spec(node, [emit, 'env']));
  await command.done;
  const env = JSON.parse(command.output.tail(1)[0]!) as Record<string, string>;
  assert.equal(env['HOME'], '/home/admin');
  assert.equal(env['LANG'], 'en_GB.UTF-8');
  assert.equal(env['TERM'], 'dumb');
  assert.equal(env['NO_COLOR'], '1');
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'KONG_ADMIN_TOKEN', 'GITHUB_TOKEN', 'DB_PASSWORD', 'RANDOM_THING']) {
    assert.equal(env[name], undefined, name);
  }
});

test('spec.env is the whole environment, nothing added', async () => {
  const command = runner().start(spec(node, [emit, 'env'], {env: {ONLY: 'this'}}));
  await command.done;
  const env = JSON.parse(command.output.tail(1)[0]!) as Record<string, string>;
  assert.equal(env['ONLY'], 'this');
  assert.equal(env['PATH'], undefined);
  assert.equal(env['TERM'], undefined);
});

test('each started command is recorded with its step, cwd, title and env references', async t => {
  const dir = tempDir(t);
  const records: CommandRecord[] = [];
  const r = runner({onRecord: rec => records.push(rec), now: () => Date.parse('2026-01-02T03:04:05Z')});
  const command = r.start(
    spec('sh', ['-c', 'true'], {
      step: 'create-cluster',
      cwd: dir,
      title: 'Create the cluster',
      envRefs: {KUBECONFIG: 'the kubeconfig'},
    }),
  );
  assert.equal(command.startedAt, Date.parse('2026-01-02T03:04:05Z'));
  await command.done;
  assert.deepEqual(records, [
    {
      step: 'create-cluster',
      command: 'sh',
      args: ['-c', 'true'],
      cwd: dir,
      title: 'Create the cluster',
      envRefs: {KUBECONFIG: 'the kubeconfig'},
      at: '2026-01-02T03:04:05.000Z',
    },
  ]);
});
