// The cluster-spec step: cluster.yaml from the answers, validated as eksctl would and stricter, with
// the endpoint and tinkerbellIP probed and the OS image URL tried from here (skipped in a dry run).
import {stat} from 'node:fs/promises';
import {isAbsolute, join} from 'node:path';
import {AnswerError, MissingAnswerError, StepFailure} from '../../errors.js';
import type {StepLogic} from '../types.js';
import {unusableSecretRef} from '../../session/secrets.js';
import {formatIssue} from '../../cluster/spec.js';
import {
  localAddresses,
  missingClusterAnswer,
  networkChecks,
  renderFromAnswers,
  specInputs,
  specSummary,
  writeSpecArtifact,
} from './spec-step.js';

export const logic = {
  async check(ctx) {
    const path = ctx.session.artifacts.clusterYaml;
    if (!path) return {ok: false, detail: 'cluster.yaml was never written'};
    try {
      await stat(isAbsolute(path) ? path : join(ctx.ports.sessionDir, path));
      return {ok: true, detail: `${path} is there`};
    } catch {
      return {ok: false, detail: `${path} is missing`};
    }
  },
  async runHeadless(ctx, signal) {
    const answers = ctx.session.answers;
    const missing = missingClusterAnswer(answers);
    if (missing) throw new MissingAnswerError(missing.key, missing.expected);
    const dryRun = ctx.ports.world === 'dry-run';
    const inputs = specInputs(ctx);
    const rendered = renderFromAnswers(
      answers,
      inputs,
      dryRun ? undefined : await localAddresses(ctx.ports.runner, signal),
    );
    const needsToken = rendered.errors.find(e => e.key === 'cluster.licenseToken' && !inputs.licenseToken);
    if (needsToken) {
      // Given by a reference that cannot be used: name that key and why, not a missing answer.
      const unusable = unusableSecretRef('cluster', 'licenseToken', answers.cluster, ctx.ports.env);
      if (unusable) throw new AnswerError(unusable.key, `${unusable.message} (${needsToken.message})`);
      throw new MissingAnswerError('cluster.licenseToken', needsToken.message);
    }
    if (!rendered.resolved || rendered.errors.length > 0)
      throw new StepFailure(rendered.errors.map(formatIssue).join('; '));
    const warnings = [...rendered.warnings];
    if (dryRun) ctx.say('dry run: the endpoint and tinkerbellIP were not probed and the OS image URL was not tried');
    else {
      const net = await networkChecks(rendered.resolved, ctx.ports.runner, ctx.ports.net, signal);
      if (net.errors.length > 0) throw new StepFailure(net.errors.map(formatIssue).join('; '));
      warnings.push(...net.warnings);
    }
    for (const w of warnings) ctx.say(`warning: ${formatIssue(w)}`);
    const path = await writeSpecArtifact(ctx.ports.sessionDir, rendered.yaml);
    ctx.dispatch({type: 'record-artifact', key: 'clusterYaml', path});
    ctx.say(`wrote ${path}`);
    return {
      summary: specSummary(rendered.resolved),
      data: {name: rendered.resolved.name, warnings: warnings.map(formatIssue)},
    };
  },
} satisfies StepLogic;
