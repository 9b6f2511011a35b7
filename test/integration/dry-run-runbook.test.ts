// Dry run end to end, in-process: `--dry-run --non-interactive --answers templates/answers.example.yaml`
// goes through every step this build has, then `runbook NAME` prints what they recorded. No socket may
// connect and no datagram may leave while it runs (Socket.connect and dgram send are trapped).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import net from 'node:net';
import dgram from 'node:dgram';
import {runCli, tempHome} from '../helpers/cli.js';
import {STEP_IDS} from '../../source/wizard/step-ids.js';
import {shellQuote} from '../../source/run/command-line.js';

const BMC_PASSWORD = 'bmc-Pa55-dry-run-7781';
const KONG_ADMIN_TOKEN = 'kpat_dry_run_token_4242';

function trapNetwork(): {attempts: string[]; restore(): void} {
  const attempts: string[] = [];
  const connect = net.Socket.prototype.connect;
  const send = dgram.Socket.prototype.send;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    attempts.push(`tcp ${JSON.stringify(args[0])}`);
    throw new Error('network is off in this test');
  } as typeof connect;
  dgram.Socket.prototype.send = function (...args: unknown[]) {
    attempts.push(`udp ${String(args[args.length - 2] ?? '')}`);
    throw new Error('network is off in this test');
  } as typeof send;
  return {
    attempts,
    restore() {
      net.Socket.prototype.connect = connect;
      dgram.Socket.prototype.send = send;
    },
  };
}

test(
  'dry run of answers.example.yaml records the commands of every step it reaches; runbook prints them, no secret, no network',
  {timeout: 60_000},
  async () => {
    const home = tempHome();
    const answers = join(home, 'answers.yaml');
    copyFileSync('templates/answers.example.yaml', answers);
    const env = {EKSA_KONG_HOME: home, BMC_PASSWORD, KONG_ADMIN_TOKEN};

    const trap = trapNetwork();
    // The trap itself works: a connection attempt is caught and counted.
    assert.throws(() => net.connect(9, '127.0.0.1'), /network is off/);
    assert.equal(trap.attempts.length, 1);
    trap.attempts.length = 0;
    let run;
    try {
      run = await runCli(['--dry-run', '--non-interactive', '--answers', answers], env);
    } finally {
      trap.restore();
    }
    assert.deepEqual(trap.attempts, [], 'a dry run opened no connection and sent no datagram');
    // The example answers are complete: a dry run goes through every step.
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /unexpected error/);

    const session = JSON.parse(readFileSync(join(home, 'sessions', 'lab1', 'session.json'), 'utf8'));
    assert.equal(session.world, 'dry-run');
    assert.equal(session.status, 'done');
    for (const id of STEP_IDS) assert.equal(session.steps[id].state, 'done', `${id} done`);
    assert.ok(session.commands.length > 0, 'the steps that ran recorded commands');

    const book = await runCli(['runbook', 'lab1'], env);
    assert.equal(book.code, 0, book.stderr);
    // Each recorded command is in the runbook, quoted as the renderer quotes it, in order.
    let from = 0;
    for (const c of session.commands as Array<{command: string; args: string[]}>) {
      const line = [c.command, ...c.args]
        .map(w => (/\$\{[A-Za-z_]\w*\}/.test(w) ? null : shellQuote(w)))
        .filter(w => w !== null)
        .join(' ');
      const at = book.stdout.indexOf(line.split(' ')[0]!, from);
      assert.ok(at >= 0, `runbook has ${c.command}`);
      if (!c.args.some(a => a.includes('${'))) assert.ok(book.stdout.includes(line), `runbook has: ${line}`);
      from = at;
    }
    for (const secret of [BMC_PASSWORD, KONG_ADMIN_TOKEN]) {
      assert.ok(!book.stdout.includes(secret), 'no secret in the runbook');
      assert.ok(!JSON.stringify(session).includes(secret), 'no secret in session.json');
    }
    const script = join(home, 'runbook.sh');
    writeFileSync(script, book.stdout);
    const syntax = spawnSync('bash', ['-n', script], {encoding: 'utf8'});
    assert.equal(syntax.status, 0, syntax.stderr);
  },
);
