// Cross-checks the simulated BMC with python3-sushy (OpenStack Ironic's Redfish library), so the mock
// the demo and the tests rely on stays a faithful Redfish service.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startRedfishBmc, defaultMachine, type RunningRedfishBmc} from '../../source/demo/redfish-bmc.js';

const PY = '/usr/bin/python3';
const hasSushy = spawnSync(PY, ['-c', 'import sushy'], {stdio: 'ignore'}).status === 0;

const SCRIPT = `
import json, sys, warnings
warnings.filterwarnings('ignore')
import sushy
from sushy import auth
url, user, pw, ca = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
# The BMC's self-signed certificate is the trust anchor, as a pinned client would have it.
root = sushy.Sushy(url + '/redfish/v1', auth=auth.BasicAuth(user, pw), verify=ca)
out = {'version': root.redfish_version, 'systems': []}
for s in root.get_system_collection().get_members():
    nics = [{'id': n.identity, 'mac': n.mac_address, 'state': str(n.status.state) if n.status else None} for n in s.ethernet_interfaces.get_members()]
    drives = []
    for st in s.storage.get_members():
        for d in st.drives:
            drives.append({'id': d.identity, 'capacity': d.capacity_bytes, 'protocol': str(d.protocol)})
    out['systems'].append({'id': s.identity, 'uuid': s.uuid, 'serial': s.serial_number, 'manufacturer': s.manufacturer, 'power': str(s.power_state), 'nics': nics, 'drives': drives})
    s.set_system_boot_options(sushy.BOOT_SOURCE_TARGET_PXE, enabled=sushy.BOOT_SOURCE_ENABLED_ONCE)
    s.reset_system(sushy.RESET_ON)
print(json.dumps(out))
`;

let bmc: RunningRedfishBmc | undefined;
const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-sushy-'));
after(async () => {
  await bmc?.close();
  rmSync(dir, {recursive: true, force: true});
});

test(
  'python3-sushy reads the simulated BMC and drives boot override and power',
  {timeout: 60_000, skip: hasSushy ? false : 'needs python3-sushy (Debian package)'},
  async () => {
    const resets: string[] = [];
    const m = defaultMachine();
    bmc = await startRedfishBmc({machine: m, shape: 'dell', onReset: (_p, t) => resets.push(t)});
    const ca = join(dir, 'bmc.pem');
    writeFileSync(ca, bmc.tls.cert);
    // requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a session's verify setting: drop them.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE)$/.test(k)),
    );
    const child = spawn(PY, ['-c', SCRIPT, bmc.url, 'root', 'calvin', ca], {stdio: ['ignore', 'pipe', 'pipe'], env});
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const code = await new Promise<number | null>(r => child.on('close', r));
    clearTimeout(timer);
    assert.equal(code, 0, err.slice(-2000));
    const r = JSON.parse(out) as {
      version: string;
      systems: Array<
        Record<string, unknown> & {nics: Array<{mac: string}>; drives: Array<{capacity: number; protocol: string}>}
      >;
    };
    assert.equal(r.version, '1.15.0');
    const s = r.systems[0]!;
    assert.equal(s.id, 'System.Embedded.1');
    assert.equal(s.uuid, m.uuid);
    assert.equal(s.serial, m.serial);
    // Listed in bus order (the PXE NIC last), as the simulated BMC does on purpose.
    assert.deepEqual(s.nics.map(n => n.mac.toLowerCase()).sort(), [...m.macs].sort());
    assert.equal(s.drives[0]!.capacity, m.disk.capacityBytes);
    assert.match(s.drives[0]!.protocol, /NVME|NVMe/i);
    const patch = bmc.requests.find(q => q.method === 'PATCH');
    assert.deepEqual((patch?.body as {Boot?: unknown})?.Boot, {
      BootSourceOverrideTarget: 'Pxe',
      BootSourceOverrideEnabled: 'Once',
    });
    assert.deepEqual(resets, ['On']);
  },
);
