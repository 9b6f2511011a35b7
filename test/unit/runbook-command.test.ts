// `eksa-kong runbook NAME`: the recorded commands as a bash script; never a secret, even one a step
// recorded by mistake; an unknown session exits 2.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {runCli, tempHome} from '../helpers/cli.js';
import {openSession} from '../../source/wizard/open-session.js';

const BMC = 'inline-bmc-Secret-93';
const TOKEN = 'kpat_inline_token_5150';

async function sessionWithSecrets(home: string) {
  const opened = await openSession({
    home,
    name: 'rb1',
    create: 'dry-run',
    env: {},
    command: 'test',
    answers: {
      machines: [
        {
          hostname: 'eksa-cp01',
          mac: 'aa:bb:cc:00:00:01',
          ip: '10.20.0.11',
          role: 'cp',
          disk: '/dev/sda',
          bmc: {ip: '10.20.1.11', username: 'admin', password: BMC},
        },
      ],
      controlPlane: {adminUrl: 'https://cp.example.com:8444', adminToken: TOKEN},
    },
  });
  try {
    // As a step records it: the token named for the runbook.
    await opened.ports.runner.start({
      command: 'curl',
      args: ['-sS', '-H', `Kong-Admin-Token: ${TOKEN}`, 'https://cp.example.com:8444/clustering/status'],
      step: 'verify',
      secretEnv: {KONG_ADMIN_TOKEN: TOKEN},
      title: 'Ask the control plane for its data planes',
    }).done;
    // A step that forgot to declare its secret: the session's known secrets still mask it.
    await opened.ports.runner.start({
      command: 'ipmitool',
      args: ['-H', '10.20.1.11', '-U', 'admin', '-P', BMC, 'power', 'status'],
      step: 'discover',
    }).done;
    // And one written straight into the record by mistake, in a secret-bearing slot.
    opened.controller.dispatch({
      type: 'command-recorded',
      record: {step: 'verify', command: 'tool', args: ['--password', BMC], at: new Date().toISOString()},
    });
  } finally {
    opened.close();
  }
}

test(
  'runbook prints the recorded commands as a bash script with ${NAME} references and no secret value',
  {timeout: 30_000},
  async () => {
    const home = tempHome();
    await sessionWithSecrets(home);
    const out = await runCli(['runbook', 'rb1'], {EKSA_KONG_HOME: home});
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^#!\/usr\/bin\/env bash\n/);
    assert.match(out.stdout, /curl -sS -H 'Kong-Admin-Token: '"\$\{KONG_ADMIN_TOKEN\}" /);
    assert.match(out.stdout, /: "\$\{KONG_ADMIN_TOKEN:\?/);
    assert.match(out.stdout, /ipmitool -H 10\.20\.1\.11 -U admin -P "\$\{REDACTED_SECRET_1\}" power status/);
    assert.match(out.stdout, /\ntool --password "\$\{REDACTED_SECRET_1\}"\n/);
    assert.ok(!out.stdout.includes(BMC), 'no BMC password');
    assert.ok(!out.stdout.includes(TOKEN), 'no admin token');
    const file = join(home, 'rb1.sh');
    writeFileSync(file, out.stdout);
    const syntax = spawnSync('bash', ['-n', file], {encoding: 'utf8'});
    assert.equal(syntax.status, 0, syntax.stderr);
  },
);

test('runbook of an unknown session exits 2 and names it', async () => {
  const out = await runCli(['runbook', 'nope'], {EKSA_KONG_HOME: tempHome()});
  assert.equal(out.code, 2);
  assert.match(out.stderr, /no session named nope/);
  assert.equal(out.stdout, '');
});

test(
  'a secret equal to a plain argument is stored and printed as the command ran; a short one in a slot replays from its variable',
  {timeout: 30_000},
  async () => {
    const home = tempHome();
    const opened = await openSession({
      home,
      name: 'rb2',
      create: 'dry-run',
      env: {},
      command: 'test',
      answers: {
        machines: [
          {
            hostname: 'eksa-cp01',
            mac: 'aa:bb:cc:00:00:01',
            ip: '10.20.0.11',
            role: 'cp',
            disk: '/dev/sda',
            bmc: {ip: '10.20.1.11', username: 'admin', password: 'ab'},
          },
        ],
        controlPlane: {adminUrl: 'https://cp.example.com:8444', adminToken: 'kong'},
      },
    });
    try {
      await opened.ports.runner.start({
        command: 'helm',
        args: ['repo', 'add', 'kong', 'https://charts.konghq.com'],
        step: 'data-plane',
      }).done;
      await opened.ports.runner.start({
        command: 'ipmitool',
        args: ['-H', '10.20.1.11', '-U', 'admin', '-P', 'ab', 'power', 'status'],
        step: 'discover',
      }).done;
    } finally {
      opened.close();
    }
    const stored = readFileSync(join(home, 'sessions', 'rb2', 'session.json'), 'utf8');
    assert.match(stored, /"args": \[\s*"repo",\s*"add",\s*"kong",\s*"https:\/\/charts\.konghq\.com"\s*\]/);
    const out = await runCli(['runbook', 'rb2'], {EKSA_KONG_HOME: home});
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /\nhelm repo add kong https:\/\/charts\.konghq\.com\n/);
    assert.match(out.stdout, /\nipmitool -H 10\.20\.1\.11 -U admin -P "\$\{REDACTED_SECRET_1\}" power status\n/);
    assert.ok(!out.stdout.includes('***'), out.stdout);
    const file = join(home, 'rb2.sh');
    writeFileSync(file, out.stdout);
    assert.equal(spawnSync('bash', ['-n', file], {encoding: 'utf8'}).status, 0);
    // Replay against stand-ins that write down what they were given.
    const bin = join(home, 'bin');
    mkdirSync(bin);
    for (const tool of ['helm', 'ipmitool']) {
      writeFileSync(
        join(bin, tool),
        `#!/bin/sh\nprintf '%s|' "$(basename "$0")" "$@" >> "${join(home, 'calls')}"\necho >> "${join(home, 'calls')}"\n`,
      );
      chmodSync(join(bin, tool), 0o755);
    }
    const env = {PATH: `${bin}:/usr/bin:/bin`};
    const unset = spawnSync('bash', [file], {encoding: 'utf8', env});
    assert.notEqual(unset.status, 0, 'refuses to run without the secret');
    assert.match(unset.stderr, /REDACTED_SECRET_1/);
    const ran = spawnSync('bash', [file], {encoding: 'utf8', env: {...env, REDACTED_SECRET_1: 'ab'}});
    assert.equal(ran.status, 0, ran.stderr);
    assert.deepEqual(readFileSync(join(home, 'calls'), 'utf8').trim().split('\n'), [
      'helm|repo|add|kong|https://charts.konghq.com|',
      'ipmitool|-H|10.20.1.11|-U|admin|-P|ab|power|status|',
    ]);
  },
);
