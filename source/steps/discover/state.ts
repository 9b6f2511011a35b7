// The Discover screen's state machine as a pure reducer: the source settings form, the live machine
// table with the admin's picks and roles, the trust and power-on questions, and the autoplay sequence
// of the guided demo. Selectors answer what the screen and the finish need (pick rules, what to keep
// when leaving, whether the picks changed). No I/O here: ./flow.ts does the work.
import type {Machine} from '../../session/answers.js';
import type {Session} from '../../session/schema.js';
import {bootMacObserved, type DiscoveredMachine} from '../../discovery/correlate.js';
import {settingsFromAnswers, type DiscoverySettings} from '../../discovery/plan.js';
import type {DiscoverySnapshot} from '../../discovery/session.js';
import {dataOf, discoverData, selectAll, suggestedRole, type DiscoverData, type Role} from './step.js';
import {sourceRows, type SourceRow} from './sources.js';

export interface DiscoverMessage {
  text: string;
  error: boolean;
}

export interface DiscoverState {
  phase: 'setup' | 'live';
  /** The provisioning interface (answers.admin.interface): names the capture row. */
  iface: string | undefined;
  settings: DiscoverySettings;
  /** The BMC password typed in this screen (never saved here; the store moves it to secrets.json). */
  password: string;
  /** The highlighted settings row. */
  focus: number;
  /** The value being edited in the highlighted row, or null. */
  editing: string | null;
  snap: DiscoverySnapshot | null;
  /** Machines shown before a discovery runs: the last discovery's, or the answers'. */
  staticMachines: DiscoveredMachine[];
  roles: ReadonlyMap<string, Role>;
  cursor: number;
  /** BMC certificates the admin declined (by BMC key). */
  declined: ReadonlySet<string>;
  /** The BMC address waiting for "power on? y/n". */
  confirmPower: string | null;
  message: DiscoverMessage | null;
  /** When discovery started (ports clock), for the autoplay's patience. */
  startedAt: number;
  /** Autoplay already picked all machines. */
  autoPicked: boolean;
  /** Bumped to look at a live table again (autoplay waits for PXE requests). */
  tick: number;
}

export type DiscoverAction =
  | {type: 'focus'; by: 1 | -1}
  | {type: 'toggle'}
  | {type: 'edit-open'}
  | {type: 'edit-change'; value: string}
  | {type: 'edit-commit'; value: string}
  | {type: 'edit-cancel'}
  | {type: 'settings'; settings: DiscoverySettings}
  | {type: 'message'; text: string; error?: boolean}
  | {type: 'started'; snap: DiscoverySnapshot; note?: string; at: number}
  | {type: 'snapshot'; snap: DiscoverySnapshot}
  | {type: 'cursor'; by: 1 | -1}
  | {type: 'pick'; role?: Role}
  | {type: 'pick-all'; auto?: boolean}
  | {type: 'decline'; key: string}
  | {type: 'power-ask'}
  | {type: 'power-cancel'}
  | {type: 'sources'}
  | {type: 'tick'};

/** Machines already listed in the answers, shown like discovered ones. */
export function machinesFromAnswers(machines: readonly Machine[]): DiscoveredMachine[] {
  return machines.map(m => ({
    id: `answers:${m.hostname}`,
    sources: [],
    macs: [m.mac.toLowerCase()],
    bootMac: m.mac.toLowerCase(),
    pxe: false,
    hostname: m.hostname,
    ip: m.ip,
    disk: {device: m.disk, reason: 'from the answers'},
    ...(m.bmc ? {bmc: {address: m.bmc.ip}} : {}),
    ...(m.vendor ? {vendor: m.vendor} : {}),
    ...(m.model ? {model: m.model} : {}),
    ...(m.uuid ? {uuid: m.uuid} : {}),
    labels: {type: m.role},
    conflicts: [],
  }));
}

/** Where the screen starts: the last discovery's table, the answers' machines, or the settings. */
export function initialDiscoverState(session: Session): DiscoverState {
  const base: DiscoverState = {
    phase: 'setup',
    iface: session.answers.admin?.interface,
    settings: settingsFromAnswers(session.answers),
    password: '',
    focus: 0,
    editing: null,
    snap: null,
    staticMachines: [],
    roles: new Map(),
    cursor: 0,
    declined: new Set(),
    confirmPower: null,
    message: null,
    startedAt: 0,
    autoPicked: false,
    tick: 0,
  };
  const data = discoverData(session);
  if (data && data.machines.length > 0)
    return {
      ...base,
      phase: 'live',
      staticMachines: data.machines,
      roles: new Map(data.selected.map(s => [s.id, s.role])),
      message: {text: 'Results of the last discovery: e to discover again.', error: false},
    };
  const given = session.answers.machines ?? [];
  if (given.length > 0) {
    const machines = machinesFromAnswers(given);
    return {
      ...base,
      phase: 'live',
      staticMachines: machines,
      roles: new Map(given.map((m, i) => [machines[i]!.id, m.role])),
      message: {text: 'The answers already list these machines: Enter to use them, e to discover.', error: false},
    };
  }
  return base;
}

export function rowsOf(state: DiscoverState): SourceRow[] {
  return sourceRows(state.iface).filter(r => !r.visible || r.visible(state.settings));
}

export function machinesOf(state: DiscoverState): DiscoveredMachine[] {
  return state.snap?.machines ?? state.staticMachines;
}

export function highlighted(state: DiscoverState): DiscoveredMachine | undefined {
  return machinesOf(state)[state.cursor];
}

/** The first certificate question not yet declined. */
export function pendingTrust(state: DiscoverState): {key: string; fingerprint: string} | null {
  return state.snap?.needsTrust.find(t => !state.declined.has(t.key)) ?? null;
}

export function isRunning(state: DiscoverState): boolean {
  return Object.values(state.snap?.sources ?? {}).some(s => s.state === 'running');
}

/** The picked machines with their roles, in table order. */
export function selectedOf(state: DiscoverState): DiscoverData['selected'] {
  return machinesOf(state)
    .filter(m => state.roles.has(m.id))
    .map(m => ({id: m.id, role: state.roles.get(m.id)!}));
}

/** Space: pick with a suggested role, or drop; c / w: pick with that role. */
export function pickRoles(
  roles: ReadonlyMap<string, Role>,
  m: DiscoveredMachine,
  role?: Role,
): ReadonlyMap<string, Role> {
  const next = new Map(roles);
  if (role) next.set(m.id, role);
  else if (next.has(m.id)) next.delete(m.id);
  else next.set(m.id, suggestedRole(m, [...next.values()].includes('cp')));
  return next;
}

/** Why the picks cannot be kept yet, or null when they can. */
export function finishProblem(state: DiscoverState): string | null {
  const selected = selectedOf(state);
  if (selected.length === 0) return 'Pick at least one machine (Space), or a for all.';
  if (!selected.some(s => s.role === 'cp')) return 'Make at least one picked machine the control plane (c).';
  const noMac = machinesOf(state).find(m => state.roles.has(m.id) && m.macs.length === 0);
  if (noMac) return `${noMac.bmc?.address ?? noMac.id} has no MAC yet: power it on (p) or drop it.`;
  return null;
}

/** What the step keeps: the live table with the picks, or the table it started from. */
export function keptData(state: DiscoverState, session: Session): DiscoverData {
  const selected = selectedOf(state);
  if (state.snap) return dataOf(state.snap, selected);
  return {machines: machinesOf(state), selected, sources: discoverData(session)?.sources ?? []};
}

/** Leaving the step before it is done keeps what a discovery found (coming back shows it). */
export function dataToKeepOnLeave(state: DiscoverState, session: Session): DiscoverData | null {
  if (!state.snap || state.snap.machines.length === 0 || session.steps.discover.state === 'done') return null;
  return dataOf(state.snap, selectedOf(state));
}

/** The hardware step built on other picks than these: it must be done again. */
export function picksChanged(session: Session, selected: DiscoverData['selected']): boolean {
  if (session.steps.hardware.state === 'pending') return false;
  return JSON.stringify(discoverData(session)?.selected ?? []) !== JSON.stringify(selected);
}

export function reduceDiscover(state: DiscoverState, action: DiscoverAction): DiscoverState {
  switch (action.type) {
    case 'focus': {
      const n = rowsOf(state).length;
      return n === 0 ? state : {...state, focus: (state.focus + action.by + n) % n};
    }
    case 'toggle': {
      const row = rowsOf(state)[state.focus];
      return row?.toggle ? {...state, settings: row.toggle(state.settings)} : state;
    }
    case 'edit-open': {
      const row = rowsOf(state)[state.focus];
      if (row?.text) return {...state, editing: row.mask ? state.password : row.text(state.settings, state.password)};
      return row?.toggle ? {...state, settings: row.toggle(state.settings)} : state;
    }
    case 'edit-change':
      return state.editing === null ? state : {...state, editing: action.value};
    case 'edit-commit': {
      const row = rowsOf(state)[state.focus];
      if (row?.mask) return {...state, password: action.value, editing: null};
      if (row?.set) return {...state, settings: row.set(state.settings, action.value), editing: null};
      return {...state, editing: null};
    }
    case 'edit-cancel':
      return {...state, editing: null};
    case 'settings':
      return {...state, settings: action.settings};
    case 'message':
      return {...state, message: {text: action.text, error: action.error ?? false}};
    case 'started':
      return {
        ...state,
        phase: 'live',
        snap: action.snap,
        staticMachines: [],
        roles: new Map(),
        cursor: 0,
        startedAt: action.at,
        message: action.note ? {text: action.note, error: false} : null,
      };
    case 'snapshot':
      return {...state, snap: action.snap};
    case 'cursor': {
      const last = Math.max(0, machinesOf(state).length - 1);
      return {...state, cursor: Math.min(last, Math.max(0, state.cursor + action.by))};
    }
    case 'pick': {
      const m = highlighted(state);
      return m ? {...state, roles: pickRoles(state.roles, m, action.role)} : state;
    }
    case 'pick-all':
      return {
        ...state,
        roles: new Map(selectAll(machinesOf(state)).map(s => [s.id, s.role])),
        autoPicked: state.autoPicked || Boolean(action.auto),
      };
    case 'decline':
      return {...state, declined: new Set(state.declined).add(action.key)};
    case 'power-ask': {
      const m = highlighted(state);
      if (m?.bmc) return {...state, confirmPower: m.bmc.address};
      return {...state, message: {text: 'This machine has no known BMC address to power it on with.', error: true}};
    }
    case 'power-cancel':
      return {...state, confirmPower: null};
    case 'sources':
      return {...state, phase: 'setup', snap: null, message: null};
    case 'tick':
      return {...state, tick: state.tick + 1};
  }
}

export type AutoplayCue =
  | {do: 'start'; ms: number}
  | {do: 'finish'; ms: number}
  | {do: 'trust'; key: string; fingerprint: string; ms: number}
  | {do: 'look-again'; ms: number}
  | {do: 'pick-all'; ms: number};

/**
 * The guided demo's next move and its pause at speed 1: start the configured sources, trust each BMC,
 * wait for the PXE requests of the machines Redfish found (at most `patienceMs` after the start),
 * pick all, go on. Null: nothing to do until the table changes.
 */
export function autoplayNext(state: DiscoverState, now: number, patienceMs: number): AutoplayCue | null {
  if (state.phase === 'setup') return {do: 'start', ms: 2000};
  const snap = state.snap;
  if (!snap) return {do: 'finish', ms: 2000};
  const trust = pendingTrust(state);
  if (trust) return {do: 'trust', ...trust, ms: 1500};
  const redfishBusy = snap.sources.redfish.state === 'running' || snap.needsTrust.length > 0;
  const waitedLong = now - state.startedAt > patienceMs;
  const booted = snap.machines.filter(m => m.sources.includes('redfish')).every(m => m.bootMac && bootMacObserved(m));
  const pxeOn = snap.sources.pxe.state === 'running';
  if (redfishBusy || snap.machines.length === 0 || (pxeOn && !booted && !waitedLong))
    return pxeOn && !waitedLong ? {do: 'look-again', ms: 1000} : null;
  if (!state.autoPicked) return {do: 'pick-all', ms: 2000};
  return {do: 'finish', ms: 2500};
}
