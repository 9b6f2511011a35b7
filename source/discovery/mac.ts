// MAC addresses in the one form hardware.csv wants: lowercase, colon-separated, six octets.

/** Normalises aa-bb-.., AABB.CCDD.EEFF, aabbccddeeff or aa:bb:.. to aa:bb:cc:dd:ee:ff; null when not a 48-bit MAC. */
export function normalizeMac(input: string | null | undefined): string | null {
  if (typeof input !== 'string') return null;
  const hex = input.trim().toLowerCase().replace(/[:.\-\s]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return formatMac(Buffer.from(hex, 'hex'));
}

export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 6), b => b.toString(16).padStart(2, '0')).join(':');
}

/** All-zero and broadcast MACs are placeholders some BMCs report; they identify nothing. */
export function isPlaceholderMac(mac: string): boolean {
  return mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff';
}
