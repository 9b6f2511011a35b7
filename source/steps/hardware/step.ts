// The hardware step: from the answers (or the machines picked in Discover), build hardware.csv, validate
// it with the file validator's rules, write it 0600 into the session folder and record it.
import type {Answers, Machine} from '../../session/answers.js';
import type {SecretLookup} from '../../hardware/answers.js';
import {
  answersFromDrafts,
  draftErrors,
  draftsFromDiscovery,
  networkDraft,
  type MachineDraft,
} from '../../hardware/drafts.js';
import {checkHardwareFile, HARDWARE_CSV, missingHardwareAnswer, writeHardwareFromAnswers} from '../../hardware/step.js';
import {AnswerError, MissingAnswerError} from '../../errors.js';
import type {StepContext, StepOutcome, StepLogic} from '../types.js';
import {unusableSecretRef} from '../../session/secrets.js';
import {discoverData, pickedMachines} from '../discover/step.js';

/** Drafts for the machines picked in Discover, with passwords from the session's secrets where known. */
export function draftsForPicked(ctx: StepContext): MachineDraft[] {
  const answers = ctx.session.answers;
  const data = discoverData(ctx.session);
  const picked = pickedMachines(data);
  const username = answers.discovery?.redfish?.username;
  return draftsFromDiscovery(picked, answers, username ? {bmcUsername: username} : {}).map((d, i) => ({
    ...d,
    bmcPassword: d.bmcPassword || defaultPassword(ctx, d, picked[i]?.machine.sources.includes('redfish') ?? false),
  }));
}

/** A stored password for this BMC: the machine's, an imported one by address, else the sweep's. */
export function defaultPassword(ctx: StepContext, d: MachineDraft, viaRedfish: boolean): string {
  if (!d.bmcIp) return '';
  return (
    ctx.secret(`bmc:${d.hostname}`) ??
    ctx.secret(`bmc-ip:${d.bmcIp}`) ??
    (viaRedfish ? ctx.secret('redfish') : undefined) ??
    ''
  );
}

/** The answers-file key of a draft field. */
const ANSWER_KEYS: Record<string, string> = {
  bmcIp: 'bmc.ip',
  bmcUsername: 'bmc.username',
  bmcPassword: 'bmc.passwordEnv',
};

function summaryOf(machines: readonly Machine[]): string {
  const cp = machines.filter(m => m.role === 'cp').length;
  return `hardware.csv: ${machines.length} machine${machines.length === 1 ? '' : 's'} (${cp} cp, ${machines.length - cp} worker), written 0600`;
}

/**
 * Validates and writes hardware.csv from the session's answers, records the artifact and returns the
 * outcome; on errors throws AnswerError listing "column: machines[i] (hostname): message".
 */
export async function buildHardwareCsv(ctx: StepContext, secrets: SecretLookup): Promise<StepOutcome> {
  const answers: Answers = ctx.session.answers;
  const result = await writeHardwareFromAnswers(answers, secrets, ctx.ports.sessionDir);
  result.warnings.forEach(w => ctx.say(w));
  // The rows come from the answers, so breaking a rule is an answer to fix (exit 2), not a failed step.
  if (!result.ok) throw new AnswerError('machines', `hardware.csv is not valid:\n${result.errors.join('\n')}`);
  ctx.dispatch({type: 'record-artifact', key: 'hardwareCsv', path: HARDWARE_CSV});
  const machines = answers.machines ?? [];
  return {
    summary: summaryOf(machines),
    data: {machines: machines.length, cp: machines.filter(m => m.role === 'cp').length},
  };
}

async function runHeadless(ctx: StepContext): Promise<StepOutcome> {
  let answers = ctx.session.answers;
  if (!answers.machines?.length) {
    // Machines picked in Discover become answers when every value can be filled in.
    const drafts = draftsForPicked(ctx);
    const network = networkDraft(answers);
    const errors = draftErrors(drafts, network).filter(e => e.machine !== null);
    if (drafts.length > 0 && errors.length === 0) {
      ctx.say(`Using the ${drafts.length} machines picked in Discover, with suggested hostnames and addresses.`);
      ctx.dispatch({type: 'set-answers', patch: {machines: answersFromDrafts(drafts, network).machines!}});
      answers = ctx.session.answers;
    } else if (errors[0]) {
      const e = errors[0];
      throw new MissingAnswerError(`machines[${e.machine}].${ANSWER_KEYS[e.field] ?? e.field}`, e.message);
    }
  }
  const lookup: SecretLookup = {bmcPassword: m => ctx.secret(`bmc:${m.hostname}`)};
  for (const [i, m] of (answers.machines ?? []).entries()) {
    if (!m.bmc || lookup.bmcPassword(m) !== undefined) continue;
    // A reference that is given but unusable is named as such, not as a missing answer.
    const unusable = unusableSecretRef(`machines[${i}].bmc`, 'password', m.bmc, ctx.ports.env);
    if (unusable) throw new AnswerError(unusable.key, unusable.message);
  }
  const missing = missingHardwareAnswer(answers, lookup);
  if (missing) throw new MissingAnswerError(missing.key, missing.expected);
  return buildHardwareCsv(ctx, lookup);
}

async function check(ctx: StepContext): Promise<{ok: boolean; detail: string}> {
  return checkHardwareFile(ctx.ports.sessionDir, ctx.session.artifacts.hardwareCsv);
}

export const logic = {runHeadless, check} satisfies StepLogic;
