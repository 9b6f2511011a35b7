// Our own DHCP/BOOTP parser (RFC 2131/2132 plus the PXE options of RFC 4578), shaped for discovery:
// it never throws, it reports garbage as an error result, and it keeps only what identifies a machine.
import {formatMac} from '../net/mac.js';
import {formatUuid} from './uuid.js';

export const BOOTP_HEADER_LENGTH = 236;
export const MAGIC_COOKIE = 0x63825363;

export const MESSAGE_TYPES = {
  1: 'DISCOVER',
  2: 'OFFER',
  3: 'REQUEST',
  4: 'DECLINE',
  5: 'ACK',
  6: 'NAK',
  7: 'RELEASE',
  8: 'INFORM',
} as const;
export type DhcpMessageType = (typeof MESSAGE_TYPES)[keyof typeof MESSAGE_TYPES];

export interface DhcpOption {
  code: number;
  /** Raw value, concatenated when the option was split over several instances (RFC 3396). */
  data: Uint8Array;
}

export interface DhcpPacket {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  /** The broadcast bit of the flags field. */
  broadcast: boolean;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** Client hardware address: aa:bb:.. for Ethernet, plain hex otherwise. */
  chaddr: string;
  sname?: string;
  file?: string;
  messageType?: DhcpMessageType;
  messageTypeCode?: number;
  /** Option 12. */
  hostname?: string;
  /** Option 60, e.g. PXEClient:Arch:00007:UNDI:003016. */
  vendorClass?: string;
  /** Option 61 as hex (type byte first). */
  clientId?: string;
  /** Option 77, e.g. iPXE (RFC 3004 instances joined with ","). */
  userClass?: string;
  /** Option 93: client system architectures (a list; the first is the one to boot). */
  clientArch?: number[];
  /** Option 94 as "type.major.minor", e.g. 1.3.16. */
  nii?: string;
  /** Option 97 type byte (0 = UUID). */
  uuidType?: number;
  /** Option 97 as a dashed UUID string of the 16 bytes as sent. */
  uuid?: string;
  optionCodes: number[];
  options: DhcpOption[];
  /** Option 60 starts with PXEClient or HTTPClient. */
  isPxe: boolean;
  /** Smee's netboot test: DISCOVER/REQUEST, PXE vendor class, options 93 and 94, option 97 absent or well-formed. */
  isNetboot: boolean;
}

export type DhcpParseResult = {ok: true; packet: DhcpPacket} | {ok: false; error: string};

function ipv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/**
 * Text of a fixed-size or option field: up to the first NUL, bytes as Latin-1 so nothing can fail, and
 * every control byte (C0, DEL, C1) as "?": anyone on the segment can send a DHCP packet, and its
 * hostname or vendor class is shown on screen.
 */
function text(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(end === -1 ? b : b.subarray(0, end))
    .toString('latin1')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Walks a TLV option area into the map; returns an error text when an option runs past the end. */
function readOptions(area: Uint8Array, into: Map<number, Uint8Array[]>, order: number[]): string | null {
  let i = 0;
  while (i < area.length) {
    const code = area[i]!;
    if (code === 0) {
      i += 1;
      continue;
    }
    if (code === 255) return null;
    if (i + 1 >= area.length) return `option ${code} has no length byte`;
    const len = area[i + 1]!;
    if (i + 2 + len > area.length) return `option ${code} runs past the end of the packet`;
    const list = into.get(code);
    const value = area.subarray(i + 2, i + 2 + len);
    if (list) list.push(value);
    else {
      into.set(code, [value]);
      order.push(code);
    }
    i += 2 + len;
  }
  // RFC 2131 wants an END option, but real clients sometimes pad to the end without one: accept it.
  return null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : Uint8Array.from(Buffer.concat(parts));
}

/** Option 77: RFC 3004 length-prefixed instances when they tile the value exactly, else the raw text iPXE sends. */
function userClass(v: Uint8Array): string {
  const parts: string[] = [];
  let i = 0;
  while (i < v.length) {
    const n = v[i]!;
    if (n === 0 || i + 1 + n > v.length) return text(v);
    parts.push(text(v.subarray(i + 1, i + 1 + n)));
    i += 1 + n;
  }
  return parts.join(',');
}

export function parseDhcp(input: Uint8Array): DhcpParseResult {
  try {
    return parseUnchecked(input);
  } catch (error) {
    // Defensive: the parser checks every bound, but a discovery listener must never die on a packet.
    return {ok: false, error: `unparseable packet: ${(error as Error).message}`};
  }
}

function parseUnchecked(b: Uint8Array): DhcpParseResult {
  if (!(b instanceof Uint8Array)) return {ok: false, error: 'not a byte buffer'};
  if (b.length < BOOTP_HEADER_LENGTH + 4) {
    return {
      ok: false,
      error: `too short for BOOTP with options: ${b.length} bytes (need at least ${BOOTP_HEADER_LENGTH + 4})`,
    };
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const op = b[0]!;
  if (op !== 1 && op !== 2) return {ok: false, error: `BOOTP op must be 1 or 2, got ${op}`};
  if (view.getUint32(BOOTP_HEADER_LENGTH) !== MAGIC_COOKIE) return {ok: false, error: 'no DHCP magic cookie'};
  const htype = b[1]!;
  const hlen = b[2]!;
  if (hlen > 16) return {ok: false, error: `hardware address length ${hlen} exceeds 16`};

  const found = new Map<number, Uint8Array[]>();
  const order: number[] = [];
  const err = readOptions(b.subarray(BOOTP_HEADER_LENGTH + 4), found, order);
  if (err) return {ok: false, error: err};

  // Option 52 says the file and/or sname fields carry more options.
  const overload = found.get(52)?.[0]?.[0] ?? 0;
  const fileField = b.subarray(108, 236);
  const snameField = b.subarray(44, 108);
  if (overload & 1) {
    const e = readOptions(fileField, found, order);
    if (e) return {ok: false, error: `in overloaded file field: ${e}`};
  }
  if (overload & 2) {
    const e = readOptions(snameField, found, order);
    if (e) return {ok: false, error: `in overloaded sname field: ${e}`};
  }

  const options: DhcpOption[] = order.map(code => ({code, data: concat(found.get(code)!)}));
  const get = (code: number) => options.find(o => o.code === code)?.data;

  const chaddrBytes = b.subarray(28, 28 + hlen);
  const packet: DhcpPacket = {
    op,
    htype,
    hlen,
    hops: b[3]!,
    xid: view.getUint32(4),
    secs: view.getUint16(8),
    broadcast: (view.getUint16(10) & 0x8000) !== 0,
    ciaddr: ipv4(b, 12),
    yiaddr: ipv4(b, 16),
    siaddr: ipv4(b, 20),
    giaddr: ipv4(b, 24),
    chaddr: htype === 1 && hlen === 6 ? formatMac(chaddrBytes) : Buffer.from(chaddrBytes).toString('hex'),
    optionCodes: order,
    options,
    isPxe: false,
    isNetboot: false,
  };
  if (!(overload & 2)) {
    const s = text(snameField);
    if (s) packet.sname = s;
  }
  if (!(overload & 1)) {
    const f = text(fileField);
    if (f) packet.file = f;
  }

  const mt = get(53);
  if (mt && mt.length >= 1) {
    packet.messageTypeCode = mt[0]!;
    const name = MESSAGE_TYPES[mt[0]! as keyof typeof MESSAGE_TYPES];
    if (name) packet.messageType = name;
  }
  const host = get(12);
  if (host) packet.hostname = text(host);
  const vc = get(60);
  if (vc) packet.vendorClass = text(vc);
  const cid = get(61);
  if (cid) packet.clientId = Buffer.from(cid).toString('hex');
  const uc = get(77);
  if (uc) packet.userClass = userClass(uc);
  const arch = get(93);
  if (arch && arch.length >= 2) {
    packet.clientArch = [];
    for (let i = 0; i + 1 < arch.length; i += 2) packet.clientArch.push((arch[i]! << 8) | arch[i + 1]!);
  }
  const nii = get(94);
  if (nii && nii.length === 3) packet.nii = `${nii[0]}.${nii[1]}.${nii[2]}`;
  const uuid = get(97);
  if (uuid && uuid.length >= 1) {
    packet.uuidType = uuid[0]!;
    if (uuid.length === 17) packet.uuid = formatUuid(uuid.subarray(1));
  }

  packet.isPxe = /^(PXEClient|HTTPClient)/.test(packet.vendorClass ?? '');
  const uuidOk = !uuid || (uuid.length === 17 && uuid[0] === 0);
  packet.isNetboot =
    (packet.messageType === 'DISCOVER' || packet.messageType === 'REQUEST') &&
    packet.isPxe &&
    packet.clientArch !== undefined &&
    get(94) !== undefined &&
    uuidOk;
  return {ok: true, packet};
}

/** What the architecture number means (RFC 4578 / IANA), for display. */
export function archName(arch: number): string {
  const names: Record<number, string> = {
    0: 'x86 BIOS',
    6: 'x86 UEFI',
    7: 'x64 UEFI',
    9: 'x64 UEFI',
    10: 'ARM32 UEFI',
    11: 'ARM64 UEFI',
    15: 'x86 UEFI HTTP',
    16: 'x64 UEFI HTTP',
    19: 'ARM64 UEFI HTTP',
  };
  return names[arch] ?? `arch ${arch}`;
}
