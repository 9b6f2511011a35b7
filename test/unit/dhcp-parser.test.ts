import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {parseDhcp, archName} from '../../source/discovery/dhcp-packet.js';
import {buildDiscover, pxeVendorClass} from '../../source/discovery/dhcp-build.js';

const fixture = (name: string) =>
  Buffer.from(readFileSync(new URL(`../fixtures/dhcp/${name}`, import.meta.url), 'utf8').trim(), 'hex');

test('captured busybox udhcpc PXE DISCOVER', () => {
  const r = parseDhcp(fixture('udhcpc-pxe-discover.hex'));
  assert.ok(r.ok, r.ok ? '' : r.error);
  const p = r.packet;
  assert.equal(p.op, 1);
  assert.equal(p.messageType, 'DISCOVER');
  assert.equal(p.chaddr, '52:54:00:aa:bb:01');
  assert.equal(p.hostname, 'node-01');
  assert.equal(p.vendorClass, 'PXEClient:Arch:00007:UNDI:003016');
  assert.deepEqual(p.clientArch, [7]);
  assert.equal(p.nii, '1.3.16');
  assert.equal(p.uuidType, 0);
  assert.equal(p.uuid, 'a1234567-89ab-cdef-a123-456789abcdef');
  assert.equal(p.clientId, '01525400aabb01');
  assert.equal(p.isPxe, true);
  assert.equal(p.isNetboot, true);
  assert.deepEqual(
    [...p.optionCodes].sort((a, b) => a - b),
    [12, 53, 55, 57, 60, 61, 93, 94, 97],
  );
});

test('captured ISC dhclient iPXE DISCOVER: user class, no option 94 so not a Smee netboot client', () => {
  const r = parseDhcp(fixture('dhclient-ipxe-discover.hex'));
  assert.ok(r.ok);
  const p = r.packet;
  assert.equal(p.userClass, 'iPXE');
  assert.deepEqual(p.clientArch, [0]);
  assert.equal(p.uuid, '11223344-5566-7788-99aa-bbccddeeff00');
  assert.equal(p.isPxe, true);
  assert.equal(p.nii, undefined);
  assert.equal(p.isNetboot, false);
  assert.equal(archName(p.clientArch![0]!), 'x86 BIOS');
});

test('builder round-trips through the parser', () => {
  const bytes = buildDiscover({
    mac: 'AA-BB-CC-00-00-09',
    xid: 0x01020304,
    vendorClass: pxeVendorClass(11),
    arch: [11, 7],
    nii: [1, 3, 16],
    uuid: '00112233-4455-6677-8899-aabbccddeeff',
    hostname: 'n9',
    userClass: 'iPXE',
  });
  const r = parseDhcp(bytes);
  assert.ok(r.ok);
  assert.equal(r.packet.xid, 0x01020304);
  assert.equal(r.packet.chaddr, 'aa:bb:cc:00:00:09');
  assert.equal(r.packet.vendorClass, 'PXEClient:Arch:00011:UNDI:003016');
  assert.deepEqual(r.packet.clientArch, [11, 7]);
  assert.equal(r.packet.uuid, '00112233-4455-6677-8899-aabbccddeeff');
  assert.equal(r.packet.userClass, 'iPXE');
  assert.equal(r.packet.broadcast, true);
  assert.equal(r.packet.isNetboot, true);
  assert.equal(parseDhcp(buildDiscover({mac: 'aa:bb:cc:00:00:09', messageType: 'REQUEST'})).ok && true, true);
  assert.throws(() => buildDiscover({mac: 'not-a-mac'}));
});

test('option 97 of the wrong shape makes it not a netboot client (Smee rule)', () => {
  const bytes = buildDiscover({mac: 'aa:bb:cc:00:00:01', vendorClass: 'PXEClient', arch: 7, nii: [1, 2, 1]});
  // Replace the END byte with a 3-byte option 97 (type 1) and a new END.
  const end = bytes.indexOf(255, 240);
  const patched = Buffer.concat([bytes.subarray(0, end), Buffer.from([97, 1, 1, 255])]);
  const r = parseDhcp(patched);
  assert.ok(r.ok);
  assert.equal(r.packet.uuidType, 1);
  assert.equal(r.packet.uuid, undefined);
  assert.equal(r.packet.isNetboot, false);
});

test('RFC 3004 user class instances and split options (RFC 3396) are joined', () => {
  const base = buildDiscover({mac: 'aa:bb:cc:00:00:02'});
  const end = base.indexOf(255, 240);
  const extra = Buffer.from([
    77,
    11,
    4,
    ...Buffer.from('iPXE'),
    5,
    ...Buffer.from('Tink1'),
    60,
    3,
    ...Buffer.from('PXE'),
    60,
    6,
    ...Buffer.from('Client'),
    255,
  ]);
  const r = parseDhcp(Buffer.concat([base.subarray(0, end), extra]));
  assert.ok(r.ok);
  assert.equal(r.packet.userClass, 'iPXE,Tink1');
  assert.equal(r.packet.vendorClass, 'PXEClient');
  assert.equal(r.packet.isPxe, true);
});

test('option overload (52) reads options from the file field', () => {
  const base = Buffer.from(buildDiscover({mac: 'aa:bb:cc:00:00:03'}));
  base.fill(0, 108, 236);
  Buffer.from([12, 4, ...Buffer.from('over'), 255]).copy(base, 108);
  const end = base.indexOf(255, 240);
  const r = parseDhcp(Buffer.concat([base.subarray(0, end), Buffer.from([52, 1, 1, 255])]));
  assert.ok(r.ok);
  assert.equal(r.packet.hostname, 'over');
  assert.equal(r.packet.file, undefined);
});

test('garbage gives error results, not exceptions', () => {
  assert.equal(parseDhcp(new Uint8Array(10)).ok, false);
  const noCookie = Buffer.from(buildDiscover({mac: 'aa:bb:cc:00:00:04'}));
  noCookie.writeUInt32BE(0, 236);
  const r1 = parseDhcp(noCookie);
  assert.ok(!r1.ok && /cookie/.test(r1.error));
  const badOp = Buffer.from(buildDiscover({mac: 'aa:bb:cc:00:00:04'}));
  badOp[0] = 7;
  assert.equal(parseDhcp(badOp).ok, false);
  const overrun = Buffer.concat([
    buildDiscover({mac: 'aa:bb:cc:00:00:04'}).subarray(0, 240),
    Buffer.from([12, 200, 65]),
  ]);
  const r2 = parseDhcp(overrun);
  assert.ok(!r2.ok && /past the end/.test(r2.error));
  assert.equal(parseDhcp('nonsense' as unknown as Uint8Array).ok, false);
});

test('fuzz: random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({minLength: 0, maxLength: 700}), bytes => {
      const r = parseDhcp(bytes);
      assert.equal(typeof r.ok, 'boolean');
    }),
    {numRuns: 2000},
  );
});

test('fuzz: valid packets with mutated option areas never throw and keep chaddr when they parse', () => {
  const base = buildDiscover({
    mac: 'aa:bb:cc:dd:ee:ff',
    vendorClass: 'PXEClient',
    arch: 7,
    nii: [1, 3, 16],
    uuid: '00112233445566778899aabbccddeeff',
  });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(base.length - 241), fc.integer({min: 0, max: 255})), {maxLength: 12}),
      fc.nat(80),
      (edits, cut) => {
        const b = Buffer.from(base);
        for (const [at, v] of edits) b[240 + at] = v;
        const r = parseDhcp(b.subarray(0, b.length - cut));
        if (r.ok) assert.equal(r.packet.chaddr, 'aa:bb:cc:dd:ee:ff');
      },
    ),
    {numRuns: 2000},
  );
});
