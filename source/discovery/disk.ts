// Redfish tells drive model, size and protocol, never the OS device name hardware.csv needs. We suggest
// one (discovery.md 2.5): the smallest present, non-removable drive of at least 25 GB (the EKS Anywhere
// minimum); NVMe becomes /dev/nvme0n1, anything else /dev/sda. The admin always confirms.

export interface DriveInfo {
  name?: string;
  model?: string;
  capacityBytes?: number;
  /** Redfish Protocol: NVMe, SATA, SAS, ... */
  protocol?: string;
  /** HDD or SSD. */
  mediaType?: string;
  /** Status.State: Enabled, Absent, ... */
  state?: string;
  removable?: boolean;
  serial?: string;
}

export interface DiskSuggestion {
  device: '/dev/sda' | '/dev/nvme0n1';
  reason: string;
  drive: DriveInfo;
}

export const MIN_DISK_BYTES = 25e9;

function isNvme(d: DriveInfo): boolean {
  return /nvme/i.test(d.protocol ?? '') || (!d.protocol && /nvme/i.test(`${d.name ?? ''} ${d.model ?? ''}`));
}

function gb(bytes: number): string {
  return `${Math.round(bytes / 1e9)} GB`;
}

export function suggestDisk(drives: readonly DriveInfo[]): DiskSuggestion | null {
  const usable = drives.filter(
    d =>
      d.state !== 'Absent' &&
      d.state !== 'Disabled' &&
      d.removable !== true &&
      typeof d.capacityBytes === 'number' &&
      d.capacityBytes >= MIN_DISK_BYTES,
  );
  if (usable.length === 0) return null;
  const drive = usable.reduce((a, b) => (b.capacityBytes! < a.capacityBytes! ? b : a));
  const nvme = isNvme(drive);
  const kind = nvme ? 'NVMe' : (drive.protocol ?? 'disk');
  return {
    device: nvme ? '/dev/nvme0n1' : '/dev/sda',
    reason: `smallest drive of at least 25 GB: ${drive.model ?? drive.name ?? 'drive'} (${kind}, ${gb(drive.capacityBytes!)}); confirm the device name`,
    drive,
  };
}
