// ipmi_sim (Debian openipmi) on loopback for ipmitool tests: one BMC whose LAN config and chassis are
// our hook scripts; a chassis power-on sends the machine's PXE DISCOVER (its "PXE ROM") to a UDP port.
import {spawn, type ChildProcess} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {buildDiscover, pxeVendorClass} from '../../source/discovery/dhcp-build.js';
import {hasTool} from './discovery-netns.js';

export const ipmiSimSkip = !hasTool('ipmi_sim')
  ? 'needs ipmi_sim (Debian package openipmi)'
  : !hasTool('ipmitool')
    ? 'needs ipmitool (Debian package ipmitool)'
    : false;

/** A free port number on loopback (a free TCP port is a good guess for a free UDP one). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as {port: number}).port;
  await new Promise<void>(r => s.close(() => r()));
  return p;
}

export interface IpmiSim {
  /** The BMC's IPMI port on 127.0.0.1. */
  port: number;
  user: string;
  password: string;
  /** What the chassis hook was asked (set boot pxe, set power 1, ...). */
  chassisLog(): string;
  close(): Promise<void>;
}

export interface IpmiSimOptions {
  /** UDP port on 127.0.0.1 the machine's DISCOVER goes to after power on. */
  pxePort: number;
  bootMac: string;
  /** The system GUID as raw hex (32 digits); option 97 carries it too. */
  rawGuid: string;
  password: string;
  user?: string;
}

export async function startIpmiSim(o: IpmiSimOptions): Promise<IpmiSim> {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-ipmi-'));
  mkdirSync(join(dir, 'state'));
  const port = await freePort();
  const user = o.user ?? 'root';
  writeFileSync(
    join(dir, 'discover.hex'),
    buildDiscover({mac: o.bootMac, vendorClass: pxeVendorClass(7), arch: 7, nii: [1, 3, 16], uuid: o.rawGuid}).toString(
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
  "${process.execPath}" -e "${sender}" "${join(dir, 'discover.hex')}" ${o.pxePort} &
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
    guid ${o.rawGuid}
    lan_config_program "${join(dir, 'lancontrol.sh')}"
  endlan
  chassis_control "${join(dir, 'chassis.sh')} 0x20"
  user 2 true "${user}" "${o.password}" admin 10 none md2 md5 straight
`,
  );
  writeFileSync(
    join(dir, 'bmc.emu'),
    'mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\nmc_enable 0x20\n',
  );
  const sim: ChildProcess = spawn(
    'ipmi_sim',
    ['-c', join(dir, 'lan.conf'), '-f', join(dir, 'bmc.emu'), '-s', join(dir, 'state'), '-n'],
    {stdio: 'ignore'},
  );
  await new Promise(r => setTimeout(r, 700));
  return {
    port,
    user,
    password: o.password,
    chassisLog: () => {
      try {
        return readFileSync(join(dir, 'chassis.log'), 'utf8');
      } catch {
        return '';
      }
    },
    close: async () => {
      sim.kill('SIGTERM');
      rmSync(dir, {recursive: true, force: true});
    },
  };
}
