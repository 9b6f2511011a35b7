// The last step: what now exists, where the artifacts and logs are, and what to do next.
import type {StepLogic} from '../types.js';
import type {Session} from '../../session/schema.js';
import {isAbsolute, join} from 'node:path';
import {smokeUrl} from '../verify/verify-step.js';
import {AWAITING_CONFIG} from '../data-plane/dp-step.js';

export interface DoneReport {
  exists: string[];
  files: string[];
  next: string[];
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function doneSections(session: Session, sessionDir: string): DoneReport {
  const a = session.artifacts;
  const answers = session.answers;
  const cp = session.steps['control-plane'].data ?? {};
  const dp = session.steps['data-plane'].data ?? {};
  const exists: string[] = [];
  const cluster = answers.cluster?.name ?? (answers.cluster?.existing ? 'existing cluster' : undefined);
  if (cluster)
    exists.push(`Cluster ${cluster}${answers.cluster?.endpoint ? ` (API ${answers.cluster.endpoint})` : ''}`);
  const machines = answers.machines ?? [];
  if (machines.length > 0) {
    const role = (r: 'cp' | 'worker') => machines.filter(m => m.role === r).map(m => `${m.hostname} ${m.ip}`);
    exists.push(`Nodes: ${[...role('cp').map(n => `${n} (cp)`), ...role('worker')].join(', ')}`);
  }
  if (str(cp['clusterEndpoint']))
    exists.push(
      `Control plane: Kong ${str(cp['version']) ?? '?'} at ${String(cp['clusterEndpoint'])} / ${str(cp['telemetryEndpoint']) ?? '?'}`,
    );
  // Pods that waited for a configuration got one when verify created its route: say so, not the wait.
  const dpSummary =
    dp['awaitingConfig'] === true && session.steps.verify.state === 'done'
      ? session.steps['data-plane'].summary?.replace(AWAITING_CONFIG, 'connected, configured by verify')
      : session.steps['data-plane'].summary;
  if (dpSummary) exists.push(`Data plane: ${dpSummary}`);
  const verify = session.steps.verify.summary;
  if (verify) exists.push(`Verified: ${verify}`);

  const files: string[] = [];
  for (const [label, path] of [
    ['hardware.csv', a.hardwareCsv],
    ['Cluster spec', a.clusterYaml],
    ['Kubeconfig', a.kubeconfig],
    ['Data-plane values', a.dpValues],
    ['Secret manifests', str(dp['manifestsFile'])],
  ] as const) {
    if (path) files.push(`${label}: ${path}`);
  }
  files.push(`Session folder: ${sessionDir}`);
  files.push(`Logs: ${sessionDir}/logs/`);

  const next: string[] = [];
  const proxy =
    str(dp['proxyUrl']) ??
    (typeof dp['httpNodePort'] === 'number' ? `http://<node-ip>:${dp['httpNodePort']}` : undefined);
  if (proxy) next.push(`curl -i ${smokeUrl(proxy)}   # call the route`);
  // Absolute, so the command can be pasted anywhere.
  const kubeconfig = a.kubeconfig
    ? isAbsolute(a.kubeconfig)
      ? a.kubeconfig
      : join(sessionDir, a.kubeconfig)
    : answers.cluster?.existing?.kubeconfig;
  if (kubeconfig && str(dp['namespace'])) {
    // The context too: an existing cluster's kubeconfig may name several clusters.
    const context = answers.cluster?.existing?.context;
    next.push(
      `kubectl --kubeconfig ${kubeconfig}${context ? ` --context ${context}` : ''} -n ${String(dp['namespace'])} get pods   # the data plane`,
    );
  }
  next.push(`eksa-kong runbook ${session.name}   # every command as a script`);
  return {exists, files, next};
}

/** All sections as plain lines (headless output). */
export function doneReport(session: Session, sessionDir: string): string[] {
  const s = doneSections(session, sessionDir);
  return [...s.exists, ...s.files, ...s.next.map(l => `Next: ${l}`)];
}

export const logic = {
  runHeadless: async ctx => {
    for (const line of doneReport(ctx.session, ctx.ports.sessionDir)) ctx.say(line);
    return {summary: 'finished'};
  },
} satisfies StepLogic;
