// A command whose stdout and stderr go to a file (spec.outputFile) instead of pipes: what eksctl create
// needs to outlive a killed wizard. The runner follows the file into the same display buffer and log,
// masked as ever; the file itself is private; a cancel still ends the whole tree. And follow(): the
// output file of a command an earlier (killed) run started, read again from its start.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createExecaRunner} from '../../source/run/execa-runner.js';
import type {CommandSpec} from '../../source/run/types.js';
import type {CommandRecord} from '../../source/session/schema.js';
import {until} from '../helpers/wait.js';

const fixtures = new URL('../fixtures/run/', import.meta.url).pathname;
const tree = join(fixtures, 'tree.sh');

function tempDir(t: {after(fn: () => void): void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-outfile-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

function spec(args: string[], extra: Partial<CommandSpec> = {}): CommandSpec {
  return {command: 'sh', args: ['-c', ...args], step: 'create-cluster', ...extra};
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('output to a file: in order in the buffer and the log, masked; the raw file private (0600 in 0700)', async t => {
  const dir = tempDir(t);
  const secret = 'bmc-pass-5ecret';
  const records: CommandRecord[] = [];
  const r = createExecaRunner({sessionDir: dir, secrets: [secret], onRecord: rec => records.push(rec)});
  const outputFile = join(dir, 'logs', 'eksctl-create-1.log');
  const command = r.start(
    spec([`echo one; echo two >&2; printf 'pass=${secret} three'; sleep 0.2; echo ' more'; echo four >&2`], {
      outputFile,
    }),
  );
  const result = await command.done;
  assert.equal(result.ok, true, result.error);
  assert.equal(result.lineCount, 4);
  assert.deepEqual(command.output.tail(10), ['one', 'two', 'pass=*** three more', 'four']);
  const log = readFileSync(command.logPath!, 'utf8');
  assert.ok(log.includes('one\ntwo\npass=*** three more\nfour\n# exit code 0'), log);
  assert.ok(!log.includes(secret));
  // The raw file is eksctl's own words: it can hold what the wizard masks, so only its owner reads it.
  assert.equal(readFileSync(outputFile, 'utf8'), `one\ntwo\npass=${secret} three more\nfour\n`);
  assert.equal(statSync(outputFile).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'logs')).mode & 0o777, 0o700);
  // The runbook's line is the command as an admin runs it by hand (output on their terminal): no redirect.
  assert.equal(records[0]!.args.length, 2);
  assert.ok(!JSON.stringify(records[0]).includes('eksctl-create-1.log'), JSON.stringify(records[0]));
});

test('output to a file that is a link: refused (ELOOP), nothing runs, the target untouched', async t => {
  const dir = tempDir(t);
  const target = join(dir, 'elsewhere.txt');
  writeFileSync(target, 'keep\n');
  const outputFile = join(dir, 'out.log');
  symlinkSync(target, outputFile);
  const command = createExecaRunner({sessionDir: null}).start(spec(['echo ran'], {outputFile}));
  const result = await command.done;
  assert.equal(result.ok, false);
  assert.match(result.error ?? '', /^cannot write sh's output file: /);
  assert.equal(readFileSync(target, 'utf8'), 'keep\n');
  assert.equal(command.output.total, 0);
});

test('output to a file: a cancel still ends the child and its grandchild', async t => {
  const dir = tempDir(t);
  const controller = new AbortController();
  const command = createExecaRunner({sessionDir: null}).start(
    {command: 'sh', args: [tree], step: 'create-cluster', outputFile: join(dir, 'out.log')},
    controller.signal,
  );
  await until(() => command.output.tail(1)[0]?.startsWith('pids ') === true, 'the pids line', {timeoutMs: 10_000});
  const [child, grandchild] = command.output.tail(1)[0]!.split(' ').slice(1).map(Number);
  controller.abort();
  const result = await command.done;
  assert.equal(result.cancelled, true);
  assert.equal(alive(child!), false, 'child gone');
  assert.equal(alive(grandchild!), false, 'grandchild gone');
});

/** Starts killed-parent.ts, waits for the child's pid, kills the parent with SIGKILL. */
async function killParentMidRun(outputFile?: string): Promise<number> {
  const parent = spawn(
    process.execPath,
    ['--import', 'tsx', join(fixtures, 'killed-parent.ts'), ...(outputFile ? [outputFile] : [])],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  parent.stdout.on('data', d => (out += d));
  await until(() => /pid \d+/.test(out), 'the child pid', {timeoutMs: 20_000, intervalMs: 20});
  parent.kill('SIGKILL');
  await new Promise(resolve => parent.once('exit', resolve));
  return Number(/pid (\d+)/.exec(out)![1]);
}

test(
  'a child writing to a file outlives its parent killed with SIGKILL; one writing to a pipe does not',
  {timeout: 60_000},
  async t => {
    const dir = tempDir(t);
    const outputFile = join(dir, 'out.log');
    const survivor = await killParentMidRun(outputFile);
    await until(() => !alive(survivor), 'the child to end on its own', {timeoutMs: 20_000, intervalMs: 20});
    const written = readFileSync(outputFile, 'utf8');
    assert.ok(written.endsWith('line 29\nfinished\n'), `it wrote to its end: ${written.slice(-60)}`);

    // The same child with pipes: its next write after the parent died ends it (SIGPIPE), before "finished".
    const piped = await killParentMidRun();
    await until(() => !alive(piped), 'the piped child to end', {timeoutMs: 20_000, intervalMs: 20});
  },
);

test('follow(): an earlier run’s output file from its start, masked, live, settled by the caller', async t => {
  const dir = tempDir(t);
  const secret = 'licence-t0ken-value';
  const file = join(dir, 'eksctl-create.log');
  writeFileSync(file, `Creating new bootstrap cluster\ntoken ${secret}\npart`);
  const records: CommandRecord[] = [];
  const r = createExecaRunner({sessionDir: dir, secrets: [secret], onRecord: rec => records.push(rec)});
  const followed = r.follow({...spec(['unused']), outputFile: file});
  await until(() => followed.output.total === 2, 'the lines already written');
  assert.deepEqual(followed.output.tail(5), ['Creating new bootstrap cluster', 'token ***']);
  appendFileSync(file, 'ial line\nError: failed to create cluster\n');
  await until(() => followed.output.total === 4, 'the lines written later');
  await followed.stop();
  followed.settle({ok: false, error: `ended without its success line (${secret})`});
  const result = await followed.done;
  assert.deepEqual(followed.output.tail(2), ['partial line', 'Error: failed to create cluster']);
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, null, 'not our child: no exit code');
  assert.equal(result.error, 'ended without its success line (***)');
  assert.equal(result.lineCount, 4);
});
