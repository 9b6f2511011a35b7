// A simulated BMC for the demo world and tests: HTTPS on loopback with a self-signed certificate made at
// start, serving a Redfish tree in one of two vendor shapes (DMTF-standard, Dell iDRAC-like ids) built
// from a machine description, or any hand-written tree (the fixtures). Basic auth or a session token
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
}

export type BmcShape = 'dmtf' | 'dell';

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

/** Builds a Redfish tree for one machine in the given vendor shape. */
export function buildBmcTree(m: SimulatedMachine, shape: BmcShape = 'dmtf'): RedfishTree {
  const dell = shape === 'dell';
  const sysId = dell ? 'System.Embedded.1' : m.serial;
  const mgrId = dell ? 'iDRAC.Embedded.1' : 'BMC';
  const chassisId = dell ? 'System.Embedded.1' : '1U';
  const storageId = dell ? 'RAID.Integrated.1-1' : '1';
  const driveId = dell ? 'Disk.Bay.0:Enclosure.Internal.0-1:RAID.Integrated.1-1' : '0';
  const nicId = (i: number) => (dell ? `NIC.Integrated.1-${i + 1}-1` : `NIC${i + 1}`);
  const sys = `/redfish/v1/Systems/${sysId}`;
  const mgr = `/redfish/v1/Managers/${mgrId}`;
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
    [`${sys}/EthernetInterfaces`]: collection(
      `${sys}/EthernetInterfaces`,
      'EthernetInterface',
      m.macs.map((_, i) => `${sys}/EthernetInterfaces/${nicId(i)}`),
    ),
    [`${sys}/Storage`]: collection(`${sys}/Storage`, 'Storage', [`${sys}/Storage/${storageId}`]),
    [`${sys}/Storage/${storageId}`]: {
      '@odata.id': `${sys}/Storage/${storageId}`,
      '@odata.type': '#Storage.v1_9_0.Storage',
      Id: storageId,
      Name: dell ? 'PERC H755 Front' : 'Local Storage Controller',
      Drives: [ref(`${sys}/Storage/${storageId}/Drives/${driveId}`)],
      'Drives@odata.count': 1,
    },
    [`${sys}/Storage/${storageId}/Drives/${driveId}`]: {
      '@odata.id': `${sys}/Storage/${storageId}/Drives/${driveId}`,
      '@odata.type': '#Drive.v1_9_0.Drive',
      Id: driveId,
      Name: dell ? 'Solid State Disk 0:1:0' : 'Drive 0',
      Model: m.disk.model ?? `${m.disk.protocol} disk`,
      CapacityBytes: m.disk.capacityBytes,
      Protocol: m.disk.protocol,
      MediaType: m.disk.mediaType ?? 'SSD',
      SerialNumber: `${m.serial}-D0`,
      Status: {State: 'Enabled', Health: 'OK'},
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
    [`${mgr}/EthernetInterfaces`]: collection(`${mgr}/EthernetInterfaces`, 'EthernetInterface', [`${mgr}/EthernetInterfaces/eth0`]),
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
  m.macs.forEach((mac, i) => {
    const p = `${sys}/EthernetInterfaces/${nicId(i)}`;
    tree[p] = {
      '@odata.id': p,
      '@odata.type': '#EthernetInterface.v1_6_0.EthernetInterface',
      Id: nicId(i),
      Name: dell ? `Integrated NIC 1 Port ${i + 1} Partition 1` : `Ethernet Interface ${i + 1}`,
      MACAddress: mac.toUpperCase(),
      PermanentMACAddress: mac.toUpperCase(),
      SpeedMbps: 25000,
      LinkStatus: i === 0 ? 'LinkUp' : 'NoLink',
      Status: {State: 'Enabled', Health: 'OK'},
    };
  });
  return tree;
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
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
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
    : buildBmcTree(options.machine ?? defaultMachine(), options.shape ?? 'dmtf');
  let tlsCreds = options.credentials ?? (await selfSigned(host));
  const tokens = new Set<string>();
  const requests: BmcRequestRecord[] = [];
  const expected = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const rawPath = (req.url ?? '/').split('?')[0]!;
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
    const open = method === 'GET' && (path === '/redfish' || path === '/redfish/v1/' || path === '/redfish/v1/$metadata');
    const isLogin = method === 'POST' && path === '/redfish/v1/SessionService/Sessions';
    const token = req.headers['x-auth-token'];
    const authed = req.headers.authorization === expected || (typeof token === 'string' && tokens.has(token));
    if (isLogin) {
      const b = body as {UserName?: unknown; Password?: unknown} | undefined;
      if (b?.UserName !== username || b?.Password !== password) return send(401, redfishError('Invalid username or password'));
      const t = randomBytes(16).toString('hex');
      tokens.add(t);
      const id = String(tokens.size);
      const loc = `/redfish/v1/SessionService/Sessions/${id}`;
      tree[loc] = {'@odata.id': loc, '@odata.type': '#Session.v1_3_0.Session', Id: id, Name: 'Session', UserName: username};
      return send(201, tree[loc], {'X-Auth-Token': t, Location: loc});
    }
    if (!open && !authed) return send(401, redfishError('Authentication required'), {'WWW-Authenticate': 'Basic realm="Redfish"'});
    if (method === 'DELETE' && path.startsWith('/redfish/v1/SessionService/Sessions/')) {
      delete tree[path];
      return send(204);
    }
    if (method === 'GET') {
      const r = tree[path];
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

  const server = https.createServer({key: tlsCreds.key, cert: tlsCreds.cert}, (req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
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
    tree,
    async rotateCertificate() {
      tlsCreds = await selfSigned(host);
      server.setSecureContext({key: tlsCreds.key, cert: tlsCreds.cert});
      bmc.fingerprint = fingerprintOf(tlsCreds.cert);
      return bmc.fingerprint;
    },
    close: () =>
      new Promise<void>(resolve => {
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
