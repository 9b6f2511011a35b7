import {test} from 'node:test';
import assert from 'node:assert/strict';
import {correlate} from '../../source/discovery/correlate.js';
import {notInstallable, redfishFindings, type Finding, type RedfishFinding} from '../../source/discovery/findings.js';
import {sameUuid, uuidVariants, smbiosSwap, uuidBytes, formatUuid} from '../../source/discovery/uuid.js';
import {importRows} from '../../source/discovery/csv-import.js';

// Raw Get System GUID bytes a1 23 45 67 89 ab cd ef (twice), as ipmi_sim was configured in discovery.md 3c.
const RAW = 'a1234567-89ab-cdef-a123-456789abcdef';
const IPMITOOL_PRINT = 'efcdab89-6745-23a1-efcd-ab89674523a1';

test('UUID byte orders: as-is, SMBIOS mixed-endian, fully reversed (ipmitool)', () => {
  assert.ok(sameUuid(RAW, RAW.toUpperCase()));
  assert.ok(sameUuid(RAW, IPMITOOL_PRINT));
  const mixed = formatUuid(smbiosSwap(uuidBytes(RAW)!));
  assert.equal(mixed, '674523a1-ab89-efcd-a123-456789abcdef');
  assert.ok(sameUuid(RAW, mixed));
  assert.ok(sameUuid(mixed.replace(/-/g, ''), RAW));
  assert.ok(!sameUuid(RAW, '00000000-0000-0000-0000-000000000001'));
  assert.deepEqual(uuidVariants('00000000-0000-0000-0000-000000000000'), []);
  assert.deepEqual(uuidVariants('ffffffff-ffff-ffff-ffff-ffffffffffff'), []);
  assert.deepEqual(uuidVariants('not a uuid'), []);
});

function redfish(
  bmc: string,
  uuid: string,
  macs: string[],
  extra: Partial<RedfishFinding['system']> = {},
): RedfishFinding {
  return {
    source: 'redfish',
    bmc,
    bmcMacs: ['0c:c4:7a:00:00:01'],
    systemCount: 1,
    system: {
      id: '1',
      path: '/redfish/v1/Systems/1',
      uuid,
      manufacturer: 'Dell Inc.',
      model: 'PowerEdge R650',
      serial: 'S1',
      nics: macs.map((mac, i) => ({id: `n${i}`, mac, source: 'EthernetInterfaces' as const})),
      storage: [],
      drives: [],
      disk: {device: '/dev/sda', deviceClass: 'scsi' as const, reason: 'smallest drive', drive: {}},
      diskReason: 'smallest drive',
      warnings: [],
      ...extra,
    },
  };
}

const pxe = (mac: string, uuid?: string, at = 1): Finding => ({
  source: 'pxe',
  at,
  mac,
  isPxe: true,
  arch: 7,
  ...(uuid ? {uuid} : {}),
});

test('Redfish NIC list joins the PXE MAC; the PXE MAC becomes the boot MAC', () => {
  const ms = correlate([
    redfish('10.0.1.11', RAW, ['b0:26:28:00:00:01', 'b0:26:28:00:00:02']),
    pxe('B0:26:28:00:00:02'),
  ]);
  assert.equal(ms.length, 1);
  const m = ms[0]!;
  assert.deepEqual(m.sources, ['redfish', 'pxe']);
  assert.equal(m.bootMac, 'b0:26:28:00:00:02');
  assert.deepEqual(m.macs, ['b0:26:28:00:00:02', 'b0:26:28:00:00:01']);
  assert.equal(m.pxe, true);
  assert.equal(m.vendor, 'Dell Inc.');
  assert.equal(m.bmc?.address, '10.0.1.11');
  assert.equal(m.bmc?.mac, '0c:c4:7a:00:00:01');
  assert.equal(m.disk?.device, '/dev/sda');
  assert.equal(m.uuid, RAW);
});

test('UUID joins a PXE client to its BMC when Redfish lists no MACs, in each byte order', () => {
  const mixed = formatUuid(smbiosSwap(uuidBytes(RAW)!));
  for (const pxeUuid of [RAW, mixed, IPMITOOL_PRINT]) {
    const ms = correlate([redfish('10.0.1.12', RAW, []), pxe('52:54:00:00:00:01', pxeUuid)]);
    assert.equal(ms.length, 1, pxeUuid);
    assert.equal(ms[0]!.bootMac, '52:54:00:00:00:01');
    assert.equal(ms[0]!.bmc?.address, '10.0.1.12');
  }
  // A different UUID does not join.
  assert.equal(
    correlate([redfish('10.0.1.12', RAW, []), pxe('52:54:00:00:00:01', '11111111-2222-3333-4444-555555555555')]).length,
    2,
  );
});

test('IPMI GUID (as ipmitool prints it) joins the PXE option 97 sent as raw bytes', () => {
  const ms = correlate([
    {source: 'ipmi', bmc: '10.0.1.13', bmcMac: '0c:c4:7a:11:22:33', guid: IPMITOOL_PRINT},
    pxe('52:54:00:aa:bb:04', RAW),
  ]);
  assert.equal(ms.length, 1);
  assert.deepEqual(ms[0]!.sources, ['ipmi', 'pxe']);
  assert.equal(ms[0]!.bmc?.mac, '0c:c4:7a:11:22:33');
});

test('sequential power-on attribution joins BMC and MAC; the attributed MAC wins as boot MAC', () => {
  const ms = correlate([
    {source: 'ipmi', bmc: '10.0.1.14'},
    pxe('52:54:00:00:00:09', undefined, 1),
    {source: 'power', bmc: '10.0.1.14', mac: '52:54:00:00:00:0a', at: 5},
    pxe('52:54:00:00:00:0a', undefined, 5),
  ]);
  assert.equal(ms.length, 2);
  const m = ms.find(x => x.bmc?.address === '10.0.1.14')!;
  assert.equal(m.bootMac, '52:54:00:00:00:0a');
  assert.deepEqual(m.sources, ['ipmi', 'power', 'pxe']);
  assert.equal(ms.find(x => x !== m)!.bmc, undefined);
});

test('CSV rows join on MAC and BMC; a machine claimed by two BMCs is flagged', () => {
  const rows = [
    {h: 'cp1', m: 'AA:BB:CC:00:00:01', b: '10.0.1.20'},
    {h: 'wk1', m: 'aa:bb:cc:00:00:02', b: '10.0.1.21'},
    {h: '', m: '', b: ''},
  ];
  const csv = importRows(rows, r =>
    r.m ? {hostname: r.h, mac: r.m, bmcIp: r.b, disk: '/dev/nvme0n1', labels: {type: 'cp'}} : null,
  );
  assert.equal(csv.length, 2);
  const ms = correlate([
    ...csv,
    redfish('10.0.1.20', RAW, ['aa:bb:cc:00:00:01']),
    redfish('10.0.1.99', '22222222-3333-4444-5555-666666666666', ['aa:bb:cc:00:00:02']),
  ]);
  assert.equal(ms.length, 2);
  assert.equal(ms[0]!.hostname, 'cp1');
  assert.equal(ms[0]!.disk?.device, '/dev/nvme0n1');
  assert.deepEqual(ms[0]!.sources, ['csv', 'redfish']);
  assert.deepEqual(ms[0]!.conflicts, []);
  assert.match(ms[1]!.conflicts[0] ?? '', /10\.0\.1\.21, 10\.0\.1\.99/);
});

test('placeholder UUIDs join nothing; a BMC with several systems does not merge them', () => {
  const zero = '00000000-0000-0000-0000-000000000000';
  assert.equal(correlate([pxe('52:54:00:00:00:01', zero), pxe('52:54:00:00:00:02', zero)]).length, 2);
  const a = {...redfish('10.0.1.30', '33333333-0000-0000-0000-000000000001', ['aa:00:00:00:00:01']), systemCount: 2};
  const b = {...redfish('10.0.1.30', '33333333-0000-0000-0000-000000000002', ['aa:00:00:00:00:02']), systemCount: 2};
  assert.equal(correlate([a, b]).length, 2);
});

test('repeated DISCOVERs of one MAC stay one machine with a stable id, order of first appearance', () => {
  const ms = correlate([pxe('52:54:00:00:00:02'), pxe('52:54:00:00:00:01'), pxe('52:54:00:00:00:02')]);
  assert.deepEqual(
    ms.map(m => m.id),
    ['mac:52:54:00:00:00:02', 'mac:52:54:00:00:00:01'],
  );
});

// AMI Aptio's default SMBIOS UUID, sent by a real ASRock PXE ROM (issue 15).
const AMI = '03000200-0400-0500-0006-000700080009';

test("firmware-default UUIDs (AMI's, repeated patterns) are never keys: three machines stay three, each warned", () => {
  assert.deepEqual(uuidVariants(AMI), []);
  assert.deepEqual(uuidVariants('00020003-0004-0005-0006-000700080009'), [], 'AMI default in SMBIOS byte order');
  assert.deepEqual(uuidVariants('01020102-0102-0102-0102-010201020102'), []);
  assert.equal(uuidVariants(RAW).length, 3, 'a real UUID (period 8) stays a key');
  const ms = correlate([
    pxe('70:85:c2:00:00:01', AMI),
    pxe('70:85:c2:00:00:02', AMI, 2),
    pxe('70:85:c2:00:00:03', AMI, 3),
  ]);
  assert.equal(ms.length, 3);
  for (const m of ms) {
    assert.deepEqual(m.conflicts, []);
    assert.ok(
      m.warnings?.some(w => /firmware default/.test(w)),
      JSON.stringify(m.warnings),
    );
  }
});

test('one UUID from two MACs that no inventory ties together is a conflict, not a merge', () => {
  const U = '4c4c4544-0051-3510-8052-b4c04f4e3432';
  const ms = correlate([pxe('00:11:22:33:44:01', U), pxe('00:11:22:33:44:02', U, 2)]);
  assert.equal(ms.length, 2);
  assert.match(ms[0]!.conflicts[0] ?? '', /also sent by 00:11:22:33:44:02: two machines share one UUID/);
  assert.match(ms[1]!.conflicts[0] ?? '', /also sent by 00:11:22:33:44:01/);
  // When the BMC lists both NICs, it is one machine that PXE-booted from two ports.
  const one = correlate([
    redfish('10.0.1.30', U, ['00:11:22:33:44:01', '00:11:22:33:44:02']),
    pxe('00:11:22:33:44:01', U),
    pxe('00:11:22:33:44:02', U, 2),
  ]);
  assert.equal(one.length, 1);
  assert.deepEqual(one[0]!.conflicts, []);
});

test('PermanentMACAddress also joins a PXE request (the NIC runs with an overridden MAC in the OS)', () => {
  const f = redfish('10.0.1.31', '5e1e0e5a-0000-4000-8000-00000000aa01', ['aa:bb:cc:dd:ee:00'], {});
  f.system.nics[0]!.permanentMac = '12:44:6a:3b:88:90';
  const ms = correlate([f, pxe('12:44:6A:3B:88:90')]);
  assert.equal(ms.length, 1);
  assert.equal(ms[0]!.bootMac, '12:44:6a:3b:88:90');
  assert.equal(ms[0]!.bootMacSource, 'pxe');
});

test("boot MAC source: Redfish's boot order when nothing PXE-booted; a PXE MAC wins, with a warning when they differ", () => {
  const boot = {
    mac: 'b0:26:28:00:00:02',
    source: 'BootOrder' as const,
    detail: 'Boot0013 OCP Slot 10 Port 1 (PXE IPv4)',
  };
  const inv = redfish('10.0.1.32', RAW, ['b0:26:28:00:00:01', 'b0:26:28:00:00:02'], {bootMac: boot});
  const [m] = correlate([inv]);
  assert.equal(m!.bootMac, 'b0:26:28:00:00:02');
  assert.equal(m!.bootMacSource, 'redfish:BootOrder');
  assert.equal(m!.bootMacDetail, boot.detail);
  assert.deepEqual(m!.macs, ['b0:26:28:00:00:02', 'b0:26:28:00:00:01']);
  const [seen] = correlate([inv, pxe('b0:26:28:00:00:01')]);
  assert.equal(seen!.bootMac, 'b0:26:28:00:00:01');
  assert.equal(seen!.bootMacSource, 'pxe');
  assert.ok(
    seen!.warnings?.some(w =>
      /PXE saw b0:26:28:00:00:01, but the boot order's first network entry is b0:26:28:00:00:02/.test(w),
    ),
  );
});

test('DPUs are not installable; blades are identified by their own ManagedBy BMC', () => {
  const sys = (id: string, extra: Partial<RedfishFinding['system']>) =>
    ({
      ...redfish('x', RAW, []).system,
      id,
      path: `/redfish/v1/Systems/${id}`,
      uuid: undefined,
      ...extra,
    }) as RedfishFinding['system'];
  const withDpu = {
    kind: 'ok' as const,
    target: {host: '10.0.1.40', port: 443, key: '10.0.1.40'},
    bmc: {
      address: '10.0.1.40',
      fingerprint: 'AA',
      macs: ['0c:c4:7a:00:00:09'],
      managers: [],
      warnings: [],
      systems: [
        sys('host', {nics: [{id: 'n', mac: '0c:c4:7a:00:10:01', source: 'EthernetInterfaces'}]}),
        sys('Card1-SoC', {notInstallable: 'a DPU (SystemType DPU): it boots with its host, not on its own'}),
      ],
    },
  };
  const f = redfishFindings(withDpu);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.systemCount, 1, 'the DPU does not make the BMC ambiguous');
  assert.deepEqual(
    notInstallable(withDpu).map(n => n.id),
    ['10.0.1.40/redfish/v1/Systems/Card1-SoC'],
  );

  const blade = (i: number) =>
    sys(`blade${i}`, {
      managedBy: {
        path: `/redfish/v1/Managers/Blade${i}BMC`,
        macs: [`23:11:8a:38:c0:2${i}`],
        ipv4: [`192.168.56.12${i}`],
      },
    });
  const encl = {...withDpu, bmc: {...withDpu.bmc, systems: [blade(0), blade(1)]}};
  const bf = redfishFindings(encl);
  assert.deepEqual(
    bf.map(x => [x.bmc, x.systemCount, x.bmcMacs[0]]),
    [
      ['192.168.56.120', 1, '23:11:8a:38:c0:20'],
      ['192.168.56.121', 1, '23:11:8a:38:c0:21'],
    ],
  );
  const ms = correlate(bf);
  assert.deepEqual(
    ms.map(m => m.bmc?.address),
    ['192.168.56.120', '192.168.56.121'],
  );
});
