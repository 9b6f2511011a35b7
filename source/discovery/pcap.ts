// Reads the pcap stream tcpdump writes with -w - and extracts IPv4/UDP payloads, so the passive
// capture mode can see DHCP without binding port 67 (it never conflicts with Smee).
import {formatMac} from '../net/mac.js';

export interface UdpFrame {
  /** Capture time in milliseconds since the epoch. */
  timeMs: number;
  /** Ethernet source MAC when the link layer carries one. */
  srcMac?: string;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

const LINK_ETHERNET = 1;
const LINK_LINUX_SLL = 113;
const LINK_LINUX_SLL2 = 276;
/** tcpdump's default snap length is 262144; anything far beyond that means we lost sync. */
const MAX_RECORD = 1 << 20;

function ip(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** Parses an IPv4 packet carrying UDP; null for anything else (other protocols, fragments, truncation). */
export function udpFromIpv4(b: Uint8Array, timeMs: number, srcMac?: string): UdpFrame | null {
  if (b.length < 20 || b[0]! >> 4 !== 4) return null;
  const ihl = (b[0]! & 0x0f) * 4;
  if (ihl < 20 || b.length < ihl + 8 || b[9] !== 17) return null;
  const fragment = ((b[6]! & 0x1f) << 8) | b[7]!;
  const moreFragments = (b[6]! & 0x20) !== 0;
  if (fragment !== 0 || moreFragments) return null;
  const udp = b.subarray(ihl);
  const udpLen = (udp[4]! << 8) | udp[5]!;
  const end = udpLen >= 8 && udpLen <= udp.length ? udpLen : udp.length;
  const frame: UdpFrame = {
    timeMs,
    srcIp: ip(b, 12),
    dstIp: ip(b, 16),
    srcPort: (udp[0]! << 8) | udp[1]!,
    dstPort: (udp[2]! << 8) | udp[3]!,
    payload: udp.subarray(8, end),
  };
  if (srcMac) frame.srcMac = srcMac;
  return frame;
}

function frameFromLink(link: number, b: Uint8Array, timeMs: number): UdpFrame | null {
  if (link === LINK_ETHERNET) {
    if (b.length < 14) return null;
    let at = 12;
    let type = (b[at]! << 8) | b[at + 1]!;
    // Skip 802.1Q / 802.1ad tags.
    while ((type === 0x8100 || type === 0x88a8) && b.length >= at + 6) {
      at += 4;
      type = (b[at]! << 8) | b[at + 1]!;
    }
    if (type !== 0x0800) return null;
    return udpFromIpv4(b.subarray(at + 2), timeMs, formatMac(b.subarray(6, 12)));
  }
  if (link === LINK_LINUX_SLL) {
    if (b.length < 16) return null;
    const type = (b[14]! << 8) | b[15]!;
    const mac = b[4] === 1 && b[5] === 6 ? formatMac(b.subarray(6, 12)) : undefined;
    return type === 0x0800 ? udpFromIpv4(b.subarray(16), timeMs, mac) : null;
  }
  if (link === LINK_LINUX_SLL2) {
    if (b.length < 20) return null;
    const type = (b[0]! << 8) | b[1]!;
    const mac = b[10] === 1 && b[11] === 6 ? formatMac(b.subarray(12, 18)) : undefined;
    return type === 0x0800 ? udpFromIpv4(b.subarray(20), timeMs, mac) : null;
  }
  return null;
}

/** Incremental parser: push chunks as they arrive, get the UDP frames completed so far. */
export class PcapStreamParser {
  private buffer: Buffer = Buffer.alloc(0);
  private littleEndian = true;
  private nanos = false;
  private link = -1;
  private failed: string | null = null;

  /** Set once the stream turned out not to be pcap; no more frames after that. */
  get error(): string | null {
    return this.failed;
  }

  push(chunk: Uint8Array): UdpFrame[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const frames: UdpFrame[] = [];
    if (this.link === -1) {
      if (this.buffer.length < 24) return frames;
      const magic = this.buffer.readUInt32LE(0);
      if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) this.littleEndian = true;
      else if (this.buffer.readUInt32BE(0) === 0xa1b2c3d4 || this.buffer.readUInt32BE(0) === 0xa1b23c4d)
        this.littleEndian = false;
      else {
        this.failed = 'not a pcap stream (bad magic number)';
        return frames;
      }
      const m = this.littleEndian ? magic : this.buffer.readUInt32BE(0);
      this.nanos = m === 0xa1b23c4d;
      this.link = this.u32(20) & 0x0fffffff;
      this.buffer = this.buffer.subarray(24);
    }
    while (this.buffer.length >= 16) {
      const sec = this.u32(0);
      const frac = this.u32(4);
      const incl = this.u32(8);
      if (incl > MAX_RECORD) {
        this.failed = `pcap record of ${incl} bytes: stream out of sync`;
        return frames;
      }
      if (this.buffer.length < 16 + incl) break;
      const data = this.buffer.subarray(16, 16 + incl);
      const timeMs = sec * 1000 + (this.nanos ? frac / 1e6 : frac / 1e3);
      const frame = frameFromLink(this.link, data, Math.floor(timeMs));
      if (frame) frames.push({...frame, payload: Uint8Array.from(frame.payload)});
      this.buffer = this.buffer.subarray(16 + incl);
    }
    return frames;
  }

  private u32(at: number): number {
    return this.littleEndian ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at);
  }
}
