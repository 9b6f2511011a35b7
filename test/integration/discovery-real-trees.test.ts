// What discovery proposes for every real Redfish tree in ../shared/fixtures/redfish (DMTF mockups, HPE
// iLO 5/6/7 and Cray EX, Supermicro X10 captures), served over loopback HTTPS by the shared mockup
// server, read through `eksa-kong discover --json` (the Discover step's session and correlation).
import {describe, test, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {realTreeNames, realTreesMissing, startMockup, type MockupBmc} from '../helpers/redfish-mockup.js';
import {runCli, tempHome} from '../helpers/cli.js';
import type {InventoryJson} from '../../source/discovery/inventory.js';

const skip = realTreesMissing();
const started: MockupBmc[] = [];
after(async () => {
  await Promise.all(started.map(b => b.close()));
});

interface Expect {
  machines: number;
  bootMac: string | null;
  bootMacSource: string | null;
  disk: string | null;
  /** Matched against diskReason. */
  reason: RegExp;
  notInstallable?: RegExp;
  bmcIps?: string[];
  warning?: RegExp;
}

const EXPECT: Record<string, Expect> = {
  // Four blades behind one enclosure service: each is its own machine with its own blade BMC.
  'dmtf-bladed': {
    machines: 4,
    bootMac: null,
    bootMacSource: null,
    disk: null,
    reason: /does not report its size/,
    bmcIps: ['192.168.56.120', '192.168.56.121', '192.168.56.122', '192.168.56.123'],
    warning: /no host MAC address/,
  },
  'dmtf-liquid-cooled-server': {
    machines: 1,
    bootMac: '12:44:6a:3b:04:11',
    bootMacSource: 'redfish:EthernetInterfaces',
    disk: '/dev/sda',
    reason: /drive SATA Bay 2 \(3000GT7\) \(4\.0 TB\) on simple storage/,
  },
  'dmtf-localstorage': {
    machines: 1,
    bootMac: '12:44:6a:3b:04:11',
    bootMacSource: 'redfish:EthernetInterfaces',
    disk: '/dev/sda',
    reason: /mirrored volume Virtual Disk 1 \(RAID1, 900 GB\) on RAID controller/,
  },
  'dmtf-rackmount1': {
    machines: 1,
    bootMac: '12:44:6a:3b:04:11',
    bootMacSource: 'redfish:EthernetInterfaces',
    disk: '/dev/sda',
    reason: /SATA Bay 2/,
  },
  // The SmartNIC's SoC is a DPU: not a machine. The host's MAC comes from NetworkInterfaces -> functions.
  'dmtf-smartnic': {
    machines: 1,
    bootMac: 'aa:bb:cc:dd:ee:f5',
    bootMacSource: 'redfish:NetworkInterfaces',
    disk: '/dev/sda',
    reason: /SATA Bay 2/,
    notInstallable: /Card1-SoC: a DPU/,
  },
  // NVMe boot drives in a software RAID1 "Boot" volume win over 18 TB SAS and NVMe data volumes.
  'dmtf-tower': {
    machines: 1,
    bootMac: 'fb:aa:1d:4e:d0:7a',
    bootMacSource: 'redfish:EthernetInterfaces',
    disk: '/dev/nvme0n1',
    reason: /boot volume Boot\/Application Volume \(RAID1, .*\) on software RAID/,
  },
  'hpe-DL340e': {
    machines: 1,
    bootMac: '8c:84:74:ec:42:7c',
    bootMacSource: 'redfish:BootOrder',
    disk: null,
    reason: /the BMC lists no drives/,
  },
  // Two SATA SSDs on an SR416i-a without a logical drive: passed through, so SCSI disks.
  'hpe-DL360': {
    machines: 1,
    bootMac: '88:e9:a4:6b:a8:ac',
    bootMacSource: 'redfish:BootOrder',
    disk: '/dev/sda',
    reason: /drive 480GB 6G SATA SSD \(MK000480GWSSC\) \(SATA SSD, 480 GB\) on RAID controller HPE SR416i-a Gen10\+/,
  },
  // Unconfigured (StandbyOffline) drives on an MR216i-o are never offered.
  'hpe-DL360_Gen12': {
    machines: 1,
    bootMac: '58:a2:e1:48:93:ae',
    bootMacSource: 'redfish:BootOrder',
    disk: null,
    reason: /unconfigured \(StandbyOffline\)/,
  },
  'hpe-DL365_Gen10Plus': {
    machines: 1,
    bootMac: '84:16:0c:39:a1:e2',
    bootMacSource: 'redfish:BootOrder',
    disk: '/dev/sda',
    reason: /mirrored volume Logical Drive 1 \(RAID1, 1\.6 TB\) on RAID controller HPE SR932i-p Gen10\+/,
  },
  // The NS204i boot controller's RAID1 volume, not one of the four 3.2 TB CM7 NVMe data drives.
  'hpe-DL380a_Gen12': {
    machines: 1,
    bootMac: '58:a2:e1:03:a8:e2',
    bootMacSource: 'redfish:BootOrder',
    disk: '/dev/nvme0n1',
    reason:
      /boot controller volume NS Volume 1 \(RAID1, 480 GB\) on boot controller HPE NS204i-u Gen11 Boot Controller/,
  },
  // Cray EX: the boot order's first entry is the management Ethernet's PXE IPv4.
  'hpe-EX235a': {
    machines: 1,
    bootMac: '00:40:a6:83:3a:52',
    bootMacSource: 'redfish:BootOrder',
    disk: null,
    reason: /the BMC lists no drives/,
  },
  'spy-supermicro_x10': {
    machines: 1,
    bootMac: 'ac:1f:6b:18:a4:5a',
    bootMacSource: 'redfish:EthernetInterfaces',
    disk: null,
    reason: /the BMC lists no drives/,
  },
  'spy-supermicro_x10_119': {
    machines: 1,
    bootMac: 'ac:1f:6b:18:a3:5e',
    bootMacSource: 'redfish:EthernetInterfaces',
    disk: null,
    reason: /the BMC lists no drives/,
  },
};

test('every real tree has an expectation', {skip: skip ?? false}, () => {
  assert.deepEqual(realTreeNames(), Object.keys(EXPECT).sort());
});

// Trees are independent BMCs: read a few at once so the file stays well inside the runner's budget.
describe('real Redfish trees', {concurrency: 4}, () => {
  for (const [i, [tree, want]] of Object.entries(EXPECT).entries()) {
    test(
      `${tree}: boot MAC, its source, disk and reason, not-installable systems`,
      {skip: skip ?? false, timeout: 60_000},
      async () => {
        const bmc = await startMockup(tree);
        started.push(bmc);
        const home = tempHome();
        const base = [
          'discover',
          '--redfish',
          bmc.key,
          '--username',
          'admin',
          '--password-env',
          'BMC_PW',
          '--home',
          home,
          '--json',
        ];
        const env = {BMC_PW: 'not-a-real-password'};
        // Trust on first use, shown once: without --yes nothing is sent, the certificate is an error, exit 1.
        const tofu = i === 0;
        if (tofu) {
          const first = await runCli(base, env);
          assert.equal(first.code, 1, first.stderr);
          const untrusted = JSON.parse(first.stdout) as InventoryJson;
          assert.deepEqual(untrusted.machines, []);
          assert.equal(untrusted.errors[0]?.kind, 'needsTrust');
          assert.deepEqual(bmc.requests(), [], 'no request before the certificate is trusted');
        }

        const r = await runCli([...base, '--yes'], env);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.ok(!r.stdout.includes('not-a-real-password'));
        const inv = JSON.parse(r.stdout) as InventoryJson;
        assert.deepEqual(inv.errors, []);
        assert.equal(inv.machines.length, want.machines, JSON.stringify(inv.machines, null, 1));
        const m = inv.machines[0]!;
        assert.deepEqual(Object.keys(m), [
          'uuid',
          'vendor',
          'model',
          'serial',
          'power',
          'bootMac',
          'bootMacSource',
          'macs',
          'bmc',
          'disk',
          'diskReason',
          'warnings',
        ]);
        assert.equal(m.bootMac, want.bootMac);
        assert.equal(m.bootMacSource, want.bootMacSource);
        if (want.bootMac) assert.equal(m.macs[0], want.bootMac);
        assert.equal(m.disk, want.disk);
        assert.match(m.diskReason ?? '', want.reason);
        if (want.disk) assert.match(m.diskReason ?? '', /confirm the device name/);
        assert.equal(m.power, 'On');
        assert.ok(m.vendor, 'manufacturer read');
        if (want.bmcIps)
          assert.deepEqual(
            inv.machines.map(x => x.bmc?.ip),
            want.bmcIps,
          );
        else assert.equal(m.bmc?.ip, '127.0.0.1');
        if (want.warning)
          assert.ok(
            m.warnings.some(w => want.warning!.test(w)),
            m.warnings.join('; '),
          );
        if (want.notInstallable)
          assert.ok(
            inv.notInstallable.some(n => want.notInstallable!.test(n.id + ': ' + n.reason)),
            JSON.stringify(inv.notInstallable),
          );
        else assert.deepEqual(inv.notInstallable, []);

        // The accepted certificate is remembered: the next run needs no --yes.
        const trust = JSON.parse(readFileSync(join(home, 'bmc-trust.json'), 'utf8')) as Record<string, string>;
        assert.match(trust[bmc.key] ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        if (tofu) {
          const again = await runCli(base, env);
          assert.equal(again.code, 0, again.stderr);
        }
      },
    );
  }
});
