// Which flow a session is in, from its answers alone. Kept apart from existing-cluster.ts (which runs
// kubectl and the Kubernetes client) because the step definitions' skipWhen needs it, and those load
// at start-up with the step registry.
import type {Answers} from '../session/answers.js';
import type {Session} from '../session/schema.js';

/** cluster.existing and no machines: the data plane goes onto that cluster, nothing is provisioned. */
export function isExistingClusterFlow(answers: Answers): boolean {
  return Boolean(answers.cluster?.existing) && (answers.machines?.length ?? 0) === 0;
}

/** Why a bare-metal step is skipped in that flow, or undefined when it runs. */
export function bareMetalSkipReason(session: Session): string | undefined {
  return isExistingClusterFlow(session.answers)
    ? 'not needed: the data plane goes onto the existing cluster (cluster.existing)'
    : undefined;
}
