// Writes hardware.csv the way EKS Anywhere documents it: exact lowercase headers in the documented order,
// RFC 4180 quoting (BMC passwords may hold commas or quotes), "\n" line ends, no BOM.
import {randomBytes} from 'node:crypto';
import {chmod, open, rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {stringify} from 'csv-stringify/sync';
import {DOCUMENTED_ORDER, type Column} from './columns.js';
import {formatLabels} from './labels.js';
import {normalizeMac} from '../net/mac.js';
import {NAMESERVER_SEPARATOR} from './rules.js';
import type {HardwareRow} from './types.js';

function cells(row: HardwareRow): Record<Column, string> {
  return {
    hostname: row.hostname,
    bmc_ip: row.bmc?.ip ?? '',
    bmc_username: row.bmc?.username ?? '',
    bmc_password: row.bmc?.password ?? '',
    mac: normalizeMac(row.mac) ?? row.mac.toLowerCase(),
    ip_address: row.ipAddress,
    netmask: row.netmask,
    gateway: row.gateway,
    nameservers: row.nameservers.join(NAMESERVER_SEPARATOR),
    labels: formatLabels(row.labels),
    disk: row.disk,
    vlan_id: row.vlanId ?? '',
  };
}

export function formatHardwareCsv(rows: readonly HardwareRow[]): string {
  // vlan_id is optional in EKS Anywhere and not in its documented header: add it only when used.
  const columns: Column[] = rows.some(r => (r.vlanId ?? '') !== '')
    ? [...DOCUMENTED_ORDER, 'vlan_id']
    : [...DOCUMENTED_ORDER];
  const records = rows.map(row => {
    const c = cells(row);
    return columns.map(name => c[name]);
  });
  return stringify([columns, ...records], {record_delimiter: '\n', quote: '"', escape: '"', bom: false});
}

/** Writes the file with mode 0600 (it holds BMC passwords), atomically: temp file, fsync, rename. */
export async function writeHardwareCsvFile(path: string, rows: readonly HardwareRow[]): Promise<void> {
  const text = formatHardwareCsv(rows);
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, {force: true});
    throw error;
  }
  // The umask could have narrowed the mode, and an old file's mode must not survive.
  await chmod(path, 0o600);
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself has still happened.
  }
}
