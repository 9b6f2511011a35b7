import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {
  CreateProgressParser,
  PHASES,
  parseConsoleLine,
  parseTranscriptFile,
  type TranscriptLine,
} from '../../source/cluster/progress.js';
import {recogniseFailure} from '../../source/cluster/failures.js';
import {templatesDir} from '../../source/templates.js';
import {FakeClock} from '../helpers/cluster-fakes.js';

const transcript = (name: string) => parseTranscriptFile(readFileSync(`${templatesDir()}/transcripts/${name}`, 'utf8'));
const fixture = (name: string) =>
  parseTranscriptFile(readFileSync(new URL(`../fixtures/cluster/${name}`, import.meta.url), 'utf8'));

/** Feed a transcript with the clock at each line's offset. */
function replay(
  lines: readonly TranscriptLine[],
  exitCode: number | null,
  map: (l: TranscriptLine) => string = l => l.line,
) {
  const clock = new FakeClock(0);
  const parser = new CreateProgressParser(clock);
  const phaseAt: number[] = [];
  for (const l of lines) {
    clock.t = l.offsetSeconds * 1000;
    parser.push(map(l));
    phaseAt.push(parser.state().phaseIndex);
  }
  clock.t = (lines.at(-1)?.offsetSeconds ?? 0) * 1000 + 500;
  return {state: parser.finish(exitCode), phaseAt};
}

test('recorded transcripts use the <seconds>\\t<line> format with offsets that never go back', () => {
  for (const name of ['eksctl-create-cluster.txt', 'eksctl-create-cluster-failed.txt']) {
    const lines = transcript(name);
    assert.ok(lines.length > 5, name);
    for (let i = 1; i < lines.length; i++)
      assert.ok(lines[i]!.offsetSeconds >= lines[i - 1]!.offsetSeconds, `${name} line ${i + 1}`);
  }
  assert.throws(() => parseTranscriptFile('no offset here\n'), /without an offset/);
  assert.throws(() => parseTranscriptFile('x\tline\n'), /not a number/);
});

test('successful create: every phase in order, times per phase, validations checklist', () => {
  const lines = transcript('eksctl-create-cluster.txt');
  const {state, phaseAt} = replay(lines, 0);
  assert.equal(state.outcome, 'succeeded');
  assert.equal(state.total, PHASES.length);
  assert.equal(state.phaseIndex, PHASES.length - 1);
  // the bar only moves forward and reaches every phase
  for (let i = 1; i < phaseAt.length; i++) assert.ok(phaseAt[i]! >= phaseAt[i - 1]!);
  assert.deepEqual([...new Set(phaseAt.filter(p => p >= 0))], [0, 1, 2, 3, 4, 5]);
  assert.ok(state.phases.every(p => p.state === 'done'));
  const seconds = state.phases.map(p => Math.round((p.durationMs ?? -1) / 100) / 10);
  // Setup 0.4 -> 7.3, bootstrap 7.3 -> 262.8, machines 262.8 -> 1884.0, move 1884.0 -> 2015.0, write, delete
  assert.deepEqual(seconds, [6.9, 255.5, 1621.2, 131, 0.3, 26.5]);
  assert.equal(state.validations.length, 6);
  assert.ok(state.validations.every(v => v.ok));
  assert.equal(state.validations[0]!.name, 'Tinkerbell Provider setup is valid');
  assert.deepEqual(state.warnings, ['Warning: The recommended number of control plane nodes is 3 or 5']);
  assert.equal(state.privateKeyPath, 'seed/eks-a-id_rsa');
  assert.equal(state.error, undefined);
});

test('⚠️ lines (logger.MarkWarning) are collected as warnings, with or without a space, at -v 0 and -v 4', () => {
  const p = new CreateProgressParser(new FakeClock());
  p.push('Performing setup and validations');
  assert.equal(p.push('⚠️  Skipping validation of the hardware count'), true);
  p.push('\u26A0\uFE0FCurated packages cannot be installed: no license'); // MarkWarning adds no space itself
  p.push('\u26A0 bare mark without the emoji selector');
  p.push('2026-12-06T11:50:01.123Z\tV0\t⚠️ Management cluster upgrade pending\t{"cluster": "seed", "count": 2}');
  p.push('✅ Tinkerbell Provider setup is valid');
  const state = p.state();
  assert.deepEqual(state.warnings, [
    'Skipping validation of the hardware count',
    'Curated packages cannot be installed: no license',
    'bare mark without the emoji selector',
    'Management cluster upgrade pending (cluster: seed, count: 2)',
  ]);
  assert.deepEqual(
    state.validations.map(v => v.name),
    ['Tinkerbell Provider setup is valid'],
  );
  assert.equal(state.outcome, 'running');
});

test('activity lines inside a phase are shown, and a phase anchor clears them', () => {
  const clock = new FakeClock();
  const p = new CreateProgressParser(clock);
  p.push('Creating new bootstrap cluster');
  p.push('Provider specific post-setup');
  assert.match(p.state().activity ?? '', /BMCs to be contactable/);
  p.push('Installing EKS-D components');
  assert.equal(p.state().activity, 'Installing EKS-D components');
  p.push('Creating new management cluster');
  assert.equal(p.state().activity, undefined);
  assert.equal(p.state().phaseIndex, 2);
  // a repeated earlier anchor does not rewind the bar; unknown lines change nothing
  assert.equal(p.push('Creating new bootstrap cluster'), false);
  assert.equal(p.push('some line a newer release prints'), false);
  assert.equal(p.state().phaseIndex, 2);
});

test('failed validation: ❌ line parsed into name, error and remediation; final failure', () => {
  const {state} = replay(transcript('eksctl-create-cluster-failed.txt'), 255);
  assert.equal(state.outcome, 'failed');
  assert.equal(state.phaseIndex, 0);
  assert.equal(state.phases[0]!.state, 'failed');
  assert.equal(state.phases[1]!.state, 'pending');
  const failed = state.validations.filter(v => !v.ok);
  assert.deepEqual(failed, [
    {
      name: 'tinkerbell Provider setup is valid',
      ok: false,
      error: `minimum hardware count not met for selector '{"type":"worker"}': have 0, require 1`,
    },
  ]);
  assert.equal(state.validations.filter(v => v.ok).length, 5);
  assert.equal(
    state.error,
    `validations failed: minimum hardware count not met for selector '{"type":"worker"}': have 0, require 1`,
  );
  assert.equal(recogniseFailure(state.errorLines, 'seed')?.id, 'hardware-count');
});

test('remediation is extracted from the JSON tail of a ❌ line', () => {
  const p = new CreateProgressParser(new FakeClock());
  p.push('Performing setup and validations');
  p.push(
    '❌ Validation failed\t{"validation": "validate certificate for registry mirror", "error": "x509: unknown authority", "remediation": "provide a valid certificate"}',
  );
  assert.deepEqual(p.state().validations, [
    {
      name: 'validate certificate for registry mirror',
      ok: false,
      error: 'x509: unknown authority',
      remediation: 'provide a valid certificate',
    },
  ]);
});

test('older wording: workload cluster, moving management, preflight validations pass', () => {
  const {state, phaseAt} = replay(fixture('transcript-old-wording.txt'), 0);
  assert.equal(state.outcome, 'succeeded');
  assert.deepEqual([...new Set(phaseAt)], [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(
    state.validations.map(v => v.name),
    ['Create preflight validations'],
  );
});

test('-v 4 timestamped lines give the same phases as the plain ones', () => {
  const lines = transcript('eksctl-create-cluster.txt');
  const stamp = (l: TranscriptLine) => {
    const at = new Date(Date.UTC(2026, 6, 20, 10, 0, 0) + l.offsetSeconds * 1000).toISOString();
    return `${at}\tV0\t${l.line}`;
  };
  const plain = replay(lines, 0);
  const timestamped = replay(lines, 0, stamp);
  assert.deepEqual(timestamped.phaseAt, plain.phaseAt);
  assert.deepEqual(timestamped.state.validations, plain.state.validations);
  assert.equal(timestamped.state.outcome, 'succeeded');
  // the verbose-only lines around them are ignored
  const p = new CreateProgressParser(new FakeClock());
  assert.equal(p.push('2026-07-20T10:00:01.123Z\tV4\tTask start\t{"task_name": "setup-validate"}'), false);
  // Error-level lines at -v >= 4 carry V-1.
  assert.equal(
    parseConsoleLine('2026-07-20T10:00:01.123+0200\tV-1\tError: validations failed').message,
    'Error: validations failed',
  );
  assert.equal(parseConsoleLine('2026-07-20T10:00:01.123+0200\tV-1\tError: validations failed').level, -1);
  assert.deepEqual(parseConsoleLine('2026-07-20T10:00:01.123+0200\tV6\tExecuting command\t{"cmd": "docker"}'), {
    message: 'Executing command',
    level: 6,
    fields: {cmd: 'docker'},
  });
});

test('endings without an Error line: non-zero exit, a signal, Ctrl-C warning, exit 0', () => {
  const base = [
    'Performing setup and validations',
    'Creating new bootstrap cluster',
    'Creating new management cluster',
  ];
  const run = (extra: string[], exitCode: number | null, signal?: string) => {
    const p = new CreateProgressParser(new FakeClock());
    for (const l of [...base, ...extra]) p.push(l);
    return p.finish(exitCode, signal);
  };
  const exit = run([], 255);
  assert.equal(exit.outcome, 'failed');
  assert.equal(exit.error, 'eksctl exited with 255');
  assert.equal(exit.phases[2]!.state, 'failed');
  assert.equal(run([], null, 'SIGKILL').outcome, 'interrupted');
  const ctrlC = run(['Warning: Terminating this operation may leave the cluster in an irrecoverable state'], 255);
  assert.equal(ctrlC.outcome, 'interrupted');
  assert.equal(
    recogniseFailure(['Warning: Terminating this operation may leave the cluster in an irrecoverable state'])?.id,
    'interrupted',
  );
  const quiet = run([], 0);
  assert.equal(quiet.outcome, 'succeeded');
  assert.ok(quiet.phases.every(ph => ph.state === 'done'));
});

test('a mid-run error is kept with the phase it happened in', () => {
  const clock = new FakeClock();
  const p = new CreateProgressParser(clock);
  p.push('Performing setup and validations');
  clock.advance(5000);
  p.push('Creating new bootstrap cluster');
  clock.advance(60_000);
  p.push('Provider specific post-setup');
  clock.advance(300_000);
  p.push('collecting cluster diagnostics');
  p.push('Error: waiting for baseboard management to be contactable: context deadline exceeded');
  const s = p.finish(255);
  assert.equal(s.outcome, 'failed');
  assert.equal(s.phaseIndex, 1);
  assert.equal(s.phases[1]!.state, 'failed');
  assert.equal(s.phases[1]!.durationMs, 360_000);
  assert.equal(s.activity, 'Collecting diagnostics (support bundle)');
  assert.equal(recogniseFailure(s.errorLines)?.id, 'bmc-not-contactable');
});
