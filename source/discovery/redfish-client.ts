// Redfish inventory of one BMC: service root, Systems (identity, boot order, NIC MACs, storage) and the
// managers' own NICs. Vendor shapes differ (discovery.md 2.5), so MACs fall back from Systems
// EthernetInterfaces to NetworkInterfaces, Chassis NetworkAdapters (NetworkDeviceFunctions, then Ports)
// and HPE's BaseNetworkAdapters. The boot MAC is the first network entry of the boot order when the BMC
// publishes one: that is the NIC the machine PXE-boots from, and the one Tinkerbell must know.
import {normalizeFingerprint, pinnedClient, PinnedConnectError, type RouteFn, type TlsPolicy} from './redfish-http.js';
import {
  suggestDisk,
  type ControllerInfo,
  type DiskSuggestion,
  type DriveInfo,
  type StorageInfo,
  type VolumeInfo,
} from './disk.js';
import {isPlaceholderMac, normalizeReportedMac} from '../net/mac.js';
import type {BmcTarget} from './targets.js';
import {cleanForDisplay} from '../run/display-text.js';

export interface RedfishCredentials {
  username: string;
  password: string;
}

export type NicSource =
  | 'EthernetInterfaces'
  | 'NetworkInterfaces'
  | 'NetworkDeviceFunctions'
  | 'Ports'
  | 'BaseNetworkAdapters'
  | 'BootOptions';

/** Where a system's boot MAC came from: the boot order, or (without one) the first NIC of a source. */
export interface BootMacChoice {
  mac: string;
  source: 'BootOrder' | 'BootOptions' | NicSource;
  /** What named it, e.g. the boot option "Boot0013 OCP Slot 10 Port 1 … (PXE IPv4)". */
  detail: string;
}

export interface RedfishNic {
  id: string;
  /** Name as the BMC shows it (iDRAC boot options name NICs this way, without a MAC). */
  name?: string;
  mac: string;
  permanentMac?: string;
  linkStatus?: string;
  state?: string;
  /** NetworkDeviceFunction BootMode (PXE, iSCSI, Disabled). */
  bootMode?: string;
  source: NicSource;
}

/** The manager (BMC) a system names in Links.ManagedBy: a blade's own BMC in an enclosure. */
export interface ManagerInfo {
  path: string;
  macs: string[];
  ipv4: string[];
}

export interface RedfishSystem {
  id: string;
  path: string;
  uuid?: string;
  serial?: string;
  manufacturer?: string;
  model?: string;
  powerState?: string;
  /** Redfish SystemType: Physical, DPU, OS, Virtual, ... */
  systemType?: string;
  /** Set when the system is not a machine to install (a DPU, a GPU baseboard, a partition). */
  notInstallable?: string;
  nics: RedfishNic[];
  bootMac?: BootMacChoice;
  storage: StorageInfo[];
  /** Every present drive, flat (for screens and tests). */
  drives: DriveInfo[];
  disk: DiskSuggestion | null;
  /** Why this disk, or why none. */
  diskReason: string;
  managedBy?: ManagerInfo;
  /** What the admin should know about this system (no MAC found, parts unreadable). */
  warnings: string[];
}

export interface RedfishBmc {
  /** Target key (host or host:port). */
  address: string;
  fingerprint: string;
  redfishVersion?: string;
  vendor?: string;
  /** MACs of the BMC's own interfaces (each Manager's EthernetInterfaces). */
  macs: string[];
  /** Every manager by @odata.id (blades name theirs in Links.ManagedBy). */
  managers: ManagerInfo[];
  /** Some requests failed or the deadline passed: what was read is kept, and warnings say what is missing. */
  partial?: boolean;
  systems: RedfishSystem[];
  /** Parts that could not be read (the inventory is still usable). */
  warnings: string[];
}

export type RedfishResult =
  | {kind: 'ok'; target: BmcTarget; bmc: RedfishBmc}
  | {kind: 'needsTrust'; target: BmcTarget; fingerprint: string}
  | {kind: 'fingerprintMismatch'; target: BmcTarget; expected: string; actual: string}
  | {kind: 'authFailed'; target: BmcTarget; message: string}
  | {kind: 'notRedfish'; target: BmcTarget; message: string}
  | {kind: 'unreachable'; target: BmcTarget; message: string}
  | {kind: 'error'; target: BmcTarget; message: string};

export interface RedfishProbeOptions {
  credentials: RedfishCredentials;
  tls: TlsPolicy;
  signal?: AbortSignal;
  /** Budget of each request (connection included). Default 15 s. */
  timeoutMs?: number;
  /** Whole-inventory budget for this BMC; when it passes, what was read is kept with a warning. Default 120 s. */
  deadlineMs?: number;
  /** Cap on requests per BMC so a huge or looping tree cannot run forever. Default 300. */
  maxRequests?: number;
  /** The Net port's route; absent = connect to the target as named. */
  route?: RouteFn;
}

type Json = Record<string, unknown>;

class Stop extends Error {
  constructor(readonly result: RedfishResult) {
    super(result.kind);
  }
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A non-empty string the BMC sent, without the escape sequences and controls a hostile one could put in to drive the terminal. */
const str = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const clean = cleanForDisplay(v);
  return clean.trim() !== '' ? clean : undefined;
};

/** Copies the Redfish values that are non-empty strings; the others leave their field unset. */
function setStrings<K extends string>(into: NoInfer<{[k in K]?: string}>, from: Record<K, unknown>): void {
  for (const k of Object.keys(from) as K[]) {
    const s = str(from[k]);
    if (s) into[k] = s;
  }
}
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The @odata.id of obj[key] when it is a link into this service. */
function link(obj: unknown, ...keys: string[]): string | undefined {
  let cur: unknown = obj;
  for (const k of keys) cur = isObj(cur) ? cur[k] : undefined;
  const id = isObj(cur) ? cur['@odata.id'] : undefined;
  return typeof id === 'string' && id.startsWith('/redfish/v1') ? id : undefined;
}

function links(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(m => link({m}, 'm')).filter((x): x is string => x !== undefined);
}

/** Host-to-BMC interfaces (Redfish host interface, USB NIC) and virtual NICs never PXE-boot the machine. */
function isHostToBmc(nic: Json): boolean {
  const label = `${str(nic.Id) ?? ''} ${str(nic.Name) ?? ''} ${str(nic.Description) ?? ''}`;
  return (
    nic.EthernetInterfaceType === 'Virtual' || /to\s*manager|host\s*interface|usb|\bbmc\b|manager network/i.test(label)
  );
}

/** Raised when the whole-inventory deadline passes: the systems read so far are returned as partial. */
class Deadline extends Error {}

const MAX_PAGES = 64;

export async function probeRedfish(target: BmcTarget, options: RedfishProbeOptions): Promise<RedfishResult> {
  const perRequest = options.timeoutMs ?? 15_000;
  const deadline = AbortSignal.timeout(options.deadlineMs ?? 120_000);
  const outer = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const auth =
    'Basic ' + Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64');
  let budget = options.maxRequests ?? 300;
  const warnings: string[] = [];
  const client = pinnedClient(target, options.tls, outer, options.route);
  let partial = false;

  /** A failure while reading: the caller's cancel stops everything, the deadline keeps what was read. */
  const failure = (message: string): Error => {
    if (options.signal?.aborted) return new Stop({kind: 'unreachable', target, message: `${target.key}: cancelled`});
    if (deadline.aborted) return new Deadline(message);
    return new Error(message);
  };

  const get = async (path: string, withAuth = true): Promise<{status: number; json: Json | null}> => {
    if (outer.aborted) throw failure(`${target.key}: timed out`);
    if (budget-- <= 0)
      throw new Stop({
        kind: 'error',
        target,
        message: `${target.key}: request budget exhausted (Redfish tree too large)`,
      });
    const signal = AbortSignal.any([outer, AbortSignal.timeout(perRequest)]);
    let res;
    try {
      res = await client.get(path, withAuth ? {Authorization: auth} : {}, signal);
    } catch (error) {
      if (error instanceof PinnedConnectError) {
        const c = error.result;
        if (c.kind === 'needsTrust') throw new Stop({kind: 'needsTrust', target, fingerprint: c.fingerprint});
        if (c.kind === 'fingerprintMismatch')
          throw new Stop({kind: 'fingerprintMismatch', target, expected: c.expected, actual: c.actual});
      }
      const timedOut = signal.aborted && !outer.aborted;
      const message = timedOut
        ? `${target.key}${path}: no answer within ${Math.round(perRequest / 1000)} s`
        : (error as Error).message;
      throw failure(message);
    }
    if (res.status === 401 || res.status === 403) {
      if (!withAuth) return {status: res.status, json: null};
      throw new Stop({
        kind: 'authFailed',
        target,
        message: `${target.key}: the BMC refused the username or password (HTTP ${res.status})`,
      });
    }
    let json: Json | null = null;
    try {
      const parsed: unknown = JSON.parse(res.body);
      json = isObj(parsed) ? parsed : null;
    } catch {
      json = null;
    }
    return {status: res.status, json};
  };

  /** A sub-resource: failures become warnings, not a failed inventory (the deadline and a cancel still stop). */
  const fetchPart = async (path: string | undefined): Promise<Json | null> => {
    if (!path) return null;
    let r;
    try {
      r = await get(path);
    } catch (error) {
      if (error instanceof Stop || error instanceof Deadline) throw error;
      partial = true;
      warnings.push(`${path}: ${(error as Error).message}`);
      return null;
    }
    if (r.status !== 200 || !r.json) {
      warnings.push(`${path}: HTTP ${r.status}${r.json ? '' : ', no JSON'}`);
      return null;
    }
    return r.json;
  };
  /** Every member of a collection, following Members@odata.nextLink (BMCs page long lists). */
  const members = async (path: string | undefined): Promise<Json[]> => {
    const out: Json[] = [];
    const seen = new Set<string>();
    for (let page = path, n = 0; page && !seen.has(page) && n < MAX_PAGES; n++) {
      seen.add(page);
      const coll = await fetchPart(page);
      for (const m of links(coll?.Members)) {
        const j = await fetchPart(m);
        if (j) out.push(j);
      }
      const next = coll?.['Members@odata.nextLink'];
      page = typeof next === 'string' && next.startsWith('/redfish/v1') ? next : undefined;
    }
    return out;
  };

  const bmc: RedfishBmc = {address: target.key, fingerprint: '', macs: [], managers: [], systems: [], warnings};
  try {
    let root = await get('/redfish/v1/', false);
    if (root.status === 401 || root.status === 403) root = await get('/redfish/v1/');
    if (root.status !== 200 || !root.json || (!root.json.RedfishVersion && !link(root.json, 'Systems'))) {
      return {
        kind: 'notRedfish',
        target,
        message: `${target.key}: /redfish/v1/ is not a Redfish service root (HTTP ${root.status})`,
      };
    }
    const rootJson = root.json;
    bmc.fingerprint = client.fingerprint;
    const version = str(rootJson.RedfishVersion);
    if (version) bmc.redfishVersion = version;
    const vendor = str(rootJson.Vendor) ?? (isObj(rootJson.Oem) ? Object.keys(rootJson.Oem)[0] : undefined);
    if (vendor) bmc.vendor = vendor;

    // Systems needs credentials: a 401 here is the real credential check.
    const systemsPath = link(rootJson, 'Systems') ?? '/redfish/v1/Systems';
    const systemsColl = await get(systemsPath);
    if (systemsColl.status !== 200 || !systemsColl.json) {
      return {kind: 'error', target, message: `${target.key}: ${systemsPath} answered HTTP ${systemsColl.status}`};
    }

    try {
      for (const manager of await members(link(rootJson, 'Managers'))) {
        const info: ManagerInfo = {path: str(manager['@odata.id']) ?? '', macs: [], ipv4: []};
        for (const nic of await members(link(manager, 'EthernetInterfaces'))) {
          const mac = normalizeReportedMac(str(nic.MACAddress) ?? str(nic.PermanentMACAddress));
          if (mac && !isPlaceholderMac(mac) && !info.macs.includes(mac)) info.macs.push(mac);
          for (const a of Array.isArray(nic.IPv4Addresses) ? nic.IPv4Addresses : []) {
            const ip = isObj(a) ? str(a.Address) : undefined;
            if (ip && ip !== '0.0.0.0' && !info.ipv4.includes(ip)) info.ipv4.push(ip);
          }
        }
        for (const m of info.macs) if (!bmc.macs.includes(m)) bmc.macs.push(m);
        bmc.managers.push(info);
      }

      const systemPaths: string[] = [];
      const seenPages = new Set<string>();
      for (let page: Json | null = systemsColl.json, n = 0; page && n < MAX_PAGES; n++) {
        systemPaths.push(...links(page.Members));
        const next = str(page['Members@odata.nextLink']);
        if (!next || seenPages.has(next)) break;
        seenPages.add(next);
        page = await fetchPart(next);
      }
      for (const path of systemPaths) {
        const sys = await fetchPart(path);
        if (!sys) continue;
        // Pushed before its parts are read: a deadline mid-system keeps its identity and what was read.
        const system = systemIdentity(path, sys, bmc);
        bmc.systems.push(system);
        await readSystemParts(system, sys, bmc, {fetchPart, members, warnings});
      }
    } catch (error) {
      if (!(error instanceof Deadline)) throw error;
      partial = true;
      warnings.push(
        `the BMC answered too slowly: stopped after ${Math.round((options.deadlineMs ?? 120_000) / 1000)} s with ${bmc.systems.length} system${bmc.systems.length === 1 ? '' : 's'} read; what was read is kept`,
      );
    }
    if (partial) bmc.partial = true;
    return {kind: 'ok', target, bmc};
  } catch (error) {
    if (error instanceof Stop) return error.result;
    // Before the service root and Systems answered there is nothing to keep.
    if (error instanceof Deadline) return {kind: 'unreachable', target, message: `${target.key}: timed out`};
    return {kind: 'unreachable', target, message: (error as Error).message};
  } finally {
    client.close();
  }
}

interface Walker {
  fetchPart(path: string | undefined): Promise<Json | null>;
  members(path: string | undefined): Promise<Json[]>;
  warnings: string[];
}

/** Why a system is not a machine to install, or undefined. */
function notInstallableReason(sys: Json): string | undefined {
  const type = str(sys.SystemType);
  if (type === 'DPU') return 'a DPU (SystemType DPU): it boots with its host, not on its own';
  if (type === 'OS' || type === 'Virtual' || type === 'VirtuallyPartitioned')
    return `SystemType ${type}: not bare metal`;
  const text = `${str(sys.Id) ?? ''} ${str(sys.Name) ?? ''} ${str(sys.Model) ?? ''}`;
  if (/\bHGX\b|\bGPU\b|baseboard/i.test(text))
    return `a GPU baseboard (${text.trim()}): it is managed with its host, not installed`;
  return undefined;
}

function systemIdentity(path: string, sys: Json, bmc: RedfishBmc): RedfishSystem {
  const system: RedfishSystem = {
    id: str(sys.Id) ?? path.split('/').filter(Boolean).pop()!,
    path,
    nics: [],
    storage: [],
    drives: [],
    disk: null,
    diskReason: '',
    warnings: [],
  };
  setStrings(system, {
    uuid: sys.UUID,
    serial: sys.SerialNumber,
    manufacturer: sys.Manufacturer,
    model: sys.Model,
    powerState: sys.PowerState,
    systemType: sys.SystemType,
  });
  const notInstallable = notInstallableReason(sys);
  if (notInstallable) system.notInstallable = notInstallable;
  const managedBy = isObj(sys.Links) ? links(sys.Links.ManagedBy)[0] : undefined;
  const manager = managedBy ? bmc.managers.find(m => m.path === managedBy) : undefined;
  if (manager) system.managedBy = manager;
  if (notInstallable) system.diskReason = 'not installable';
  return system;
}

async function readSystemParts(system: RedfishSystem, sys: Json, bmc: RedfishBmc, w: Walker): Promise<void> {
  if (system.notInstallable) return;
  let complete = false;
  try {
    await readNicsAndStorage(system, sys, bmc, w);
    complete = true;
  } finally {
    if (!complete) {
      system.warnings.push('inventory incomplete: the BMC answered too slowly; what was read is kept');
      if (!system.bootMac) {
        const first = firstBootCandidate(system.nics);
        if (first) system.bootMac = {mac: first.mac, source: first.source, detail: `${first.source} ${first.id}`};
      }
      if (!system.diskReason)
        system.diskReason =
          'no install disk proposed: storage was not read (the BMC answered too slowly); enter the device by hand';
    }
  }
}

async function readNicsAndStorage(system: RedfishSystem, sys: Json, bmc: RedfishBmc, w: Walker): Promise<void> {
  const seen = new Set<string>(bmc.macs);
  const add = (nic: Omit<RedfishNic, 'mac'>, rawMac: unknown) => {
    const mac = normalizeReportedMac(str(rawMac));
    if (!mac || isPlaceholderMac(mac) || seen.has(mac)) return;
    seen.add(mac);
    system.nics.push({...nic, mac});
  };

  for (const nic of await w.members(link(sys, 'EthernetInterfaces'))) {
    if (isHostToBmc(nic)) continue;
    const status = isObj(nic.Status) ? str(nic.Status.State) : undefined;
    if (status === 'Absent') continue;
    const id = str(nic.Id) ?? str(nic.Name) ?? 'nic';
    const base: Omit<RedfishNic, 'mac'> = {id, source: 'EthernetInterfaces'};
    const name = str(nic.Name);
    if (name) base.name = name;
    const perm = normalizeReportedMac(str(nic.PermanentMACAddress));
    if (perm && !isPlaceholderMac(perm)) base.permanentMac = perm;
    const ls = str(nic.LinkStatus);
    if (ls) base.linkStatus = ls;
    if (status) base.state = status;
    const current = normalizeReportedMac(str(nic.MACAddress));
    // iDRAC has been seen returning "MACAddress": "" — the permanent address is then the only one.
    if (!current && !base.permanentMac) system.warnings.push(`interface ${id} reports no MAC address`);
    add(base, current ?? base.permanentMac);
  }

  if (system.nics.length === 0) await nicsFromNetworkInterfaces(sys, w, add);
  if (system.nics.length === 0) await nicsFromChassis(sys, w, add);
  if (system.nics.length === 0) await nicsFromHpe(sys, w, add);

  const boot = await bootOrderMac(sys, w, system.nics);
  if (boot) {
    if (!system.nics.some(n => n.mac === boot.mac || n.permanentMac === boot.mac)) {
      system.nics.unshift({id: boot.detail, mac: boot.mac, source: 'BootOptions'});
      seen.add(boot.mac);
    }
    system.bootMac = boot;
  } else {
    const first = firstBootCandidate(system.nics);
    if (first)
      system.bootMac = {
        mac: first.mac,
        source: first.source,
        detail: `${first.source} ${first.id}${first.linkStatus ? ` (${first.linkStatus})` : ''}`,
      };
  }
  if (!system.bootMac)
    system.warnings.push(
      'no host MAC address found (no boot option names a NIC, and no EthernetInterfaces, NetworkInterfaces or NetworkAdapters MAC): PXE-boot it to learn the MAC',
    );

  system.storage = await readStorage(sys, w);
  system.drives = system.storage.flatMap(s => s.drives).filter(d => d.state !== 'Absent');
  const choice = suggestDisk(system.storage);
  system.disk = choice.disk;
  system.diskReason = choice.reason;
}

/** Without a boot order: a linked NIC first (a PXE-capable function first among those), else the first one. */
function firstBootCandidate(nics: readonly RedfishNic[]): RedfishNic | undefined {
  return nics.find(n => /pxe/i.test(n.bootMode ?? '')) ?? nics.find(n => n.linkStatus === 'LinkUp') ?? nics[0];
}

const MAC_IN_PATH = /MAC\(([0-9A-Fa-f]{12})\b/;
const MAC_IN_TEXT = /\b([0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5})\b/;

/** The boot option as a network boot entry: its MAC (when it names one) and whether it is IPv4. */
function networkEntry(opt: Json): {mac: string | null; ipv4: boolean} | null {
  const pathText = str(opt.UefiDevicePath) ?? '';
  const name = `${str(opt.DisplayName) ?? ''} ${str(opt.Name) ?? ''} ${str(opt.BootOptionReference) ?? ''}`;
  const isNet =
    /MAC\(|IPv[46]\(|Uri\(/.test(pathText) || /\bPXE\b|\bHTTPS?\b|\bnetwork\b|\bIPv[46]\b|\bNIC\b|\bLAN\b/i.test(name);
  if (!isNet) return null;
  const raw = MAC_IN_PATH.exec(pathText)?.[1] ?? MAC_IN_TEXT.exec(name)?.[1];
  const mac = raw ? normalizeReportedMac(raw) : null;
  const ipv6Only = /IPv6/i.test(`${pathText} ${name}`) && !/IPv4/i.test(`${pathText} ${name}`);
  return {mac: mac && !isPlaceholderMac(mac) ? mac : null, ipv4: !ipv6Only};
}

/**
 * The first network entry of Boot.BootOrder (BootOptions referenced by BootOptionReference) that names a
 * MAC. EKS Anywhere provisions over IPv4, so IPv4 entries are taken before IPv6-only ones. Without a
 * BootOrder, the BootOptions collection's own order stands in.
 */
async function bootOrderMac(sys: Json, w: Walker, nics: readonly RedfishNic[]): Promise<BootMacChoice | undefined> {
  const bootObj = isObj(sys.Boot) ? sys.Boot : undefined;
  const optionsPath = link(bootObj, 'BootOptions');
  if (!optionsPath) return undefined;
  const options = await w.members(optionsPath);
  if (options.length === 0) return undefined;
  const order = Array.isArray(bootObj?.BootOrder)
    ? bootObj.BootOrder.filter((x): x is string => typeof x === 'string')
    : [];
  const byRef = new Map(options.map(o => [str(o.BootOptionReference) ?? str(o.Id) ?? '', o] as const));
  const ordered = order.length > 0 ? order.map(r => byRef.get(r)).filter((o): o is Json => o !== undefined) : options;
  const source: BootMacChoice['source'] = order.length > 0 ? 'BootOrder' : 'BootOptions';
  // iDRAC's PXE devices carry no MAC in their path: their DisplayName names the NIC ("PXE Device 1:
  // Integrated NIC 1 Port 1 Partition 1"), which is the EthernetInterface's Name.
  const byName = (o: Json): string | null => {
    const text = `${str(o.DisplayName) ?? ''} ${str(o.Name) ?? ''}`;
    const nic = nics.find(
      n => (n.name && n.name.length >= 8 && text.includes(n.name)) || (n.id.length >= 8 && text.includes(n.id)),
    );
    return nic?.mac ?? null;
  };
  const entries = ordered
    .map(o => {
      const e = networkEntry(o);
      return {o, e: e && !e.mac ? {...e, mac: byName(o)} : e};
    })
    .filter(x => x.e?.mac);
  const pick = entries.find(x => x.e!.ipv4) ?? entries[0];
  if (!pick) return undefined;
  const ref = str(pick.o.BootOptionReference) ?? str(pick.o.Id) ?? '';
  const name = str(pick.o.DisplayName) ?? str(pick.o.Name) ?? '';
  return {mac: pick.e!.mac!, source, detail: `${ref}${name ? ` ${name}` : ''}`.trim()};
}

type AddNic = (nic: Omit<RedfishNic, 'mac'>, rawMac: unknown) => void;

/** A NetworkDeviceFunction: its current MAC (what DHCP shows), the permanent one kept for correlation. */
function addFunction(fn: Json, id: string, source: NicSource, add: AddNic): void {
  const eth = isObj(fn.Ethernet) ? fn.Ethernet : {};
  const base: Omit<RedfishNic, 'mac'> = {id, source};
  const perm = normalizeReportedMac(str(eth.PermanentMACAddress));
  if (perm && !isPlaceholderMac(perm)) base.permanentMac = perm;
  const mode = str(fn.BootMode);
  if (mode) base.bootMode = mode;
  add(base, str(eth.MACAddress) ?? base.permanentMac);
}

/** A Port: AssociatedMACAddresses, the older AssociatedNetworkAddresses, Lenovo's PhysicalPortMacAddress. */
function addPort(port: Json, id: string, source: NicSource, add: AddNic): void {
  const eth = isObj(port.Ethernet) ? port.Ethernet : {};
  const lenovo = isObj(port.Oem) && isObj(port.Oem.Lenovo) ? port.Oem.Lenovo : {};
  const list = [
    ...(Array.isArray(eth.AssociatedMACAddresses) ? eth.AssociatedMACAddresses : []),
    ...(Array.isArray(port.AssociatedNetworkAddresses) ? port.AssociatedNetworkAddresses : []),
    ...(str(lenovo.PhysicalPortMacAddress) ? [lenovo.PhysicalPortMacAddress] : []),
  ];
  const base: Omit<RedfishNic, 'mac'> = {id, source};
  const ls = str(port.LinkStatus);
  if (ls) base.linkStatus = ls;
  for (const mac of list) add(base, mac);
}

/** Systems/{id}/NetworkInterfaces: each names its NetworkDeviceFunctions and Ports (or its adapter's). */
async function nicsFromNetworkInterfaces(sys: Json, w: Walker, add: AddNic): Promise<void> {
  for (const ni of await w.members(link(sys, 'NetworkInterfaces'))) {
    const niId = str(ni.Id) ?? 'interface';
    let fnPath = link(ni, 'NetworkDeviceFunctions');
    let portPath = link(ni, 'Ports') ?? link(ni, 'NetworkPorts');
    if (!fnPath && !portPath) {
      const adapter = await w.fetchPart(isObj(ni.Links) ? link(ni.Links, 'NetworkAdapter') : undefined);
      fnPath = link(adapter, 'NetworkDeviceFunctions');
      portPath = link(adapter, 'Ports') ?? link(adapter, 'NetworkPorts');
    }
    for (const fn of await w.members(fnPath))
      addFunction(fn, `${niId}/${str(fn.Id) ?? 'function'}`, 'NetworkInterfaces', add);
    for (const port of await w.members(portPath))
      addPort(port, `${niId}/${str(port.Id) ?? 'port'}`, 'NetworkInterfaces', add);
  }
}

async function nicsFromChassis(sys: Json, w: Walker, add: AddNic): Promise<void> {
  let chassisPaths = isObj(sys.Links) ? links(sys.Links.Chassis) : [];
  if (chassisPaths.length === 0) {
    const coll = await w.fetchPart('/redfish/v1/Chassis');
    chassisPaths = links(coll?.Members);
  }
  for (const cp of chassisPaths) {
    const chassis = await w.fetchPart(cp);
    for (const adapter of await w.members(link(chassis, 'NetworkAdapters'))) {
      const adapterId = str(adapter.Id) ?? 'adapter';
      for (const fn of await w.members(link(adapter, 'NetworkDeviceFunctions')))
        addFunction(fn, `${adapterId}/${str(fn.Id) ?? 'function'}`, 'NetworkDeviceFunctions', add);
      for (const port of await w.members(link(adapter, 'Ports') ?? link(adapter, 'NetworkPorts')))
        addPort(port, `${adapterId}/${str(port.Id) ?? 'port'}`, 'Ports', add);
    }
  }
}

/** HPE iLO 5 lists adapters under an OEM link, each with PhysicalPorts[].MacAddress. */
async function nicsFromHpe(sys: Json, w: Walker, add: AddNic): Promise<void> {
  const oem = isObj(sys.Oem) ? (sys.Oem.Hpe ?? sys.Oem.Hp) : undefined;
  const path = link(oem, 'Links', 'NetworkAdapters');
  if (!path) return;
  for (const adapter of await w.members(path)) {
    const ports = Array.isArray(adapter.PhysicalPorts) ? adapter.PhysicalPorts : [];
    ports.forEach((p, i) => {
      if (isObj(p)) add({id: `${str(adapter.Id) ?? 'adapter'}/${i + 1}`, source: 'BaseNetworkAdapters'}, p.MacAddress);
    });
  }
}

function driveOf(d: Json): DriveInfo {
  const drive: DriveInfo = {};
  setStrings(drive, {
    path: d['@odata.id'],
    name: d.Name,
    model: d.Model,
    protocol: d.Protocol,
    mediaType: d.MediaType,
    serial: d.SerialNumber,
  });
  const cap = num(d.CapacityBytes);
  if (cap !== undefined) drive.capacityBytes = cap;
  const state = isObj(d.Status) ? str(d.Status.State) : undefined;
  if (state) drive.state = state;
  if (typeof d.Removable === 'boolean') drive.removable = d.Removable;
  return drive;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function controllerOf(c: Json): ControllerInfo {
  const info: ControllerInfo = {
    protocols: strings(c.SupportedDeviceProtocols),
    raidTypes: strings(c.SupportedRAIDTypes),
  };
  setStrings(info, {name: c.Name, model: c.Model});
  return info;
}

function volumeOf(v: Json): VolumeInfo {
  const vol: VolumeInfo = {drives: isObj(v.Links) ? links(v.Links.Drives) : []};
  setStrings(vol, {id: v.Id, name: str(v.DisplayName) ?? v.Name, raidType: v.RAIDType ?? v.VolumeType});
  const cap = num(v.CapacityBytes);
  if (cap !== undefined) vol.capacityBytes = cap;
  const state = isObj(v.Status) ? str(v.Status.State) : undefined;
  if (state) vol.state = state;
  return vol;
}

/** Storage subsystems with their controllers (inline and the newer Controllers collection), drives and volumes. */
async function readStorage(sys: Json, w: Walker): Promise<StorageInfo[]> {
  const out: StorageInfo[] = [];
  for (const storage of await w.members(link(sys, 'Storage'))) {
    const info: StorageInfo = {id: str(storage.Id) ?? 'storage', controllers: [], drives: [], volumes: []};
    const name = str(storage.Name);
    if (name) info.name = name;
    for (const c of Array.isArray(storage.StorageControllers) ? storage.StorageControllers : [])
      if (isObj(c)) info.controllers.push(controllerOf(c));
    if (info.controllers.length === 0)
      for (const c of await w.members(link(storage, 'Controllers'))) info.controllers.push(controllerOf(c));
    const protocols = [...new Set(info.controllers.flatMap(c => c.protocols))];
    for (const dp of links(storage.Drives)) {
      const d = await w.fetchPart(dp);
      if (!d) continue;
      const drive = driveOf(d);
      drive.path ??= dp;
      // A controller that speaks only one protocol tells us the drive's when the drive does not.
      if (!drive.protocol && protocols.length === 1) drive.protocol = protocols[0]!;
      info.drives.push(drive);
    }
    for (const v of await w.members(link(storage, 'Volumes'))) info.volumes.push(volumeOf(v));
    out.push(info);
  }
  if (out.some(s => s.drives.length > 0)) return out;
  for (const simple of await w.members(link(sys, 'SimpleStorage'))) {
    const devices = Array.isArray(simple.Devices) ? simple.Devices : [];
    const info: StorageInfo = {
      id: str(simple.Id) ?? 'simple',
      controllers: [],
      drives: devices.filter(isObj).map(driveOf),
      volumes: [],
      simple: true,
    };
    const name = str(simple.Name);
    if (name) info.name = name;
    out.push(info);
  }
  return out;
}

export {normalizeFingerprint};
