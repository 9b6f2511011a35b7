// The one ordered registry of steps, built from each step's definition (source/steps/<id>/index.ts).
// Ids, order, titles, purposes, the answers each step reads and its skip rule all come from here.
// Adding a step: a folder with its index.ts, one line below, and its screen in screens/index.ts.
// The definitions load their logic lazily, so importing this (the session schema does) stays cheap.
import type {StepDefinition} from './types.js';
import {welcomeStep} from './welcome/index.js';
import {preflightStep} from './preflight/index.js';
import {discoverStep} from './discover/index.js';
import {hardwareStep} from './hardware/index.js';
import {clusterSpecStep} from './cluster-spec/index.js';
import {createClusterStep} from './create-cluster/index.js';
import {controlPlaneStep} from './control-plane/index.js';
import {dataPlaneStep} from './data-plane/index.js';
import {verifyStep} from './verify/index.js';
import {doneStep} from './done/index.js';

const STEPS = [
  welcomeStep,
  preflightStep,
  discoverStep,
  hardwareStep,
  clusterSpecStep,
  createClusterStep,
  controlPlaneStep,
  dataPlaneStep,
  verifyStep,
  doneStep,
] as const;

/** A step id. Ids are part of the command-line contract (sessions --json) and the session file. */
export type StepId = (typeof STEPS)[number]['id'];

/** The step ids in order (a non-empty tuple, as zod's enum wants). */
export const STEP_IDS = STEPS.map(step => step.id) as unknown as readonly [StepId, ...StepId[]];

const byId = new Map<StepId, StepDefinition<StepId>>(STEPS.map(step => [step.id, step]));

function table<T>(pick: (step: StepDefinition<StepId>) => T): Record<StepId, T> {
  return Object.fromEntries(STEPS.map(step => [step.id, pick(step)])) as Record<StepId, T>;
}

export const STEP_TITLES: Record<StepId, string> = table(step => step.title);

/** Which answers each step reads: the reducer sends finished steps back to pending when one changes. */
export const STEP_DEPENDENCIES: Record<StepId, readonly string[]> = table(step => step.reads);

export function getStep(id: StepId): StepDefinition<StepId> {
  const step = byId.get(id);
  if (!step) throw new Error(`no step ${String(id)}`);
  return step;
}

export function allSteps(): readonly StepDefinition<StepId>[] {
  return STEPS;
}

export function isStepId(value: string): value is StepId {
  return byId.has(value as StepId);
}

export function stepIndex(id: StepId): number {
  return STEP_IDS.indexOf(id);
}
