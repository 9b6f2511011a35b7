// The create-cluster state machine without Ink: every mode transition of the reducer, and the flow
// functions driving it over fake ports (runner, clock, process table).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {
  autoplayCue,
  canStart,
  completion,
  existingValue,
  initialCreateState,
  reduceCreate,
  ticking,
  type CreateAction,
  type CreateState,
} from '../../source/steps/create-cluster/state.js';
import {examineEarlierCreate, runCreateStep, waitForOrphan} from '../../source/steps/create-cluster/flow.js';
import type {CreateRunResult} from '../../source/steps/create-cluster/create-run.js';
import type {CreateStatus} from '../../source/cluster/resume.js';
import type {ProcessInfo} from '../../source/cluster/processes.js';
import type {WatchFeed} from '../../source/cluster/watch-feed.js';
import {SessionController} from '../../source/wizard/controller.js';
import {FakeClock, FakeCommandRunner} from '../helpers/cluster-fakes.js';
import {stepContext, testPorts} from '../helpers/step-context.js';
import {sessionAt, specAnswers} from '../helpers/step-screen.js';

const inputs = {clusterName: 'seed', bootstrapIp: '10.20.0.10', expectedHostnames: ['eksa-cp01']};
const leftovers = {
  leftovers: [{kind: 'container' as const, name: 'seed-eks-a-cluster-control-plane', detail: 'KinD'}],
  cleanup: [],
};
const failedStatus: CreateStatus = {state: 'failed', leftovers: leftovers as never, reason: 'stopped early'};
const feed = {command: {} as never, show() {}, finish() {}} satisfies WatchFeed;

const play = (state: CreateState, ...actions: CreateAction[]) => actions.reduce(reduceCreate, state);
const fresh = () => initialCreateState(undefined);

function runResult(over: Partial<CreateRunResult>): CreateRunResult {
  return {
    result: {ok: true, exitCode: 0, signal: null, durationMs: 1, lineCount: 0, logPath: null},
    progress: {} as never,
    failure: undefined,
    artifacts: [],
    kubeconfig: undefined,
    log: undefined,
    ...over,
  };
}

test('create state: checking, then review when nothing was started; start runs; success finishes and completes', () => {
  let s = fresh();
  assert.equal(s.mode, 'checking');
  assert.equal(canStart(s), false);
  s = reduceCreate(s, {type: 'classified', inputs, status: {state: 'not-started'}});
  assert.equal(s.mode, 'review');
  assert.equal(autoplayCue(s), 'review');
  s = reduceCreate(s, {type: 'start'});
  assert.equal(s.mode, 'running');
  assert.ok(ticking(s));
  assert.equal(reduceCreate(s, {type: 'start'}), s, 'a second start while running does nothing');
  s = play(
    s,
    {type: 'run-ended', run: runResult({kubeconfig: '/k'})},
    {
      type: 'finished',
      outcome: {summary: 'seed created: 2/2 nodes Ready', data: {kubeconfig: 'k'}, nodeLines: []},
    },
  );
  assert.equal(s.mode, 'finished');
  assert.deepEqual(completion(s), {summary: 'seed created: 2/2 nodes Ready', data: {kubeconfig: 'k'}});
  assert.equal(autoplayCue(s), 'done');
});

test('create state: a problem (missing answer) keeps the review and refuses to start', () => {
  const s = play(fresh(), {type: 'problem', message: 'cluster.name: the cluster name'});
  assert.equal(s.mode, 'review');
  assert.equal(canStart(s), false);
  assert.equal(reduceCreate(s, {type: 'start'}), s);
  assert.equal(autoplayCue(s), undefined);
});

test('create state: failure, confirm cleanup (Esc keeps them), cleanup, look again (retry) to review', () => {
  let s = play(fresh(), {type: 'classified', inputs, status: {state: 'not-started'}}, {type: 'start'});
  s = play(
    s,
    {type: 'run-ended', run: runResult({failure: {title: 'x'} as never})},
    {type: 'run-failed', status: failedStatus},
  );
  assert.equal(s.mode, 'failed');
  assert.equal(completion(s), null);
  s = reduceCreate(s, {type: 'ask-cleanup', assumeYes: false});
  assert.equal(s.mode, 'confirm-cleanup');
  s = reduceCreate(s, {type: 'decline-cleanup'});
  assert.equal(s.mode, 'failed', 'n or Esc keeps the leftovers and stays on the failure');
  s = play(s, {type: 'ask-cleanup', assumeYes: false}, {type: 'cleanup-started'});
  assert.equal(s.mode, 'cleaning');
  assert.equal(s.run, null, 'the failed run is no longer shown');
  s = play(s, {type: 'check'}, {type: 'classified', inputs, status: {state: 'not-started'}});
  assert.equal(s.mode, 'review');
  assert.ok(canStart(s));
});

test('create state: --yes cleans up without asking; no cleanup is offered without leftovers', () => {
  const s = play(fresh(), {type: 'classified', inputs, status: failedStatus});
  assert.equal(reduceCreate(s, {type: 'ask-cleanup', assumeYes: true}).mode, 'cleaning');
  const thrown = play(
    fresh(),
    {type: 'classified', inputs, status: {state: 'not-started'}},
    {type: 'start'},
    {
      type: 'run-threw',
      message: 'cancelled',
    },
  );
  assert.equal(thrown.mode, 'failed');
  assert.equal(thrown.problem, 'cancelled');
  assert.equal(reduceCreate(thrown, {type: 'ask-cleanup', assumeYes: false}), thrown, 'nothing known to clean');
});

test('create state: resume with an orphaned eksctl; w watches (once); its end looks again', () => {
  let s = play(fresh(), {type: 'classified', inputs, status: {state: 'running', pid: 42, command: 'eksctl anywhere'}});
  assert.equal(s.mode, 'orphan');
  assert.equal(canStart(s), false, 'never a second create over a running one');
  assert.equal(autoplayCue(s), 'orphan');
  assert.ok(ticking(s));
  s = reduceCreate(s, {type: 'orphan-watch', feed});
  assert.equal(s.waiting, true);
  assert.equal(s.watch, feed);
  assert.equal(autoplayCue(s), undefined, 'autoplay does not start a second watch');
  s = play(s, {type: 'orphan-ended'}, {type: 'check'}, {type: 'classified', inputs, status: failedStatus});
  assert.equal(s.waiting, false);
  assert.equal(s.mode, 'failed');
});

test('create state: the existing-cluster form: open, type, move, erase, Esc back where it came from', () => {
  let s = play(fresh(), {type: 'classified', inputs, status: failedStatus}, {type: 'existing-open'});
  assert.equal(s.mode, 'existing');
  s = play(s, {type: 'existing-set', value: '/tmp/kc'}, {type: 'existing-move'}, {type: 'existing-set', value: 'lab'});
  assert.deepEqual(s.existing, {kubeconfig: '/tmp/kc', context: 'lab', focus: 1});
  assert.equal(existingValue(s), 'lab');
  s = reduceCreate(s, {type: 'problem', message: 'cluster.existing: does not answer'});
  assert.equal(s.mode, 'existing', 'a refused kubeconfig stays in the form with what was typed');
  s = reduceCreate(s, {type: 'existing-cancel'});
  assert.equal(s.mode, 'failed', 'Esc goes back to the failure it came from');
  assert.equal(s.existing.kubeconfig, '/tmp/kc', 'what was typed is kept');
  const fromReview = play(
    fresh(),
    {type: 'classified', inputs, status: {state: 'not-started'}},
    {type: 'existing-open'},
    {
      type: 'existing-cancel',
    },
  );
  assert.equal(fromReview.mode, 'review');
  assert.equal(initialCreateState({kubeconfig: '/k', context: 'c'}).mode, 'existing');
  assert.equal(reduceCreate(fresh(), {type: 'existing-open'}).mode, 'checking', 'not while checking');
});

test('create state: a dry run records the command and completes as recorded', () => {
  const s = play(
    fresh(),
    {type: 'classified', inputs, status: {state: 'not-started'}},
    {type: 'start'},
    {type: 'recorded'},
  );
  assert.equal(s.mode, 'recorded');
  assert.match(completion(s)!.summary, /dry run/);
});

/** The hand-moved clock, but each pause lets timers run (a loop over it cannot starve the test's own timers). */
class YieldingClock extends FakeClock {
  override sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    await new Promise(r => setImmediate(r));
    if (signal?.aborted) throw signal.reason;
    this.advance(ms);
  };
}

function flowContext(runner: FakeCommandRunner, processes: () => ProcessInfo[]) {
  const ports = testPorts({runner, clock: new YieldingClock(Date.parse('2026-12-06T10:00:00Z')), speed: 50});
  ports.processes = {list: async () => processes()};
  writeFileSync(join(ports.sessionDir, 'cluster.yaml'), 'kind: Cluster\n');
  writeFileSync(join(ports.sessionDir, 'hardware.csv'), 'hostname\n');
  const session = sessionAt('create-cluster', {...specAnswers, cluster: {...specAnswers.cluster, name: 'seed'}});
  session.artifacts = {clusterYaml: 'cluster.yaml', hardwareCsv: 'hardware.csv'};
  const controller = new SessionController(session, s => s);
  return {ctx: stepContext(controller, ports).ctx, ports, controller};
}

test('create flow: an orphaned eksctl is found through the ports’ process table and waited for with the ports’ clock', async () => {
  let lists = 0;
  const orphan = (dir: string): ProcessInfo => ({
    pid: 4242,
    argv: ['eksctl', 'anywhere', 'create', 'cluster'],
    cwd: dir,
  });
  const runner = new FakeCommandRunner({'docker ps': {lines: []}});
  let dir = '';
  const {ctx, ports} = flowContext(runner, () => (++lists <= 3 ? [orphan(dir)] : []));
  dir = ports.sessionDir;
  const actions: CreateAction[] = [];
  const emit = (a: CreateAction) => actions.push(a);
  await examineEarlierCreate(ctx, emit, new AbortController().signal);
  const classified = actions.find(a => a.type === 'classified');
  assert.deepEqual(classified && classified.type === 'classified' && classified.status, {
    state: 'running',
    pid: 4242,
    command: 'eksctl anywhere create cluster',
  });
  const t0 = ports.clock.now();
  actions.length = 0;
  await waitForOrphan(ctx, inputs, emit, new AbortController().signal);
  assert.deepEqual(
    actions.map(a => a.type),
    ['orphan-watch', 'orphan-ended', 'check', 'classified'],
  );
  assert.ok(lists >= 5, 'the process table was read until the orphan was gone, then once more to classify');
  assert.ok(ports.clock.now() > t0, 'the pauses went through the ports’ clock');
  const last = actions.at(-1)!;
  assert.equal(last.type === 'classified' && last.status.state, 'not-started');
});

test('create flow: waiting for an orphan stops when its signal aborts; the orphan is not looked at again', async () => {
  const runner = new FakeCommandRunner({'docker ps': {lines: []}});
  let dir = '';
  const {ctx, ports} = flowContext(runner, () => [
    {pid: 7, argv: ['eksctl', 'anywhere', 'create', 'cluster'], cwd: dir},
  ]);
  dir = ports.sessionDir;
  const stop = new AbortController();
  const actions: CreateAction[] = [];
  const waiting = waitForOrphan(ctx, inputs, a => actions.push(a), stop.signal);
  setTimeout(() => stop.abort(), 20);
  await waiting;
  assert.deepEqual(
    actions.map(a => a.type),
    ['orphan-watch', 'orphan-ended'],
  );
});

test('create flow: a failed run marks the step failed and reports the leftovers; a recorded run completes', async () => {
  const kind = JSON.stringify({
    ID: '2',
    Names: 'seed-eks-a-cluster-control-plane',
    Image: 'kind',
    State: 'running',
    Labels: '',
  });
  const runner = new FakeCommandRunner({
    'docker ps': {lines: [kind]},
    'eksctl anywhere create cluster': {lines: ['Error: validations failed'], exitCode: 255},
  });
  const {ctx, controller} = flowContext(runner, () => []);
  const actions: CreateAction[] = [];
  await runCreateStep(ctx, inputs, a => actions.push(a), new AbortController().signal);
  const types = actions.map(a => a.type);
  assert.equal(types[0], 'start');
  assert.ok(types.includes('command'));
  assert.deepEqual(types.slice(-2), ['run-ended', 'run-failed']);
  const failed = actions.at(-1)!;
  assert.equal(failed.type === 'run-failed' && failed.status.state, 'failed');
  assert.equal(controller.get().steps['create-cluster'].state, 'failed');
  const state = actions.reduce(
    reduceCreate,
    play(fresh(), {type: 'classified', inputs, status: {state: 'not-started'}}),
  );
  assert.equal(state.mode, 'failed');
  assert.ok(state.run?.failure, 'the failure is explained');

  const recorded = flowContext(new FakeCommandRunner({'eksctl anywhere create cluster': {recorded: true}}), () => []);
  const acts: CreateAction[] = [];
  await runCreateStep(recorded.ctx, inputs, a => acts.push(a), new AbortController().signal);
  assert.equal(acts.at(-1)!.type, 'recorded');
});
