// A large valid hardware.csv for the validation benchmark and tests: n machines in 10.20.0.0/16,
// node addresses from 10.20.0.10 up and BMC addresses from 10.20.128.10 up.
import {formatIpv4, parseIpv4} from '../net/ipv4.js';
import {formatMac} from '../net/mac.js';
import type {HardwareRow} from './types.js';
import {formatHardwareCsv} from './write.js';

const MAX = 32_000;

export function makeSyntheticRows(n: number): HardwareRow[] {
  if (!Number.isInteger(n) || n < 0 || n > MAX) throw new RangeError(`n must be an integer from 0 to ${MAX}`);
  const hostBase = parseIpv4('10.20.0.10')!;
  const bmcBase = parseIpv4('10.20.128.10')!;
  const rows: HardwareRow[] = [];
  for (let i = 0; i < n; i++) {
    const cp = i < 3;
    rows.push({
      hostname: `node${String(i + 1).padStart(5, '0')}`,
      ipAddress: formatIpv4(hostBase + i),
      netmask: '255.255.0.0',
      gateway: '10.20.0.1',
      nameservers: ['10.20.0.2', '1.1.1.1'],
      mac: formatMac([0x02, 0, 0, (i >> 16) & 255, (i >> 8) & 255, i & 255]),
      disk: i % 2 === 0 ? '/dev/sda' : '/dev/nvme0n1',
      labels: {type: cp ? 'cp' : 'worker', rack: `r${i % 10}`},
      bmc: {ip: formatIpv4(bmcBase + i), username: 'admin', password: `pw,"${i}"`},
    });
  }
  return rows;
}

export function makeSyntheticCsv(n: number): string {
  return formatHardwareCsv(makeSyntheticRows(n));
}
