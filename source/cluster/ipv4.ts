// Small IPv4 helpers: the cluster rules compare addresses and CIDRs as 32-bit numbers.
// IPv6 is out of scope: EKS Anywhere builds Hardware with family 4 only.

const QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(value: string): boolean {
  return QUAD.test(value);
}

export function ipv4ToNumber(value: string): number {
  if (!isIPv4(value)) throw new Error(`not an IPv4 address: ${value}`);
  return value.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function numberToIPv4(n: number): string {
  return [24, 16, 8, 0].map(shift => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  network: number;
  prefix: number;
}

export function parseCidr(value: string): Cidr | null {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(value.trim());
  if (!match || !isIPv4(match[1]!)) return null;
  const prefix = Number(match[2]);
  if (prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  return {network: Math.floor(ipv4ToNumber(match[1]!) / size) * size, prefix};
}

export function cidrToString(cidr: Cidr): string {
  return `${numberToIPv4(cidr.network)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const size = 2 ** (32 - cidr.prefix);
  const n = ipv4ToNumber(ip);
  return n >= cidr.network && n < cidr.network + size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const aEnd = a.network + 2 ** (32 - a.prefix);
  const bEnd = b.network + 2 ** (32 - b.prefix);
  return a.network < bEnd && b.network < aEnd;
}

/** Prefix length of a dotted-quad netmask, or null when it is not a contiguous mask. */
export function netmaskToPrefix(mask: string): number | null {
  if (!isIPv4(mask)) return null;
  const bits = ipv4ToNumber(mask).toString(2).padStart(32, '0');
  if (!/^1*0*$/.test(bits)) return null;
  return bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
}

/** The subnet an address with this prefix lives in. */
export function subnetOf(ip: string, prefix: number): Cidr {
  const size = 2 ** (32 - prefix);
  return {network: Math.floor(ipv4ToNumber(ip) / size) * size, prefix};
}
