// The create-cluster step's work as the screen drives it, one plain async function per move: look at
// an earlier create, run a new one, clean up leftovers, wait for an orphaned eksctl. Each reports
// through `emit` with the actions of ./state.ts and touches the world only through the StepContext's
// ports (runner, clock, the process table), so it runs the same against the demo, a test or a data center.
import {stat} from 'node:fs/promises';
import {isAbsolute, join, normalize, relative, sep} from 'node:path';
import type {StepContext} from '../types.js';
import {createInputs, recordCreated, type CreateInputs} from './create-step.js';
import {createCommandFor, currentCreateStatus, feedProgress, pastWatchedPhases, runCreate} from './create-run.js';
import {findFailureArtifacts, genericFailure, recogniseFailure} from '../../cluster/failures.js';
import {CreateProgressParser} from '../../cluster/progress.js';
import {LOGS_DIR} from '../../run/log-file.js';
import type {FollowedCommand} from '../../run/types.js';
import {cleanupLeftovers} from '../../cluster/cleanup.js';
import {createWatchFeed, type WatchFeed} from '../../cluster/watch-feed.js';
import {findCreateProcess, type CreateStatus} from '../../cluster/resume.js';
import {processesOf} from '../../cluster/processes.js';
import {kindKubeconfigPath, watchProvisioning} from '../../cluster/provisioning.js';
import type {CreateAction} from './state.js';

type Emit = (action: CreateAction) => void;

/** How often the bootstrap cluster is read at speed 1. */
const WATCH_MS = 10_000;
/** How often the process table is read while an orphaned eksctl runs, at speed 1. */
const ORPHAN_POLL_MS = 3000;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function watchIntervalMs(ctx: StepContext): number {
  return Math.max(250, WATCH_MS / Math.max(1, ctx.ports.speed));
}

function status(ctx: StepContext, inputs: CreateInputs, signal: AbortSignal): Promise<CreateStatus> {
  return currentCreateStatus(
    {
      runner: ctx.ports.runner,
      sessionDir: ctx.ports.sessionDir,
      clusterName: inputs.clusterName,
      processes: processesOf(ctx.ports),
    },
    signal,
  );
}

function watchFeed(ctx: StepContext, kubeconfig: string): WatchFeed {
  return createWatchFeed(
    kubeconfig,
    ctx.ports.sessionDir,
    ctx.ports.clock.now,
    watchIntervalMs(ctx),
    join(ctx.ports.sessionDir, 'logs', 'create-cluster-watch.log'),
  );
}

/** Where an earlier create of this cluster stands; a finished one is recorded at once. */
export async function examineEarlierCreate(ctx: StepContext, emit: Emit, signal: AbortSignal): Promise<void> {
  emit({type: 'check'});
  try {
    const dryRun = ctx.ports.world === 'dry-run';
    const inputs = await createInputs(ctx.session, ctx.ports.sessionDir, dryRun);
    if (dryRun) return emit({type: 'classified', inputs, status: {state: 'not-started'}});
    const s = await status(ctx, inputs, signal);
    emit({type: 'classified', inputs, status: s});
    if (s.state === 'finished') emit({type: 'finished', outcome: await recordCreated(ctx, s.kubeconfig, signal)});
  } catch (err) {
    emit({type: 'problem', message: message(err)});
  }
}

/** `eksctl anywhere create cluster` with its phases, output and provisioning watch; then where it ended. */
export async function runCreateStep(
  ctx: StepContext,
  inputs: CreateInputs,
  emit: Emit,
  signal: AbortSignal,
): Promise<void> {
  const at = () => new Date(ctx.ports.clock.now()).toISOString();
  ctx.dispatch({type: 'step-started', step: 'create-cluster', at: at()});
  emit({type: 'start'});
  const interval = watchIntervalMs(ctx);
  let feed: WatchFeed | null = null;
  try {
    const r = await runCreate(
      {
        runner: ctx.ports.runner,
        clock: ctx.ports.clock,
        sessionDir: ctx.ports.sessionDir,
        env: ctx.ports.env,
        ...inputs,
        watchIntervalMs: interval,
        kubeconfigPollMs: Math.max(100, 2000 / Math.max(1, ctx.ports.speed)),
        onStart: command => emit({type: 'command', command}),
        onOutputFile: path => recordOutputFile(ctx, path),
        onProgress: progress => emit({type: 'progress', progress}),
        onWatchStart: kubeconfig => {
          feed?.finish();
          feed = watchFeed(ctx, kubeconfig);
          emit({type: 'watch', feed});
        },
        onWatch: snapshot => feed?.show(snapshot),
      },
      signal,
    );
    (feed as WatchFeed | null)?.finish();
    emit({type: 'run-ended', run: r});
    if (r.log) ctx.dispatch({type: 'attempt-log', step: 'create-cluster', log: r.log});
    if (r.result.recorded) return emit({type: 'recorded'});
    if (r.kubeconfig) return emit({type: 'finished', outcome: await recordCreated(ctx, r.kubeconfig, signal)});
    ctx.dispatch({type: 'step-failed', step: 'create-cluster', at: at(), error: r.failure?.title ?? 'create failed'});
    emit({type: 'run-failed', status: await status(ctx, inputs, signal)});
  } catch (err) {
    (feed as WatchFeed | null)?.finish();
    emit({type: 'run-threw', message: message(err)});
  }
}

/** Step data key: eksctl's output file of the last create started, relative to the session folder. */
export const EKSCTL_OUTPUT_KEY = 'eksctlOutput';

/** Notes where eksctl writes (for a resume to follow it) and lists it as a log of this attempt. */
export function recordOutputFile(ctx: StepContext, path: string): void {
  if (ctx.ports.world === 'dry-run') return;
  ctx.dispatch({type: 'step-data', step: 'create-cluster', data: {[EKSCTL_OUTPUT_KEY]: path}});
  ctx.dispatch({type: 'attempt-log', step: 'create-cluster', log: path});
}

/** The recorded output file of the last create, when it is one of the session's logs. */
export function recordedOutputFile(ctx: StepContext): string | undefined {
  const recorded = ctx.session.steps['create-cluster'].data?.[EKSCTL_OUTPUT_KEY];
  if (typeof recorded !== 'string' || recorded === '' || isAbsolute(recorded)) return undefined;
  // session.json is the admin's to edit: follow nothing outside the session's logs/.
  const path = normalize(recorded);
  if (!path.startsWith(`${LOGS_DIR}${sep}`) || relative(LOGS_DIR, path).startsWith('..')) return undefined;
  return join(ctx.ports.sessionDir, path);
}

/** Removes what a failed create left (after the admin said yes), then looks again. */
export async function cleanUpAndLookAgain(
  ctx: StepContext,
  failed: Extract<CreateStatus, {state: 'failed'}>,
  emit: Emit,
  signal: AbortSignal,
): Promise<void> {
  emit({type: 'cleanup-started'});
  await cleanupLeftovers(
    failed.leftovers,
    {
      runner: ctx.ports.runner,
      step: 'create-cluster',
      dryRun: ctx.ports.world === 'dry-run',
      onCommand: command => emit({type: 'command', command}),
    },
    signal,
  ).catch(() => undefined);
  await examineEarlierCreate(ctx, emit, signal);
}

/**
 * An orphaned eksctl from a killed session: follow its output file from the start (the phases replay,
 * then go on live), show its provisioning watch and read the process table (the ports' process
 * lister, paced by the ports' clock) until it is gone; then conclude from what can be seen. The
 * signal stops the waiting (Ctrl-C, or the screen going away) and the watch with it; eksctl runs on.
 * Without a recorded output file (a create started elsewhere), only the watch shows, and the step
 * looks again at the end.
 */
export async function waitForOrphan(
  ctx: StepContext,
  inputs: CreateInputs,
  emit: Emit,
  signal: AbortSignal,
): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, {once: true});
  const kubeconfig = kindKubeconfigPath(ctx.ports.sessionDir, inputs.clusterName);
  const feed = watchFeed(ctx, kubeconfig);
  emit({type: 'orphan-watch', feed});
  const watchStop = new AbortController();
  stop.signal.addEventListener('abort', () => watchStop.abort(), {once: true});
  const outputFile = recordedOutputFile(ctx);
  // What the file held when following began is a replay: its phases get no made-up times.
  const replayBytes = outputFile ? await fileSize(outputFile) : 0;
  const followed = outputFile
    ? ctx.ports.runner.follow?.({...createCommandFor({...ctx.ports, ...inputs}), outputFile})
    : undefined;
  const parser = new CreateProgressParser(ctx.ports.clock);
  const progress = followed
    ? feedProgress(followed.output, parser, () => {
        if (followed.offset <= replayBytes) parser.untimeStarted();
        const state = parser.state();
        if (pastWatchedPhases(state)) watchStop.abort();
        emit({type: 'progress', progress: state});
      })
    : undefined;
  if (followed) emit({type: 'command', command: followed});
  const watching = watchProvisioning(
    {
      runner: ctx.ports.runner,
      clock: ctx.ports.clock,
      kubeconfig,
      expectedHostnames: inputs.expectedHostnames,
      intervalMs: watchIntervalMs(ctx),
      onSnapshot: s => feed.show(s),
    },
    watchStop.signal,
  ).catch(() => undefined);
  const processes = processesOf(ctx.ports);
  const pause = Math.max(200, ORPHAN_POLL_MS / Math.max(1, ctx.ports.speed));
  let ended = false;
  try {
    while (findCreateProcess(await processes.list(), ctx.ports.sessionDir))
      await ctx.ports.clock.sleep(pause, stop.signal);
    ended = true;
  } catch {
    // stopped: the orphan keeps running on its own
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
    await watching;
    feed.finish();
    if (followed && progress) {
      await followed.stop();
      progress.drain();
      progress.unsubscribe();
      if (!ended) followed.settle({ok: false, error: 'no longer followed; eksctl runs on'});
    }
    emit({type: 'orphan-ended'});
  }
  if (!ended) return;
  if (followed) await concludeOrphan(ctx, inputs, followed, parser, emit, signal);
  else await examineEarlierCreate(ctx, emit, signal);
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * The orphan is gone; it was not our child, so there is no exit code: its last lines (the success
 * line, an `Error:`), the new cluster's kubeconfig answering, and what it left decide, as for a create
 * of our own; then the step carries on as at the end of one.
 */
async function concludeOrphan(
  ctx: StepContext,
  inputs: CreateInputs,
  followed: FollowedCommand,
  parser: CreateProgressParser,
  emit: Emit,
  signal: AbortSignal,
): Promise<void> {
  const {sessionDir} = ctx.ports;
  const log = relative(sessionDir, followed.spec.outputFile ?? '');
  try {
    const s = await status(ctx, inputs, signal);
    if (s.state === 'finished') {
      // The cluster answers: done, even if this eksctl's wording of the last line is an older one.
      const progress = parser.finish(0);
      emit({type: 'progress', progress});
      followed.settle({ok: true});
      const result = await followed.done;
      emit({
        type: 'run-ended',
        run: {result, progress, failure: undefined, artifacts: [], kubeconfig: s.kubeconfig, log},
      });
      emit({type: 'finished', outcome: await recordCreated(ctx, s.kubeconfig, signal)});
      return;
    }
    const progress = parser.finishUnobserved('eksctl ended without printing that the cluster was created');
    emit({type: 'progress', progress});
    followed.settle({ok: false, error: progress.error ?? 'eksctl ended without its success line'});
    const result = await followed.done;
    const failure =
      recogniseFailure([...progress.errorLines, ...followed.output.tail(200)], inputs.clusterName) ??
      genericFailure(progress.error ?? result.error);
    const artifacts = await findFailureArtifacts(sessionDir, inputs.clusterName);
    artifacts.push({path: log, what: 'eksctl’s console output as it wrote it'});
    emit({type: 'run-ended', run: {result, progress, failure, artifacts, kubeconfig: undefined, log}});
    emit({type: 'run-failed', status: s});
  } catch (err) {
    emit({type: 'problem', message: message(err)});
  }
}
