// The discover step: runs the discovery sources the answers (or the screen) switch on and keeps the
// merged machine table as step data, with the machines the admin picked and their roles.
import type {Machine} from '../../session/answers.js';
import type {Session} from '../../session/schema.js';
import type {Clock} from '../../ports.js';
import type {DiscoveredMachine} from '../../discovery/correlate.js';
import {importHardwareCsvFile, storeBmcPasswords} from '../../discovery/csv-file.js';
import {normalizeReportedMac} from '../../net/mac.js';
import {
  anySource,
  planDiscovery,
  settingsFromAnswers,
  splitTargets,
  type DiscoverySettings,
} from '../../discovery/plan.js';
import {DiscoverySession, type DiscoverySnapshot} from '../../discovery/session.js';
import {MissingAnswerError, StepFailure} from '../../errors.js';
import type {StepContext, StepOutcome, StepLogic} from '../types.js';

export type Role = Machine['role'];

/** Secret-free results kept in the session: the table and the admin's picks. */
export interface DiscoverData {
  machines: DiscoveredMachine[];
  selected: Array<{id: string; role: Role}>;
  /** The sources that ran, e.g. ["redfish", "pxe"]. */
  sources: string[];
}

export function discoverData(session: Session): DiscoverData | null {
  const d = session.steps.discover.data as Partial<DiscoverData> | undefined;
  if (!d || !Array.isArray(d.machines) || !Array.isArray(d.selected)) return null;
  return {machines: d.machines, selected: d.selected, sources: Array.isArray(d.sources) ? d.sources : []};
}

/** The picked machines with their roles, in table order. */
export function pickedMachines(data: DiscoverData | null): Array<{machine: DiscoveredMachine; role: Role}> {
  if (!data) return [];
  const roles = new Map(data.selected.map(s => [s.id, s.role] as const));
  return data.machines.filter(m => roles.has(m.id)).map(machine => ({machine, role: roles.get(machine.id)!}));
}

/** A role to start from: a type label from an imported hardware.csv, else the first pick is cp. */
export function suggestedRole(m: DiscoveredMachine, alreadyCp: boolean): Role {
  const type = m.labels?.['type'];
  if (type === 'cp' || type === 'worker') return type;
  return alreadyCp ? 'worker' : 'cp';
}

/** Every machine that has a MAC (a node needs one), with suggested roles. */
export function selectAll(machines: readonly DiscoveredMachine[]): DiscoverData['selected'] {
  const out: DiscoverData['selected'] = [];
  for (const m of machines) {
    if (m.macs.length === 0) continue;
    out.push({
      id: m.id,
      role: suggestedRole(
        m,
        out.some(s => s.role === 'cp'),
      ),
    });
  }
  return out;
}

/** The settings with the neighbour-table candidates added to the Redfish targets (once each), Redfish on. */
export function sweepCandidates(settings: DiscoverySettings, candidates: readonly string[]): DiscoverySettings {
  const targets = splitTargets(settings.redfish.targets);
  for (const ip of candidates) if (!targets.includes(ip)) targets.push(ip);
  return {...settings, redfish: {...settings.redfish, enabled: true, targets: targets.join(', ')}};
}

export function dataOf(snapshot: DiscoverySnapshot, selected: DiscoverData['selected']): DiscoverData {
  const sources = (Object.keys(snapshot.sources) as Array<keyof DiscoverySnapshot['sources']>).filter(
    k => snapshot.sources[k].state !== 'off',
  );
  return {machines: snapshot.machines, selected, sources};
}

export type PrepareResult =
  {ok: true; session: DiscoverySession; notes: string[]} | {ok: false; key: string; message: string};

/**
 * A DiscoverySession for these settings: the Redfish password from the session's secrets, trust from
 * the session, every connection routed through the Net port, the CSV import read and its passwords
 * stored as secrets.
 */
export async function prepareDiscovery(
  ctx: StepContext,
  settings: DiscoverySettings,
  typedPassword?: string,
): Promise<PrepareResult> {
  const notes: string[] = [];
  let csv;
  if (settings.importCsv.enabled && settings.importCsv.path) {
    const r = await importHardwareCsvFile(settings.importCsv.path, ctx.ports.env);
    if (!r.ok) return {ok: false, key: 'discovery.importCsv', message: r.error};
    csv = r.value.findings;
    notes.push(...r.value.problems.map(p => `${settings.importCsv.path}: ${p}`));
    await storeBmcPasswords(ctx.ports.sessionDir, r.value.passwords);
  }
  const password = typedPassword || ctx.secret('redfish');
  const plan = planDiscovery(settings, {
    ...(ctx.session.answers.admin?.interface ? {iface: ctx.session.answers.admin.interface} : {}),
    ...(password ? {redfishPassword: password} : {}),
    trust: ctx.session.trust,
    route: (host, port) => ctx.ports.net.route(host, port),
    runner: ctx.ports.runner,
    env: ctx.ports.env,
    ...(csv ? {csv} : {}),
    ...(ctx.session.answers.discovery?.redfish?.timeoutMs
      ? {timeoutMs: ctx.session.answers.discovery.redfish.timeoutMs}
      : {}),
  });
  if (!plan.ok) return {ok: false, key: plan.problem.key, message: plan.problem.message};
  return {ok: true, session: new DiscoverySession(plan.options), notes};
}

/** Accepts a BMC certificate: remembered in the session's trust map and inventoried again. */
export async function trustBmc(
  ctx: StepContext,
  session: DiscoverySession,
  key: string,
  fingerprint: string,
): Promise<void> {
  ctx.dispatch({type: 'trust', host: key, fingerprint});
  await session.trust(key, fingerprint);
}

/** How long a headless run listens for PXE after the other sources are done (scaled by the demo speed). */
export function headlessListenMs(speed: number): number {
  return Math.max(2000, Math.round(60_000 / Math.max(speed, 0.01)));
}

/**
 * Waits the listening window, but no longer than the PXE source runs: a tcpdump that fails at once
 * (no such interface, no permission) ends the wait instead of leaving the admin 60 s for nothing.
 */
export async function listenForPxe(
  session: DiscoverySession,
  clock: Clock,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  const window = new AbortController();
  const end = () => window.abort();
  signal.addEventListener('abort', end, {once: true});
  const unsubscribe = session.subscribe(snap => {
    if (snap.sources.pxe.state !== 'running') end();
  });
  try {
    if (session.snapshot().sources.pxe.state !== 'running') return;
    await clock.sleep(ms, window.signal);
  } catch (error) {
    if (!window.signal.aborted) throw error;
    // The user's interrupt goes on as before; the source ending is the normal end of the window.
    if (signal.aborted) throw signal.reason ?? error;
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', end);
  }
}

function describeSources(snap: DiscoverySnapshot): string[] {
  return Object.entries(snap.sources)
    .filter(([, s]) => s.state !== 'off')
    .map(([name, s]) => `${name}: ${s.state}${s.message ? ` (${s.message})` : ''}`);
}

function checkGivenMachines(machines: readonly Machine[]): void {
  if (!machines.some(m => m.role === 'cp')) {
    throw new StepFailure('machines: no machine has role cp; the cluster needs at least one control-plane node');
  }
}

async function runHeadless(ctx: StepContext, signal: AbortSignal): Promise<StepOutcome> {
  const answers = ctx.session.answers;
  const given = answers.machines ?? [];
  const count = (ms: readonly Machine[]) =>
    `${ms.length} machine${ms.length === 1 ? '' : 's'} (${ms.filter(m => m.role === 'cp').length} cp, ${ms.filter(m => m.role === 'worker').length} worker)`;
  if (ctx.ports.world === 'dry-run') {
    if (given.length === 0)
      throw new MissingAnswerError('machines', 'the machines to use: a dry run does not listen for PXE or sweep BMCs');
    checkGivenMachines(given);
    ctx.say(`Dry run: not listening for PXE or sweeping BMCs; taking ${count(given)} from the answers.`);
    return {
      summary: `${count(given)} from the answers (dry run: nothing discovered)`,
      data: {machines: [], selected: [], sources: []},
    };
  }
  const settings = settingsFromAnswers(answers);
  if (!anySource(settings)) {
    if (given.length === 0) {
      throw new MissingAnswerError(
        'discovery',
        'a source (discovery.pxe, discovery.redfish.targets or discovery.importCsv), or the machines list',
      );
    }
    checkGivenMachines(given);
    ctx.say(`No discovery source is set; the answers give ${count(given)} and nothing is missing.`);
    return {summary: `${count(given)} from the answers`, data: {machines: [], selected: [], sources: []}};
  }
  const prepared = await prepareDiscovery(ctx, settings);
  if (!prepared.ok) throw new MissingAnswerError(prepared.key, prepared.message);
  prepared.notes.forEach(n => ctx.say(n));
  const session = prepared.session;
  try {
    await session.start(signal);
    for (const t of session.snapshot().needsTrust) {
      if (!ctx.ports.assumeYes) continue;
      ctx.say(`Trusting ${t.key} (certificate SHA-256 ${t.fingerprint}) because of --yes.`);
      await trustBmc(ctx, session, t.key, t.fingerprint);
    }
    if (settings.pxe.enabled && session.snapshot().sources.pxe.state === 'running') {
      const ms = headlessListenMs(ctx.ports.speed);
      ctx.say(`Listening for PXE requests for ${Math.round(ms / 1000)} s…`);
      await listenForPxe(session, ctx.ports.clock, ms, signal);
    }
  } finally {
    await session.stop();
  }
  const snap = session.snapshot();
  describeSources(snap).forEach(l => ctx.say(l));
  for (const t of snap.needsTrust)
    ctx.say(
      `${t.key}: not trusted (certificate SHA-256 ${t.fingerprint}); run with --yes to trust it, or in the wizard`,
    );
  for (const p of snap.problems) ctx.say(p.message);
  for (const w of snap.warnings) ctx.say(w);
  for (const n of snap.notInstallable) ctx.say(`${n.id}: not installable: ${n.reason}`);
  for (const m of snap.machines) {
    const who = m.bootMac ?? m.bmc?.address ?? m.id;
    if (m.bootMac && m.bootMacSource)
      ctx.say(`${who}: boot MAC from ${m.bootMacSource}${m.bootMacDetail ? ` (${m.bootMacDetail})` : ''}`);
    for (const c of m.conflicts) ctx.say(`${who}: conflict: ${c}`);
    for (const w of m.warnings ?? []) ctx.say(`${who}: ${w}`);
  }
  if (given.length > 0) {
    checkGivenMachines(given);
    const seen = new Set(snap.machines.flatMap(m => m.macs));
    const missing = given.filter(m => !seen.has(normalizeReportedMac(m.mac) ?? m.mac));
    for (const m of missing) ctx.say(`${m.hostname} (${m.mac}) from the answers was not seen by discovery.`);
    const summary =
      missing.length === 0
        ? `all ${count(given)} of the answers were found`
        : `${given.length - missing.length} of ${given.length} machines of the answers seen; ${missing.length} not seen`;
    return {summary, data: {...dataOf(snap, [])}};
  }
  if (snap.machines.length === 0) {
    throw new StepFailure(
      `no machines were found (${describeSources(snap).join('; ')})${snap.needsTrust.length ? '; some BMCs wait to be trusted (--yes)' : ''}`,
    );
  }
  const selected = selectAll(snap.machines);
  const data = dataOf(snap, selected);
  return {
    summary: `${snap.machines.length} machine${snap.machines.length === 1 ? '' : 's'} found (${data.sources.join(', ')}); ${selected.length} picked`,
    data: {...data},
  };
}

async function check(ctx: StepContext): Promise<{ok: boolean; detail: string}> {
  const data = discoverData(ctx.session);
  if (ctx.session.answers.machines?.length) return {ok: true, detail: 'machines are in the answers'};
  if (data && data.selected.length > 0) return {ok: true, detail: `${data.selected.length} machines picked`};
  return {ok: false, detail: 'no machines were picked'};
}

export const logic = {runHeadless, check} satisfies StepLogic;
