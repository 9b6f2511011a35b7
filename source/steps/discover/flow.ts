// The discover step's work as the screen drives it: open a discovery for the settings (saved as
// answers first), keep the picks when the admin goes on (invalidating hardware.csv when they changed),
// and keep what was found when the admin leaves early. Plain functions over the StepContext.
import type {StepContext, StepOutcome} from '../types.js';
import {anySource, settingsToAnswers, type DiscoverySettings} from '../../discovery/plan.js';
import type {DiscoverySession} from '../../discovery/session.js';
import {prepareDiscovery} from './step.js';
import {dataToKeepOnLeave, finishProblem, keptData, picksChanged, selectedOf, type DiscoverState} from './state.js';

export type OpenResult = {ok: true; session: DiscoverySession; note?: string} | {ok: false; message: string};

/** The settings go into the answers (a typed password to the secrets on save); then a session for them. */
export async function openDiscovery(
  ctx: StepContext,
  settings: DiscoverySettings,
  typedPassword: string,
): Promise<OpenResult> {
  if (!anySource(settings)) return {ok: false, message: 'Switch on at least one source (Space).'};
  const patch = settingsToAnswers(settings);
  if (typedPassword) patch.redfish = {...patch.redfish, password: typedPassword};
  ctx.dispatch({type: 'set-answers', patch: {discovery: patch}});
  const prepared = await prepareDiscovery(ctx, settings, typedPassword);
  if (!prepared.ok) return {ok: false, message: `${prepared.key}: ${prepared.message}`};
  return {ok: true, session: prepared.session, ...(prepared.notes[0] ? {note: prepared.notes[0]} : {})};
}

/** The picks as the step's outcome, or why they cannot be kept yet. A changed pick redoes hardware.csv. */
export function finishDiscover(
  ctx: StepContext,
  state: DiscoverState,
): {ok: true; outcome: StepOutcome} | {ok: false; message: string} {
  const problem = finishProblem(state);
  if (problem) return {ok: false, message: problem};
  const selected = selectedOf(state);
  const data = keptData(state, ctx.session);
  if (picksChanged(ctx.session, selected))
    ctx.dispatch({type: 'step-invalidated', step: 'hardware', reason: 'the machines picked in Discover changed'});
  const cp = selected.filter(s => s.role === 'cp').length;
  return {
    ok: true,
    outcome: {
      summary: `${selected.length} of ${data.machines.length} machines picked (${cp} cp, ${selected.length - cp} worker)`,
      data: {...data},
    },
  };
}

/** Leaving the step (Esc back, another step) keeps the machines found so far as step data. */
export function keepFoundOnLeave(ctx: StepContext, state: DiscoverState): void {
  const data = dataToKeepOnLeave(state, ctx.session);
  if (data) ctx.dispatch({type: 'step-data', step: 'discover', data: {...data}});
}
