import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fc from 'fast-check';
import {formatCommandLine, shellQuote} from '../../source/run/command-line.js';
import {sanitisedEnv} from '../../source/run/env.js';
import {formatDuration} from '../../source/run/format.js';
import {summariseResult} from '../../source/run/summary.js';
import type {CommandResult} from '../../source/run/types.js';

/** What a POSIX shell makes of a command line: its words. */
function wordsOf(line: string): string[] {
  const out = spawnSync('bash', ['-c', `printf '%s\\0' ${line}`], {encoding: 'utf8'});
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.split('\0').slice(0, -1);
}

test("plain words stay bare, others are single-quoted, control characters use $'…'", () => {
  assert.equal(
    formatCommandLine('eksctl', ['anywhere', 'create', 'cluster', '-f', 'cluster.yaml', '--bundles-override=a/b.yaml']),
    'eksctl anywhere create cluster -f cluster.yaml --bundles-override=a/b.yaml',
  );
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote('$HOME'), "'$HOME'");
  assert.equal(shellQuote('a\nb'), "$'a\\nb'");
});

test(
  'quoted command lines paste back into bash as the same words (property)',
  {skip: spawnSync('bash', ['--version']).status !== 0 && 'bash not found'},
  () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({unit: 'binary', maxLength: 8}),
            fc.string({unit: fc.constantFrom('\n', '\t', "'", '"', '\\', '$', '`', '!', '*', '~', '#', 'é', 'a', ' ')}),
          ),
          {maxLength: 5},
        ),
        args => {
          const clean = args.map(a => a.replaceAll('\0', ''));
          assert.deepEqual(wordsOf(formatCommandLine('x', clean)).slice(1), clean);
        },
      ),
      {numRuns: 60},
    );
  },
);

test('secrets are masked in the command line before quoting', () => {
  const line = formatCommandLine('helm', ['--set', 'admin.token=abc123xyz', 'x'], ['abc123xyz']);
  assert.equal(line, "helm --set 'admin.token=***' x");
});

test('sanitisedEnv keeps an allow-list, forces plain output and drops credentials unless passed explicitly', () => {
  const env = sanitisedEnv(
    {
      PATH: '/bin',
      HOME: '/root',
      AWS_ACCESS_KEY_ID: 'a',
      KONG_ADMIN_TOKEN: 'k',
      MY_TOKEN: 't',
      X_PASSWORD: 'p',
      SOME_SECRET: 's',
      EDITOR: 'vi',
      TERM: 'xterm-256color',
    },
    {KUBECONFIG: '/k', KONG_ADMIN_TOKEN: 'explicit', HOME: undefined},
  );
  assert.deepEqual(env, {
    PATH: '/bin',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    CLICOLOR: '0',
    PAGER: 'cat',
    KUBECONFIG: '/k',
    KONG_ADMIN_TOKEN: 'explicit',
  });
});

test('durations read naturally', () => {
  assert.equal(formatDuration(36), '36 ms');
  assert.equal(formatDuration(1234), '1.2 s');
  assert.equal(formatDuration(3000), '3 s');
  assert.equal(formatDuration(30_000), '30 s');
  assert.equal(formatDuration((41 * 60 + 12) * 1000), '41m 12s');
  assert.equal(formatDuration((2 * 3600 + 5 * 60) * 1000), '2h 05m');
});

const base: CommandResult = {
  ok: true,
  exitCode: 0,
  signal: null,
  durationMs: (41 * 60 + 12) * 1000,
  lineCount: 1284,
  logPath: '/s/lab1/logs/create-cluster-1.log',
};

test('summariseResult: one line with icon, cut command, duration, lines and log', () => {
  const display = 'eksctl anywhere create cluster -f cluster.yaml --hardware-csv hardware.csv --kubeconfig x';
  assert.equal(
    summariseResult(base, display, {sessionDir: '/s/lab1'}),
    '✔ eksctl anywhere create cluster -f cluster.yaml --hardware-c… — 41m 12s, 1,284 lines, log logs/create-cluster-1.log',
  );
  assert.equal(
    summariseResult(
      {
        ...base,
        ok: false,
        exitCode: 1,
        error: 'eksctl exited with code 1',
        durationMs: 3000,
        lineCount: 1,
        logPath: null,
      },
      'eksctl x',
    ),
    '✘ eksctl x — eksctl exited with code 1; 3 s, 1 line',
  );
  assert.equal(summariseResult({...base, recorded: true}, 'helm list'), '○ helm list — recorded (dry run)');
  assert.doesNotMatch(summariseResult(base, 'x', {sessionDir: '/elsewhere'}), /\.\./);
});
