// Redfish inventory of one BMC: service root, Systems (identity, NIC MACs, drives) and the BMC's own
// NICs. Vendor shapes differ (discovery.md 2.5), so MACs fall back from Systems EthernetInterfaces to
// Chassis NetworkAdapters (NetworkDeviceFunctions, then Ports) and HPE's BaseNetworkAdapters.
import {connectPinned, getOverSocket, normalizeFingerprint, type RouteFn, type TlsPolicy} from './redfish-http.js';
import {suggestDisk, type DiskSuggestion, type DriveInfo} from './disk.js';
import {isPlaceholderMac, normalizeReportedMac} from '../net/mac.js';
import type {BmcTarget} from './targets.js';

export interface RedfishCredentials {
  username: string;
  password: string;
}

export type NicSource = 'EthernetInterfaces' | 'NetworkDeviceFunctions' | 'Ports' | 'BaseNetworkAdapters';

export interface RedfishNic {
  id: string;
  mac: string;
  permanentMac?: string;
  linkStatus?: string;
  state?: string;
  source: NicSource;
}

export interface RedfishSystem {
  id: string;
  path: string;
  uuid?: string;
  serial?: string;
  manufacturer?: string;
  model?: string;
  powerState?: string;
  nics: RedfishNic[];
  drives: DriveInfo[];
  disk: DiskSuggestion | null;
}

export interface RedfishBmc {
  /** Target key (host or host:port). */
  address: string;
  fingerprint: string;
  redfishVersion?: string;
  vendor?: string;
  /** MACs of the BMC's own interfaces (each Manager's EthernetInterfaces). */
  macs: string[];
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
  /** Whole-inventory budget for this BMC. Default 20 s. */
  timeoutMs?: number;
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
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

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
  return nic.EthernetInterfaceType === 'Virtual' || /to\s*manager|host\s*interface|usb|\bbmc\b|manager network/i.test(label);
}

export async function probeRedfish(target: BmcTarget, options: RedfishProbeOptions): Promise<RedfishResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 20_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const auth = 'Basic ' + Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64');
  let budget = options.maxRequests ?? 300;
  let fingerprint = '';
  const warnings: string[] = [];

  const get = async (path: string, withAuth = true): Promise<{status: number; json: Json | null}> => {
    if (budget-- <= 0) throw new Stop({kind: 'error', target, message: `${target.key}: request budget exhausted (Redfish tree too large)`});
    const c = await connectPinned(target, options.tls, signal, options.route);
    if (c.kind === 'needsTrust') throw new Stop({kind: 'needsTrust', target, fingerprint: c.fingerprint});
    if (c.kind === 'fingerprintMismatch') throw new Stop({kind: 'fingerprintMismatch', target, expected: c.expected, actual: c.actual});
    if (c.kind === 'unreachable') throw new Stop({kind: 'unreachable', target, message: c.message});
    fingerprint = c.fingerprint;
    let res;
    try {
      res = await getOverSocket(c.socket, target, path, withAuth ? {Authorization: auth} : {}, signal);
    } catch (error) {
      throw new Stop({kind: 'unreachable', target, message: signal.aborted ? `${target.key}: timed out or cancelled` : (error as Error).message});
    }
    if (res.status === 401 || res.status === 403) {
      if (!withAuth) return {status: res.status, json: null};
      throw new Stop({kind: 'authFailed', target, message: `${target.key}: the BMC refused the username or password (HTTP ${res.status})`});
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

  /** A sub-resource: failures become warnings, not a failed inventory. */
  const fetchPart = async (path: string | undefined): Promise<Json | null> => {
    if (!path) return null;
    const r = await get(path);
    if (r.status !== 200 || !r.json) {
      warnings.push(`${path}: HTTP ${r.status}${r.json ? '' : ', no JSON'}`);
      return null;
    }
    return r.json;
  };
  const members = async (path: string | undefined): Promise<Json[]> => {
    const coll = await fetchPart(path);
    const out: Json[] = [];
    for (const m of links(coll?.Members)) {
      const j = await fetchPart(m);
      if (j) out.push(j);
    }
    return out;
  };

  try {
    let root = await get('/redfish/v1/', false);
    if (root.status === 401 || root.status === 403) root = await get('/redfish/v1/');
    if (root.status !== 200 || !root.json || (!root.json.RedfishVersion && !link(root.json, 'Systems'))) {
      return {kind: 'notRedfish', target, message: `${target.key}: /redfish/v1/ is not a Redfish service root (HTTP ${root.status})`};
    }
    const rootJson = root.json;
    const bmc: RedfishBmc = {address: target.key, fingerprint, macs: [], systems: [], warnings};
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

    for (const manager of (await members(link(rootJson, 'Managers'))).slice(0, 4)) {
      for (const nic of await members(link(manager, 'EthernetInterfaces'))) {
        const mac = normalizeReportedMac(str(nic.MACAddress) ?? str(nic.PermanentMACAddress));
        if (mac && !isPlaceholderMac(mac) && !bmc.macs.includes(mac)) bmc.macs.push(mac);
      }
    }

    for (const path of links(systemsColl.json.Members)) {
      const sys = await fetchPart(path);
      if (!sys) continue;
      bmc.systems.push(await readSystem(path, sys, bmc.macs, {fetchPart, members, warnings}));
    }
    return {kind: 'ok', target, bmc};
  } catch (error) {
    if (error instanceof Stop) return error.result;
    return {kind: 'error', target, message: `${target.key}: ${(error as Error).message}`};
  }
}

interface Walker {
  fetchPart(path: string | undefined): Promise<Json | null>;
  members(path: string | undefined): Promise<Json[]>;
  warnings: string[];
}

async function readSystem(path: string, sys: Json, bmcMacs: readonly string[], w: Walker): Promise<RedfishSystem> {
  const system: RedfishSystem = {id: str(sys.Id) ?? path.split('/').filter(Boolean).pop()!, path, nics: [], drives: [], disk: null};
  setStrings(system, {uuid: sys.UUID, serial: sys.SerialNumber, manufacturer: sys.Manufacturer, model: sys.Model, powerState: sys.PowerState});

  const seen = new Set<string>(bmcMacs);
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
    const perm = normalizeReportedMac(str(nic.PermanentMACAddress));
    if (perm && !isPlaceholderMac(perm)) base.permanentMac = perm;
    const ls = str(nic.LinkStatus);
    if (ls) base.linkStatus = ls;
    if (status) base.state = status;
    // iDRAC has been seen returning "MACAddress": "" — the permanent address is then the only one.
    if (!str(nic.MACAddress) && !base.permanentMac) w.warnings.push(`${path}: interface ${id} reports no MAC address`);
    add(base, str(nic.MACAddress) ?? base.permanentMac);
  }

  if (system.nics.length === 0) await nicsFromChassis(sys, w, add);
  if (system.nics.length === 0) await nicsFromHpe(sys, w, add);

  system.drives = await readDrives(sys, w);
  system.disk = suggestDisk(system.drives);
  return system;
}

type AddNic = (nic: Omit<RedfishNic, 'mac'>, rawMac: unknown) => void;

async function nicsFromChassis(sys: Json, w: Walker, add: AddNic): Promise<void> {
  let chassisPaths = isObj(sys.Links) ? links(sys.Links.Chassis) : [];
  if (chassisPaths.length === 0) {
    const coll = await w.fetchPart('/redfish/v1/Chassis');
    chassisPaths = links(coll?.Members);
  }
  for (const cp of chassisPaths.slice(0, 4)) {
    const chassis = await w.fetchPart(cp);
    for (const adapter of await w.members(link(chassis, 'NetworkAdapters'))) {
      const adapterId = str(adapter.Id) ?? 'adapter';
      for (const fn of await w.members(link(adapter, 'NetworkDeviceFunctions'))) {
        const eth = isObj(fn.Ethernet) ? fn.Ethernet : {};
        add({id: `${adapterId}/${str(fn.Id) ?? 'function'}`, source: 'NetworkDeviceFunctions'}, str(eth.PermanentMACAddress) ?? str(eth.MACAddress));
      }
      for (const port of await w.members(link(adapter, 'Ports') ?? link(adapter, 'NetworkPorts'))) {
        const eth = isObj(port.Ethernet) ? port.Ethernet : {};
        const list = [
          ...(Array.isArray(eth.AssociatedMACAddresses) ? eth.AssociatedMACAddresses : []),
          ...(Array.isArray(port.AssociatedNetworkAddresses) ? port.AssociatedNetworkAddresses : []),
        ];
        const base: Omit<RedfishNic, 'mac'> = {id: `${adapterId}/${str(port.Id) ?? 'port'}`, source: 'Ports'};
        const ls = str(port.LinkStatus);
        if (ls) base.linkStatus = ls;
        for (const mac of list) add(base, mac);
      }
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
  setStrings(drive, {name: d.Name, model: d.Model, protocol: d.Protocol, mediaType: d.MediaType, serial: d.SerialNumber});
  const cap = num(d.CapacityBytes);
  if (cap !== undefined) drive.capacityBytes = cap;
  const state = isObj(d.Status) ? str(d.Status.State) : undefined;
  if (state) drive.state = state;
  if (typeof d.Removable === 'boolean') drive.removable = d.Removable;
  return drive;
}

async function readDrives(sys: Json, w: Walker): Promise<DriveInfo[]> {
  const drives: DriveInfo[] = [];
  for (const storage of (await w.members(link(sys, 'Storage'))).slice(0, 8)) {
    const protocols = Array.isArray(storage.StorageControllers)
      ? storage.StorageControllers.flatMap(c => (isObj(c) && Array.isArray(c.SupportedDeviceProtocols) ? c.SupportedDeviceProtocols : []))
      : [];
    for (const dp of links(storage.Drives).slice(0, 64)) {
      const d = await w.fetchPart(dp);
      if (!d) continue;
      const drive = driveOf(d);
      // A controller that speaks only one protocol tells us the drive's when the drive does not.
      if (!drive.protocol && protocols.length === 1 && typeof protocols[0] === 'string') drive.protocol = protocols[0];
      drives.push(drive);
    }
  }
  if (drives.length > 0) return drives;
  for (const simple of (await w.members(link(sys, 'SimpleStorage'))).slice(0, 8)) {
    const devices = Array.isArray(simple.Devices) ? simple.Devices : [];
    for (const dev of devices.slice(0, 64)) if (isObj(dev)) drives.push(driveOf(dev));
  }
  return drives;
}

export {normalizeFingerprint};
