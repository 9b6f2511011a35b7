// The create-cluster step: `eksctl anywhere create cluster` in the session folder with phase lines,
// or an existing cluster's kubeconfig instead. A create never resumes: a killed or failed one is
// classified first, and leftovers are cleaned up (only with --yes) before a new create starts.
import {access} from 'node:fs/promises';
import {isAbsolute, join} from 'node:path';
import {StepFailure} from '../../errors.js';
import type {StepLogic} from '../types.js';
import {cleanupLeftovers} from '../../cluster/cleanup.js';
import {createCommandFor, currentCreateStatus, phaseLine, runCreate} from './create-run.js';
import {createInputs, failureMessage, recordCreated, adoptExistingCluster} from './create-step.js';
import {expandHome} from '../../cluster/existing.js';
import {kubectlReachability} from '../../cluster/nodes.js';
import {startCreateGuard} from '../../cluster/resume.js';
import {recordOutputFile} from './flow.js';

export const logic = {
  async check(ctx, signal) {
    const existing = ctx.session.answers.cluster?.existing;
    const recorded = ctx.session.artifacts.kubeconfig;
    if (!recorded) return {ok: false, detail: 'no kubeconfig was recorded'};
    const path = existing
      ? expandHome(existing.kubeconfig)
      : isAbsolute(recorded)
        ? recorded
        : join(ctx.ports.sessionDir, recorded);
    try {
      await access(path);
    } catch {
      return {ok: false, detail: `the kubeconfig ${recorded} is missing`};
    }
    const api = await kubectlReachability(ctx.ports.runner, existing?.context)(path, signal);
    return api.reachable
      ? {ok: true, detail: `the cluster answers (${api.nodes.length} nodes)`}
      : {ok: false, detail: `the cluster does not answer: ${api.reason}`};
  },

  async runHeadless(ctx, signal) {
    const existing = ctx.session.answers.cluster?.existing;
    if (existing) return adoptExistingCluster(ctx, existing.kubeconfig, existing.context, signal);
    const dryRun = ctx.ports.world === 'dry-run';
    const inputs = await createInputs(ctx.session, ctx.ports.sessionDir, dryRun);
    const base = {runner: ctx.ports.runner, sessionDir: ctx.ports.sessionDir, env: ctx.ports.env, ...inputs};

    if (dryRun) {
      const run = await runCreate({...base, clock: ctx.ports.clock}, signal);
      ctx.say(
        `dry run: recorded ${run.result.recorded ? '' : '(not) '}the create command; nothing else was written or run`,
      );
      return {summary: 'dry run: eksctl anywhere create cluster recorded, not run', data: {dryRun: true}};
    }

    let status = await currentCreateStatus(
      {runner: ctx.ports.runner, sessionDir: ctx.ports.sessionDir, clusterName: inputs.clusterName},
      signal,
    );
    if (status.state === 'finished') {
      ctx.say(`an earlier create finished: ${inputs.clusterName} answers`);
      return recordCreated(ctx, status.kubeconfig, signal);
    }
    if (status.state === 'failed' && ctx.ports.assumeYes) {
      ctx.say(`an earlier create left leftovers (${status.reason}); cleaning up (--yes)`);
      const cleaned = await cleanupLeftovers(
        status.leftovers,
        {runner: ctx.ports.runner, step: 'create-cluster', dryRun: false},
        signal,
      );
      for (const line of cleaned.lines) ctx.say(line);
      if (!cleaned.ok) throw new StepFailure('the cleanup of the leftovers failed; see the lines above');
      status = await currentCreateStatus(
        {runner: ctx.ports.runner, sessionDir: ctx.ports.sessionDir, clusterName: inputs.clusterName},
        signal,
      );
    }
    const guard = startCreateGuard(status);
    if (!guard.ok)
      throw new StepFailure(
        `${guard.reason}. ${guard.fix}${status.state === 'failed' ? ' (or run again with --yes)' : ''}`,
      );

    ctx.say(`$ ${createCommandFor(base).command} ${createCommandFor(base).args.join(' ')}`);
    let lastPhase = -1;
    const run = await runCreate(
      {
        ...base,
        clock: ctx.ports.clock,
        onOutputFile: path => recordOutputFile(ctx, path),
        onProgress: state => {
          if (state.phaseIndex === lastPhase) return;
          lastPhase = state.phaseIndex;
          const line = phaseLine(state);
          if (line) ctx.say(line);
        },
      },
      signal,
    );
    if (run.log) ctx.dispatch({type: 'attempt-log', step: 'create-cluster', log: run.log});
    for (const v of run.progress.validations.filter(v => !v.ok))
      ctx.say(`✘ ${v.name}: ${v.error ?? ''}${v.remediation ? ` — ${v.remediation}` : ''}`);
    if (!run.kubeconfig) throw new StepFailure(failureMessage(run));
    const outcome = await recordCreated(ctx, run.kubeconfig, signal);
    for (const line of outcome.nodeLines) ctx.say(line);
    return {summary: outcome.summary, data: outcome.data};
  },
} satisfies StepLogic;
