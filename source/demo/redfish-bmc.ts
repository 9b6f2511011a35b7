// A simulated BMC for the demo world and tests: HTTPS on loopback with a self-signed certificate made at
// start, serving a Redfish tree in one of two vendor shapes (DMTF-standard, Dell iDRAC-like ids) built
// from a machine description, or any hand-written tree (the fixtures). Like real BMCs, the built trees
// list the boot NIC after an onboard one (only Boot.BootOrder says which NIC PXE-boots), describe the
// OS disk as a RAID volume or a direct NVMe drive beside bigger data drives, and may page collections
// with Members@odata.nextLink. Basic auth or a session token
// is needed for everything but the service root. PATCH of the boot override and ComputerSystem.Reset
// are recorded so the demo can fire a PXE DISCOVER when the machine is "powered on".
import https from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {createHash, randomBytes, webcrypto} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import * as x509 from '@peculiar/x509';

export interface SimulatedDisk {
  protocol: 'NVMe' | 'SATA' | 'SAS';
  capacityBytes: number;
  model?: string;
  mediaType?: 'SSD' | 'HDD';
}

export interface SimulatedMachine {
  uuid: string;
  serial: string;
  manufacturer: string;
  model: string;
  /** Host NIC MACs; the first is the PXE NIC. */
  macs: string[];
  disk: SimulatedDisk;
  /** MAC of the BMC itself. */
  bmcMac?: string;
  /** The OS disk is a RAID1 volume of two such drives on a RAID controller (Dell PERC-like). */
  raid1?: boolean;
  /** Bigger drives beside the OS disk, which discovery must not propose. */
  dataDisks?: SimulatedDisk[];
}

export type BmcShape = 'dmtf' | 'dell';

export interface BuildOptions {
  /** Members per page of the EthernetInterfaces and BootOptions collections (Members@odata.nextLink). */
  pageSize?: number;
}

/** path -> resource; paths without trailing slash except the service root "/redfish/v1/". */
export type RedfishTree = Record<string, unknown>;

export interface RedfishBmcOptions {
  machine?: SimulatedMachine;
  shape?: BmcShape;
  /** Serve this tree instead of one built from machine. */
  tree?: RedfishTree;
  username?: string;
  password?: string;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Members per page of long collections (see BuildOptions). */
  pageSize?: number;
  /** Delay before each answer, like a slow BMC. */
  latencyMs?: number;
  /** A much slower part of the tree (e.g. storage behind a busy controller). */
  slowPath?: {match: RegExp; ms: number};
  /** Reuse a key and certificate (PEM) instead of generating one. */
  credentials?: {key: string; cert: string};
  onReset?: (systemPath: string, resetType: string) => void;
}

export interface BmcRequestRecord {
  method: string;
  path: string;
  status: number;
  /** Body of PATCH/POST requests (never contains credentials). */
  body?: unknown;
}

export interface RunningRedfishBmc {
  host: string;
  port: number;
  /** Target key as the discovery client names it: host:port. */
  key: string;
  url: string;
  fingerprint: string;
  tls: {key: string; cert: string};
  requests: BmcRequestRecord[];
  /** TLS connections accepted so far (a client keeping its connection alive makes one). */
  readonly connections: number;
  tree: RedfishTree;
  /** Swap to a freshly generated certificate (to test that a changed certificate is refused). */
  rotateCertificate(): Promise<string>;
  close(): Promise<void>;
}

const ref = (path: string) => ({'@odata.id': path});
const collection = (path: string, type: string, members: string[]) => ({
  '@odata.id': path,
  '@odata.type': `#${type}Collection.${type}Collection`,
  Name: `${type} Collection`,
  Members: members.map(ref),
  'Members@odata.count': members.length,
});

/** A collection split into pages: the first at path, the next at path?$skip=N, linked by Members@odata.nextLink. */
function pagedCollection(
  tree: RedfishTree,
  path: string,
  type: string,
  members: string[],
  pageSize: number | undefined,
): void {
  const size = pageSize && pageSize > 0 ? pageSize : members.length || 1;
  for (let skip = 0; skip === 0 || skip < members.length; skip += size) {
    const key = skip === 0 ? path : `${path}?$skip=${skip}`;
    const page: Record<string, unknown> = {
      ...collection(path, type, members.slice(skip, skip + size)),
      'Members@odata.count': members.length,
    };
    if (skip + size < members.length) page['Members@odata.nextLink'] = `${path}?$skip=${skip + size}`;
    tree[key] = page;
  }
}

/** Builds a Redfish tree for one machine in the given vendor shape. */
export function buildBmcTree(m: SimulatedMachine, shape: BmcShape = 'dmtf', build: BuildOptions = {}): RedfishTree {
  const dell = shape === 'dell';
  const sysId = dell ? 'System.Embedded.1' : m.serial;
  const mgrId = dell ? 'iDRAC.Embedded.1' : 'BMC';
  const chassisId = dell ? 'System.Embedded.1' : '1U';
  const nicId = (i: number) => (dell ? `NIC.Integrated.1-${i + 1}-1` : `NIC${i + 1}`);
  const sys = `/redfish/v1/Systems/${sysId}`;
  const mgr = `/redfish/v1/Managers/${mgrId}`;
  const nicName = (i: number) => (dell ? `Integrated NIC 1 Port ${i + 1} Partition 1` : `Ethernet Interface ${i + 1}`);
  // Boot entries: the (still empty) OS disk, then PXE IPv4/IPv6 on the first NIC, then the others'.
  const boot: Array<{ref: string; name: string; path: string}> = [
    {
      ref: 'Boot0001',
      name: dell ? 'Integrated RAID Controller 1: EFI Fixed Disk Boot Device 1' : 'UEFI OS',
      path: 'PciRoot(0x0)/Pci(0x1,0x0)/Pci(0x0,0x0)/NVMe(0x1,00-00-00-00-00-00-00-00)/HD(1,GPT,00000000-0000-0000-0000-000000000000)',
    },
  ];
  m.macs.forEach((mac, i) => {
    const hex = mac.replace(/:/g, '').toUpperCase();
    for (const ip of ['IPv4', 'IPv6']) {
      const n = boot.length + 1;
      // iDRAC names PXE devices after the NIC and gives a vendor path without the MAC; others put MAC() in the path.
      boot.push(
        dell
          ? {
              ref: `Boot${String(n).padStart(4, '0')}`,
              name: `PXE Device ${i + 1}: ${nicName(i)} (${ip})`,
              path: `VenHw(3A191845-5F86-4E78-8FCE-C4CFF59F9DA${i},0${ip === 'IPv4' ? 4 : 6}00)`,
            }
          : {
              ref: `Boot${String(n).padStart(4, '0')}`,
              name: `UEFI PXE ${ip}: ${m.model} Port ${i + 1}`,
              path: `PciRoot(0x0)/Pci(0x1c,0x${i})/Pci(0x0,0x0)/MAC(${hex},0x1)/${ip}(0.0.0.0)`,
            },
      );
    }
  });
  const bootOrder = boot.map(b => b.ref);
  const tree: RedfishTree = {
    '/redfish': {v1: '/redfish/v1/'},
    '/redfish/v1/': {
      '@odata.id': '/redfish/v1/',
      '@odata.type': '#ServiceRoot.v1_11_0.ServiceRoot',
      Id: 'RootService',
      Name: 'Root Service',
      RedfishVersion: '1.15.0',
      UUID: '92384634-2938-2342-8820-489239905423',
      Vendor: dell ? 'Dell' : m.manufacturer,
      Systems: ref('/redfish/v1/Systems'),
      Managers: ref('/redfish/v1/Managers'),
      Chassis: ref('/redfish/v1/Chassis'),
      SessionService: ref('/redfish/v1/SessionService'),
      Links: {Sessions: ref('/redfish/v1/SessionService/Sessions')},
    },
    '/redfish/v1/SessionService': {
      '@odata.id': '/redfish/v1/SessionService',
      '@odata.type': '#SessionService.v1_1_8.SessionService',
      Id: 'SessionService',
      Name: 'Session Service',
      ServiceEnabled: true,
      Sessions: ref('/redfish/v1/SessionService/Sessions'),
    },
    '/redfish/v1/SessionService/Sessions': collection('/redfish/v1/SessionService/Sessions', 'Session', []),
    '/redfish/v1/Systems': collection('/redfish/v1/Systems', 'ComputerSystem', [sys]),
    [sys]: {
      '@odata.id': sys,
      '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
      Id: sysId,
      Name: dell ? 'System' : 'Rack server',
      SystemType: 'Physical',
      Manufacturer: m.manufacturer,
      Model: m.model,
      SerialNumber: m.serial,
      UUID: m.uuid,
      PowerState: 'Off',
      Status: {State: 'Enabled', Health: 'OK'},
      Boot: {
        BootSourceOverrideEnabled: 'Disabled',
        BootSourceOverrideTarget: 'None',
        BootSourceOverrideMode: 'UEFI',
        'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', 'Pxe', 'Hdd', 'Cd', 'BiosSetup'],
        BootOptions: ref(`${sys}/BootOptions`),
        BootOrder: bootOrder,
      },
      EthernetInterfaces: ref(`${sys}/EthernetInterfaces`),
      Storage: ref(`${sys}/Storage`),
      Links: {Chassis: [ref(`/redfish/v1/Chassis/${chassisId}`)], ManagedBy: [ref(mgr)]},
      Actions: {
        '#ComputerSystem.Reset': {
          target: `${sys}/Actions/ComputerSystem.Reset`,
          'ResetType@Redfish.AllowableValues': ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart', 'PowerCycle'],
        },
      },
    },
    '/redfish/v1/Managers': collection('/redfish/v1/Managers', 'Manager', [mgr]),
    [mgr]: {
      '@odata.id': mgr,
      '@odata.type': '#Manager.v1_10_0.Manager',
      Id: mgrId,
      Name: dell ? 'Manager' : 'BMC',
      ManagerType: 'BMC',
      EthernetInterfaces: ref(`${mgr}/EthernetInterfaces`),
    },
    [`${mgr}/EthernetInterfaces`]: collection(`${mgr}/EthernetInterfaces`, 'EthernetInterface', [
      `${mgr}/EthernetInterfaces/eth0`,
    ]),
    [`${mgr}/EthernetInterfaces/eth0`]: {
      '@odata.id': `${mgr}/EthernetInterfaces/eth0`,
      '@odata.type': '#EthernetInterface.v1_6_0.EthernetInterface',
      Id: 'eth0',
      Name: 'Manager Ethernet Interface',
      MACAddress: (m.bmcMac ?? '02:00:00:00:00:fe').toUpperCase(),
      LinkStatus: 'LinkUp',
      Status: {State: 'Enabled', Health: 'OK'},
    },
    '/redfish/v1/Chassis': collection('/redfish/v1/Chassis', 'Chassis', [`/redfish/v1/Chassis/${chassisId}`]),
    [`/redfish/v1/Chassis/${chassisId}`]: {
      '@odata.id': `/redfish/v1/Chassis/${chassisId}`,
      '@odata.type': '#Chassis.v1_14_0.Chassis',
      Id: chassisId,
      Name: 'Chassis',
      ChassisType: 'RackMount',
      Manufacturer: m.manufacturer,
      Model: m.model,
      SerialNumber: m.serial,
    },
  };
  // Listed the way many BMCs do, by bus order: the PXE NIC (macs[0]) is not the first member, and every
  // port has link, so only the boot order tells which one boots.
  const nicOrder = [...m.macs.keys()].slice(1).concat(m.macs.length ? [0] : []);
  pagedCollection(
    tree,
    `${sys}/EthernetInterfaces`,
    'EthernetInterface',
    nicOrder.map(i => `${sys}/EthernetInterfaces/${nicId(i)}`),
    build.pageSize,
  );
  m.macs.forEach((mac, i) => {
    const p = `${sys}/EthernetInterfaces/${nicId(i)}`;
    tree[p] = {
      '@odata.id': p,
      '@odata.type': '#EthernetInterface.v1_6_0.EthernetInterface',
      Id: nicId(i),
      Name: nicName(i),
      MACAddress: mac.toUpperCase(),
      PermanentMACAddress: mac.toUpperCase(),
      SpeedMbps: 25000,
      LinkStatus: 'LinkUp',
      Status: {State: 'Enabled', Health: 'OK'},
    };
  });
  pagedCollection(
    tree,
    `${sys}/BootOptions`,
    'BootOption',
    boot.map((_, i) => `${sys}/BootOptions/${i + 1}`),
    build.pageSize,
  );
  boot.forEach((b, i) => {
    const p = `${sys}/BootOptions/${i + 1}`;
    tree[p] = {
      '@odata.id': p,
      '@odata.type': '#BootOption.v1_0_4.BootOption',
      Id: String(i + 1),
      Name: 'Boot Option',
      BootOptionReference: b.ref,
      DisplayName: b.name,
      UefiDevicePath: b.path,
      BootOptionEnabled: true,
    };
  });
  addStorage(tree, sys, m, dell);
  return tree;
}

/**
 * The OS disk and any data drives. DMTF shape: a direct NVMe subsystem (inline StorageControllers). Dell
 * shape: a PERC (RAID types, the newer Controllers collection) where raid1 makes the OS disk a RAID1
 * volume "os" of two drives, data drives beside it.
 */
function addStorage(tree: RedfishTree, sys: string, m: SimulatedMachine, dell: boolean): void {
  const storageId = dell ? 'RAID.Integrated.1-1' : '1';
  const st = `${sys}/Storage/${storageId}`;
  const osDrives = m.raid1 ? [m.disk, m.disk] : [m.disk];
  const all = [...osDrives, ...(m.dataDisks ?? [])];
  const driveId = (i: number) => (dell ? `Disk.Bay.${i}:Enclosure.Internal.0-1:RAID.Integrated.1-1` : String(i));
  const drivePath = (i: number) => `${st}/Drives/${driveId(i)}`;
  const protocols = [...new Set(all.map(d => d.protocol))];
  const controller = dell
    ? {
        Id: 'RAID.Integrated.1-1',
        Name: 'PERC H755 Front',
        Model: 'PERC H755 Front',
        SupportedDeviceProtocols: ['SAS', 'SATA'],
        SupportedRAIDTypes: ['RAID0', 'RAID1', 'RAID5', 'RAID10'],
      }
    : {MemberId: '0', Name: `${protocols.join('/')} controller`, SupportedDeviceProtocols: protocols};
  tree[`${sys}/Storage`] = collection(`${sys}/Storage`, 'Storage', [st]);
  tree[st] = {
    '@odata.id': st,
    '@odata.type': '#Storage.v1_9_0.Storage',
    Id: storageId,
    Name: dell ? 'PERC H755 Front' : 'Local Storage Controller',
    ...(dell ? {Controllers: ref(`${st}/Controllers`)} : {StorageControllers: [controller]}),
    Drives: all.map((_, i) => ref(drivePath(i))),
    'Drives@odata.count': all.length,
    Volumes: ref(`${st}/Volumes`),
  };
  if (dell) {
    tree[`${st}/Controllers`] = collection(`${st}/Controllers`, 'StorageController', [`${st}/Controllers/0`]);
    tree[`${st}/Controllers/0`] = {
      '@odata.id': `${st}/Controllers/0`,
      '@odata.type': '#StorageController.v1_6_0.StorageController',
      ...controller,
    };
  }
  all.forEach((d, i) => {
    tree[drivePath(i)] = {
      '@odata.id': drivePath(i),
      '@odata.type': '#Drive.v1_9_0.Drive',
      Id: driveId(i),
      Name: dell ? `Solid State Disk 0:1:${i}` : `Drive ${i}`,
      Model: d.model ?? `${d.protocol} disk`,
      CapacityBytes: d.capacityBytes,
      Protocol: d.protocol,
      MediaType: d.mediaType ?? 'SSD',
      SerialNumber: `${m.serial}-D${i}`,
      Status: {State: 'Enabled', Health: 'OK'},
    };
  });
  const volumes = m.raid1 ? [`${st}/Volumes/Disk.Virtual.0`] : [];
  tree[`${st}/Volumes`] = collection(`${st}/Volumes`, 'Volume', volumes);
  if (m.raid1) {
    tree[volumes[0]!] = {
      '@odata.id': volumes[0],
      '@odata.type': '#Volume.v1_6_0.Volume',
      Id: 'Disk.Virtual.0',
      Name: 'os',
      RAIDType: 'RAID1',
      CapacityBytes: m.disk.capacityBytes,
      Status: {State: 'Enabled', Health: 'OK'},
      Links: {Drives: [ref(drivePath(0)), ref(drivePath(1))]},
    };
  }
}

async function selfSigned(host: string): Promise<{key: string; cert: string}> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'};
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: 'CN=simulated-bmc',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    signingAlgorithm: alg,
    keys,
    extensions: [new x509.SubjectAlternativeNameExtension([{type: 'ip', value: host}])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;
  return {key, cert: cert.toString('pem')};
}

function fingerprintOf(pem: string): string {
  const der = new x509.X509Certificate(pem).rawData;
  const hash = createHash('sha256').update(Buffer.from(der)).digest('hex');
  return hash.toUpperCase().match(/.{2}/g)!.join(':');
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 65536) chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(text);
      }
    });
  });
}

export async function startRedfishBmc(options: RedfishBmcOptions): Promise<RunningRedfishBmc> {
  const host = options.host ?? '127.0.0.1';
  // A simulated BMC on loopback: these are the factory defaults a real iDRAC ships with, not a secret.
  const username = options.username ?? 'root';
  const password = options.password ?? 'calvin';
  const tree: RedfishTree = options.tree
    ? structuredClone(options.tree)
    : buildBmcTree(
        options.machine ?? defaultMachine(),
        options.shape ?? 'dmtf',
        options.pageSize ? {pageSize: options.pageSize} : {},
      );
  let tlsCreds = options.credentials ?? (await selfSigned(host));
  const tokens = new Set<string>();
  const requests: BmcRequestRecord[] = [];
  const expected = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const [rawPath = '/', query] = (req.url ?? '/').split('?');
    const path = rawPath === '/redfish/v1' || rawPath === '/redfish/v1/' ? '/redfish/v1/' : rawPath.replace(/\/+$/, '');
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      const rec: BmcRequestRecord = {method, path, status};
      if (body !== undefined) rec.body = body;
      requests.push(rec);
      const text = json === undefined ? '' : JSON.stringify(json);
      res.writeHead(status, {'Content-Type': 'application/json', 'OData-Version': '4.0', ...headers});
      res.end(text);
    };
    const open =
      method === 'GET' && (path === '/redfish' || path === '/redfish/v1/' || path === '/redfish/v1/$metadata');
    const isLogin = method === 'POST' && path === '/redfish/v1/SessionService/Sessions';
    const token = req.headers['x-auth-token'];
    const authed = req.headers.authorization === expected || (typeof token === 'string' && tokens.has(token));
    if (isLogin) {
      const b = body as {UserName?: unknown; Password?: unknown} | undefined;
      if (b?.UserName !== username || b?.Password !== password)
        return send(401, redfishError('Invalid username or password'));
      const t = randomBytes(16).toString('hex');
      tokens.add(t);
      const id = String(tokens.size);
      const loc = `/redfish/v1/SessionService/Sessions/${id}`;
      tree[loc] = {
        '@odata.id': loc,
        '@odata.type': '#Session.v1_3_0.Session',
        Id: id,
        Name: 'Session',
        UserName: username,
      };
      return send(201, tree[loc], {'X-Auth-Token': t, Location: loc});
    }
    if (!open && !authed)
      return send(401, redfishError('Authentication required'), {'WWW-Authenticate': 'Basic realm="Redfish"'});
    if (method === 'DELETE' && path.startsWith('/redfish/v1/SessionService/Sessions/')) {
      delete tree[path];
      return send(204);
    }
    if (method === 'GET') {
      // Later pages of a paged collection live under their ?$skip= URL.
      const r = query ? tree[`${path}?${decodeURIComponent(query)}`] : tree[path];
      return r === undefined ? send(404, redfishError(`${path} not found`)) : send(200, r);
    }
    if (method === 'PATCH' && tree[path] && typeof body === 'object' && body !== null) {
      const target = tree[path] as Record<string, unknown>;
      for (const [k, v] of Object.entries(body)) {
        const cur = target[k];
        target[k] = cur && typeof cur === 'object' && v && typeof v === 'object' ? {...cur, ...v} : v;
      }
      return send(200, target);
    }
    const reset = /^(.*)\/Actions\/ComputerSystem\.Reset$/.exec(path);
    if (method === 'POST' && reset && tree[reset[1]!]) {
      const type = String((body as {ResetType?: unknown} | undefined)?.ResetType ?? 'On');
      const sys = tree[reset[1]!] as Record<string, unknown>;
      sys.PowerState = /Off|Shutdown/.test(type) ? 'Off' : 'On';
      send(204);
      options.onReset?.(reset[1]!, type);
      return;
    }
    return send(405, redfishError(`${method} not allowed on ${path}`));
  };

  let connections = 0;
  const pending = new Set<NodeJS.Timeout>();
  const server = https.createServer({key: tlsCreds.key, cert: tlsCreds.cert}, (req, res) => {
    const run = () =>
      handler(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    const delay = options.slowPath?.match.test(req.url ?? '') ? options.slowPath.ms : (options.latencyMs ?? 0);
    if (!delay) return void run();
    const t = setTimeout(() => (pending.delete(t), void run()), delay);
    pending.add(t);
  });
  server.on('secureConnection', () => void connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const bmc: RunningRedfishBmc = {
    host,
    port,
    key: `${host}:${port}`,
    url: `https://${host}:${port}`,
    fingerprint: fingerprintOf(tlsCreds.cert),
    get tls() {
      return tlsCreds;
    },
    requests,
    get connections() {
      return connections;
    },
    tree,
    async rotateCertificate() {
      tlsCreds = await selfSigned(host);
      server.setSecureContext({key: tlsCreds.key, cert: tlsCreds.cert});
      bmc.fingerprint = fingerprintOf(tlsCreds.cert);
      return bmc.fingerprint;
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const t of pending) clearTimeout(t);
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return bmc;
}

function redfishError(message: string) {
  return {error: {code: 'Base.1.8.GeneralError', message, '@Message.ExtendedInfo': []}};
}

export function defaultMachine(): SimulatedMachine {
  return {
    uuid: '4c4c4544-0042-3510-8051-b7c04f443232',
    serial: 'DEMO0001',
    manufacturer: 'Contoso',
    model: 'R1000',
    macs: ['52:54:00:aa:bb:01', '52:54:00:aa:bb:02'],
    disk: {protocol: 'NVMe', capacityBytes: 480_103_981_056, model: 'NVMe SSD 480GB'},
  };
}
