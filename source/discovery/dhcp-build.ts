// Builds PXE-flavoured DHCPDISCOVER/REQUEST packets: the demo world and tests send them to the listener.
import {BOOTP_HEADER_LENGTH, MAGIC_COOKIE} from './dhcp-packet.js';
import {normalizeReportedMac} from '../net/mac.js';
import {uuidBytes} from './uuid.js';

export interface DiscoverSpec {
  mac: string;
  xid?: number;
  messageType?: 'DISCOVER' | 'REQUEST';
  /** Option 60; PXE ROMs send PXEClient:Arch:xxxxx:UNDI:yyyzzz. */
  vendorClass?: string;
  /** Option 93 (one or several architectures). */
  arch?: number | number[];
  /** Option 94 as [type, major, minor]. */
  nii?: [number, number, number];
  /** Option 97: the 16 bytes as they should appear on the wire. */
  uuid?: string;
  hostname?: string;
  /** Option 77, sent raw as iPXE does. */
  userClass?: string;
  /** Option 61; defaults to type 1 + MAC. */
  clientId?: Uint8Array;
  broadcast?: boolean;
}

function option(code: number, data: Uint8Array | number[]): number[] {
  const bytes = Array.from(data);
  if (bytes.length > 255) throw new RangeError(`option ${code} is longer than 255 bytes`);
  return [code, bytes.length, ...bytes];
}

/** A PXE DISCOVER; throws on an invalid MAC or UUID (these are programmer inputs, not network data). */
export function buildDiscover(spec: DiscoverSpec): Buffer {
  const mac = normalizeReportedMac(spec.mac);
  if (!mac) throw new RangeError('invalid MAC address');
  const macBytes = Buffer.from(mac.replace(/:/g, ''), 'hex');
  const header = Buffer.alloc(BOOTP_HEADER_LENGTH + 4);
  header[0] = 1; // BOOTREQUEST
  header[1] = 1; // Ethernet
  header[2] = 6;
  header.writeUInt32BE(spec.xid ?? Math.floor(Math.random() * 0xffffffff), 4);
  header.writeUInt16BE(spec.broadcast === false ? 0 : 0x8000, 10);
  macBytes.copy(header, 28);
  header.writeUInt32BE(MAGIC_COOKIE, BOOTP_HEADER_LENGTH);

  const opts: number[] = [];
  opts.push(...option(53, [spec.messageType === 'REQUEST' ? 3 : 1]));
  opts.push(...option(61, spec.clientId ?? [1, ...macBytes]));
  if (spec.hostname !== undefined) opts.push(...option(12, Buffer.from(spec.hostname, 'latin1')));
  opts.push(...option(55, [1, 3, 6, 12, 15, 28, 42, 43, 60, 66, 67]));
  if (spec.vendorClass !== undefined) opts.push(...option(60, Buffer.from(spec.vendorClass, 'latin1')));
  if (spec.userClass !== undefined) opts.push(...option(77, Buffer.from(spec.userClass, 'latin1')));
  if (spec.arch !== undefined) {
    const list = Array.isArray(spec.arch) ? spec.arch : [spec.arch];
    opts.push(
      ...option(
        93,
        list.flatMap(a => [(a >> 8) & 0xff, a & 0xff]),
      ),
    );
  }
  if (spec.nii) opts.push(...option(94, spec.nii));
  if (spec.uuid !== undefined) {
    const u = uuidBytes(spec.uuid);
    if (!u) throw new RangeError('invalid UUID');
    opts.push(...option(97, [0, ...u]));
  }
  opts.push(255);
  // Pad to the classic 300-byte BOOTP minimum some relays expect.
  const body = Buffer.concat([header, Buffer.from(opts)]);
  return body.length >= 300 ? body : Buffer.concat([body, Buffer.alloc(300 - body.length)]);
}

/** The vendor class a PXE ROM of this architecture sends. */
export function pxeVendorClass(arch: number, undi: [number, number] = [3, 16]): string {
  return `PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:${String(undi[0]).padStart(3, '0')}${String(undi[1]).padStart(3, '0')}`;
}
