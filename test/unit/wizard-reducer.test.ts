import {test} from 'node:test';
import assert from 'node:assert/strict';
import {newSession} from '../../source/session/schema.js';
import {
  changedKeys,
  firstUnfinishedStep,
  mergeAnswers,
  wizardReducer,
  type WizardAction,
} from '../../source/wizard/reducer.js';
import type {Session} from '../../source/session/schema.js';

const at = '2026-11-27T10:00:00.000Z';
const run = (s: Session, ...actions: WizardAction[]) => actions.reduce(wizardReducer, s);
const finish = (s: Session): Session =>
  run(
    s,
    {type: 'step-started', step: s.currentStep, at},
    {type: 'step-finished', step: s.currentStep, at, summary: 'ok'},
    {type: 'next'},
  );

test('next is refused until the current step is done', () => {
  const s = newSession('lab1', 'real');
  assert.equal(wizardReducer(s, {type: 'next'}), s);
  const done = finish(s);
  assert.equal(done.currentStep, 'preflight');
  assert.equal(done.steps.welcome.state, 'done');
  assert.equal(done.status, 'running');
});

test('back keeps answers and never leaves a running step', () => {
  let s = finish(finish(newSession('lab1', 'real')));
  s = run(s, {type: 'set-answers', patch: {network: {netmask: '255.255.255.0'}}});
  const back = run(s, {type: 'back'});
  assert.equal(back.currentStep, 'preflight');
  assert.equal(back.answers.network?.netmask, '255.255.255.0');
  const running = run(s, {type: 'step-started', step: s.currentStep, at});
  assert.equal(run(running, {type: 'back'}).currentStep, s.currentStep);
});

test('a changed answer invalidates the finished steps that depend on it, not earlier ones', () => {
  let s = newSession('lab1', 'real');
  for (let i = 0; i < 5; i++) s = finish(s); // welcome..cluster-spec done, current create-cluster
  assert.equal(s.currentStep, 'create-cluster');
  // Go back to hardware and change the machines.
  s = run(s, {type: 'back'}, {type: 'back'});
  assert.equal(s.currentStep, 'hardware');
  s = run(s, {
    type: 'set-answers',
    patch: {machines: [{hostname: 'a', mac: 'aa:bb:cc:dd:ee:ff', ip: '10.0.0.2', role: 'cp', disk: '/dev/sda'}]},
  });
  assert.equal(s.steps['cluster-spec'].state, 'pending');
  assert.match(s.steps['cluster-spec'].error ?? '', /machines changed/);
  assert.equal(s.steps.hardware.state, 'done', 'the step being edited keeps its state');
  assert.equal(s.steps.discover.state, 'done');
  // Setting the same answers again changes nothing.
  const same = run(s, {type: 'set-answers', patch: {machines: s.answers.machines}});
  assert.equal(same, s);
});

test('control-plane answers invalidate data-plane and verify but not the cluster', () => {
  let s = newSession('lab1', 'real');
  for (let i = 0; i < 9; i++) s = finish(s); // current: done
  s = run(s, {type: 'goto', step: 'control-plane'});
  assert.equal(s.currentStep, 'control-plane');
  s = run(s, {type: 'set-answers', patch: {controlPlane: {namespace: 'kong2'}}});
  assert.equal(s.steps['data-plane'].state, 'pending');
  assert.equal(s.steps.verify.state, 'pending');
  assert.equal(s.steps['create-cluster'].state, 'done');
});

test('goto refuses a step whose predecessors are unfinished', () => {
  const s = newSession('lab1', 'real');
  assert.equal(run(s, {type: 'goto', step: 'verify'}).currentStep, 'welcome');
});

test('attempts are counted and a failure keeps its error', () => {
  let s = finish(newSession('lab1', 'real'));
  s = run(
    s,
    {type: 'step-started', step: 'preflight', at},
    {type: 'step-failed', step: 'preflight', at, error: 'docker missing'},
  );
  assert.equal(s.steps.preflight.state, 'failed');
  assert.equal(s.status, 'failed');
  s = run(
    s,
    {type: 'step-started', step: 'preflight', at},
    {type: 'attempt-log', step: 'preflight', log: 'logs/preflight-2.log'},
  );
  assert.equal(s.steps.preflight.attempts.length, 2);
  assert.deepEqual(s.steps.preflight.attempts[1]!.logs, ['logs/preflight-2.log']);
  assert.equal(s.steps.preflight.attempts[0]!.result, 'failed');
});

test('recovered turns a running step into interrupted; quit saves as interrupted', () => {
  let s = finish(newSession('lab1', 'real'));
  s = run(s, {type: 'step-started', step: 'preflight', at});
  const r = run(s, {type: 'recovered', at});
  assert.equal(r.steps.preflight.state, 'interrupted');
  assert.equal(r.status, 'interrupted');
  assert.equal(r.steps.preflight.attempts[0]!.result, 'interrupted');
  const q = run(finish(newSession('x', 'real')), {type: 'quit', at});
  assert.equal(q.status, 'interrupted');
  assert.equal(firstUnfinishedStep(q), 'preflight');
});

test('mergeAnswers: patch wins, arrays replaced whole; changedKeys is dotted', () => {
  const merged = mergeAnswers({network: {netmask: 'a', nameservers: ['1', '2']}}, {network: {nameservers: ['3']}});
  assert.deepEqual(merged, {network: {netmask: 'a', nameservers: ['3']}});
  assert.deepEqual(changedKeys({a: {b: 1, c: 2}}, {a: {b: 1, c: 3}}), ['a.c']);
});

test('answers from a file invalidate every finished step that reads them, earlier ones too', () => {
  let s = newSession('lab1', 'real');
  for (let i = 0; i < 7; i++) s = finish(s); // current: data-plane
  s = run(s, {
    type: 'set-answers',
    patch: {machines: [{hostname: 'b', mac: 'aa:bb:cc:dd:ee:01', ip: '10.0.0.3', role: 'worker', disk: '/dev/sda'}]},
    external: true,
  });
  assert.equal(s.steps.hardware.state, 'pending');
  assert.equal(s.steps['cluster-spec'].state, 'pending');
  assert.equal(s.steps['create-cluster'].state, 'pending');
  assert.equal(s.steps['control-plane'].state, 'done');
  assert.equal(firstUnfinishedStep(s), 'hardware');
});

test('a screen that changes an answer an earlier step read sends that step back too, but never itself', () => {
  let s = newSession('lab1', 'real');
  for (let i = 0; i < 4; i++) s = finish(s); // current: cluster-spec; hardware done
  s = run(s, {type: 'set-answers', patch: {network: {gateway: '10.0.0.254'}}});
  assert.equal(s.steps.hardware.state, 'pending');
  assert.equal(s.currentStep, 'cluster-spec');
});

test('the smoke-test switch only sends verify back; a new certificate choice leaves the control plane done', () => {
  let s = newSession('lab1', 'real');
  for (let i = 0; i < 8; i++) s = finish(s); // current: verify; data-plane done
  s = run(s, {type: 'set-answers', patch: {dataPlane: {smokeTest: false}}});
  assert.equal(s.steps['data-plane'].state, 'done');
  s = run(s, {type: 'back'});
  s = run(s, {type: 'set-answers', patch: {controlPlane: {generateCert: true}}});
  assert.equal(s.steps['control-plane'].state, 'done');
  assert.equal(s.steps.verify.state, 'pending');
});

test('a finished session re-run with answers that break a step follows the last attempt, not the old done', () => {
  let s = newSession('lab1', 'real');
  for (let i = 0; i < 10; i++) s = finish(s);
  assert.equal(s.status, 'done');
  s = run(s, {type: 'set-answers', patch: {controlPlane: {namespace: 'kong2'}}, external: true});
  assert.equal(s.steps['data-plane'].state, 'pending');
  assert.equal(s.steps.done.state, 'pending', 'the summary no longer holds once a step before it is unfinished');
  assert.notEqual(s.status, 'done');
  assert.equal(firstUnfinishedStep(s), 'control-plane');
  s = run(
    s,
    {type: 'step-started', step: 'control-plane', at},
    {type: 'step-failed', step: 'control-plane', at, error: 'no such namespace'},
  );
  assert.equal(s.status, 'failed');
  assert.equal(s.steps['control-plane'].state, 'failed');
  // A step that fails on its own re-check (no answer changed) also reopens the session.
  let t = newSession('lab2', 'real');
  for (let i = 0; i < 10; i++) t = finish(t);
  t = run(t, {type: 'step-invalidated', step: 'verify', reason: 'the data plane is gone'});
  assert.equal(t.steps.done.state, 'pending');
  assert.equal(t.status, 'running');
});
