// A tcpdump that fails at once (no such interface, no permission) ends the headless PXE window:
// the step no longer sits out its 60 s listening to nothing (issue 14, item 14).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {DiscoverySession} from '../../source/discovery/session.js';
import type {SpawnedProcess} from '../../source/discovery/pxe-capture.js';
import {listenForPxe} from '../../source/steps/discover/step.js';
import type {Clock} from '../../source/ports.js';

/** A clock whose sleep ends only by abort, as a 60 s window would look to a bounded test. */
const stuckClock: Clock = {
  now: () => 0,
  sleep: (_ms, signal) =>
    new Promise((_resolve, reject) =>
      signal?.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), {once: true}),
    ),
};

/** tcpdump as it fails on a missing interface: a line on stderr and exit 1, right away. */
function failingTcpdump(): SpawnedProcess {
  const child = new EventEmitter() as EventEmitter & SpawnedProcess;
  const stderr = new PassThrough();
  Object.assign(child, {stdout: new PassThrough(), stderr, kill: () => true});
  setImmediate(() => {
    stderr.write('tcpdump: eth9: No such device exists\n');
    setImmediate(() => child.emit('exit', 1, null));
  });
  return child;
}

test('a capture that fails at once ends the listening window, with its reason', {timeout: 10_000}, async () => {
  const session = new DiscoverySession({
    step: 'discover',
    pxe: {mode: 'capture', iface: 'eth9', spawn: failingTcpdump},
  });
  const run = new AbortController();
  await session.start(run.signal);
  assert.equal(session.snapshot().sources.pxe.state, 'running');
  await listenForPxe(session, stuckClock, 60_000, run.signal);
  const pxe = session.snapshot().sources.pxe;
  assert.equal(pxe.state, 'failed');
  assert.match(pxe.message ?? '', /interface does not exist/);
  await session.stop();
});

test('an interrupt during the window still ends the step as an interrupt', {timeout: 10_000}, async () => {
  const quiet = (): SpawnedProcess => {
    const child = new EventEmitter() as EventEmitter & SpawnedProcess;
    Object.assign(child, {stdout: new PassThrough(), stderr: new PassThrough(), kill: () => true});
    return child;
  };
  const session = new DiscoverySession({step: 'discover', pxe: {mode: 'capture', iface: 'eth0', spawn: quiet}});
  const run = new AbortController();
  await session.start(run.signal);
  const reason = new Error('interrupted');
  setImmediate(() => run.abort(reason));
  await assert.rejects(listenForPxe(session, stuckClock, 60_000, run.signal), reason);
  await session.stop();
});
