import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import net from 'node:net';
import {
  startRedfishBmc,
  buildBmcTree,
  defaultMachine,
  type RunningRedfishBmc,
  type RedfishTree,
} from '../../source/demo/redfish-bmc.js';
import {probeRedfish, type RedfishResult} from '../../source/discovery/redfish-client.js';
import {sweepRedfish} from '../../source/discovery/redfish-sweep.js';
import {expandTargets} from '../../source/discovery/targets.js';

const creds = {username: 'root', password: 'calvin'};
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/redfish/${name}.json`, import.meta.url), 'utf8')) as RedfishTree;
const started: RunningRedfishBmc[] = [];
after(async () => {
  await Promise.all(started.map(b => b.close()));
});

async function bmc(opts: Parameters<typeof startRedfishBmc>[0]): Promise<RunningRedfishBmc> {
  const b = await startRedfishBmc(opts);
  started.push(b);
  return b;
}

function targetOf(b: RunningRedfishBmc) {
  const r = expandTargets([b.key]);
  assert.ok(r.ok);
  return r.targets[0]!;
}

async function inventory(b: RunningRedfishBmc) {
  const r = await probeRedfish(targetOf(b), {credentials: creds, tls: {fingerprint: b.fingerprint}, timeoutMs: 10_000});
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return (r as Extract<RedfishResult, {kind: 'ok'}>).bmc;
}

test(
  'DMTF-standard fixture: identity, NICs without ToManager or VLAN duplicate, SATA disk, BMC MAC',
  {timeout: 30_000},
  async () => {
    const inv = await inventory(await bmc({tree: fixture('dmtf-standard')}));
    assert.equal(inv.redfishVersion, '1.15.0');
    assert.deepEqual(inv.macs, ['3c:fd:fe:10:2f:ea']);
    const s = inv.systems[0]!;
    assert.equal(s.uuid, '3a6f0b52-91c4-4d7e-8a11-5c0ffee00042');
    assert.equal(s.serial, 'FX200-0042');
    assert.equal(s.manufacturer, 'Fabrikam');
    assert.equal(s.model, 'FX-200');
    assert.deepEqual(
      s.nics.map(n => n.mac),
      ['3c:fd:fe:10:20:01', '3c:fd:fe:10:20:02'],
    );
    assert.equal(s.nics[0]!.linkStatus, 'LinkUp');
    assert.equal(s.drives.length, 3, 'the absent bay is not a drive');
    assert.equal(s.disk?.device, '/dev/sda');
    assert.equal(s.disk?.drive?.model, 'Boot SSD 240GB');
    assert.equal(s.disk?.drive?.protocol, 'SATA', 'protocol taken from the single-protocol controller');
  },
);

test(
  'Dell-style ids: System.Embedded.1, NIC.Integrated ids, placeholder MAC dropped, SAS disk',
  {timeout: 30_000},
  async () => {
    const inv = await inventory(await bmc({tree: fixture('dell-idrac')}));
    assert.equal(inv.vendor, 'Dell');
    const s = inv.systems[0]!;
    assert.equal(s.id, 'System.Embedded.1');
    assert.deepEqual(
      s.nics.map(n => [n.id, n.mac]),
      [
        ['NIC.Integrated.1-1-1', 'b0:26:28:aa:10:01'],
        ['NIC.Integrated.1-2-1', 'b0:26:28:aa:10:02'],
      ],
    );
    assert.equal(s.disk?.device, '/dev/sda');
    assert.equal(s.disk?.drive?.capacityBytes, 480103981056);
  },
);

test(
  'MACs only on Chassis NetworkAdapters (Ports, NetworkDeviceFunctions); SimpleStorage NVMe',
  {timeout: 30_000},
  async () => {
    const inv = await inventory(await bmc({tree: fixture('ports-only')}));
    const s = inv.systems[0]!;
    assert.deepEqual(
      s.nics.map(n => [n.source, n.mac]),
      [
        ['Ports', '08:94:ef:50:00:01'],
        ['Ports', '08:94:ef:50:00:02'],
        ['NetworkDeviceFunctions', '08:94:ef:60:00:01'],
      ],
    );
    assert.equal(s.disk?.device, '/dev/nvme0n1');
    assert.deepEqual(inv.macs, [], 'no Managers in this tree');
  },
);

test(
  'empty MACAddress: PermanentMACAddress used, a NIC with neither becomes a warning',
  {timeout: 30_000},
  async () => {
    const inv = await inventory(await bmc({tree: fixture('empty-mac')}));
    assert.deepEqual(
      inv.systems[0]!.nics.map(n => n.mac),
      ['c4:cb:e1:00:00:11'],
    );
    assert.ok(
      inv.systems[0]!.warnings.some(w => /NIC\.Embedded\.2-1-1 reports no MAC/.test(w)),
      inv.systems[0]!.warnings.join('; '),
    );
    assert.equal(inv.systems[0]!.disk, null);
  },
);

test('HPE BaseNetworkAdapters (OEM link) as the last fallback', {timeout: 30_000}, async () => {
  const inv = await inventory(await bmc({tree: fixture('hpe-base-adapters')}));
  assert.deepEqual(
    inv.systems[0]!.nics.map(n => [n.source, n.mac]),
    [
      ['BaseNetworkAdapters', '94:40:c9:00:00:01'],
      ['BaseNetworkAdapters', '94:40:c9:00:00:02'],
    ],
  );
});

test('mock machine shapes: DMTF and Dell built from one description', {timeout: 30_000}, async () => {
  const m = {...defaultMachine(), macs: ['52:54:00:00:10:01'], disk: {protocol: 'SATA' as const, capacityBytes: 240e9}};
  for (const shape of ['dmtf', 'dell'] as const) {
    const inv = await inventory(await bmc({machine: m, shape}));
    const s = inv.systems[0]!;
    assert.equal(s.id, shape === 'dell' ? 'System.Embedded.1' : m.serial);
    assert.equal(s.uuid, m.uuid);
    assert.deepEqual(
      s.nics.map(n => n.mac),
      ['52:54:00:00:10:01'],
    );
    assert.equal(s.disk?.device, '/dev/sda');
  }
  assert.ok(buildBmcTree(m, 'dell')['/redfish/v1/Systems/System.Embedded.1']);
});

test('trust on first use: unknown certificate needs trust and no credentials are sent', {timeout: 30_000}, async () => {
  const b = await bmc({machine: defaultMachine()});
  const first = await probeRedfish(targetOf(b), {credentials: creds, tls: {}, timeoutMs: 10_000});
  assert.equal(first.kind, 'needsTrust');
  assert.equal((first as {fingerprint: string}).fingerprint, b.fingerprint);
  assert.equal(b.requests.length, 0, 'nothing was requested before trust');

  const remembered = await probeRedfish(targetOf(b), {
    credentials: creds,
    tls: {fingerprint: b.fingerprint.replace(/:/g, '').toLowerCase()},
    timeoutMs: 10_000,
  });
  assert.equal(remembered.kind, 'ok');

  const old = b.fingerprint;
  const before = b.requests.length;
  await b.rotateCertificate();
  assert.notEqual(b.fingerprint, old);
  const changed = await probeRedfish(targetOf(b), {credentials: creds, tls: {fingerprint: old}, timeoutMs: 10_000});
  assert.equal(changed.kind, 'fingerprintMismatch');
  assert.equal((changed as {actual: string}).actual, b.fingerprint);
  assert.equal(b.requests.length, before, 'a changed certificate gets no request');

  const insecure = await probeRedfish(targetOf(b), {credentials: creds, tls: {insecure: true}, timeoutMs: 10_000});
  assert.equal(insecure.kind, 'ok');
});

test('wrong password: authFailed, and the password appears nowhere in the result', {timeout: 30_000}, async () => {
  const b = await bmc({machine: defaultMachine()});
  const secret = 'Wr0ng-Pa55word!';
  const r = await probeRedfish(targetOf(b), {
    credentials: {username: 'root', password: secret},
    tls: {fingerprint: b.fingerprint},
    timeoutMs: 10_000,
  });
  assert.equal(r.kind, 'authFailed');
  assert.ok(!JSON.stringify(r).includes(secret));
});

test('sweep: concurrency, per-host timeout, refused port, order kept, abort', {timeout: 60_000}, async () => {
  const a = await bmc({machine: defaultMachine(), shape: 'dell'});
  const c = await bmc({tree: fixture('dmtf-standard')});
  // A TCP server that accepts and never speaks TLS: only the per-host timeout ends it.
  const silent = net.createServer(() => undefined);
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
  const silentPort = (silent.address() as net.AddressInfo).port;
  const closed = net.createServer();
  await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as net.AddressInfo).port;
  await new Promise<void>(r => closed.close(() => r()));
  try {
    const seen: string[] = [];
    const t0 = Date.now();
    const r = await sweepRedfish({
      targets: [a.key, `127.0.0.1:${silentPort}`, `127.0.0.1:${closedPort}`, c.key],
      credentials: creds,
      trust: {[a.key]: a.fingerprint, [c.key]: c.fingerprint},
      concurrency: 2,
      timeoutMs: 1500,
      onResult: x => seen.push(x.kind),
    });
    assert.ok(r.ok);
    assert.deepEqual(
      r.results.map(x => x.kind),
      ['ok', 'unreachable', 'unreachable', 'ok'],
    );
    assert.equal(seen.length, 4);
    assert.ok(Date.now() - t0 < 10_000);
    assert.match((r.results[2] as {message: string}).message, /refused/);

    const ctrl = new AbortController();
    const pending = sweepRedfish({
      targets: [`127.0.0.1:${silentPort}`],
      credentials: creds,
      timeoutMs: 30_000,
      signal: ctrl.signal,
    });
    setTimeout(() => ctrl.abort(), 200);
    const aborted = await pending;
    assert.ok(aborted.ok && aborted.results[0]?.kind === 'unreachable');

    const refused = await sweepRedfish({targets: ['10.0.0.0/8'], credentials: creds});
    assert.equal(refused.ok, false);
  } finally {
    silent.close();
  }
});

test(
  'simulated BMCs take real shapes: the boot order names the PXE NIC listed last, paged collections, RAID1 "os" volume',
  {timeout: 30_000},
  async () => {
    const m = {
      ...defaultMachine(),
      macs: ['52:54:00:00:30:01', '52:54:00:00:30:02', '52:54:00:00:30:03'],
      disk: {protocol: 'SATA' as const, capacityBytes: 480e9, model: 'boot SSD'},
      raid1: true,
      dataDisks: [{protocol: 'SATA' as const, capacityBytes: 3.84e12, model: 'data SSD'}],
    };
    for (const shape of ['dmtf', 'dell'] as const) {
      const b = await bmc({machine: m, shape, pageSize: 1});
      const inv = await inventory(b);
      const s = inv.systems[0]!;
      assert.deepEqual(
        s.nics.map(n => n.mac),
        ['52:54:00:00:30:02', '52:54:00:00:30:03', '52:54:00:00:30:01'],
        `${shape}: EthernetInterfaces in bus order, every page read`,
      );
      assert.equal(s.bootMac?.mac, '52:54:00:00:30:01', shape);
      assert.equal(s.bootMac?.source, 'BootOrder');
      // iDRAC's PXE device has no MAC in its path: it is matched by the NIC's name.
      assert.match(
        s.bootMac?.detail ?? '',
        shape === 'dell' ? /PXE Device 1: Integrated NIC 1 Port 1 Partition 1 \(IPv4\)/ : /UEFI PXE IPv4/,
      );
      assert.ok(b.requests.some(r => r.path.includes('/BootOptions') && r.status === 200));
      assert.ok(b.requests.filter(r => r.path.endsWith('/EthernetInterfaces')).length >= 3, 'three pages fetched');
      assert.equal(s.disk?.volume?.name, 'os');
      assert.equal(s.disk?.device, '/dev/sda');
      assert.match(s.diskReason, /boot volume os \(RAID1, 480 GB\)/);
    }
  },
);

test(
  'slow BMC: one kept-alive connection for the whole inventory; past the deadline what was read is kept with a warning',
  {timeout: 60_000},
  async () => {
    const slow = await bmc({
      machine: {...defaultMachine(), dataDisks: [{protocol: 'NVMe', capacityBytes: 3.84e12}]},
      latencyMs: 60,
    });
    const inv = await inventory(slow);
    assert.equal(slow.connections, 1, 'keep-alive: one TLS handshake for every request');
    assert.ok(slow.requests.length > 15);
    assert.equal(inv.partial, undefined);
    assert.equal(inv.systems[0]!.disk?.device, '/dev/nvme0n1');
    assert.match(inv.systems[0]!.diskReason, /NVMe SSD 480GB|480 GB/);

    // A deadline that passes mid-inventory (storage hangs): identity, NICs and boot MAC kept, the rest flagged.
    const stuck = await bmc({machine: defaultMachine(), slowPath: {match: /\/Storage/, ms: 20_000}});
    const partial = await probeRedfish(targetOf(stuck), {
      credentials: creds,
      tls: {fingerprint: stuck.fingerprint},
      timeoutMs: 15_000,
      deadlineMs: 3000,
    });
    assert.equal(partial.kind, 'ok', JSON.stringify(partial));
    const p = (partial as Extract<RedfishResult, {kind: 'ok'}>).bmc;
    assert.equal(p.partial, true);
    assert.ok(
      p.warnings.some(w => /answered too slowly/.test(w)),
      p.warnings.join('; '),
    );
    assert.equal(p.systems[0]?.uuid, defaultMachine().uuid);
    assert.equal(p.systems[0]?.bootMac?.mac, defaultMachine().macs[0]);
    assert.equal(p.systems[0]?.disk, null);
    assert.match(p.systems[0]!.diskReason, /storage was not read/);
    assert.ok(p.systems[0]!.warnings.some(w => /inventory incomplete/.test(w)));

    // A per-request budget shorter than the BMC's answer: unreachable, with which request and why.
    const tooSlow = await probeRedfish(targetOf(slow), {
      credentials: creds,
      tls: {fingerprint: slow.fingerprint},
      timeoutMs: 30,
    });
    assert.equal(tooSlow.kind, 'unreachable');
    assert.match((tooSlow as {message: string}).message, /no answer within/);
  },
);

test(
  'Lenovo ports: Oem.Lenovo.PhysicalPortMacAddress is a MAC; the linked port is the boot candidate',
  {timeout: 30_000},
  async () => {
    const tree = fixture('ports-only');
    const port1 = tree['/redfish/v1/Chassis/1/NetworkAdapters/slot-1/Ports/1'] as Record<string, unknown>;
    tree['/redfish/v1/Chassis/1/NetworkAdapters/slot-1/Ports/1'] = {
      ...port1,
      Ethernet: {},
      Oem: {Lenovo: {PhysicalPortMacAddress: '08:94:ef:50:00:0a'}},
    };
    const s = (await inventory(await bmc({tree}))).systems[0]!;
    assert.equal(s.nics[0]?.mac, '08:94:ef:50:00:0a');
    assert.equal(s.bootMac?.mac, '08:94:ef:50:00:0a');
    assert.equal(s.bootMac?.source, 'Ports');
  },
);

test(
  'GB NVL-like host: no EthernetInterfaces, the boot option names the NIC; the GPU baseboard is not installable',
  {timeout: 30_000},
  async () => {
    const ref = (p: string) => ({'@odata.id': p});
    const sys = '/redfish/v1/Systems/System_0';
    const tree: RedfishTree = {
      '/redfish/v1/': {
        '@odata.id': '/redfish/v1/',
        RedfishVersion: '1.17.0',
        Vendor: 'Supermicro',
        Systems: ref('/redfish/v1/Systems'),
      },
      '/redfish/v1/Systems': {
        Members: [ref(sys), ref('/redfish/v1/Systems/HGX_Baseboard_0')],
        'Members@odata.count': 2,
      },
      [sys]: {
        '@odata.id': sys,
        Id: 'System_0',
        SystemType: 'Physical',
        Manufacturer: 'Supermicro',
        Model: 'ARS-121GL-NBO',
        UUID: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        PowerState: 'On',
        Boot: {BootOrder: ['Boot0003', 'Boot0001'], BootOptions: ref(`${sys}/BootOptions`)},
      },
      [`${sys}/BootOptions`]: {Members: [ref(`${sys}/BootOptions/0001`), ref(`${sys}/BootOptions/0003`)]},
      [`${sys}/BootOptions/0001`]: {
        Id: '0001',
        BootOptionReference: 'Boot0001',
        DisplayName: 'UEFI OS',
        UefiDevicePath: 'HD(1,GPT,00000000-0000-0000-0000-000000000001)',
      },
      [`${sys}/BootOptions/0003`]: {
        Id: '0003',
        BootOptionReference: 'Boot0003',
        DisplayName: 'UEFI PXE IPv4 Intel(R) I210 Gigabit Network Connection',
        UefiDevicePath: 'PciRoot(0x0)/Pci(0x2,0x0)/Pci(0x0,0x0)/MAC(3CECEF1A2B3C,0x1)/IPv4(0.0.0.0)',
      },
      '/redfish/v1/Systems/HGX_Baseboard_0': {
        '@odata.id': '/redfish/v1/Systems/HGX_Baseboard_0',
        Id: 'HGX_Baseboard_0',
        Name: 'HGX Baseboard',
        Manufacturer: 'NVIDIA',
        UUID: '11111111-2222-4333-8444-555555555555',
      },
    };
    const inv = await inventory(await bmc({tree}));
    const [host, gpu] = inv.systems;
    assert.deepEqual(host!.bootMac, {
      mac: '3c:ec:ef:1a:2b:3c',
      source: 'BootOrder',
      detail: 'Boot0003 UEFI PXE IPv4 Intel(R) I210 Gigabit Network Connection',
    });
    assert.deepEqual(
      host!.nics.map(n => [n.source, n.mac]),
      [['BootOptions', '3c:ec:ef:1a:2b:3c']],
    );
    assert.match(gpu!.notInstallable ?? '', /GPU baseboard/);
  },
);
