// The create-cluster screen's state machine as a pure reducer: where an earlier create stands, the
// review, the run, its failure and cleanup, an orphaned eksctl from a killed session, the "use an
// existing cluster" form, and the end. The screen renders this state and dispatches; the work itself
// is in ./flow.ts, which reports back through the same actions. No I/O here.
import type {StepOutcome} from '../types.js';
import type {CreateInputs} from './create-step.js';
import type {CreateRunResult} from './create-run.js';
import type {CreateStatus} from '../../cluster/resume.js';
import type {ProgressState} from '../../cluster/progress.js';
import type {WatchFeed} from '../../cluster/watch-feed.js';
import type {RunningCommand} from '../../run/types.js';

export type CreateMode =
  | 'checking'
  | 'review'
  | 'running'
  | 'failed'
  | 'confirm-cleanup'
  | 'cleaning'
  | 'orphan'
  | 'finished'
  | 'existing'
  | 'recorded';

export type FinishedCreate = StepOutcome & {nodeLines: string[]};

export interface ExistingForm {
  kubeconfig: string;
  context: string;
  focus: 0 | 1;
}

export interface CreateState {
  mode: CreateMode;
  inputs: CreateInputs | null;
  status: CreateStatus | null;
  /** A problem to show (an answer missing, the run threw, the kubeconfig refused). */
  problem: string | null;
  /** The command shown in the eksctl (or cleanup) pane. */
  command: RunningCommand | null;
  /** The provisioning watch's pane feed (during a run, or while an orphaned eksctl is watched). */
  watch: WatchFeed | null;
  progress: ProgressState | null;
  run: CreateRunResult | null;
  finished: FinishedCreate | null;
  existing: ExistingForm;
  /** An orphaned eksctl is being watched until it ends. */
  waiting: boolean;
}

export type CreateAction =
  | {type: 'check'}
  | {type: 'classified'; inputs: CreateInputs; status: CreateStatus}
  | {type: 'problem'; message: string}
  | {type: 'start'}
  | {type: 'command'; command: RunningCommand}
  | {type: 'progress'; progress: ProgressState}
  | {type: 'watch'; feed: WatchFeed}
  | {type: 'run-ended'; run: CreateRunResult}
  | {type: 'run-failed'; status: CreateStatus}
  | {type: 'run-threw'; message: string}
  | {type: 'recorded'}
  | {type: 'finished'; outcome: FinishedCreate}
  | {type: 'ask-cleanup'; assumeYes: boolean}
  | {type: 'decline-cleanup'}
  | {type: 'cleanup-started'}
  | {type: 'orphan-watch'; feed: WatchFeed}
  | {type: 'orphan-ended'}
  | {type: 'existing-open'}
  | {type: 'existing-cancel'}
  | {type: 'existing-move'}
  | {type: 'existing-set'; value: string};

export function initialCreateState(existing: {kubeconfig?: string; context?: string} | undefined): CreateState {
  return {
    mode: existing ? 'existing' : 'checking',
    inputs: null,
    status: null,
    problem: null,
    command: null,
    watch: null,
    progress: null,
    run: null,
    finished: null,
    existing: {kubeconfig: existing?.kubeconfig ?? '~/.kube/config', context: existing?.context ?? '', focus: 0},
    waiting: false,
  };
}

/** Where the classification of an earlier create leads (finished is recorded first: see flow.ts). */
function modeFor(status: CreateStatus): CreateMode {
  if (status.state === 'running') return 'orphan';
  if (status.state === 'failed') return 'failed';
  return 'review';
}

export function reduceCreate(state: CreateState, action: CreateAction): CreateState {
  switch (action.type) {
    case 'check':
      return {...state, mode: 'checking', problem: null};
    case 'classified':
      return {...state, inputs: action.inputs, status: action.status, mode: modeFor(action.status)};
    case 'problem':
      // Nothing can start until the problem is fixed; the review shows it.
      return {...state, problem: action.message, mode: state.mode === 'existing' ? 'existing' : 'review'};
    case 'start':
      if (!canStart(state)) return state;
      return {...state, mode: 'running', progress: null, watch: null, run: null, command: null};
    case 'command':
      return {...state, command: action.command};
    case 'progress':
      return {...state, progress: action.progress};
    case 'watch':
      return {...state, watch: action.feed};
    case 'run-ended':
      return {...state, run: action.run};
    case 'run-failed':
      return {...state, status: action.status, mode: 'failed'};
    case 'run-threw':
      // Ctrl-C or an error thrown by the run: the leftovers are looked at with r.
      return {...state, problem: action.message, mode: 'failed'};
    case 'recorded':
      return {...state, mode: 'recorded'};
    case 'finished':
      return {...state, finished: action.outcome, mode: 'finished'};
    case 'ask-cleanup':
      if (state.mode !== 'failed' || state.status?.state !== 'failed') return state;
      return {...state, mode: action.assumeYes ? 'cleaning' : 'confirm-cleanup'};
    case 'decline-cleanup':
      return state.mode === 'confirm-cleanup' ? {...state, mode: 'failed'} : state;
    case 'cleanup-started':
      return {...state, mode: 'cleaning', run: null, command: null};
    case 'orphan-watch':
      return {...state, watch: action.feed, waiting: true};
    case 'orphan-ended':
      return {...state, waiting: false};
    case 'existing-open':
      return state.mode === 'review' || state.mode === 'failed' ? {...state, mode: 'existing', problem: null} : state;
    case 'existing-cancel':
      if (state.mode !== 'existing') return state;
      return {...state, mode: state.status?.state === 'failed' ? 'failed' : 'review', problem: null};
    case 'existing-move':
      return {...state, existing: {...state.existing, focus: state.existing.focus === 0 ? 1 : 0}};
    case 'existing-set': {
      const field = state.existing.focus === 0 ? 'kubeconfig' : 'context';
      return {...state, existing: {...state.existing, [field]: action.value}};
    }
  }
}

/** The value of the focused field of the "existing cluster" form. */
export function existingValue(state: CreateState): string {
  return state.existing.focus === 0 ? state.existing.kubeconfig : state.existing.context;
}

/** A create may start from the review when its inputs are known and nothing is in the way. */
export function canStart(state: CreateState): boolean {
  return state.mode === 'review' && state.inputs !== null && state.problem === null;
}

export const DRY_RUN_OUTCOME: StepOutcome = {
  summary: 'dry run: eksctl anywhere create cluster recorded, not run',
  data: {dryRun: true},
};

/** What the step completes with, once there is something to complete. */
export function completion(state: CreateState): StepOutcome | null {
  if (state.mode === 'finished' && state.finished)
    return {summary: state.finished.summary, ...(state.finished.data ? {data: state.finished.data} : {})};
  if (state.mode === 'recorded') return DRY_RUN_OUTCOME;
  return null;
}

/** What autoplay does next in this state: start the review, wait for an orphan, or go on. */
export function autoplayCue(state: CreateState): 'review' | 'orphan' | 'done' | undefined {
  if (canStart(state)) return 'review';
  if (state.mode === 'orphan' && !state.waiting) return 'orphan';
  if (completion(state)) return 'done';
  return undefined;
}

/** The run's phase times tick on screen while eksctl runs (ours or an orphan). */
export function ticking(state: CreateState): boolean {
  return state.mode === 'running' || state.mode === 'orphan';
}
