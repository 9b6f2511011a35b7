// `eksa-kong discover`: flags, exit codes and the --json shape, against a simulated BMC and PXE ROMs on
// loopback (the real trees are in test/integration/discovery-real-trees.test.ts).
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {statSync, writeFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';
import {startRedfishBmc, defaultMachine, type RunningRedfishBmc} from '../../source/demo/redfish-bmc.js';
import {pxeRomDiscover, sendDiscover} from '../../source/demo/pxe-sender.js';
import {freeUdpPort} from '../../source/demo/parts/discovery.js';
import type {InventoryJson} from '../../source/discovery/inventory.js';

const PW = 'S3cret-BMC-pass!';
const bmcs: RunningRedfishBmc[] = [];
after(async () => {
  await Promise.all(bmcs.map(b => b.close()));
});

test('usage errors exit 2 with the flag named, and never echo a password', {timeout: 30_000}, async () => {
  const home = tempHome();
  const cases: Array<[string[], RegExp]> = [
    [['discover'], /nothing to discover: give --redfish HOST\[:PORT\],…, --ipmi HOST,… or --pxe/],
    [['discover', '--redfish', '10.0.0.5'], /--username: the BMC user name/],
    [
      ['discover', '--redfish', '10.0.0.5', '--username', 'root'],
      /the BMC password: --password-env VAR or --password-file FILE/,
    ],
    [
      ['discover', '--redfish', '10.0.0.5', '--username', 'root', '--password-env', 'NOPE'],
      /--password-env NOPE: that environment variable is not set/,
    ],
    [
      ['discover', '--redfish', '10.0.0.5', '--username', 'root', '--password-env', 'PW', '--password-file', '/x'],
      /not both/,
    ],
    [
      ['discover', '--redfish', '10.0.0.5', '--username', 'root', '--password-file', join(home, 'missing')],
      /--password-file .*missing: cannot read it \(ENOENT\)/,
    ],
    [['discover', '--redfish', '10.0.0.0/8', '--username', 'root', '--password-env', 'PW'], /--redfish: /],
    [['discover', '--seconds', '5'], /--seconds and --port belong to --pxe/],
    [['discover', '--pxe', '--seconds', 'ten'], /--seconds must be a whole number from 1 to 3600 \(got "ten"\)/],
    [['discover', '--pxe', '--port', '70000'], /--port must be a whole number from 1 to 65535/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli([...args, '--home', home], {PW});
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
    assert.ok(!r.stderr.includes(PW) && !r.stdout.includes(PW));
  }
  writeFileSync(join(home, 'bmc-trust.json'), '{not json');
  const bad = await runCli(['discover', '--pxe', '--home', home]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bmc-trust\.json: not JSON/);
});

test(
  'Redfish and PXE together: the PXE-seen MAC wins over the boot order, --json has the exact keys',
  {timeout: 60_000},
  async () => {
    const m = {...defaultMachine(), macs: ['52:54:00:00:40:01', '52:54:00:00:40:02']};
    const b = await startRedfishBmc({machine: m, shape: 'dell', username: 'root', password: PW, pageSize: 1});
    bmcs.push(b);
    const home = tempHome();
    writeFileSync(join(home, 'pw'), PW + '\n', {mode: 0o600});
    const port = await freeUdpPort();
    // A second machine whose ROM sends AMI's default UUID, twice with a third one: none of them merge.
    const AMI = '03000200-0400-0500-0006-000700080009';
    const roms = setInterval(() => {
      void sendDiscover(pxeRomDiscover('52:54:00:00:40:02', m.uuid), {port}).catch(() => undefined);
      void sendDiscover(pxeRomDiscover('70:85:c2:00:00:01', AMI), {port}).catch(() => undefined);
      void sendDiscover(pxeRomDiscover('70:85:c2:00:00:02', AMI), {port}).catch(() => undefined);
    }, 200);
    try {
      const r = await runCli([
        'discover',
        '--redfish',
        b.key,
        '--username',
        'root',
        '--password-file',
        join(home, 'pw'),
        '--pxe',
        '--port',
        String(port),
        '--seconds',
        '2',
        '--yes',
        '--json',
        '--home',
        home,
      ]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.ok(!r.stdout.includes(PW));
      const inv = JSON.parse(r.stdout) as InventoryJson;
      assert.deepEqual(Object.keys(inv), ['machines', 'notInstallable', 'errors']);
      assert.equal(inv.machines.length, 3, JSON.stringify(inv.machines));
      const [server, ami1, ami2] = inv.machines;
      assert.equal(server!.bootMac, '52:54:00:00:40:02');
      assert.equal(server!.bootMacSource, 'pxe');
      assert.equal(server!.uuid, m.uuid);
      assert.deepEqual(server!.bmc, {ip: '127.0.0.1'});
      assert.equal(server!.power, 'Off');
      assert.ok(
        server!.warnings.some(w =>
          /PXE saw 52:54:00:00:40:02, but the boot order's first network entry is 52:54:00:00:40:01/.test(w),
        ),
        server!.warnings.join('; '),
      );
      for (const a of [ami1!, ami2!]) {
        assert.equal(a.bootMacSource, 'pxe');
        assert.equal(a.bmc, null);
        assert.equal(a.disk, null);
        assert.ok(a.warnings.some(w => /firmware default/.test(w)));
      }
      assert.equal(statSync(join(home, 'bmc-trust.json')).mode & 0o777, 0o600);
      assert.ok(JSON.parse(readFileSync(join(home, 'bmc-trust.json'), 'utf8'))[b.key]);
    } finally {
      clearInterval(roms);
    }
  },
);

test(
  'human output names the boot MAC source and the disk reasoning; an unreachable BMC is exit 1 with what was read',
  {timeout: 60_000},
  async () => {
    const b = await startRedfishBmc({
      machine: {...defaultMachine(), raid1: true, disk: {protocol: 'SATA', capacityBytes: 480e9}},
      shape: 'dell',
      username: 'root',
      password: PW,
    });
    bmcs.push(b);
    const home = tempHome();
    const r = await runCli(
      [
        'discover',
        '--redfish',
        `${b.key},127.0.0.1:1`,
        '--username',
        'root',
        '--password-env',
        'PW',
        '--yes',
        '--home',
        home,
      ],
      {PW},
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /52:54:00:aa:bb:01 {2}Contoso R1000 serial DEMO0001 · BMC 127\.0\.0\.1 · power Off/);
    assert.match(
      r.stdout,
      /boot MAC from redfish:BootOrder \(Boot0002 PXE Device 1: Integrated NIC 1 Port 1 Partition 1 \(IPv4\)\)/,
    );
    assert.match(r.stdout, /disk \/dev\/sda: boot volume os \(RAID1, 480 GB\) on RAID controller PERC H755 Front/);
    assert.match(r.stderr, /127\.0\.0\.1:1: connection refused/);
  },
);
