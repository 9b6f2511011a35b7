import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, writeFileSync, existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {cleanupInk, KEYS} from '../helpers/ink.js';
import {FakeCommandRunner, type FakeReply} from '../helpers/cluster-fakes.js';
import {renderStep, sessionAt} from '../helpers/step-screen.js';
import {testPorts} from '../helpers/step-context.js';

afterEach(() => cleanupInk());

const ipAddr = JSON.stringify([
  {
    ifname: 'lo',
    flags: ['LOOPBACK', 'UP'],
    link_type: 'loopback',
    addr_info: [{family: 'inet', local: '127.0.0.1', prefixlen: 8}],
  },
  {
    ifname: 'eno1',
    flags: ['BROADCAST', 'UP'],
    address: 'aa:00:00:00:00:01',
    addr_info: [{family: 'inet', local: '10.20.0.10', prefixlen: 24}],
  },
  {
    ifname: 'eno2',
    flags: ['BROADCAST', 'UP'],
    address: 'aa:00:00:00:00:02',
    addr_info: [{family: 'inet', local: '192.168.50.4', prefixlen: 24}],
  },
]);

function replies(extra: Record<string, FakeReply> = {}): Record<string, FakeReply> {
  return {
    'eksctl version': {lines: ['0.215.0']},
    'eksctl anywhere version': {lines: ['Version: v0.26.1']},
    docker: {
      lines: [
        JSON.stringify({
          Client: {Version: '28.2.2'},
          Server: {Version: '28.2.2', Platform: {Name: 'Docker Engine - Community'}},
        }),
      ],
    },
    'docker ps': {lines: []},
    kubectl: {lines: [JSON.stringify({clientVersion: {gitVersion: 'v1.33.1'}})]},
    helm: {lines: ['v3.18.4+gb1a6fb2']},
    'ip -j addr': {lines: [ipAddr]},
    ...extra,
  };
}

test(
  'preflight: the checklist with marks and fixes, the interface chosen from ip -j addr, then Enter completes',
  {timeout: 20_000},
  async () => {
    const ports = testPorts({runner: new FakeCommandRunner(replies())});
    const h = renderStep('preflight', sessionAt('preflight', {}), ports);
    let screen = await h.app.waitFor('Provisioning interface (cabled', {timeoutMs: 10_000});
    assert.match(screen, /✔ eksctl and eksctl-anywhere: eksctl 0\.215\.0, eksctl-anywhere v0\.26\.1/);
    assert.match(screen, /▸ eno1 +10\.20\.0\.10\/24/);
    assert.match(screen, /eno2 +192\.168\.50\.4\/24/);
    await h.app.press(KEYS.down, KEYS.up, KEYS.enter);
    screen = await h.app.waitFor('Press Enter to continue', {timeoutMs: 10_000});
    assert.deepEqual(h.controller.get().answers.admin, {interface: 'eno1', bootstrapIp: '10.20.0.10'});
    assert.match(screen, /✔ Provisioning interface and bootstrap IP: eno1 10\.20\.0\.10\/24/);
    await h.app.press(KEYS.enter);
    assert.equal(h.completed.length, 1);
    assert.match(h.completed[0]!.summary, /provisioning on eno1 10\.20\.0\.10/);
  },
);

test('preflight: a failed check blocks Enter and says why; r re-runs the checks', {timeout: 20_000}, async () => {
  const broken = new FakeCommandRunner(replies({helm: {notFound: true}}));
  const ports = testPorts({runner: broken});
  const h = renderStep(
    'preflight',
    sessionAt('preflight', {admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'}}),
    ports,
  );
  const screen = await h.app.waitFor('Cannot continue', {timeoutMs: 10_000});
  assert.match(screen, /✘ helm: helm is not on PATH/);
  assert.match(screen, /→ Install helm 3/);
  assert.match(screen, /1 check failed: helm/);
  await h.app.press(KEYS.enter);
  assert.equal(h.completed.length, 0, 'a failed check blocks completion');
  const before = broken.started.length;
  await h.app.press('r');
  await h.app.waitFor('Cannot continue', {timeoutMs: 10_000});
  assert.ok(broken.started.length > before, 'r ran the commands again');
});

test(
  'preflight: leftovers of a failed create are cleaned up after y, in an output pane, the folder moved aside',
  {timeout: 20_000},
  async () => {
    const smee = JSON.stringify({
      ID: 'abc',
      Names: 'smee',
      Image: 'smee:v1',
      State: 'running',
      Status: 'Up',
      Labels: '',
    });
    const runner = new FakeCommandRunner(
      replies({'docker ps': {lines: [smee]}, 'docker rm -f smee': {lines: ['smee']}}),
    );
    const ports = testPorts({runner});
    mkdirSync(join(ports.sessionDir, 'seed', 'generated'), {recursive: true});
    writeFileSync(join(ports.sessionDir, 'seed', 'generated', 'seed.kind.kubeconfig'), 'x');
    const h = renderStep(
      'preflight',
      sessionAt('preflight', {admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'}, cluster: {name: 'seed'}}),
      ports,
    );
    let screen = await h.app.waitFor('c cleans them up', {timeoutMs: 10_000});
    assert.match(screen, /No leftovers of an earlier create: found container smee, folder seed/);
    await h.app.press('c');
    screen = await h.app.waitFor('Clean up the leftovers');
    assert.match(screen, /\$ docker rm -f smee/);
    await h.app.press('y');
    screen = await h.app.waitFor('moved seed/ aside', {timeoutMs: 10_000});
    assert.ok(
      runner.started.some(s => s.command === 'docker' && s.args.join(' ') === 'rm -f smee' && s.step === 'preflight'),
    );
    assert.equal(existsSync(join(ports.sessionDir, 'seed')), false);
    assert.ok(readdirSync(ports.sessionDir).some(n => n.startsWith('seed.failed-')));
  },
);
