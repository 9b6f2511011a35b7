// What each discovery source contributes, in one shape the correlation can merge.
import type {CsvFinding} from './csv-import.js';
import type {PxeEvent} from './pxe-events.js';
import type {RedfishResult, RedfishSystem} from './redfish-client.js';

export interface PxeFinding {
  source: 'pxe';
  at: number;
  mac: string;
  /** Option 97 as sent (byte order as the firmware chose). */
  uuid?: string;
  arch?: number;
  vendorClass?: string;
  userClass?: string;
  hostname?: string;
  /** A PXE/HTTP-boot ROM, not an ordinary DHCP client. */
  isPxe: boolean;
  iface?: string;
}

export interface RedfishFinding {
  source: 'redfish';
  /** BMC address as the target key (host, or host:port). */
  bmc: string;
  bmcMacs: string[];
  /** Systems behind this BMC; with more than one (blades) the BMC address cannot identify the machine. */
  systemCount: number;
  system: RedfishSystem;
}

export interface IpmiFinding {
  source: 'ipmi';
  bmc: string;
  bmcMac?: string;
  /** As ipmitool prints it (fully byte-reversed relative to the wire). */
  guid?: string;
}

/** Sequential power-on: this BMC was powered on and then this MAC PXE-booted. */
export interface PowerFinding {
  source: 'power';
  bmc: string;
  mac: string;
  uuid?: string;
  at: number;
}

export type Finding = PxeFinding | RedfishFinding | IpmiFinding | PowerFinding | CsvFinding;
export type DiscoverySource = Finding['source'];

export function pxeFinding(e: PxeEvent): PxeFinding {
  const p = e.packet;
  const f: PxeFinding = {source: 'pxe', at: e.at, mac: p.chaddr, isPxe: p.isPxe};
  if (p.uuid) f.uuid = p.uuid;
  if (p.clientArch?.length) f.arch = p.clientArch[0]!;
  if (p.vendorClass) f.vendorClass = p.vendorClass;
  if (p.userClass) f.userClass = p.userClass;
  if (p.hostname) f.hostname = p.hostname;
  if (e.iface) f.iface = e.iface;
  return f;
}

/** A Redfish system that is not a machine to install (DPU, GPU baseboard), and why. */
export interface NotInstallable {
  id: string;
  reason: string;
}

export function notInstallable(result: RedfishResult): NotInstallable[] {
  if (result.kind !== 'ok') return [];
  return result.bmc.systems
    .filter(s => s.notInstallable)
    .map(s => ({id: `${result.bmc.address}${s.path}`, reason: s.notInstallable!}));
}

/**
 * One finding per installable system. A system whose Links.ManagedBy names a manager with its own
 * address (a blade behind an enclosure's service) is identified by that BMC, not the shared one.
 */
export function redfishFindings(result: RedfishResult): RedfishFinding[] {
  if (result.kind !== 'ok') return [];
  const {bmc} = result;
  const systems = bmc.systems.filter(s => !s.notInstallable);
  const ownManagers = new Set(systems.map(s => s.managedBy?.path).filter(Boolean));
  const perSystemBmc =
    systems.length > 1 && ownManagers.size === systems.length && systems.every(s => s.managedBy?.ipv4.length);
  return systems.map(system => {
    const own = perSystemBmc ? system.managedBy! : undefined;
    return {
      source: 'redfish' as const,
      bmc: own ? own.ipv4[0]! : bmc.address,
      bmcMacs: own ? own.macs : system.managedBy?.macs.length ? system.managedBy.macs : bmc.macs,
      systemCount: own ? 1 : systems.length,
      system,
    };
  });
}
