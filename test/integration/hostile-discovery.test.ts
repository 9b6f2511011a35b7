// What a hostile machine on the segment can send is shown on screen: a BMC's Redfish strings and a DHCP
// packet's text options. None may carry a terminal control into the wizard.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {startRedfishBmc, type RunningRedfishBmc, type RedfishTree} from '../../source/demo/redfish-bmc.js';
import {probeRedfish} from '../../source/discovery/redfish-client.js';
import {expandTargets} from '../../source/discovery/targets.js';
import {parseDhcp} from '../../source/discovery/dhcp-packet.js';
import {buildDiscover} from '../../source/discovery/dhcp-build.js';

const HOSTILE = '\u001b]2;PWNED\u0007\u001b[41m\u009b31m';
const RAW = /[\u0000-\u001f\u007f-\u009f]/;
const started: RunningRedfishBmc[] = [];
after(async () => {
  await Promise.all(started.map(b => b.close()));
});

test(
  'Redfish: a BMC whose Manufacturer, Model, SerialNumber and drive names hold escapes is read without them',
  {timeout: 30_000},
  async () => {
    const tree = JSON.parse(
      readFileSync(new URL('../fixtures/redfish/dmtf-standard.json', import.meta.url), 'utf8'),
    ) as RedfishTree;
    for (const [path, node] of Object.entries(tree)) {
      const n = node as Record<string, unknown>;
      for (const key of ['Manufacturer', 'Model', 'SerialNumber', 'Name'])
        if (typeof n[key] === 'string') n[key] = `${n[key] as string}${HOSTILE}`;
      tree[path] = n as RedfishTree[string];
    }
    const b = await startRedfishBmc({tree});
    started.push(b);
    const target = expandTargets([b.key]);
    assert.ok(target.ok);
    const r = await probeRedfish(target.targets[0]!, {
      credentials: {username: 'root', password: 'calvin'},
      tls: {fingerprint: b.fingerprint},
      timeoutMs: 10_000,
    });
    assert.equal(r.kind, 'ok', JSON.stringify(r));
    const text = JSON.stringify(r);
    // JSON.stringify escapes controls as \uXXXX or \e: look at the parsed strings instead.
    const strings: string[] = [];
    JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && strings.push(v), v));
    for (const s of strings) assert.doesNotMatch(s, RAW, JSON.stringify(s));
    const sys = (r as Extract<typeof r, {kind: 'ok'}>).bmc.systems[0]!;
    assert.equal(sys.manufacturer, 'Fabrikam');
    assert.equal(sys.model, 'FX-200');
  },
);

test('DHCP: a hostname and vendor class with controls are read with "?" in their place', () => {
  const packet = buildDiscover({
    mac: '52:54:00:aa:bb:01',
    hostname: `node${HOSTILE}`,
    vendorClass: `PXEClient:Arch:00007${HOSTILE}`,
  });
  const r = parseDhcp(packet);
  assert.ok(r.ok);
  assert.doesNotMatch(r.packet.hostname ?? '', RAW);
  assert.doesNotMatch(r.packet.vendorClass ?? '', RAW);
  assert.match(r.packet.hostname ?? '', /^node\?\]2;PWNED\?/);
});
