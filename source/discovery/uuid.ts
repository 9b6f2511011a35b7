// System UUIDs as seen by PXE (option 97), Redfish (Systems.UUID) and IPMI (mc guid). They name the
// same 16 bytes in different byte orders (discovery.md 2.8), so we compare under three orders:
// as-is, SMBIOS mixed-endian (first three fields byte-swapped) and fully reversed (ipmitool's print).

/** 16 raw bytes from a UUID string (with or without dashes/braces), or null. */
export function uuidBytes(input: string | null | undefined): Uint8Array | null {
  if (typeof input !== 'string') return null;
  const hex = input.trim().toLowerCase().replace(/^urn:uuid:/, '').replace(/[{}\-\s]/g, '');
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

/** UUIDs that carry no identity (unset firmware fields): all one byte value, e.g. zeros or FFs. */
export function isPlaceholderUuid(bytes: Uint8Array): boolean {
  return new Set(bytes).size <= 1;
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
