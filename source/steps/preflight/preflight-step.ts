// The preflight step as the screen and the headless run share it: gather the checks from the ports,
// pick the provisioning interface, and turn the result into lines, a verdict and answers.
import type {Ports} from '../../ports.js';
import type {StepContext} from '../../wizard/registry.js';
import type {Answers} from '../../session/answers.js';
import type {NetInterface} from '../../cluster/interfaces.js';
import {realFolderProbe, type FolderProbe} from '../../cluster/leftovers.js';
import {routedPortProber, type PortProber} from '../../cluster/port-probe.js';
import {
  chooseProvisioning,
  overallStatus,
  runPreflight,
  type PreflightCheck,
  type PreflightDeps,
  type PreflightResult,
} from '../../cluster/preflight.js';
import {processesOf, type ProcessLister} from '../../cluster/processes.js';

/** What the world provides besides the ports' runner and system; tests replace them. */
export interface PreflightProviders {
  prober: PortProber;
  processes: ProcessLister;
  folders: FolderProbe;
}

/** The port probes go where the world's Net routes them (the demo: its simulated admin server). */
export const realPreflightProviders = (ports: Pick<Ports, 'net' | 'processes'>): PreflightProviders => ({
  prober: routedPortProber(ports.net),
  processes: processesOf(ports),
  folders: realFolderProbe,
});

export function preflightDeps(
  ports: Ports,
  answers: Answers,
  providers: PreflightProviders = realPreflightProviders(ports),
): PreflightDeps {
  return {
    runner: ports.runner,
    system: ports.system,
    ports: providers.prober,
    processes: providers.processes,
    folders: providers.folders,
    sessionDir: ports.sessionDir,
    interfaceName: answers.admin?.interface,
    bootstrapIp: answers.admin?.bootstrapIp,
    clusterName: answers.cluster?.name,
  };
}

const MARK = {pass: '✔', warn: '!', fail: '✘'} as const;

/** One line per check: mark, title, what was found, and the fix when there is one. */
export function checkLine(c: PreflightCheck): string {
  return `${MARK[c.status]} ${c.title}: ${c.detail}${c.fix ? ` — ${c.fix}` : ''}`;
}

/** Checks a dry run could not judge because their command was only recorded. */
export function notRunChecks(checks: readonly PreflightCheck[]): PreflightCheck[] {
  return checks.filter(c => c.detail.startsWith('dry run:'));
}

/** Why the step cannot complete, or undefined when it can (warnings are allowed). */
export function blockingReason(checks: readonly PreflightCheck[]): string | undefined {
  const failed = checks.filter(c => c.status === 'fail');
  if (failed.length === 0) return undefined;
  return `${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed.map(c => c.title).join(', ')}. Fix ${failed.length === 1 ? 'it' : 'them'} and run the checks again.`;
}

/** The interface and bootstrap IP to store, when the checks settled them (answers or the only candidate). */
export function provisioningPatch(interfaces: readonly NetInterface[], answers: Answers): Answers | undefined {
  const choice = chooseProvisioning(interfaces, answers.admin?.interface, answers.admin?.bootstrapIp);
  if (!choice.interface || !choice.bootstrapIp) return undefined;
  if (choice.interface.name === answers.admin?.interface && choice.bootstrapIp === answers.admin?.bootstrapIp)
    return undefined;
  return {admin: {interface: choice.interface.name, bootstrapIp: choice.bootstrapIp}};
}

export function preflightSummary(result: PreflightResult, answers: Answers): string {
  const count = (s: PreflightCheck['status']) => result.checks.filter(c => c.status === s).length;
  const parts = [`${count('pass')} passed`, `${count('warn')} warning${count('warn') === 1 ? '' : 's'}`];
  if (count('fail')) parts.push(`${count('fail')} failed`);
  const where =
    answers.admin?.interface && answers.admin.bootstrapIp
      ? `; provisioning on ${answers.admin.interface} ${answers.admin.bootstrapIp}`
      : '';
  return `${parts.join(', ')}${where}`;
}

/** Secret-free facts for the session: each check's verdict. */
export function preflightData(result: PreflightResult): Record<string, unknown> {
  return {
    checks: result.checks.map(c => ({id: c.id, status: c.status, detail: c.detail})),
    overall: overallStatus(result.checks),
  };
}

/** Runs the checks and stores the provisioning choice they settled (answers, or the only candidate). */
export async function runPreflightChecks(
  ctx: StepContext,
  signal: AbortSignal,
  providers?: PreflightProviders,
): Promise<PreflightResult> {
  const result = await runPreflight(preflightDeps(ctx.ports, ctx.session.answers, providers), signal);
  const patch = provisioningPatch(result.interfaces, ctx.session.answers);
  if (patch) ctx.dispatch({type: 'set-answers', patch});
  return result;
}
