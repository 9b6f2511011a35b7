// Merges findings of all sources into one machine list. Findings join when they share a host MAC, a
// system UUID under any of the three byte orders (uuid.ts), or a BMC address that manages exactly one
// system. Pure: the same findings always give the same list, in order of first appearance.
import type {DiskSuggestion} from './disk.js';
import type {DiscoverySource, Finding} from './findings.js';
import {normalizeReportedMac} from '../net/mac.js';
import {canonicalUuid, uuidVariants} from './uuid.js';

export interface DiscoveredMachine {
  /** Stable identity for screens: the first key the machine was known by. */
  id: string;
  sources: DiscoverySource[];
  vendor?: string;
  model?: string;
  serial?: string;
  /** Prefer Redfish's UUID, then IPMI's GUID, then PXE option 97. */
  uuid?: string;
  /** Every host MAC known for the machine (boot MAC first when known). */
  macs: string[];
  /** The MAC that PXE-booted (power-on attribution first, else the first PXE DISCOVER). */
  bootMac?: string;
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
      f.system.nics.forEach(n => mac(n.mac));
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

export function correlate(findings: readonly Finding[]): DiscoveredMachine[] {
  const uf = new UnionFind();
  const owner = new Map<string, number>();
  const firstKey: string[] = [];
  findings.forEach((f, i) => {
    uf.add();
    const keys = keysOf(f);
    firstKey.push(keys[0] ?? `finding:${i}`);
    for (const k of keys) {
      const o = owner.get(k);
      if (o === undefined) owner.set(k, i);
      else uf.union(o, i);
    }
  });
  const groups = new Map<number, Finding[]>();
  findings.forEach((f, i) => {
    const r = uf.find(i);
    const g = groups.get(r);
    if (g) g.push(f);
    else groups.set(r, [f]);
  });
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([root, group]) => merge(firstKey[root]!, group));
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
  let bmcUsername: string | undefined;

  for (const f of group) {
    sources.add(f.source);
    switch (f.source) {
      case 'csv': {
        const c = f.machine;
        addMac(c.mac);
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
        uuidRedfish ??= canonicalUuid(s.uuid) ?? undefined;
        disk ??= s.disk;
        bmcs.add(f.bmc);
        if (f.bmcMacs[0] && !m.bmc?.mac) m.bmc = {address: f.bmc, mac: f.bmcMacs[0]};
        break;
      }
      case 'ipmi':
        uuidIpmi ??= canonicalUuid(f.guid) ?? undefined;
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
  const boot = powerMac ?? pxeMac;
  if (boot) {
    m.bootMac = boot;
    m.macs = [boot, ...macs.filter(x => x !== boot)];
  } else m.macs = macs;
  if (!m.disk && disk) m.disk = {device: disk.device, reason: disk.reason};
  const bmcList = [...bmcs];
  if (bmcList.length > 0 && !m.bmc) m.bmc = {address: bmcList[0]!};
  if (m.bmc && bmcUsername) m.bmc.username = bmcUsername;
  if (bmcList.length > 1) m.conflicts.push(`several BMCs claim this machine: ${bmcList.join(', ')}`);
  return m;
}
