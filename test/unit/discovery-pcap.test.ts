import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {PcapStreamParser} from '../../source/discovery/pcap.js';
import {buildDiscover} from '../../source/discovery/dhcp-build.js';
import {parseDhcp} from '../../source/discovery/dhcp-packet.js';

function ethUdp(payload: Buffer, srcMac: number[], vlan = false): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(68, 0);
  udp.writeUInt16BE(67, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ipH = Buffer.alloc(20);
  ipH[0] = 0x45;
  ipH.writeUInt16BE(20 + 8 + payload.length, 2);
  ipH[8] = 64;
  ipH[9] = 17;
  Buffer.from([255, 255, 255, 255]).copy(ipH, 16);
  const eth = Buffer.from([
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    ...srcMac,
    ...(vlan ? [0x81, 0x00, 0x00, 0x64] : []),
    0x08,
    0x00,
  ]);
  return Buffer.concat([eth, ipH, udp, payload]);
}

function pcap(frames: Buffer[]): Buffer {
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(262144, 16);
  g.writeUInt32LE(1, 20);
  const recs = frames.map((f, i) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1_700_000_000 + i, 0);
    h.writeUInt32LE(500_000, 4);
    h.writeUInt32LE(f.length, 8);
    h.writeUInt32LE(f.length, 12);
    return Buffer.concat([h, f]);
  });
  return Buffer.concat([g, ...recs]);
}

const d1 = buildDiscover({
  mac: '52:54:00:aa:bb:04',
  vendorClass: 'PXEClient:Arch:00007:UNDI:003016',
  arch: 7,
  nii: [1, 3, 16],
});
const d2 = buildDiscover({mac: '52:54:00:aa:bb:05'});
const stream = pcap([
  ethUdp(d1, [0x52, 0x54, 0, 0xaa, 0xbb, 0x04]),
  ethUdp(d2, [0x52, 0x54, 0, 0xaa, 0xbb, 0x05], true),
]);

test('pcap stream: Ethernet (and 802.1Q) IPv4 UDP frames give the DHCP payloads', () => {
  const frames = new PcapStreamParser().push(stream);
  assert.equal(frames.length, 2);
  assert.equal(frames[0]!.srcMac, '52:54:00:aa:bb:04');
  assert.equal(frames[0]!.dstPort, 67);
  assert.equal(frames[0]!.timeMs, 1_700_000_000_500);
  const p = parseDhcp(frames[0]!.payload);
  assert.ok(p.ok && p.packet.vendorClass === 'PXEClient:Arch:00007:UNDI:003016');
  assert.equal(frames[1]!.srcMac, '52:54:00:aa:bb:05');
});

test('pcap stream split at any points gives the same frames', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({min: 1, max: stream.length - 1}), {maxLength: 8}), cuts => {
      const parser = new PcapStreamParser();
      const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
      const frames = [];
      for (let i = 1; i < points.length; i += 1) frames.push(...parser.push(stream.subarray(points[i - 1], points[i])));
      assert.equal(frames.length, 2);
      assert.deepEqual(Buffer.from(frames[1]!.payload), d2);
    }),
    {numRuns: 200},
  );
});

test('not a pcap stream: reported, no frames', () => {
  const parser = new PcapStreamParser();
  assert.deepEqual(parser.push(Buffer.from('tcpdump: permission denied, this is text not pcap')), []);
  assert.match(parser.error ?? '', /not a pcap stream/);
});
