// ipmi_sim (Debian openipmi) on loopback with ipmitool: lan print, mc guid, bootdev pxe, power on; its
// chassis hook plays the machine's PXE ROM so the power-on attribution is tested end to end.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createServer} from 'node:net';
import {
  ipmiLanPrint,
  ipmiSystemGuid,
  ipmiBootdevPxe,
  ipmiPower,
  triggerPxeAndAttribute,
  attributeSequentially,
  type IpmiTarget,
} from '../../source/discovery/ipmi.js';
import {startPxeListener, type RunningPxeListener} from '../../source/discovery/pxe-listener.js';
import {buildDiscover, pxeVendorClass} from '../../source/discovery/dhcp-build.js';
import {correlate} from '../../source/discovery/correlate.js';
import {createTestRunner} from '../helpers/discovery-runner.js';
import {hasTool} from '../helpers/discovery-netns.js';

const skip = !hasTool('ipmi_sim')
  ? 'needs ipmi_sim (Debian package openipmi)'
  : !hasTool('ipmitool')
    ? 'needs ipmitool (Debian package ipmitool)'
    : false;
const PASSWORD = 'calvin-Secret9';
const RAW_GUID = 'a123456789abcdefa123456789abcdef';
const BOOT_MAC = '52:54:00:aa:bb:04';

let dir = '';
let sim: ChildProcess | undefined;
let listener: RunningPxeListener | undefined;
let port = 0;

async function freeUdpishPort(): Promise<number> {
  // A free TCP port number is a good guess for a free UDP one on loopback.
  const s = createServer();
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as {port: number}).port;
  await new Promise<void>(r => s.close(() => r()));
  return p;
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'eksa-kong-ipmi-'));
  mkdirSync(join(dir, 'state'));
  const l = await startPxeListener({port: 0, address: '127.0.0.1'});
  assert.ok(l.ok);
  listener = l.listener;
  port = await freeUdpishPort();
  writeFileSync(
    join(dir, 'discover.hex'),
    buildDiscover({mac: BOOT_MAC, vendorClass: pxeVendorClass(7), arch: 7, nii: [1, 3, 16], uuid: RAW_GUID}).toString(
      'hex',
    ),
  );
  // Our own hook texts, in the format of ipmi_lan(5): lancontrol answers "name: value" per parameter.
  writeFileSync(
    join(dir, 'lancontrol.sh'),
    `#!/bin/sh
[ "$1" = get ] || exit 0
shift
for p in "$@"; do
  case $p in
    ip_addr_src) echo "ip_addr_src: static";;
    ip_addr) echo "ip_addr: 127.0.0.1";;
    mac_addr) echo "mac_addr: 0c:c4:7a:11:22:33";;
    subnet_mask) echo "subnet_mask: 255.0.0.0";;
    default_gw_ip_addr) echo "default_gw_ip_addr: 127.0.0.1";;
    default_gw_mac_addr|backup_gw_mac_addr) echo "$p: 00:00:00:00:00:00";;
    backup_gw_ip_addr) echo "backup_gw_ip_addr: 0.0.0.0";;
  esac
done
`,
  );
  const sender = `const d=require('dgram').createSocket('udp4');d.send(Buffer.from(require('fs').readFileSync(process.argv[1],'utf8'),'hex'),Number(process.argv[2]),'127.0.0.1',()=>d.close())`;
  writeFileSync(
    join(dir, 'chassis.sh'),
    `#!/bin/sh
echo "$@" >> "${join(dir, 'chassis.log')}"
if [ "$2" = get ]; then shift 2; for p in "$@"; do case $p in power) echo "power: 0";; boot) echo "boot: default";; esac; done; exit 0; fi
if [ "$2" = set ] && [ "$3" = power ] && [ "$4" = 1 ]; then
  "${process.execPath}" -e "${sender}" "${join(dir, 'discover.hex')}" ${listener.port} &
fi
exit 0
`,
  );
  chmodSync(join(dir, 'lancontrol.sh'), 0o755);
  chmodSync(join(dir, 'chassis.sh'), 0o755);
  writeFileSync(
    join(dir, 'lan.conf'),
    `name "bmc-test"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 ${port}
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid ${RAW_GUID}
    lan_config_program "${join(dir, 'lancontrol.sh')}"
  endlan
  chassis_control "${join(dir, 'chassis.sh')} 0x20"
  user 2 true "root" "${PASSWORD}" admin 10 none md2 md5 straight
`,
  );
  writeFileSync(
    join(dir, 'bmc.emu'),
    'mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\nmc_enable 0x20\n',
  );
  sim = spawn('ipmi_sim', ['-c', join(dir, 'lan.conf'), '-f', join(dir, 'bmc.emu'), '-s', join(dir, 'state'), '-n'], {
    stdio: 'ignore',
  });
  await new Promise(r => setTimeout(r, 700));
});

after(async () => {
  sim?.kill('SIGTERM');
  await listener?.close();
  if (dir) rmSync(dir, {recursive: true, force: true});
});

const target = (): IpmiTarget => ({host: '127.0.0.1', port, username: 'root', password: PASSWORD, cipherSuite: 3});

test(
  'ipmitool against ipmi_sim: lan print, mc guid, bootdev pxe, power on; password only in the environment',
  {timeout: 60_000, skip},
  async () => {
    const runner = createTestRunner();
    const ctx = {runner, timeoutMs: 15_000};
    const lan = await ipmiLanPrint(ctx, target());
    assert.ok(lan.ok, lan.ok ? '' : lan.error);
    assert.equal(lan.value.ip, '127.0.0.1');
    assert.equal(lan.value.mac, '0c:c4:7a:11:22:33');
    const guid = await ipmiSystemGuid(ctx, target());
    assert.ok(guid.ok);
    assert.equal(guid.value, 'efcdab89-6745-23a1-efcd-ab89674523a1');
    assert.ok((await ipmiBootdevPxe(ctx, target())).ok);
    const on = await ipmiPower(ctx, target(), 'on');
    assert.ok(on.ok);
    assert.match(on.value, /Up\/On/);
    for (const call of runner.calls) {
      assert.ok(!call.args.includes(PASSWORD), 'password never on argv');
      assert.ok(call.envKeys.includes('IPMI_PASSWORD'));
    }
    const log = readFileSync(join(dir, 'chassis.log'), 'utf8');
    assert.match(log, /set boot pxe/);
    assert.match(log, /set power 1/);
  },
);

test('wrong password: a plain message without the password', {timeout: 60_000, skip}, async () => {
  const wrong = 'Not-The-Pa55';
  const r = await ipmiSystemGuid({runner: createTestRunner(), timeoutMs: 20_000}, {...target(), password: wrong});
  assert.equal(r.ok, false);
  assert.ok(!r.ok && !r.error.includes(wrong));
  assert.match(!r.ok ? r.error : '', /refused the IPMI session|did not answer/);
});

test(
  'power-on attribution: the DISCOVER after power on is attributed to the BMC and correlates by GUID',
  {timeout: 60_000, skip},
  async () => {
    const runner = createTestRunner();
    const r = await triggerPxeAndAttribute({runner, timeoutMs: 15_000}, target(), listener!, {timeoutMs: 10_000});
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.value.mac, BOOT_MAC);
    const ms = correlate([
      {source: 'ipmi', bmc: '127.0.0.1', guid: 'efcdab89-6745-23a1-efcd-ab89674523a1'},
      {source: 'pxe', at: r.value.event.at, mac: r.value.mac, uuid: r.value.event.packet.uuid!, isPxe: true},
    ]);
    assert.equal(ms.length, 1, 'IPMI GUID (reversed) matches option 97 (raw)');

    // Already attributed MACs are excluded: the next power-on sees no new machine and times out.
    const seq = await attributeSequentially({runner, timeoutMs: 15_000}, [target()], listener!, {
      timeoutMs: 1500,
      exclude: new Set([BOOT_MAC]),
    });
    assert.equal(seq.length, 1);
    assert.equal(seq[0]!.result.ok, false);
    assert.match(!seq[0]!.result.ok ? seq[0]!.result.error : '', /No PXE DISCOVER/);
    assert.ok(existsSync(join(dir, 'chassis.log')));
  },
);
