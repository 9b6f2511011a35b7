// The Discover state machine without Ink: the settings form, pick rules, the trust and power-on
// questions, invalidation of hardware.csv when the picks change, what leaving keeps, and the autoplay
// sequence of the guided demo.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {DiscoveredMachine} from '../../source/discovery/correlate.js';
import type {DiscoverySnapshot} from '../../source/discovery/session.js';
import {
  autoplayNext,
  dataToKeepOnLeave,
  finishProblem,
  initialDiscoverState,
  pendingTrust,
  picksChanged,
  reduceDiscover,
  rowsOf,
  selectedOf,
  type DiscoverAction,
  type DiscoverState,
} from '../../source/steps/discover/state.js';
import {finishDiscover, keepFoundOnLeave} from '../../source/steps/discover/flow.js';
import {ipmiHostOf} from '../../source/steps/discover/power-on.js';
import {newSession, type Session} from '../../source/session/schema.js';
import {SessionController} from '../../source/wizard/controller.js';
import {stepContext, testPorts} from '../helpers/step-context.js';

const play = (s: DiscoverState, ...actions: DiscoverAction[]) => actions.reduce(reduceDiscover, s);

function machine(id: string, over: Partial<DiscoveredMachine> = {}): DiscoveredMachine {
  return {id, sources: ['redfish'], macs: [`aa:bb:cc:00:00:0${id.length}`], pxe: false, conflicts: [], ...over};
}

function snapshot(machines: DiscoveredMachine[], over: Partial<DiscoverySnapshot> = {}): DiscoverySnapshot {
  return {
    machines,
    sources: {
      pxe: {state: 'running'},
      redfish: {state: 'done'},
      ipmi: {state: 'off'},
      neighbours: {state: 'off'},
      csv: {state: 'off'},
    },
    needsTrust: [],
    problems: [],
    bmcCandidates: [],
    notInstallable: [],
    warnings: [],
    ...over,
  };
}

const session = (): Session => newSession('lab1', 'real', new Date('2026-12-06T10:00:00Z'));
const live = (machines: DiscoveredMachine[], over: Partial<DiscoverySnapshot> = {}, at = 1000) =>
  play(initialDiscoverState(session()), {type: 'started', snap: snapshot(machines, over), at});

test('discover state: starts on the sources, on the answers’ machines, or on the last discovery', () => {
  const fresh = initialDiscoverState(session());
  assert.equal(fresh.phase, 'setup');
  const s = session();
  s.answers.machines = [
    {hostname: 'eksa-cp01', mac: 'AA:BB:CC:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
  ];
  const fromAnswers = initialDiscoverState(s);
  assert.equal(fromAnswers.phase, 'live');
  assert.deepEqual(selectedOf(fromAnswers), [{id: 'answers:eksa-cp01', role: 'cp'}]);
  assert.equal(fromAnswers.staticMachines[0]!.bootMac, 'aa:bb:cc:00:00:01');
  const again = session();
  again.steps.discover.data = {machines: [machine('m1'), machine('m22')], selected: [{id: 'm22', role: 'cp'}]};
  const last = initialDiscoverState(again);
  assert.equal(last.phase, 'live');
  assert.match(last.message!.text, /Results of the last discovery/);
  assert.deepEqual(selectedOf(last), [{id: 'm22', role: 'cp'}]);
});

test('discover state: the sources form moves, toggles, edits; Esc leaves a value as it was; the password stays apart', () => {
  let s = initialDiscoverState(session());
  const names = () => rowsOf(s).map(r => r.id);
  assert.deepEqual(names(), ['pxe', 'capture', 'redfish', 'neighbours', 'import']);
  s = play(s, {type: 'focus', by: -1});
  assert.equal(rowsOf(s)[s.focus]!.id, 'import', 'Up from the first row wraps to the last');
  s = play(s, {type: 'focus', by: 1}, {type: 'toggle'});
  assert.equal(s.settings.pxe.enabled, true);
  s = play(s, {type: 'edit-open'}, {type: 'edit-change', value: '6767'}, {type: 'edit-cancel'});
  assert.equal(s.settings.pxe.port, 67, 'Esc: the port is as it was');
  assert.equal(s.editing, null);
  s = play(s, {type: 'edit-open'}, {type: 'edit-change', value: '6767'}, {type: 'edit-commit', value: '6767'});
  assert.equal(s.settings.pxe.port, 6767);
  s = play(s, {type: 'focus', by: 1}, {type: 'focus', by: 1}, {type: 'edit-commit', value: '10.20.1.0/28'});
  assert.equal(s.settings.redfish.enabled, true);
  assert.deepEqual(names(), ['pxe', 'capture', 'redfish', 'username', 'password', 'insecure', 'neighbours', 'import']);
  s = play(s, {type: 'focus', by: 1}, {type: 'focus', by: 1}, {type: 'edit-open'});
  assert.equal(s.editing, '', 'the password field opens empty');
  s = play(s, {type: 'edit-commit', value: 'calvin'});
  assert.equal(s.password, 'calvin');
  assert.ok(!JSON.stringify(s.settings).includes('calvin'), 'the password is not in the settings saved as answers');
  s = play(s, {type: 'focus', by: 1});
  assert.equal(rowsOf(s)[s.focus]!.id, 'insecure');
  s = play(s, {type: 'edit-open'});
  assert.equal(s.settings.redfish.insecure, true, 'Enter on a switch flips it');
});

test('discover state: pick rules: first pick cp, then workers; Space drops; c and w set the role; a skips machines without a MAC', () => {
  const ms = [machine('m1'), machine('m22'), machine('m333', {macs: []}), machine('m4444', {labels: {type: 'cp'}})];
  let s = live(ms);
  assert.equal(finishProblem(s), 'Pick at least one machine (Space), or a for all.');
  s = play(s, {type: 'pick'}, {type: 'cursor', by: 1}, {type: 'pick'});
  assert.deepEqual(selectedOf(s), [
    {id: 'm1', role: 'cp'},
    {id: 'm22', role: 'worker'},
  ]);
  s = play(s, {type: 'cursor', by: -1}, {type: 'pick'});
  assert.deepEqual(selectedOf(s), [{id: 'm22', role: 'worker'}], 'Space on a picked machine drops it');
  assert.equal(finishProblem(s), 'Make at least one picked machine the control plane (c).');
  s = play(s, {type: 'cursor', by: 1}, {type: 'cursor', by: 1}, {type: 'pick', role: 'cp'});
  assert.match(finishProblem(s)!, /m333 has no MAC yet: power it on \(p\) or drop it/);
  s = play(s, {type: 'cursor', by: 1}, {type: 'cursor', by: 1});
  assert.equal(s.cursor, 3, 'the cursor stops at the last machine');
  s = play(s, {type: 'pick-all'});
  assert.deepEqual(selectedOf(s), [
    {id: 'm1', role: 'cp'},
    {id: 'm22', role: 'worker'},
    {id: 'm4444', role: 'cp'},
  ]);
  assert.equal(finishProblem(s), null);
  assert.equal(play(s, {type: 'pick', role: 'worker'}).roles.get('m4444'), 'worker');
});

test('discover state: trust questions in turn; n or Esc declines one and the next is asked; power-on asks first', () => {
  const needsTrust = [
    {key: '10.20.1.11', fingerprint: 'AA'},
    {key: '10.20.1.12', fingerprint: 'BB'},
  ];
  let s = live([machine('m1', {bmc: {address: '10.20.1.11:8443'}}), machine('m22')], {needsTrust});
  assert.deepEqual(pendingTrust(s), needsTrust[0]);
  s = play(s, {type: 'decline', key: '10.20.1.11'});
  assert.deepEqual(pendingTrust(s), needsTrust[1]);
  assert.equal(s.phase, 'live', 'declining stays on the step');
  s = play(s, {type: 'decline', key: '10.20.1.12'});
  assert.equal(pendingTrust(s), null);
  s = play(s, {type: 'power-ask'});
  assert.equal(s.confirmPower, '10.20.1.11:8443');
  assert.equal(ipmiHostOf(s.confirmPower!), '10.20.1.11', 'IPMI goes to the BMC host, not the Redfish port');
  s = play(s, {type: 'power-cancel'}, {type: 'cursor', by: 1}, {type: 'power-ask'});
  assert.equal(s.confirmPower, null);
  assert.deepEqual(s.message, {text: 'This machine has no known BMC address to power it on with.', error: true});
});

test('discover state: e goes back to the sources; a new discovery drops the old picks', () => {
  let s = play(live([machine('m1')]), {type: 'pick'}, {type: 'sources'});
  assert.equal(s.phase, 'setup');
  assert.equal(s.snap, null);
  s = play(s, {type: 'started', snap: snapshot([machine('m1')]), at: 5, note: 'hardware.csv: 1 problem'});
  assert.equal(s.roles.size, 0);
  assert.equal(s.message!.text, 'hardware.csv: 1 problem');
});

function controllerAt(s: Session) {
  const controller = new SessionController(s, x => x);
  return {controller, ctx: stepContext(controller, testPorts()).ctx};
}

test('discover flow: a changed pick invalidates hardware.csv, the same pick does not; leaving keeps the machines found', () => {
  const s = session();
  s.steps.discover.data = {machines: [machine('m1'), machine('m22')], selected: [{id: 'm1', role: 'cp'}]};
  s.steps.hardware = {state: 'done', attempts: [], summary: 'hardware.csv written'};
  const {controller, ctx} = controllerAt(s);
  let state = initialDiscoverState(ctx.session);
  const same = finishDiscover(ctx, state);
  assert.ok(same.ok);
  assert.equal(controller.get().steps.hardware.state, 'done', 'the same picks keep hardware.csv');
  state = play(state, {type: 'cursor', by: 1}, {type: 'pick'});
  assert.ok(picksChanged(ctx.session, selectedOf(state)));
  const changed = finishDiscover(ctx, state);
  assert.ok(changed.ok);
  assert.match(changed.ok ? changed.outcome.summary : '', /2 of 2 machines picked \(1 cp, 1 worker\)/);
  assert.notEqual(controller.get().steps.hardware.state, 'done', 'hardware.csv must be built again');

  const fresh = controllerAt(session());
  const found = play(initialDiscoverState(fresh.ctx.session), {
    type: 'started',
    snap: snapshot([machine('m1')]),
    at: 0,
  });
  assert.equal(dataToKeepOnLeave(initialDiscoverState(fresh.ctx.session), fresh.ctx.session), null);
  keepFoundOnLeave(fresh.ctx, play(found, {type: 'pick'}));
  const kept = fresh.controller.get().steps.discover.data as {machines: unknown[]; selected: unknown[]};
  assert.equal(kept.machines.length, 1);
  assert.deepEqual(kept.selected, [{id: 'm1', role: 'cp'}]);
});

test('discover autoplay: start, trust, wait for PXE (bounded), pick all, go on', () => {
  const patience = 15_000;
  assert.deepEqual(autoplayNext(initialDiscoverState(session()), 0, patience), {do: 'start', ms: 2000});
  const unbooted = machine('m1', {bootMac: 'aa:bb:cc:00:00:02', bootMacSource: 'redfish:BootOrder'});
  let s = live([unbooted], {needsTrust: [{key: '10.20.1.11', fingerprint: 'AA'}]}, 1000);
  assert.deepEqual(autoplayNext(s, 1000, patience), {do: 'trust', key: '10.20.1.11', fingerprint: 'AA', ms: 1500});
  s = play(s, {
    type: 'snapshot',
    snap: snapshot([unbooted], {
      sources: {...snapshot([]).sources, redfish: {state: 'running'}},
    }),
  });
  assert.equal(autoplayNext(s, 2000, patience)?.do, 'look-again', 'Redfish busy, PXE on: look again soon');
  s = play(s, {type: 'snapshot', snap: snapshot([unbooted])});
  assert.equal(autoplayNext(s, 2000, patience)?.do, 'look-again', 'waiting for the PXE request');
  assert.equal(autoplayNext(s, 1000 + patience + 1, patience)?.do, 'pick-all', 'not forever');
  const booted = {...unbooted, bootMacSource: 'pxe'};
  s = play(s, {type: 'snapshot', snap: snapshot([booted])});
  assert.deepEqual(autoplayNext(s, 2000, patience), {do: 'pick-all', ms: 2000});
  s = play(s, {type: 'pick-all', auto: true});
  assert.deepEqual(selectedOf(s), [{id: 'm1', role: 'cp'}]);
  assert.deepEqual(autoplayNext(s, 2000, patience), {do: 'finish', ms: 2500});
  const noSnap = play(s, {type: 'sources'});
  assert.equal(autoplayNext(noSnap, 2000, patience)?.do, 'start');
  const stoppedEmpty = live([], {sources: {...snapshot([]).sources, pxe: {state: 'stopped'}}});
  assert.equal(
    autoplayNext(stoppedEmpty, 2000, patience),
    null,
    'nothing found and nothing listening: wait for the admin',
  );
  const t = play(s, {type: 'tick'});
  assert.equal(t.tick, s.tick + 1);
});
