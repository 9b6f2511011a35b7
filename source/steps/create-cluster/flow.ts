// The create-cluster step's work as the screen drives it, one plain async function per move: look at
// an earlier create, run a new one, clean up leftovers, wait for an orphaned eksctl. Each reports
// through `emit` with the actions of ./state.ts and touches the world only through the StepContext's
// ports (runner, clock, the process table), so it runs the same against the demo, a test or a data center.
import {join} from 'node:path';
import type {StepContext} from '../types.js';
import {createInputs, recordCreated, type CreateInputs} from './create-step.js';
import {currentCreateStatus, runCreate} from './create-run.js';
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
 * An orphaned eksctl from a killed session: show its provisioning watch and read the process table
 * (the ports' process lister, paced by the ports' clock) until it is gone; then look again. The
 * signal stops the waiting (Ctrl-C, or the screen going away) and the watch with it.
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
  const watching = watchProvisioning(
    {
      runner: ctx.ports.runner,
      clock: ctx.ports.clock,
      kubeconfig,
      expectedHostnames: inputs.expectedHostnames,
      intervalMs: watchIntervalMs(ctx),
      onSnapshot: s => feed.show(s),
    },
    stop.signal,
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
    emit({type: 'orphan-ended'});
  }
  if (ended) await examineEarlierCreate(ctx, emit, signal);
}
