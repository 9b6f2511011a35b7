// What the hardware screen edits before it becomes answers: every value as typed (strings, possibly
// wrong), so bad input is kept and shown with its error instead of being thrown away. Built from the
// answers or from the machines the Discover step picked; checked field by field with validateField,
// the same rule code as the file validator.
import type {Answers, Machine} from '../session/answers.js';
import type {Column} from './columns.js';
import {validateField} from './field.js';
import {formatIpv4, parseIpv4} from '../net/ipv4.js';
import {normalizeMac} from '../net/mac.js';
import {NAMESERVER_SEPARATOR} from './rules.js';
import {formatLabels, LABEL_SEPARATOR, parseLabels} from './labels.js';
import {suggestHostnames, suggestIps} from './suggest.js';

type Role = Machine['role'];

export interface MachineDraft {
  hostname: string;
  ip: string;
  role: Role;
  disk: string;
  mac: string;
  bmcIp: string;
  bmcUsername: string;
  /** In memory only: it goes into the answers inline, and the store moves it to secrets.json. */
  bmcPassword: string;
  /** The answers' reference the password came from; kept (instead of the value) while it is not edited. */
  bmcRef?: {passwordEnv?: string; passwordFile?: string};
  /** The labels besides type (the role sets type=cp|worker), as typed: "rack=r1|zone=a". */
  labels: string;
  /** hardware.csv's vlan_id as typed; empty for none. */
  vlanId: string;
  vendor?: string;
  model?: string;
  uuid?: string;
}

export interface NetworkDraft {
  netmask: string;
  gateway: string;
  /** As typed: separated by commas, spaces or "|". */
  nameservers: string;
}

export type MachineField =
  'hostname' | 'ip' | 'disk' | 'mac' | 'bmcIp' | 'bmcUsername' | 'bmcPassword' | 'labels' | 'vlanId';
export type NetworkField = keyof NetworkDraft;

/** The hardware.csv column each field becomes (errors name it as the file validator would). */
export const MACHINE_COLUMNS: Record<MachineField, Column> = {
  hostname: 'hostname',
  ip: 'ip_address',
  disk: 'disk',
  mac: 'mac',
  bmcIp: 'bmc_ip',
  bmcUsername: 'bmc_username',
  bmcPassword: 'bmc_password',
  labels: 'labels',
  vlanId: 'vlan_id',
};
export const NETWORK_COLUMNS: Record<NetworkField, Column> = {
  netmask: 'netmask',
  gateway: 'gateway',
  nameservers: 'nameservers',
};

/** A machine found by discovery, as far as the hardware step cares (DiscoveredMachine fits). */
export interface DiscoveredLike {
  macs: string[];
  bootMac?: string;
  hostname?: string;
  ip?: string;
  disk?: {device: string};
  bmc?: {address: string; username?: string};
  labels?: Record<string, string>;
  vendor?: string;
  model?: string;
  uuid?: string;
}

export function splitNameservers(text: string): string[] {
  return text
    .split(/[\s,|]+/)
    .map(s => s.trim())
    .filter(Boolean);
}

export function networkDraft(answers: Answers): NetworkDraft {
  const n = answers.network ?? {};
  return {netmask: n.netmask ?? '', gateway: n.gateway ?? '', nameservers: (n.nameservers ?? []).join(', ')};
}

export function draftFromMachine(m: Machine, password = m.bmc?.password ?? ''): MachineDraft {
  const d: MachineDraft = {
    hostname: m.hostname,
    ip: m.ip,
    role: m.role,
    disk: m.disk,
    mac: m.mac,
    bmcIp: m.bmc?.ip ?? '',
    bmcUsername: m.bmc?.username ?? '',
    bmcPassword: password,
    labels: extraLabels(m.labels),
    vlanId: m.vlanId === undefined ? '' : String(m.vlanId),
  };
  if (m.bmc?.passwordEnv !== undefined || m.bmc?.passwordFile !== undefined) {
    d.bmcRef = {
      ...(m.bmc.passwordEnv !== undefined ? {passwordEnv: m.bmc.passwordEnv} : {}),
      ...(m.bmc.passwordFile !== undefined ? {passwordFile: m.bmc.passwordFile} : {}),
    };
  }
  if (m.vendor) d.vendor = m.vendor;
  if (m.model) d.model = m.model;
  if (m.uuid) d.uuid = m.uuid;
  return d;
}

/** The labels besides type, as the labels cell writes them. */
function extraLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const {type: _type, ...extra} = labels ?? {};
  return formatLabels(extra);
}

/** The whole labels cell of a draft: type from the role, then the extra labels as typed. */
export function labelsCell(d: Pick<MachineDraft, 'role' | 'labels'>): string {
  const extra = d.labels.trim();
  return extra === '' ? `type=${d.role}` : `type=${d.role}${LABEL_SEPARATOR}${extra}`;
}

/** host or host:port (a Redfish target key) -> the address hardware.csv wants. */
function bmcHost(address: string | undefined): string {
  if (!address) return '';
  const v6 = /^\[([^\]]+)\]/.exec(address);
  if (v6) return v6[1]!;
  return address.replace(/:\d+$/, '');
}

/**
 * Drafts for the machines the admin picked in Discover. A machine already in the answers (same MAC) keeps
 * what was typed for it; a new one starts from what discovery learned. Suggestions fill the gaps.
 */
export function draftsFromDiscovery(
  picked: ReadonlyArray<{machine: DiscoveredLike; role: Role}>,
  answers: Answers,
  defaults: {bmcUsername?: string} = {},
): MachineDraft[] {
  const known = answers.machines ?? [];
  const drafts = picked.map(({machine, role}) => {
    const macs = new Set(machine.macs.map(m => normalizeMac(m) ?? m));
    const existing = known.find(k => macs.has(normalizeMac(k.mac) ?? k.mac));
    if (existing) return {...draftFromMachine(existing), role};
    const d: MachineDraft = {
      hostname: machine.hostname ?? '',
      ip: machine.ip ?? '',
      role,
      disk: machine.disk?.device ?? '',
      mac: machine.bootMac ?? machine.macs[0] ?? '',
      bmcIp: bmcHost(machine.bmc?.address),
      bmcUsername: machine.bmc ? (machine.bmc.username ?? defaults.bmcUsername ?? '') : '',
      bmcPassword: '',
      labels: extraLabels(machine.labels),
      vlanId: '',
    };
    if (machine.vendor) d.vendor = machine.vendor;
    if (machine.model) d.model = machine.model;
    if (machine.uuid) d.uuid = machine.uuid;
    return d;
  });
  return withSuggestions(drafts, networkDraft(answers), answers);
}

/** Where the node addresses start: after the admin server's bootstrap IP, else ten after the gateway. */
function ipStart(answers: Answers, network: NetworkDraft): string | null {
  const boot = parseIpv4(answers.admin?.bootstrapIp ?? '');
  if (boot !== null) return formatIpv4(boot + 1);
  const gw = parseIpv4(network.gateway);
  return gw !== null ? formatIpv4(gw + 10) : null;
}

/** Fills empty hostnames (eksa-cp01.., eksa-wk01..), IPs (in sequence) and disks (/dev/sda); typed values stay. */
export function withSuggestions(
  drafts: readonly MachineDraft[],
  network: NetworkDraft,
  answers: Answers,
): MachineDraft[] {
  const out = drafts.map(d => ({...d}));
  const blankNames = out.filter(d => d.hostname === '');
  const names = suggestHostnames(
    'eksa-cp',
    'eksa-wk',
    blankNames.map(d => d.role),
    out.map(d => d.hostname).filter(Boolean),
  );
  blankNames.forEach((d, i) => (d.hostname = names[i]!));
  const blankIps = out.filter(d => d.ip === '');
  const start = ipStart(answers, network);
  if (blankIps.length > 0 && start) {
    const avoid = [
      answers.admin?.bootstrapIp,
      network.gateway,
      ...splitNameservers(network.nameservers),
      answers.cluster?.endpoint,
      answers.cluster?.tinkerbellIp,
      ...out.flatMap(d => [d.ip, d.bmcIp]),
    ].filter((x): x is string => Boolean(x));
    const ips = suggestIps(start, blankIps.length, avoid, network.netmask || undefined);
    blankIps.forEach((d, i) => (d.ip = ips[i] ?? ''));
  }
  for (const d of out) if (d.disk === '') d.disk = '/dev/sda';
  return out;
}

/** The cells of one machine as hardware.csv would hold them (for rules that look at several). */
function rowOf(d: MachineDraft, n: NetworkDraft): Partial<Record<Column, string>> {
  return {
    hostname: d.hostname,
    ip_address: d.ip,
    mac: d.mac,
    disk: d.disk,
    netmask: n.netmask,
    gateway: n.gateway,
    nameservers: splitNameservers(n.nameservers).join(NAMESERVER_SEPARATOR),
    bmc_ip: d.bmcIp,
    bmc_username: d.bmcUsername,
    bmc_password: d.bmcPassword,
    labels: labelsCell(d),
    vlan_id: d.vlanId,
  };
}

/** The error of one machine field, or null. Uniqueness is checked against the other machines. */
export function machineFieldError(
  drafts: readonly MachineDraft[],
  i: number,
  field: MachineField,
  network: NetworkDraft,
): string | null {
  const d = drafts[i]!;
  const others = drafts.filter((_, j) => j !== i);
  const column = MACHINE_COLUMNS[field];
  if (field === 'labels' && 'type' in parseLabels(d.labels).labels)
    return 'type is set by the role (cp or worker): leave it out here and switch the role instead';
  const value = column === 'mac' ? d.mac : (rowOf(d, network)[column] ?? '');
  const error = validateField(column, value, {
    row: rowOf(d, network),
    taken: {
      hostname: others.map(o => o.hostname),
      ip_address: others.map(o => o.ip),
      mac: others.map(o => o.mac),
      bmc_ip: others.map(o => o.bmcIp).filter(Boolean),
    },
  });
  // The screen names the field already; the labels rules name their column too.
  return error?.replace(/^labels: /, '') ?? null;
}

/** The error of a shared network field, checked with each machine's address (subnet rules). */
export function networkFieldError(
  drafts: readonly MachineDraft[],
  field: NetworkField,
  network: NetworkDraft,
): string | null {
  const column = NETWORK_COLUMNS[field];
  const value =
    field === 'nameservers' ? splitNameservers(network.nameservers).join(NAMESERVER_SEPARATOR) : network[field];
  if (drafts.length === 0) return validateField(column, value);
  for (const d of drafts) {
    const e = validateField(column, value, {row: rowOf(d, network)});
    if (e) return e;
  }
  return null;
}

export interface DraftError {
  /** null for a shared network field. */
  machine: number | null;
  field: MachineField | NetworkField;
  column: Column;
  message: string;
}

const FIELDS: MachineField[] = [
  'hostname',
  'ip',
  'mac',
  'disk',
  'bmcIp',
  'bmcUsername',
  'bmcPassword',
  'labels',
  'vlanId',
];

export function draftErrors(drafts: readonly MachineDraft[], network: NetworkDraft): DraftError[] {
  const out: DraftError[] = [];
  for (const field of ['netmask', 'gateway', 'nameservers'] as const) {
    const message = networkFieldError(drafts, field, network);
    if (message) out.push({machine: null, field, column: NETWORK_COLUMNS[field], message});
  }
  drafts.forEach((_, i) => {
    for (const field of FIELDS) {
      const message = machineFieldError(drafts, i, field, network);
      if (message) out.push({machine: i, field, column: MACHINE_COLUMNS[field], message});
    }
  });
  return out;
}

/** The answers the drafts stand for; BMC passwords inline (the store moves them to secrets.json). */
export function answersFromDrafts(
  drafts: readonly MachineDraft[],
  network: NetworkDraft,
): Pick<Answers, 'machines' | 'network'> {
  const machines: Machine[] = drafts.map(d => {
    const m: Machine = {hostname: d.hostname, mac: normalizeMac(d.mac) ?? d.mac, ip: d.ip, role: d.role, disk: d.disk};
    if (d.bmcIp || d.bmcUsername) {
      const secret = d.bmcRef ? {...d.bmcRef} : d.bmcPassword ? {password: d.bmcPassword} : {};
      m.bmc = {ip: d.bmcIp, username: d.bmcUsername, ...secret};
    }
    const {type: _type, ...labels} = parseLabels(d.labels).labels;
    if (Object.keys(labels).length > 0) m.labels = labels;
    if (d.vlanId.trim() !== '') m.vlanId = d.vlanId.trim();
    if (d.vendor) m.vendor = d.vendor;
    if (d.model) m.model = d.model;
    if (d.uuid) m.uuid = d.uuid;
    return m;
  });
  return {
    machines,
    network: {netmask: network.netmask, gateway: network.gateway, nameservers: splitNameservers(network.nameservers)},
  };
}
