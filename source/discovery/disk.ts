// Redfish tells drives, controllers and volumes, never the OS device name hardware.csv needs. We propose
// one and say why; the admin confirms. What Linux shows depends on the controller, not on the drive:
// a RAID volume or a drive behind a RAID/HBA controller (tri-mode ones included, e.g. HPE MR416i-o) is a
// SCSI disk (/dev/sdX) even when its drives are NVMe; an NVMe drive on a direct NVMe controller, and the
// single NVMe device of a boot controller (Dell BOSS-N1, HPE NS204i), is /dev/nvmeXn1. A boot volume or
// boot controller wins over data drives. EKS Anywhere's disk rule (`^(/dev/[\w-]+)+$`, hardware/csv.go)
// rejects /dev/disk/by-path and by-id, so the kernel name is proposed.

export interface DriveInfo {
  /** @odata.id, to match volume members. */
  path?: string;
  name?: string;
  model?: string;
  capacityBytes?: number;
  /** Redfish Protocol: NVMe, SATA, SAS, PCIe (Dell BOSS-N1), USB, ... */
  protocol?: string;
  /** HDD or SSD. */
  mediaType?: string;
  /** Status.State: Enabled, Absent, StandbyOffline (unconfigured), ... */
  state?: string;
  removable?: boolean;
  serial?: string;
}

export interface ControllerInfo {
  name?: string;
  model?: string;
  protocols: string[];
  raidTypes: string[];
}

export interface VolumeInfo {
  id?: string;
  name?: string;
  raidType?: string;
  capacityBytes?: number;
  state?: string;
  /** @odata.id of the member drives. */
  drives: string[];
}

export interface StorageInfo {
  id: string;
  name?: string;
  controllers: ControllerInfo[];
  drives: DriveInfo[];
  volumes: VolumeInfo[];
  /** From SimpleStorage: no controller or volume information at all. */
  simple?: boolean;
}

export type DeviceClass = 'scsi' | 'nvme';

export interface DiskSuggestion {
  device: string;
  deviceClass: DeviceClass;
  reason: string;
  drive?: DriveInfo;
  volume?: VolumeInfo;
}

export type DiskChoice = {disk: DiskSuggestion; reason: string} | {disk: null; reason: string};

/** EKS Anywhere nodes need 25 GB (bare-metal requirements); the OS image is streamed onto the whole disk. */
export const MIN_DISK_BYTES = 25e9;

const BOOT_CONTROLLER = /\bBOSS\b|\bNS204|boot (controller|optimi[sz]ed)|\bM\.2 boot/i;
const SOFTWARE_RAID = /\bSW RAID\b|software raid|\bVROC\b|\bRSTe?\b/i;
const BOOT_VOLUME = /\b(boot|os|system)\b/i;
const REMOVABLE_MEDIA = /\busb\b|\bsd ?card\b|\bmicro ?sd\b|\bsdhc\b|\bidsdm\b|\bdual sd\b|\bflash drive\b/i;
const UNUSABLE_STATES = new Set([
  'Absent',
  'Disabled',
  'StandbyOffline',
  'StandbySpare',
  'UnavailableOffline',
  'Quiesced',
  'Deferring',
]);

const gb = (bytes: number) => (bytes >= 1e12 ? `${(bytes / 1e12).toFixed(1)} TB` : `${Math.round(bytes / 1e9)} GB`);
const isNvmeProto = (p: string | undefined) => /nvme|pcie/i.test(p ?? '');
const label = (...xs: Array<string | undefined>) => xs.find(x => x && x.trim()) ?? 'unnamed';

function controllerText(s: StorageInfo): string {
  return [s.name, ...s.controllers.flatMap(c => [c.name, c.model])].filter(Boolean).join(' ');
}

interface ControllerKind {
  cls: DeviceClass | 'by-drive';
  boot: boolean;
  what: string;
}

/** How Linux sees devices behind this storage subsystem. */
function kindOf(s: StorageInfo): ControllerKind {
  const text = controllerText(s);
  const protocols = new Set(s.controllers.flatMap(c => c.protocols.map(p => p.toUpperCase())));
  const raid = s.controllers.some(c => c.raidTypes.some(r => r !== 'None')) || /\bRAID\b/i.test(text);
  const nvmeOnly = protocols.size > 0 && [...protocols].every(p => p === 'NVME' || p === 'PCIE');
  if (BOOT_CONTROLLER.test(text)) {
    const drivesNvme = s.drives.some(d => isNvmeProto(d.protocol));
    return {
      cls: nvmeOnly || drivesNvme ? 'nvme' : 'scsi',
      boot: true,
      what: `boot controller ${label(s.controllers[0]?.model, s.name)}`,
    };
  }
  if (s.simple) return {cls: 'by-drive', boot: false, what: `simple storage ${label(s.name, s.id)}`};
  if (SOFTWARE_RAID.test(text))
    return {cls: 'by-drive', boot: false, what: `software RAID ${label(s.name, s.id)} (Linux sees the member drives)`};
  if (nvmeOnly && !raid) return {cls: 'nvme', boot: false, what: `direct NVMe ${label(s.name, s.id)}`};
  if (raid || protocols.has('SAS') || protocols.has('SATA')) {
    return {
      cls: 'scsi',
      boot: false,
      what: `${raid ? 'RAID' : 'HBA'} controller ${label(s.controllers[0]?.model, s.name, s.id)}`,
    };
  }
  return {cls: 'by-drive', boot: false, what: label(s.name, s.id)};
}

function removableReason(d: DriveInfo): string | null {
  if (d.removable === true) return 'removable';
  if (/^usb$/i.test(d.protocol ?? '')) return 'USB';
  if (REMOVABLE_MEDIA.test(`${d.name ?? ''} ${d.model ?? ''} ${d.mediaType ?? ''}`)) return 'USB or SD media';
  return null;
}

interface Candidate {
  rank: number;
  capacity: number;
  cls: DeviceClass;
  text: string;
  drive?: DriveInfo;
  volume?: VolumeInfo;
}

/**
 * The proposed install disk and, either way, the reasoning in one line. Ranking: a volume of a boot
 * controller or a RAID1 volume named boot/os; any other boot-controller device; a mirrored volume; any
 * volume; a lone drive. Ties go to the smallest device (data drives are usually the big ones).
 */
export function suggestDisk(storages: readonly StorageInfo[]): DiskChoice {
  const candidates: Candidate[] = [];
  const skipped: string[] = [];
  let drivesSeen = 0;
  for (const s of storages) {
    const kind = kindOf(s);
    const inVolume = new Set(s.volumes.flatMap(v => v.drives));
    for (const v of s.volumes) {
      const name = label(v.name, v.id);
      if (v.state && UNUSABLE_STATES.has(v.state)) {
        skipped.push(`volume ${name} is ${v.state}`);
        continue;
      }
      if (typeof v.capacityBytes !== 'number' || v.capacityBytes < MIN_DISK_BYTES) {
        skipped.push(
          `volume ${name} is ${typeof v.capacityBytes === 'number' ? `only ${gb(v.capacityBytes)}` : 'of unknown size'}`,
        );
        continue;
      }
      const members = s.drives.filter(d => d.path && v.drives.includes(d.path));
      const memberNvme = members.length > 0 && members.every(d => isNvmeProto(d.protocol));
      const cls: DeviceClass = kind.cls === 'by-drive' ? (memberNvme ? 'nvme' : 'scsi') : kind.cls;
      const mirrored = /^RAID1/i.test(v.raidType ?? '');
      const bootNamed = BOOT_VOLUME.test(`${v.name ?? ''} ${v.id ?? ''}`);
      const rank = kind.boot || (mirrored && bootNamed) ? 0 : bootNamed ? 1 : mirrored ? 2 : 3;
      const why = kind.boot
        ? 'boot controller volume'
        : bootNamed
          ? 'boot volume'
          : mirrored
            ? 'mirrored volume'
            : 'volume';
      candidates.push({
        rank,
        capacity: v.capacityBytes,
        cls,
        volume: v,
        text: `${why} ${name} (${v.raidType ?? 'no RAID level'}, ${gb(v.capacityBytes)}) on ${kind.what}`,
      });
    }
    for (const d of s.drives) {
      if (d.state === 'Absent') continue;
      drivesSeen++;
      if (d.path && inVolume.has(d.path)) continue;
      const name =
        d.name && d.model && d.name !== d.model
          ? `${d.name} (${d.model})`
          : label(d.name, d.model, d.path?.split('/').pop());
      const rem = removableReason(d);
      if (rem) {
        skipped.push(`${name} is ${rem}`);
        continue;
      }
      if (d.state && UNUSABLE_STATES.has(d.state)) {
        skipped.push(`${name} is ${d.state === 'StandbyOffline' ? 'unconfigured (StandbyOffline)' : d.state}`);
        continue;
      }
      if (typeof d.capacityBytes !== 'number') {
        skipped.push(`${name} does not report its size`);
        continue;
      }
      if (d.capacityBytes < MIN_DISK_BYTES) {
        skipped.push(`${name} is only ${gb(d.capacityBytes)}`);
        continue;
      }
      const cls: DeviceClass =
        kind.cls === 'by-drive'
          ? isNvmeProto(d.protocol) || (!d.protocol && /nvme/i.test(name))
            ? 'nvme'
            : 'scsi'
          : kind.cls;
      const proto = d.protocol ? `${d.protocol}${d.mediaType ? ` ${d.mediaType}` : ''}, ` : '';
      candidates.push({
        rank: kind.boot ? 0 : 4,
        capacity: d.capacityBytes,
        cls,
        drive: d,
        text: `${kind.boot ? 'boot controller drive' : 'drive'} ${name} (${proto}${gb(d.capacityBytes)}) on ${kind.what}`,
      });
    }
  }
  if (candidates.length === 0) {
    const why = skipped.length
      ? skipped.join('; ')
      : drivesSeen === 0
        ? 'the BMC lists no drives'
        : 'no drive qualifies';
    return {disk: null, reason: `no install disk proposed: ${why}; enter the device by hand`};
  }
  candidates.sort((a, b) => a.rank - b.rank || a.capacity - b.capacity);
  const best = candidates[0]!;
  const sameClass = candidates.filter(c => c.cls === best.cls).length;
  const device = best.cls === 'nvme' ? '/dev/nvme0n1' : '/dev/sda';
  const parts = [
    `${best.text}: Linux names it ${best.cls === 'nvme' ? '/dev/nvmeXn1' : '/dev/sdX'}`,
    ...(sameClass > 1
      ? [
          `${sameClass - 1} more ${best.cls === 'nvme' ? 'NVMe' : 'SCSI'} device${sameClass > 2 ? 's' : ''} may take ${device} first`,
        ]
      : []),
    ...(skipped.length ? [`not used: ${skipped.join('; ')}`] : []),
    'confirm the device name',
  ];
  const reason = parts.join('; ');
  const disk: DiskSuggestion = {
    device,
    deviceClass: best.cls,
    reason,
    ...(best.drive ? {drive: best.drive} : {}),
    ...(best.volume ? {volume: best.volume} : {}),
  };
  return {disk, reason};
}

/** Flat drive list of a plain set of drives (no controller information), e.g. for callers with only drives. */
export function simpleStorage(drives: DriveInfo[], id = 'drives'): StorageInfo {
  return {id, controllers: [], drives, volumes: [], simple: true};
}
