// Suggestions for the hardware screen: names and addresses the admin can accept with one key.
import {formatIpv4, netmaskPrefix, networkOf, parseIpv4, prefixMask} from '../net/ipv4.js';
import type {Machine} from '../session/answers.js';

type Role = Machine['role'];

/** eksa-cp01, eksa-cp02, eksa-wk01, ... one per role in order, skipping names already taken. */
export function suggestHostnames(
  prefixCp: string | undefined = 'eksa-cp',
  prefixWorker: string | undefined = 'eksa-wk',
  roles: readonly Role[] = [],
  taken: Iterable<string> = [],
): string[] {
  const used = new Set(taken);
  const next = {cp: 1, worker: 1};
  return roles.map(role => {
    const prefix = role === 'cp' ? prefixCp : prefixWorker;
    for (;;) {
      const n = next[role]++;
      const name = `${prefix}${String(n).padStart(2, '0')}`;
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
  });
}

/**
 * The next `count` free IPv4 addresses from startIp upwards (startIp included), skipping `avoid` and
 * staying inside the subnet (default /24 around startIp) short of its broadcast address. Fewer come
 * back when the subnet runs out; none when startIp or netmask is not valid.
 */
export function suggestIps(
  startIp: string,
  count: number,
  avoid: readonly string[] = [],
  netmask = '255.255.255.0',
): string[] {
  const start = parseIpv4(startIp);
  const prefix = netmaskPrefix(netmask);
  if (start === null || prefix === null || count <= 0) return [];
  const network = networkOf(start, prefix);
  const last = prefix >= 31 ? (network | ~prefixMask(prefix)) >>> 0 : ((network | ~prefixMask(prefix)) >>> 0) - 1;
  const first = prefix >= 31 ? network : network + 1;
  const skip = new Set<number>();
  for (const a of avoid) {
    const n = parseIpv4(a);
    if (n !== null) skip.add(n);
  }
  const out: string[] = [];
  for (let ip = Math.max(start, first); ip <= last && out.length < count; ip++) {
    if (!skip.has(ip)) out.push(formatIpv4(ip));
  }
  return out;
}
