// The discovery part of the simulated data center: the article's two bare-metal servers (one control
// plane, one worker). Each has a BMC answering Redfish on loopback (one DMTF-shaped, one Dell-like),
// reached at a simulated address (10.20.1.11/12:443) through the part's routes, and a PXE ROM that
// keeps sending DHCP DISCOVERs to the demo's listener port, as a machine stuck in network boot does.
import dgram from 'node:dgram';
import {readFile} from 'node:fs/promises';
import {writeFileAtomic} from '../../session/home.js';
import {join} from 'node:path';
import {formatUuid, smbiosSwap, uuidBytes} from '../../discovery/uuid.js';
import {pxeRomDiscover, sendDiscover} from '../pxe-sender.js';
import {startRedfishBmc, type BmcShape, type RunningRedfishBmc, type SimulatedMachine} from '../redfish-bmc.js';
import type {DemoPart, DemoPartStarter} from './types.js';

export interface DemoServer {
  hostname: string;
  role: 'cp' | 'worker';
  bmcIp: string;
  shape: BmcShape;
  machine: SimulatedMachine;
}

/** A simulation: these credentials open only the simulated BMCs on loopback. */
export const DEMO_BMC_USER = 'admin';
export const DEMO_BMC_PASSWORD = 'demo-bmc-pass';

export const DEMO_SERVERS: readonly DemoServer[] = [
  {
    hostname: 'eksa-cp01',
    role: 'cp',
    bmcIp: '10.20.1.11',
    shape: 'dmtf',
    machine: {
      uuid: '8e2b4c10-5d2a-4f7e-9a61-3c0d5e7f1101',
      serial: 'SIM-CP01',
      manufacturer: 'Supermicro',
      model: 'SYS-1029U',
      macs: ['52:54:00:20:00:11', '52:54:00:20:00:21'],
      disk: {protocol: 'NVMe', capacityBytes: 480_103_981_056, model: 'NVMe SSD 480GB'},
      dataDisks: [{protocol: 'NVMe', capacityBytes: 3_840_755_982_336, model: 'NVMe SSD 3.84TB'}],
      bmcMac: '52:54:00:20:01:11',
    },
  },
  {
    hostname: 'eksa-wk01',
    role: 'worker',
    bmcIp: '10.20.1.12',
    shape: 'dell',
    machine: {
      uuid: '4c4c4544-0057-4b10-8031-b4c04f574b31',
      serial: 'SIM-WK01',
      manufacturer: 'Dell Inc.',
      model: 'PowerEdge R650',
      macs: ['52:54:00:20:00:12', '52:54:00:20:00:22'],
      disk: {protocol: 'SATA', capacityBytes: 960_197_124_096, model: 'SSDSC2KG960G8R', mediaType: 'SSD'},
      raid1: true,
      dataDisks: [{protocol: 'SATA', capacityBytes: 3_840_755_982_336, model: 'SSDSC2KG038T8R', mediaType: 'SSD'}],
      bmcMac: '52:54:00:20:01:12',
    },
  },
];

/** Seconds between a ROM's DISCOVER retries, at speed 1. */
const RETRY_MS = 5000;
const FIRST_MS = 3000;

/** A free UDP port: the wanted one when it is free, else any. */
export async function freeUdpPort(wanted = 0): Promise<number> {
  const s = dgram.createSocket('udp4');
  const bound = await new Promise<boolean>(resolve => {
    s.once('error', () => resolve(false));
    s.bind(wanted, '0.0.0.0', () => resolve(true));
  });
  const port = bound ? s.address().port : 0;
  await new Promise<void>(resolve => s.close(() => resolve()));
  return bound ? port : freeUdpPort(0);
}

/**
 * What a resumed demo must find unchanged: the listener port (it is an answer; a new one would send
 * Discover back to pending) and each BMC's certificate (a new one would be refused as changed).
 */
interface Remembered {
  pxePort?: number;
  tls?: Array<{key: string; cert: string}>;
}
const STATE_FILE = 'demo-discovery.json';

async function remembered(dir: string): Promise<Remembered> {
  try {
    return JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as Remembered;
  } catch {
    return {};
  }
}

/** A PXE ROM's DISCOVER: it sends the SMBIOS UUID in SMBIOS byte order, as firmware does. */
function romDiscover(s: DemoServer) {
  return pxeRomDiscover(s.machine.macs[0]!, formatUuid(smbiosSwap(uuidBytes(s.machine.uuid)!)));
}

export const startDiscoveryDemo: DemoPartStarter = async (_world, ctx) => {
  const speed = Math.max(ctx.speed, 0.01);
  const before = await remembered(ctx.sessionDir);
  const pxePort = await freeUdpPort(before.pxePort);
  const timers: NodeJS.Timeout[] = [];
  const send = (s: DemoServer) => void sendDiscover(romDiscover(s), {port: pxePort}).catch(() => undefined);
  const bmcs: RunningRedfishBmc[] = [];
  try {
    for (const [i, s] of DEMO_SERVERS.entries()) {
      const tls = before.tls?.[i];
      bmcs.push(
        await startRedfishBmc({
          ...(tls ? {credentials: tls} : {}),
          machine: s.machine,
          shape: s.shape,
          // iDRAC-like BMCs page their collections here, so discovery must follow Members@odata.nextLink.
          ...(s.shape === 'dell' ? {pageSize: 2} : {}),
          username: DEMO_BMC_USER,
          password: DEMO_BMC_PASSWORD,
          // Powered on through Redfish: its ROM asks for an address at once.
          onReset: (_path, type) => {
            if (!/Off|Shutdown/.test(type)) send(s);
          },
        }),
      );
    }
  } catch (error) {
    await Promise.all(bmcs.map(b => b.close()));
    throw error;
  }
  await writeFileAtomic(join(ctx.sessionDir, STATE_FILE), JSON.stringify({pxePort, tls: bmcs.map(b => b.tls)})).catch(
    () => undefined,
  );
  // Both machines sit in network boot: their ROMs retry until someone answers (nobody does here).
  timers.push(
    setTimeout(
      () => {
        DEMO_SERVERS.forEach(send);
        timers.push(setInterval(() => DEMO_SERVERS.forEach(send), Math.max(200, RETRY_MS / speed)));
      },
      Math.max(100, FIRST_MS / speed),
    ),
  );
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    timers.forEach(t => clearTimeout(t));
    await Promise.all(bmcs.map(b => b.close()));
  };
  ctx.signal.addEventListener('abort', () => void close(), {once: true});

  const part: DemoPart = {
    answers: {
      admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
      network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2', '1.1.1.1']},
      discovery: {
        pxe: {enabled: true, port: pxePort},
        redfish: {targets: DEMO_SERVERS.map(s => s.bmcIp), username: DEMO_BMC_USER, password: DEMO_BMC_PASSWORD},
      },
    },
    routes: DEMO_SERVERS.map((s, i) => ({host: s.bmcIp, port: 443, to: {host: bmcs[i]!.host, port: bmcs[i]!.port}})),
    dns: {},
    close,
  };
  return part;
};
