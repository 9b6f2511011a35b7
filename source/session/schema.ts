// session.json: the single source of truth of one wizard session. Versioned; validated on load.
// It never holds a secret: secrets live in secrets.json (0600), see secrets.ts.
import * as z from 'zod';
import {STEP_IDS, LIFECYCLE_IDS} from '../wizard/step-ids.js';
import {answersSchema} from './answers.js';

import {SESSION_VERSION} from './version.js';

export {SESSION_VERSION};

export const stepStateSchema = z.enum(['pending', 'running', 'done', 'failed', 'interrupted', 'skipped']);
export type StepState = z.infer<typeof stepStateSchema>;

// 'destroyed': `eksa-kong destroy` removed what the session created; the session and its log stay.
export const sessionStatusSchema = z.enum(['new', 'running', 'interrupted', 'failed', 'done', 'destroyed']);

export const attemptSchema = z.object({
  n: z.number().int().min(1),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  result: z.enum(['running', 'done', 'failed', 'interrupted']),
  /** Log files of the commands this attempt ran, relative to the session folder. */
  logs: z.array(z.string()).default([]),
  error: z.string().optional(),
});

export const stepRecordSchema = z.object({
  state: stepStateSchema,
  attempts: z.array(attemptSchema).default([]),
  /** One line shown in the rail/summary once the step has finished. */
  summary: z.string().optional(),
  error: z.string().optional(),
  /** Step-specific, secret-free facts other steps or resume need (e.g. discovered machines). */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type StepRecord = z.infer<typeof stepRecordSchema>;

/** One command a step ran (or, in dry-run, would run): the runbook is made from these. */
export const commandRecordSchema = z.object({
  /** A wizard step, or a day-two command (upgrade, destroy) run on the finished session. */
  step: z.enum([...STEP_IDS, ...LIFECYCLE_IDS]),
  command: z.string(),
  args: z.array(z.string()),
  cwd: z.string().optional(),
  /** Environment variables the command needs, as names with a description; never values. */
  envRefs: z.record(z.string(), z.string()).optional(),
  title: z.string().optional(),
  at: z.string(),
});
export type CommandRecord = z.infer<typeof commandRecordSchema>;

/** A day-two action on a finished session (upgrade, rollback, destroy), for the record and `status`. */
export const lifecycleEventSchema = z.object({
  action: z.enum(['upgrade', 'rollback', 'destroy']),
  at: z.string(),
  result: z.enum(['done', 'failed', 'dry-run']),
  /** One line: what happened or why it failed. */
  detail: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  /** Helm revision the action produced (or rolled back to). */
  revision: z.number().int().optional(),
  log: z.string().optional(),
});
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;

export const sessionSchema = z.object({
  version: z.literal(SESSION_VERSION),
  name: z.string(),
  world: z.enum(['real', 'demo', 'dry-run']),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: sessionStatusSchema,
  currentStep: z.enum(STEP_IDS),
  steps: z.record(z.enum(STEP_IDS), stepRecordSchema),
  answers: answersSchema,
  /** Paths of artifacts, relative to the session folder unless absolute. */
  artifacts: z
    .object({
      hardwareCsv: z.string().optional(),
      clusterYaml: z.string().optional(),
      dpValues: z.string().optional(),
      kubeconfig: z.string().optional(),
    })
    .default({}),
  commands: z.array(commandRecordSchema).default([]),
  /** Trust-on-first-use: SHA-256 fingerprints of BMC certificates, by BMC address. */
  trust: z.record(z.string(), z.string()).default({}),
  /** Day-two actions, oldest first. */
  lifecycle: z.array(lifecycleEventSchema).default([]),
  /** Set when `eksa-kong destroy` finished: the status stays `destroyed`. */
  destroyedAt: z.string().optional(),
});
export type Session = z.infer<typeof sessionSchema>;

export function newSession(name: string, world: Session['world'], now: Date = new Date()): Session {
  const at = now.toISOString();
  const steps = {} as Session['steps'];
  for (const id of STEP_IDS) steps[id] = {state: 'pending', attempts: []};
  return {
    version: SESSION_VERSION,
    name,
    world,
    createdAt: at,
    updatedAt: at,
    status: 'new',
    currentStep: 'welcome',
    steps,
    answers: {session: name},
    artifacts: {},
    commands: [],
    trust: {},
    lifecycle: [],
  };
}
