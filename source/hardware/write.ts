// Writes hardware.csv the way EKS Anywhere documents it: exact lowercase headers in the documented order,
// RFC 4180 quoting (BMC passwords may hold commas or quotes), "\n" line ends, no BOM.
import {stringify} from 'csv-stringify/sync';
import {DOCUMENTED_ORDER, type Column} from './columns.js';
import {formatLabels} from './labels.js';
import {normalizeMac} from '../net/mac.js';
import {NAMESERVER_SEPARATOR} from './rules.js';
import type {HardwareRow} from './types.js';
import {writeFileAtomic} from '../session/home.js';

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

/**
 * Writes the file with mode 0600 (it holds BMC passwords), atomically: temp file, fsync, rename. The
 * session's own writer names the temp file so that opening the session removes one a kill left behind.
 */
export async function writeHardwareCsvFile(path: string, rows: readonly HardwareRow[]): Promise<void> {
  await writeFileAtomic(path, formatHardwareCsv(rows));
}
