// The preflight step: the admin-server checks of source/cluster/preflight.ts. A failed check stops
// the step; warnings are allowed. The interface and bootstrap IP are stored once the checks settle them.
import {MissingAnswerError, StepFailure} from '../../errors.js';
import type {StepLogic} from '../types.js';
import {isExistingClusterFlow} from '../../lifecycle/existing-cluster-flow.js';
import {runExistingClusterPreflight} from '../../lifecycle/existing-cluster.js';
import {
  blockingReason,
  checkLine,
  notRunChecks,
  preflightData,
  preflightSummary,
  runPreflightChecks,
} from './preflight-step.js';

export const logic = {
  async runHeadless(ctx, signal) {
    // A data plane on an existing cluster needs none of the bare-metal checks.
    if (isExistingClusterFlow(ctx.session.answers)) return runExistingClusterPreflight(ctx, signal);
    const result = await runPreflightChecks(ctx, signal);
    for (const check of result.checks) ctx.say(checkLine(check));
    const dryRun = ctx.ports.world === 'dry-run';
    const notRun = notRunChecks(result.checks);
    if (dryRun && notRun.length > 0)
      ctx.say(`dry run: not checked (commands recorded only): ${notRun.map(c => c.title).join(', ')}`);
    const blocked = blockingReason(result.checks);
    if (blocked) throw new StepFailure(blocked);
    const answers = ctx.session.answers;
    if (!dryRun && (!answers.admin?.interface || !answers.admin.bootstrapIp)) {
      throw new MissingAnswerError(
        answers.admin?.interface ? 'admin.bootstrapIp' : 'admin.interface',
        'the interface on the nodes’ network and its IPv4 address (see the provisioning-interface check)',
      );
    }
    return {summary: preflightSummary(result, answers), data: preflightData(result)};
  },
} satisfies StepLogic;
