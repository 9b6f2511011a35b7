// The create-cluster state machine without Ink: every mode transition of the reducer, and the flow
// functions driving it over fake ports (runner, clock, process table).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {appendFileSync, mkdirSync, writeFileSync} from 'node:fs';
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
import {feedProgress, type CreateRunResult} from '../../source/steps/create-cluster/create-run.js';
import {CreateProgressParser} from '../../source/cluster/progress.js';
import {RingBuffer} from '../../source/run/ring-buffer.js';
import type {CreateStatus} from '../../source/cluster/resume.js';
import type {ProcessInfo} from '../../source/cluster/processes.js';
import type {WatchFeed} from '../../source/cluster/watch-feed.js';
import {SessionController} from '../../source/wizard/controller.js';
import {FakeClock, FakeCommandRunner} from '../helpers/cluster-fakes.js';
import {createExecaRunner} from '../../source/run/execa-runner.js';
import type {CommandSpec} from '../../source/run/types.js';
import {until} from '../helpers/wait.js';
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

/** The fake runner of these tests, plus the real runner's follow() (a file, masked like any output). */
class FollowingRunner extends FakeCommandRunner {
  readonly real = createExecaRunner({sessionDir: null, secrets: ['bmc-s3cret-pass']});
  follow(spec: CommandSpec & {outputFile: string}) {
    return this.real.follow(spec);
  }
}

/** An orphan whose output file the earlier (killed) run recorded; the test writes to it as eksctl would. */
function orphanWithOutput(runner: FollowingRunner, gone: () => boolean) {
  let dir = '';
  const {ctx, ports, controller} = flowContext(runner, () =>
    gone() ? [] : [{pid: 4242, argv: ['eksctl', 'anywhere', 'create', 'cluster'], cwd: dir}],
  );
  dir = ports.sessionDir;
  const output = 'logs/eksctl-create-20261206T100000Z.log';
  mkdirSync(join(dir, 'logs'), {recursive: true});
  writeFileSync(
    join(dir, output),
    [
      'Performing setup and validations',
      '✅ Docker provider validation',
      'Creating new bootstrap cluster',
      'Provider specific pre-capi-install-setup on bootstrap cluster',
      'Installing cluster-api providers on bootstrap cluster',
      'Creating new management cluster',
      'Waiting for control plane to be ready\t{"password": "bmc-s3cret-pass"}',
      '',
    ].join('\n'),
  );
  controller.dispatch({type: 'step-data', step: 'create-cluster', data: {eksctlOutput: output}});
  return {ctx, dir, output};
}

const lastProgress = (actions: CreateAction[]) =>
  actions
    .filter(a => a.type === 'progress')
    .map(a => (a.type === 'progress' ? a.progress : null))
    .at(-1)!;

test('create flow: resume follows a running create’s output file from its start, live, to a success line and a cluster that answers', async () => {
  let gone = false;
  const kubeconfig = (dir: string) => join(dir, 'seed', 'seed-eks-a-cluster.kubeconfig');
  let dir = '';
  const runner = new FollowingRunner({
    'docker ps': {lines: []},
    // The new cluster's nodes, through its kubeconfig (looked up once the orphan is gone).
    'kubectl --kubeconfig': {
      lines: [
        JSON.stringify({
          items: [
            {
              metadata: {name: 'eksa-cp01', labels: {'node-role.kubernetes.io/control-plane': ''}},
              status: {conditions: [{type: 'Ready', status: 'True'}]},
            },
          ],
        }),
      ],
    },
  });
  const world = orphanWithOutput(runner, () => gone);
  dir = world.dir;
  const actions: CreateAction[] = [];
  const waiting = waitForOrphan(world.ctx, inputs, a => actions.push(a), new AbortController().signal);
  // The lines already written replay: the phase bar stands where eksctl is.
  await until(() => actions.some(a => a.type === 'progress' && a.progress.phaseIndex === 2), 'the replayed phases', {
    timeoutMs: 5000,
  });
  const command = actions.find(a => a.type === 'command');
  assert.ok(command?.type === 'command');
  assert.ok(
    command.command.output.tail(5).some(l => l.includes('"password": "***"')),
    'masked like any output',
  );
  assert.ok(!command.command.output.tail(50).some(l => l.includes('bmc-s3cret-pass')));
  // Then it goes on live, and ends with the success line; the cluster's kubeconfig is there and answers.
  appendFileSync(
    join(dir, world.output),
    'Moving cluster management from bootstrap to workload cluster\nWriting cluster config file\n',
  );
  await until(() => lastProgress(actions)?.phaseIndex === 4, 'the live phase', {timeoutMs: 5000});
  // The replayed phases were not seen as they happened: no times are made up for them; a live one has its own.
  const live = lastProgress(actions);
  assert.deepEqual(
    live.phases.slice(0, 3).map(p => [p.state, p.durationMs]),
    [
      ['done', undefined],
      ['done', undefined],
      ['done', undefined],
    ],
  );
  assert.equal(typeof live.phases[4]!.durationMs, 'number');
  mkdirSync(join(dir, 'seed'), {recursive: true});
  writeFileSync(kubeconfig(dir), 'apiVersion: v1\n');
  appendFileSync(join(dir, world.output), 'Deleting bootstrap cluster\n🎉 Cluster created!\n');
  gone = true;
  await waiting;
  const types = actions.map(a => a.type);
  assert.deepEqual(types.slice(types.indexOf('orphan-ended')), ['orphan-ended', 'progress', 'run-ended', 'finished']);
  assert.equal(lastProgress(actions).outcome, 'succeeded');
  const ended = actions.find(a => a.type === 'run-ended');
  assert.ok(ended?.type === 'run-ended');
  assert.equal(ended.run.kubeconfig, kubeconfig(dir));
  assert.equal(ended.run.result.ok, true);
  assert.equal(ended.run.result.exitCode, null, 'not our child: no exit code was seen');
  const finished = actions.at(-1);
  assert.ok(finished?.type === 'finished');
  assert.match(finished.outcome.summary, /seed created: 1\/1 nodes Ready/);
});

test('create flow: a followed orphan that ends with an error is explained like a failed create of our own', async () => {
  let gone = false;
  const kind = JSON.stringify({
    ID: '2',
    Names: 'seed-eks-a-cluster-control-plane',
    Image: 'kind',
    State: 'running',
    Labels: '',
  });
  const runner = new FollowingRunner({'docker ps': {lines: [kind]}});
  const world = orphanWithOutput(runner, () => gone);
  const actions: CreateAction[] = [];
  const waiting = waitForOrphan(world.ctx, inputs, a => actions.push(a), new AbortController().signal);
  await until(() => actions.some(a => a.type === 'progress'), 'the replayed phases', {timeoutMs: 5000});
  // Its last words, without a newline at the end, and it is gone.
  appendFileSync(
    join(world.dir, world.output),
    'Error: failed to create cluster: timed out waiting for the control plane',
  );
  gone = true;
  await waiting;
  const progress = lastProgress(actions);
  assert.equal(progress.outcome, 'failed');
  assert.match(progress.error ?? '', /timed out waiting for the control plane/);
  const ended = actions.find(a => a.type === 'run-ended');
  assert.ok(ended?.type === 'run-ended');
  assert.ok(ended.run.failure, 'the failure is recognised or described');
  assert.ok(
    ended.run.artifacts.some(a => a.path === world.output),
    'eksctl’s own output is named as evidence',
  );
  assert.equal(ended.run.result.ok, false);
  const failed = actions.at(-1);
  assert.ok(failed?.type === 'run-failed');
  assert.equal(failed.status.state, 'failed', 'the leftovers are offered for cleanup');
  // And the state machine shows it as the end of a failed create: the failure with its panes.
  const state = play(
    {...fresh(), mode: 'orphan', inputs, status: {state: 'running', pid: 4242, command: 'eksctl'}},
    ...actions,
  );
  assert.equal(state.mode, 'failed');
  assert.ok(state.run?.failure && state.command);
});

test('create flow: an orphan with an output file that ends without a success line and without a cluster failed', async () => {
  let gone = false;
  const runner = new FollowingRunner({'docker ps': {lines: []}});
  const world = orphanWithOutput(runner, () => gone);
  const actions: CreateAction[] = [];
  const waiting = waitForOrphan(world.ctx, inputs, a => actions.push(a), new AbortController().signal);
  await until(() => actions.some(a => a.type === 'progress'), 'the replayed phases', {timeoutMs: 5000});
  gone = true;
  await waiting;
  const progress = lastProgress(actions);
  assert.equal(progress.outcome, 'failed');
  assert.equal(progress.error, 'eksctl ended without printing that the cluster was created');
  assert.equal(progress.phases[progress.phaseIndex]!.state, 'failed');
});

test('create flow: a recorded output path outside the session’s logs/ is not followed', async () => {
  const runner = new FollowingRunner({'docker ps': {lines: []}});
  let lists = 0;
  const world = orphanWithOutput(runner, () => ++lists > 2);
  world.ctx.dispatch({type: 'step-data', step: 'create-cluster', data: {eksctlOutput: 'logs/../session.json'}});
  const actions: CreateAction[] = [];
  await waitForOrphan(world.ctx, inputs, a => actions.push(a), new AbortController().signal);
  assert.ok(!actions.some(a => a.type === 'command'), 'nothing followed');
  assert.deepEqual(
    actions.slice(0, 2).map(a => a.type),
    ['orphan-watch', 'orphan-ended'],
  );
});

test('create progress: several phases read in one go (a file read at once) are each reported', () => {
  const output = new RingBuffer(100);
  const seen: number[] = [];
  const feed = feedProgress(output, new CreateProgressParser(new FakeClock(0)), s => seen.push(s.phaseIndex));
  output.batch(() => {
    for (const line of [
      'Performing setup and validations',
      '✅ Docker provider validation',
      'Creating new bootstrap cluster',
      'Creating new management cluster',
      'Waiting for control plane to be ready',
    ])
      output.push(line);
  });
  feed.unsubscribe();
  assert.deepEqual(seen, [0, 1, 2, 2], 'each phase entered, then the activity after it');
});
