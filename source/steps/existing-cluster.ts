// The bare-metal steps do not apply to a data plane on an existing cluster (cluster.existing and no
// machines): they are skipped, with the reason, instead of asking for machines that do not exist.
import {implementStep} from '../wizard/registry.js';
import {bareMetalSkipReason} from '../lifecycle/existing-cluster.js';

for (const id of ['discover', 'hardware', 'cluster-spec'] as const) implementStep(id, {skipWhen: bareMetalSkipReason});
