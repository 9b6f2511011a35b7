// The last step: what now exists and where everything is.
import {implementStep} from '../wizard/registry.js';
import type {Session} from '../session/schema.js';

export function doneReport(session: Session, sessionDir: string): string[] {
  const lines: string[] = [];
  const a = session.artifacts;
  const cluster = session.answers.cluster?.name;
  if (cluster) lines.push(`Cluster: ${cluster}${a.kubeconfig ? ` (kubeconfig ${a.kubeconfig})` : ''}`);
  const dp = session.steps['data-plane'].summary;
  if (dp) lines.push(`Data plane: ${dp}`);
  const verify = session.steps.verify.summary;
  if (verify) lines.push(`Verified: ${verify}`);
  for (const [label, path] of [
    ['hardware.csv', a.hardwareCsv],
    ['Cluster spec', a.clusterYaml],
    ['Data-plane values', a.dpValues],
  ] as const) {
    if (path) lines.push(`${label}: ${path}`);
  }
  lines.push(`Session folder: ${sessionDir}`);
  lines.push(`Logs: ${sessionDir}/logs/`);
  return lines;
}

implementStep('done', {
  runHeadless: async ctx => {
    for (const line of doneReport(ctx.session, ctx.ports.sessionDir)) ctx.say(line);
    return {summary: 'finished'};
  },
});
