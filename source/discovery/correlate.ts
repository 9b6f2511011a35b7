// Merges findings of all sources into one machine list. Findings join when they share a host MAC (current
// or permanent), a system UUID under any of the three byte orders (uuid.ts), or a BMC address that manages
// exactly one system. Firmware-default UUIDs are never keys, and a UUID that would join two different
// PXE-booting MACs nothing else ties together is a conflict, not a merge. Pure: the same findings always
// give the same list, in order of first appearance.
import type {DiskSuggestion} from './disk.js';
import type {DiscoverySource, Finding} from './findings.js';
import {normalizeReportedMac} from '../net/mac.js';
import {canonicalUuid, isJunkUuid, uuidVariants} from './uuid.js';

export interface DiscoveredMachine {
  /** Stable identity for screens: the first key the machine was known by. */
  id: string;
  sources: DiscoverySource[];
  vendor?: string;
  model?: string;
  serial?: string;
  /** Redfish PowerState (On, Off, …). */
  power?: string;
  /** Prefer Redfish's UUID, then IPMI's GUID, then PXE option 97. */
  uuid?: string;
  /** Every host MAC known for the machine (boot MAC first when known). */
  macs: string[];
  /**
   * The MAC to provision on: one seen PXE-booting (power-on attribution first, else the first PXE
   * DISCOVER), else the Redfish boot order's first network entry or first NIC, else hardware.csv's.
   */
  bootMac?: string;
  /** Which source chose bootMac: pxe, power-on, hardware.csv, or redfish:<BootOrder|EthernetInterfaces|…>. */
  bootMacSource?: string;
  /** What named it, e.g. the boot option. */
  bootMacDetail?: string;
  /** A PXE ROM was seen. */
  pxe: boolean;
  /** Option 93 of the first PXE DISCOVER. */
  arch?: number;
  /** username: as an imported hardware.csv gave it (discovery never learns one otherwise). */
  bmc?: {address: string; mac?: string; username?: string};
  disk?: {device: string; reason: string};
  hostname?: string;
  ip?: string;
  labels?: Record<string, string>;
  /** Contradictions the admin should look at (e.g. two BMCs claim one machine). */
  conflicts: string[];
  /** What the admin should check (no MAC, no disk, partial inventory, a firmware-default UUID). */
  warnings?: string[];
}

/** The boot MAC was seen on the wire (PXE or a power-on), not inferred from a BMC's inventory. */
export function bootMacObserved(m: DiscoveredMachine): boolean {
  return m.bootMacSource === 'pxe' || m.bootMacSource === 'power-on';
}

const SOURCE_ORDER: DiscoverySource[] = ['csv', 'redfish', 'ipmi', 'power', 'pxe'];

function keysOf(f: Finding): string[] {
  const keys: string[] = [];
  const mac = (m: string | undefined) => {
    const n = normalizeReportedMac(m);
    if (n) keys.push(`mac:${n}`);
  };
  const uuid = (u: string | undefined) => {
    if (u) for (const v of uuidVariants(u)) keys.push(`uuid:${v}`);
  };
  switch (f.source) {
    case 'pxe':
      mac(f.mac);
      uuid(f.uuid);
      break;
    case 'redfish':
      f.system.nics.forEach(n => {
        mac(n.mac);
        mac(n.permanentMac);
      });
      uuid(f.system.uuid);
      if (f.systemCount === 1) keys.push(`bmc:${f.bmc}`);
      break;
    case 'ipmi':
      keys.push(`bmc:${f.bmc}`);
      uuid(f.guid);
      break;
    case 'power':
      keys.push(`bmc:${f.bmc}`);
      mac(f.mac);
      uuid(f.uuid);
      break;
    case 'csv':
      mac(f.machine.mac);
      if (f.machine.bmcIp) keys.push(`bmc:${f.machine.bmcIp}`);
      break;
  }
  return keys;
}

class UnionFind {
  private readonly parent: number[] = [];
  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The earlier finding stays the root so ids are stable as findings arrive.
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** Host MACs a finding saw on the wire (PXE) and those it knows from an inventory. */
function macsOf(f: Finding): {wire: string[]; known: string[]} {
  const n = (m: string | undefined) => normalizeReportedMac(m) ?? undefined;
  const keep = (xs: Array<string | undefined>) => xs.filter((x): x is string => x !== undefined);
  switch (f.source) {
    case 'pxe':
      return {wire: keep([n(f.mac)]), known: []};
    case 'power':
      return {wire: [], known: keep([n(f.mac)])};
    case 'redfish':
      return {wire: [], known: keep(f.system.nics.flatMap(x => [n(x.mac), n(x.permanentMac)]))};
    case 'csv':
      return {wire: [], known: keep([n(f.machine.mac)])};
    default:
      return {wire: [], known: []};
  }
}

export function correlate(findings: readonly Finding[]): DiscoveredMachine[] {
  const uf = new UnionFind();
  const owner = new Map<string, number>();
  const firstKey: string[] = [];
  const wire = new Map<number, Set<string>>();
  const known = new Map<number, Set<string>>();
  const join = (a: number, b: number) => {
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) return;
    uf.union(ra, rb);
    const r = uf.find(ra);
    const other = r === ra ? rb : ra;
    for (const m of wire.get(other) ?? []) wire.get(r)!.add(m);
    for (const m of known.get(other) ?? []) known.get(r)!.add(m);
  };
  /** A UUID join that would tie PXE MACs together that no inventory lists as one machine's. */
  const uuidJoinRefused = (a: number, b: number): boolean => {
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) return false;
    const wa = wire.get(ra)!;
    const wb = wire.get(rb)!;
    if (wa.size === 0 || wb.size === 0) return false;
    const all = new Set([...wa, ...wb]);
    if (all.size < 2) return false;
    const k = new Set([...known.get(ra)!, ...known.get(rb)!]);
    return [...all].some(m => !k.has(m));
  };
  const refused: Array<{a: number; b: number; uuid: string}> = [];
  findings.forEach((f, i) => {
    uf.add();
    const m = macsOf(f);
    wire.set(i, new Set(m.wire));
    known.set(i, new Set(m.known));
    const keys = keysOf(f);
    firstKey.push(keys[0] ?? `finding:${i}`);
    // MAC and BMC keys first: they are certain; a UUID join is then judged on what they already tied.
    const ordered = [...keys.filter(k => !k.startsWith('uuid:')), ...keys.filter(k => k.startsWith('uuid:'))];
    for (const k of ordered) {
      const o = owner.get(k);
      if (o === undefined) owner.set(k, i);
      else if (k.startsWith('uuid:') && uuidJoinRefused(o, i)) {
        if (!refused.some(r => uf.find(r.a) === uf.find(o) && uf.find(r.b) === uf.find(i)))
          refused.push({a: o, b: i, uuid: k.slice(5)});
      } else join(o, i);
    }
  });
  const groups = new Map<number, Finding[]>();
  findings.forEach((f, i) => {
    const r = uf.find(i);
    const g = groups.get(r);
    if (g) g.push(f);
    else groups.set(r, [f]);
  });
  const machines = new Map<number, DiscoveredMachine>();
  for (const [root, group] of [...groups.entries()].sort((a, b) => a[0] - b[0]))
    machines.set(root, merge(firstKey[root]!, group));
  for (const r of refused) {
    const a = machines.get(uf.find(r.a));
    const b = machines.get(uf.find(r.b));
    if (!a || !b || a === b) continue;
    const note = (self: DiscoveredMachine, other: DiscoveredMachine) =>
      `UUID ${r.uuid} is also sent by ${other.bootMac ?? other.macs[0] ?? other.id}: two machines share one UUID (a firmware default?), so they are kept apart; check both`;
    a.conflicts.push(note(a, b));
    b.conflicts.push(note(b, a));
  }
  return [...machines.values()];
}

function merge(id: string, group: Finding[]): DiscoveredMachine {
  const m: DiscoveredMachine = {id, sources: [], macs: [], pxe: false, conflicts: []};
  const sources = new Set<DiscoverySource>();
  const macs: string[] = [];
  const addMac = (raw: string | undefined) => {
    const n = normalizeReportedMac(raw);
    if (n && !macs.includes(n)) macs.push(n);
  };
  const bmcs = new Set<string>();
  let uuidRedfish: string | undefined;
  let uuidIpmi: string | undefined;
  let uuidPxe: string | undefined;
  let powerMac: string | undefined;
  let pxeMac: string | undefined;
  let disk: DiskSuggestion | null = null;
  let diskReason: string | undefined;
  let csvMac: string | undefined;
  let redfishBoot: {mac: string; source: string; detail: string} | undefined;
  let bmcUsername: string | undefined;
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  const junk = (u: string | undefined, from: string) => {
    if (isJunkUuid(u))
      warn(`${from} UUID ${canonicalUuid(u)} is a firmware default that many machines share: not used to match`);
  };

  for (const f of group) {
    sources.add(f.source);
    switch (f.source) {
      case 'csv': {
        const c = f.machine;
        addMac(c.mac);
        csvMac ??= normalizeReportedMac(c.mac) ?? undefined;
        if (c.hostname) m.hostname = c.hostname;
        if (c.ip) m.ip = c.ip;
        if (c.labels) m.labels = {...c.labels};
        if (c.disk) m.disk = {device: c.disk, reason: 'from hardware.csv'};
        if (c.bmcIp) bmcs.add(c.bmcIp);
        bmcUsername ??= c.bmcUsername;
        break;
      }
      case 'redfish': {
        const s = f.system;
        s.nics.forEach(n => addMac(n.mac));
        if (s.manufacturer) m.vendor = s.manufacturer;
        if (s.model) m.model = s.model;
        if (s.serial) m.serial = s.serial;
        if (s.powerState) m.power = s.powerState;
        uuidRedfish ??= canonicalUuid(s.uuid) ?? undefined;
        junk(s.uuid, 'Redfish');
        if (!disk && s.disk) disk = s.disk;
        diskReason ??= s.diskReason;
        if (s.bootMac && !redfishBoot)
          redfishBoot = {mac: s.bootMac.mac, source: `redfish:${s.bootMac.source}`, detail: s.bootMac.detail};
        for (const w of s.warnings) warn(w);
        bmcs.add(f.bmc);
        if (f.bmcMacs[0] && !m.bmc?.mac) m.bmc = {address: f.bmc, mac: f.bmcMacs[0]};
        break;
      }
      case 'ipmi':
        uuidIpmi ??= canonicalUuid(f.guid) ?? undefined;
        junk(f.guid, 'IPMI');
        bmcs.add(f.bmc);
        if (f.bmcMac && !m.bmc?.mac) m.bmc = {address: f.bmc, mac: f.bmcMac};
        break;
      case 'power':
        powerMac ??= normalizeReportedMac(f.mac) ?? undefined;
        uuidPxe ??= canonicalUuid(f.uuid) ?? undefined;
        bmcs.add(f.bmc);
        break;
      case 'pxe':
        if (f.isPxe) m.pxe = true;
        pxeMac ??= normalizeReportedMac(f.mac) ?? undefined;
        uuidPxe ??= canonicalUuid(f.uuid) ?? undefined;
        junk(f.uuid, 'PXE');
        if (m.arch === undefined && f.arch !== undefined) m.arch = f.arch;
        if (!m.hostname && f.hostname) m.hostname = f.hostname;
        addMac(f.mac);
        break;
    }
  }
  if (powerMac) addMac(powerMac);
  m.sources = SOURCE_ORDER.filter(s => sources.has(s));
  const uuid = uuidRedfish ?? uuidIpmi ?? uuidPxe;
  if (uuid) m.uuid = uuid;
  const boot: {mac: string; source: string; detail?: string} | undefined = powerMac
    ? {mac: powerMac, source: 'power-on'}
    : pxeMac
      ? {mac: pxeMac, source: 'pxe'}
      : csvMac
        ? {mac: csvMac, source: 'hardware.csv'}
        : redfishBoot;
  if (boot) {
    m.bootMac = boot.mac;
    m.bootMacSource = boot.source;
    if (boot.detail) m.bootMacDetail = boot.detail;
    m.macs = [boot.mac, ...macs.filter(x => x !== boot.mac)];
    if (redfishBoot && redfishBoot.mac !== boot.mac && redfishBoot.source === 'redfish:BootOrder') {
      warn(
        `${boot.source === 'hardware.csv' ? 'hardware.csv gives' : 'PXE saw'} ${boot.mac}, but the boot order's first network entry is ${redfishBoot.mac} (${redfishBoot.detail})`,
      );
    }
  } else m.macs = macs;
  if (!m.disk && !disk && diskReason) warn(`disk: ${diskReason}`);
  if (!m.disk && disk) m.disk = {device: disk.device, reason: disk.reason};
  const bmcList = [...bmcs];
  if (bmcList.length > 0 && !m.bmc) m.bmc = {address: bmcList[0]!};
  if (m.bmc && bmcUsername) m.bmc.username = bmcUsername;
  if (bmcList.length > 1) m.conflicts.push(`several BMCs claim this machine: ${bmcList.join(', ')}`);
  const kept = m.bootMac ? warnings.filter(w => !w.startsWith('no host MAC address')) : warnings;
  if (kept.length) m.warnings = kept;
  return m;
}
