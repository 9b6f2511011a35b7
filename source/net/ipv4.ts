// IPv4 addresses as 32-bit numbers: dotted quads only, no leading zeros (what Go's net.ParseIP
// accepts). The hardware rules and the cluster rules share these; IPv6 is out of scope because
// EKS Anywhere builds bare-metal Hardware with family 4 only.
import {isIPv6} from 'node:net';

/** Parsed by hand: this runs for several cells of every row, and a regex match allocates. */
export function parseIpv4(s: string): number | null {
  if (s.length < 7 || s.length > 15) return null;
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return null;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return null; // leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return n * 256 + octet;
}

export function isIpv4(s: string): boolean {
  return parseIpv4(s) !== null;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** True for what Go's net.ParseIP accepts: IPv4 or IPv6 (no zone). */
export function isGoIp(s: string): boolean {
  return parseIpv4(s) !== null || (isIPv6(s) && !s.includes('%'));
}

/** Prefix length of a contiguous dotted-quad netmask, or null when it is not one. */
export function netmaskPrefix(mask: string): number | null {
  const n = parseIpv4(mask);
  if (n === null) return null;
  const inverted = ~n >>> 0;
  // A contiguous mask inverted is 2^k - 1: adding one leaves no bit in common.
  if ((inverted & (inverted + 1)) !== 0) return null;
  return 32 - Math.log2(inverted + 1);
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkOf(ip: number, prefix: number): number {
  return (ip & prefixMask(prefix)) >>> 0;
}

export interface Cidr {
  network: number;
  prefix: number;
}

/** `a.b.c.d/n`, host bits cleared (compare with cidrToString to find them set). */
export function parseCidr(value: string): Cidr | null {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(value.trim());
  const ip = match ? parseIpv4(match[1]!) : null;
  if (ip === null) return null;
  const prefix = Number(match![2]);
  if (prefix > 32) return null;
  return {network: networkOf(ip, prefix), prefix};
}

export function cidrToString(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const n = parseIpv4(ip);
  return n !== null && n >= cidr.network && n < cidr.network + 2 ** (32 - cidr.prefix);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const aEnd = a.network + 2 ** (32 - a.prefix);
  const bEnd = b.network + 2 ** (32 - b.prefix);
  return a.network < bEnd && b.network < aEnd;
}

/** The subnet an address with this prefix lives in. */
export function subnetOf(ip: string, prefix: number): Cidr {
  const n = parseIpv4(ip);
  if (n === null) throw new Error(`not an IPv4 address: ${ip}`);
  return {network: networkOf(n, prefix), prefix};
}
