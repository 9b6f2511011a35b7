// The demo command's pure parts: --speed, session names, the demo network and the parts' answers.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {runCli, tempHome} from '../helpers/cli.js';
import {nextDemoName, parseSpeed, pickDemoSession} from '../../source/commands/run-demo.js';
import {answersDigest, mergePartAnswers} from '../../source/demo/open-world.js';
import {createDemoNet, isLoopback, noNet} from '../../source/demo/net.js';
import {NetRouteError} from '../../source/ports.js';
import {emptyPart} from '../../source/demo/parts/types.js';
import {createSession} from '../../source/session/store.js';
import {UsageError} from '../../source/cli-options.js';

test('--speed takes a positive number; anything else is a usage error naming --speed (exit 2)', async () => {
  assert.equal(parseSpeed(undefined), undefined);
  assert.equal(parseSpeed('50'), 50);
  assert.equal(parseSpeed('0.5'), 0.5);
  for (const bad of ['0', '-3', 'abc', '', 'Infinity', 'NaN']) assert.throws(() => parseSpeed(bad), UsageError, bad);
  for (const bad of ['0', 'fast']) {
    const out = await runCli(['demo', '--speed', bad, '--non-interactive'], {EKSA_KONG_HOME: tempHome()});
    assert.equal(out.code, 2);
    assert.match(out.stderr, /--speed must be a positive number/);
  }
});

test('demo session names: demo, then demo-2, demo-3 when taken', () => {
  assert.equal(nextDemoName(new Set()), 'demo');
  assert.equal(nextDemoName(new Set(['demo'])), 'demo-2');
  assert.equal(nextDemoName(new Set(['demo', 'demo-2', 'lab1'])), 'demo-3');
});

test('the demo resumes the newest unfinished demo session, never a real one; --new or a finished demo gives a new name', async () => {
  const home = tempHome();
  assert.deepEqual(await pickDemoSession(home, {}), {name: 'demo', create: true});
  await createSession(home, 'lab1', 'real');
  await createSession(home, 'demo', 'demo');
  assert.deepEqual(await pickDemoSession(home, {}), {name: 'demo', create: false});
  assert.deepEqual(await pickDemoSession(home, {fresh: true}), {name: 'demo-2', create: true});
  assert.deepEqual(await pickDemoSession(home, {name: 'demo'}), {name: 'demo', create: false});
  assert.deepEqual(await pickDemoSession(home, {name: 'show1'}), {name: 'show1', create: true});
  await assert.rejects(pickDemoSession(home, {name: 'lab1'}), /lab1 is a real session/);
});

test('demo Net: simulated addresses go to their loopback servers, loopback passes, anything else is refused', async () => {
  const net = createDemoNet(
    [
      {host: '10.20.1.11', port: 443, to: {host: '127.0.0.1', port: 40111}},
      {host: 'cp-cluster.elb.example', port: 8005, to: {host: '127.0.0.1', port: 40005}},
    ],
    {'cp-cluster.elb.example': ['203.0.113.5']},
  );
  assert.deepEqual(net.route('10.20.1.11', 443), {host: '127.0.0.1', port: 40111});
  assert.deepEqual(net.route('CP-Cluster.elb.example', 8005), {host: '127.0.0.1', port: 40005});
  assert.deepEqual(net.route('127.0.0.1', 6443), {host: '127.0.0.1', port: 6443});
  assert.throws(() => net.route('10.20.1.11', 22), NetRouteError, 'same host, other port');
  assert.throws(() => net.route('1.1.1.1', 443), NetRouteError);
  assert.throws(() => net.route('example.com', 80), /not part of the simulated data center/);
  assert.deepEqual(await net.lookup('cp-cluster.elb.example.'), ['203.0.113.5']);
  assert.deepEqual(await net.lookup('10.20.1.11'), ['10.20.1.11']);
  assert.deepEqual(await net.lookup('localhost'), ['127.0.0.1']);
  await assert.rejects(net.lookup('kong.com'), NetRouteError);
  assert.throws(
    () => createDemoNet([{host: '10.0.0.1', port: 1, to: {host: '10.0.0.2', port: 1}}], {}),
    /must lead to loopback/,
  );
  assert.ok(isLoopback('127.3.4.5') && isLoopback('::1') && isLoopback('[::1]') && !isLoopback('10.0.0.1'));
  assert.throws(() => noNet.route('127.0.0.1', 1), NetRouteError);
});

test("parts' answers merge in order: objects key by key, lists replaced; the digest follows the content", () => {
  const a = {...emptyPart(), answers: {network: {netmask: '255.255.255.0'}, machines: []}};
  const b = {...emptyPart(), answers: {network: {gateway: '10.20.0.1'}, cluster: {name: 'demo'}}};
  const merged = mergePartAnswers([a, b]);
  assert.deepEqual(merged, {
    network: {netmask: '255.255.255.0', gateway: '10.20.0.1'},
    machines: [],
    cluster: {name: 'demo'},
  });
  assert.equal(answersDigest(merged), answersDigest(mergePartAnswers([a, b])));
  assert.notEqual(
    answersDigest(merged),
    answersDigest(mergePartAnswers([b, a, {...emptyPart(), answers: {cluster: {name: 'x'}}}])),
  );
});
