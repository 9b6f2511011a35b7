// System UUIDs as seen by PXE (option 97), Redfish (Systems.UUID) and IPMI (mc guid). They name the
// same 16 bytes in different byte orders (discovery.md 2.8), so we compare under three orders:
// as-is, SMBIOS mixed-endian (first three fields byte-swapped) and fully reversed (ipmitool's print).

/** 16 raw bytes from a UUID string (with or without dashes/braces), or null. */
export function uuidBytes(input: string | null | undefined): Uint8Array | null {
  if (typeof input !== 'string') return null;
  const hex = input
    .trim()
    .toLowerCase()
    .replace(/^urn:uuid:/, '')
    .replace(/[{}\-\s]/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function formatUuid(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** SMBIOS stores time_low, time_mid and time_hi little-endian; swapping them is its own inverse. */
export function smbiosSwap(bytes: Uint8Array): Uint8Array {
  const b = Uint8Array.from(bytes);
  b.set([bytes[3]!, bytes[2]!, bytes[1]!, bytes[0]!, bytes[5]!, bytes[4]!, bytes[7]!, bytes[6]!], 0);
  return b;
}

export function reversed(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/**
 * Firmware defaults shipped on many boards, so they name no machine. AMI's Aptio default (sent by real
 * ASRock and other PXE ROMs whose vendor never set the SMBIOS UUID) and the "to be filled by O.E.M."
 * patterns seen on white-box boards.
 */
const KNOWN_JUNK = new Set([
  '03000200-0400-0500-0006-000700080009',
  '00020003-0004-0005-0006-000700080009',
  '12345678-1234-5678-90ab-cddeefaabbcc',
]);

/** The shortest period of the byte string (16 when it does not repeat). */
function period(bytes: Uint8Array): number {
  for (let p = 1; p < bytes.length; p++) {
    if (bytes.length % p === 0 && bytes.every((b, i) => b === bytes[i % p])) return p;
  }
  return bytes.length;
}

/**
 * UUIDs that carry no identity: all one byte value (zeros, FFs), a pattern of up to four bytes repeated
 * (01010101-…, 12341234-…), or a known firmware default in any of the three byte orders. They are never
 * correlation keys: three machines sending AMI's default would otherwise merge into one.
 */
export function isPlaceholderUuid(bytes: Uint8Array): boolean {
  if (period(bytes) <= 4) return true;
  return [bytes, smbiosSwap(bytes), reversed(bytes)].some(b => KNOWN_JUNK.has(formatUuid(b)));
}

/** Whether this UUID string is one that identifies nothing (see isPlaceholderUuid). */
export function isJunkUuid(input: string | null | undefined): boolean {
  const b = uuidBytes(input);
  return b !== null && isPlaceholderUuid(b);
}

/**
 * The canonical strings of one UUID under the three byte orders. Two UUIDs name the same machine when
 * their variant sets intersect (each transform is an involution, so a = T(b) puts a in both sets).
 */
export function uuidVariants(input: string): string[] {
  const bytes = uuidBytes(input);
  if (!bytes || isPlaceholderUuid(bytes)) return [];
  return [...new Set([formatUuid(bytes), formatUuid(smbiosSwap(bytes)), formatUuid(reversed(bytes))])];
}

export function sameUuid(a: string, b: string): boolean {
  const va = new Set(uuidVariants(a));
  return uuidVariants(b).some(v => va.has(v));
}

/** The canonical form of a UUID string (lowercase, dashed), or null when it is not one. */
export function canonicalUuid(input: string | null | undefined): string | null {
  const b = uuidBytes(input);
  return b ? formatUuid(b) : null;
}
