// MAC addresses. Two readers on purpose: hardware.csv follows Go's net.ParseMAC (what EKS Anywhere
// uses), so a MAC that eksctl would reject is not silently fixed; what BMCs, ipmitool and the
// neighbour table report is read leniently, since any spelling of the 12 hex digits names the NIC.

export interface ParsedMac {
  octets: number[];
  separator: ':' | '-' | '.';
}

const HEX = /^[0-9a-fA-F]+$/;

function octetsFrom(hex: string[]): number[] | null {
  const out: number[] = [];
  for (const h of hex) {
    if (h.length !== 2 || !HEX.test(h)) return null;
    out.push(parseInt(h, 16));
  }
  return out;
}

const COLON6 = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** Go's net.ParseMAC: 6, 8 or 20 octets written aa:bb:.., aa-bb-.. or aabb.ccdd.eeff; hex digits in either case. */
export function parseMac(s: string): ParsedMac | null {
  if (s.length < 14) return null;
  // The common case without allocating per octet.
  if (COLON6.test(s)) {
    const octets = new Array<number>(6);
    for (let i = 0; i < 6; i++) octets[i] = parseInt(s.slice(i * 3, i * 3 + 2), 16);
    return {octets, separator: ':'};
  }
  if (s[2] === ':' || s[2] === '-') {
    const sep = s[2];
    if ((s.length + 1) % 3 !== 0) return null;
    const parts = s.split(sep);
    if (![6, 8, 20].includes(parts.length)) return null;
    const octets = octetsFrom(parts);
    return octets ? {octets, separator: sep} : null;
  }
  if (s[4] === '.') {
    if ((s.length + 1) % 5 !== 0) return null;
    const groups = s.split('.');
    if (![3, 4, 10].includes(groups.length)) return null;
    const pairs: string[] = [];
    for (const g of groups) {
      if (g.length !== 4) return null;
      pairs.push(g.slice(0, 2), g.slice(2));
    }
    const octets = octetsFrom(pairs);
    return octets ? {octets, separator: '.'} : null;
  }
  return null;
}

/** Lowercase, colon-separated: octets from a parsed MAC or the bytes of a frame. */
export function formatMac(octets: ArrayLike<number>): string {
  return Array.from(octets, o => o.toString(16).padStart(2, '0')).join(':');
}

const CANONICAL = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** The lowercase colon form of a 6-octet MAC as Go's net.ParseMAC reads it, or null when the text is not one. */
export function normalizeMac(s: string): string | null {
  if (CANONICAL.test(s)) return s;
  const parsed = parseMac(s);
  return parsed && parsed.octets.length === 6 ? formatMac(parsed.octets) : null;
}

/**
 * A reported MAC (aa-bb-.., AABB.CCDD.EEFF, aabbccddeeff, aa:bb:.., spaces around) as aa:bb:cc:dd:ee:ff;
 * null when it is not a 48-bit MAC.
 */
export function normalizeReportedMac(input: string | null | undefined): string | null {
  if (typeof input !== 'string') return null;
  const hex = input
    .trim()
    .toLowerCase()
    .replace(/[:.\-\s]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return formatMac(Buffer.from(hex, 'hex'));
}

/** All-zero and broadcast MACs are placeholders some BMCs report; they identify nothing. */
export function isPlaceholderMac(mac: string): boolean {
  return mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff';
}
