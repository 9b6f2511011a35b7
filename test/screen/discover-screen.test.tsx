// The Discover screen inside the app shell, against simulated BMCs on loopback reached through a route
// table (the screen only knows 10.20.1.11/12:443) and PXE DISCOVERs sent to its listener.
import {test, afterEach, after, before} from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import {newSession, type Session} from '../../source/session/schema.js';
import {NetRouteError, type Net} from '../../source/ports.js';
import {startRedfishBmc, type RunningRedfishBmc} from '../../source/demo/redfish-bmc.js';
import {pxeRomDiscover, sendDiscover} from '../../source/demo/pxe-sender.js';
import {DEMO_SERVERS, freeUdpPort} from '../../source/demo/parts/discovery.js';
import {discoverData} from '../../source/steps/discover/step.js';
import {appTree} from '../helpers/app.js';
import {cleanupInk, KEYS, renderInk} from '../helpers/ink.js';

afterEach(() => cleanupInk());

const bmcs: RunningRedfishBmc[] = [];
before(async () => {
  for (const s of DEMO_SERVERS)
    bmcs.push(await startRedfishBmc({machine: s.machine, shape: s.shape, username: 'admin', password: 'pw-123'}));
});
after(async () => {
  await Promise.all(bmcs.map(b => b.close()));
});

const net: Net = {
  route: (host, port) => {
    const i = DEMO_SERVERS.findIndex(s => s.bmcIp === host);
    if (i < 0 || port !== 443) throw new NetRouteError(`${host}:${port} is not routed`);
    return {host: bmcs[i]!.host, port: bmcs[i]!.port};
  },
  lookup: async () => [],
};

function atDiscover(answers: Session['answers']): Session {
  const s = newSession('lab1', 'real');
  s.steps.welcome = {state: 'done', attempts: []};
  s.steps.preflight = {state: 'done', attempts: []};
  return {...s, currentStep: 'discover', answers: {...s.answers, ...answers}};
}

function mount(
  session: Session,
  opts: {assumeYes?: boolean; autoplay?: boolean; columns?: number; rows?: number} = {},
) {
  const {tree, controller, ports} = appTree({
    session,
    ports: {net, assumeYes: opts.assumeYes ?? false, speed: 20},
    secret: (key, live) => (key === 'redfish' ? live.answers.discovery?.redfish?.password : undefined),
    autoplay: opts.autoplay ?? false,
  });
  const r = renderInk(tree, {columns: opts.columns ?? 120, rows: opts.rows ?? 30});
  return {r, controller, ports};
}

test(
  'discover screen: type the BMC password, trust each certificate, the table fills; pick and continue',
  {timeout: 30_000},
  async () => {
    const {r, controller} = mount(
      atDiscover({discovery: {redfish: {targets: ['10.20.1.11', '10.20.1.12'], username: 'admin'}}}),
    );
    await r.waitFor('choose the sources');
    // Rows: PXE, capture, Redfish, username, password...
    await r.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    await r.type('pw-123');
    await r.press(KEYS.enter);
    const masked = await r.waitFor(/BMC password +\*{6}/);
    assert.doesNotMatch(masked, /pw-123/);
    await r.press('s');
    const ask = await r.waitFor(/Trust it\? y\/n/, {timeoutMs: 10_000});
    assert.match(
      ask,
      new RegExp(`SHA-256 ${bmcs[0]!.fingerprint.slice(0, 20)}|SHA-256 ${bmcs[1]!.fingerprint.slice(0, 20)}`),
    );
    await r.press('y');
    await r.waitFor(/Trust it\? y\/n/, {timeoutMs: 10_000});
    await r.press('y');
    const table = await r.waitFor(/2 found/, {timeoutMs: 10_000});
    assert.match(table, /52:54:00:20:00:11 +10\.20\.1\.11 +\/dev\/nvme0n1/);
    assert.match(table, /52:54:00:20:00:12 +10\.20\.1\.12 +\/dev\/sda/);
    assert.match(table, /Supermicro SYS-1029U/);
    assert.doesNotMatch(table, /pw-123/);
    // Enter without a pick is refused.
    await r.press(KEYS.enter);
    await r.waitFor('Pick at least one machine');
    // Pick the first (cp), then the second as worker.
    await r.press(' ', KEYS.down, 'w');
    const picked = await r.waitFor('2 picked');
    assert.match(picked, /\[x\] cp /);
    assert.match(picked, /\[x\] worker /);
    await r.press(KEYS.enter);
    await r.waitFor(() => controller.get().currentStep === 'hardware', {timeoutMs: 5000});
    const s = controller.get();
    assert.deepEqual(Object.keys(s.trust).sort(), ['10.20.1.11', '10.20.1.12']);
    const data = discoverData(s)!;
    assert.equal(data.machines.length, 2);
    assert.deepEqual(
      data.selected.map(x => x.role),
      ['cp', 'worker'],
    );
    assert.doesNotMatch(JSON.stringify(s.steps), /pw-123/);
    // The Hardware screen starts from the picks with suggestions.
    const hw = await r.waitFor('Machine 1/2');
    assert.match(hw, /hostname +eksa-cp01/);
    assert.match(hw, /disk +\/dev\/nvme0n1/);
  },
);

test(
  'discover screen: PXE DISCOVERs on the listener port appear live and merge with Redfish by UUID/MAC',
  {timeout: 30_000},
  async () => {
    const port = await freeUdpPort();
    const {r} = mount(
      atDiscover({
        discovery: {
          pxe: {enabled: true, port},
          redfish: {targets: ['10.20.1.11'], username: 'admin', password: 'pw-123'},
        },
      }),
      {assumeYes: true},
    );
    await r.waitFor('choose the sources');
    await r.press('s');
    await r.waitFor(/pxe: running · listening on UDP/, {timeoutMs: 10_000});
    await r.waitFor(/1 found/, {timeoutMs: 10_000});
    await sendDiscover(pxeRomDiscover(DEMO_SERVERS[0]!.machine.macs[0]!, DEMO_SERVERS[0]!.machine.uuid), {port});
    await sendDiscover(pxeRomDiscover('52:54:00:99:99:01'), {port});
    const screen = await r.waitFor(/2 found[\s\S]*2 requests/, {timeoutMs: 10_000});
    assert.match(screen, /52:54:00:20:00:11 +10\.20\.1\.11 .* RP /);
    assert.match(screen, /52:54:00:99:99:01 +- +- +P$/m);
  },
);

test(
  'discover screen: a PXE port that cannot be bound is a clear message, not a crash',
  {timeout: 30_000},
  async () => {
    // Another process holds the port without SO_REUSEADDR (as a DHCP server would).
    const holder = dgram.createSocket({type: 'udp4', reuseAddr: false});
    await new Promise<void>(r => holder.bind(0, '0.0.0.0', () => r()));
    try {
      const {r} = mount(atDiscover({discovery: {pxe: {enabled: true, port: holder.address().port}}}));
      await r.waitFor('choose the sources');
      await r.press('s');
      const screen = await r.waitFor(/pxe: failed/, {timeoutMs: 10_000});
      assert.match(screen, /Cannot listen on UDP 0\.0\.0\.0:\d+: another process holds the port/);
      // Still alive: the screen answers keys.
      await r.press('e');
      await r.waitFor('choose the sources');
    } finally {
      holder.close();
    }
  },
);

test('discover screen: resume shows the saved table; fits 80x24', {timeout: 30_000}, async () => {
  const s = atDiscover({});
  s.steps.discover = {
    state: 'done',
    attempts: [],
    summary: '2 of 2 machines picked',
    data: {
      machines: [
        {
          id: 'mac:52:54:00:20:00:11',
          sources: ['redfish', 'pxe'],
          macs: ['52:54:00:20:00:11'],
          bootMac: '52:54:00:20:00:11',
          pxe: true,
          vendor: 'Supermicro',
          model: 'SYS-1029U',
          bmc: {address: '10.20.1.11'},
          disk: {device: '/dev/nvme0n1', reason: 'x'},
          conflicts: [],
        },
        {
          id: 'mac:52:54:00:20:00:12',
          sources: ['redfish'],
          macs: ['52:54:00:20:00:12'],
          pxe: false,
          bmc: {address: '10.20.1.12'},
          disk: {device: '/dev/sda', reason: 'x'},
          conflicts: [],
        },
      ],
      selected: [
        {id: 'mac:52:54:00:20:00:11', role: 'cp'},
        {id: 'mac:52:54:00:20:00:12', role: 'worker'},
      ],
      sources: ['redfish', 'pxe'],
    },
  };
  const {r} = mount(s, {columns: 80, rows: 24});
  const screen = await r.waitFor('Results of the last discovery');
  assert.match(screen, /2 found · 2 picked/);
  assert.match(screen, /\[x\] cp +52:54:00:20:00:11/);
  const lines = screen.split('\n');
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  assert.ok(
    lines.every(l => l.length <= 80),
    lines.find(l => l.length > 80),
  );
});

test(
  'discover screen: the highlighted machine shows where its boot MAC came from, the disk reasoning and warnings',
  {timeout: 30_000},
  async () => {
    const s = atDiscover({});
    s.steps.discover = {
      state: 'done',
      attempts: [],
      summary: '0 of 1 machines picked',
      data: {
        machines: [
          {
            id: 'mac:84:16:0c:39:a1:e2',
            sources: ['redfish'],
            macs: ['84:16:0c:39:a1:e2', '84:16:0c:39:a1:e3'],
            bootMac: '84:16:0c:39:a1:e2',
            bootMacSource: 'redfish:BootOrder',
            bootMacDetail: 'Boot0013 OCP Slot 10 Port 1 (PXE IPv4)',
            pxe: false,
            vendor: 'HPE',
            model: 'ProLiant DL365 Gen10 Plus',
            bmc: {address: '10.20.1.21'},
            disk: {
              device: '/dev/sda',
              reason: 'mirrored volume Logical Drive 1 (RAID1, 1.6 TB) on RAID controller HPE SR932i-p',
            },
            conflicts: [],
            warnings: ['interface HPCNet1 reports no MAC address'],
          },
        ],
        selected: [],
        sources: ['redfish'],
      },
    };
    const {r} = mount(s, {columns: 160, rows: 30});
    const screen = await r.waitFor('Results of the last discovery');
    assert.match(
      screen,
      /boot MAC 84:16:0c:39:a1:e2 from redfish:BootOrder \(Boot0013 OCP Slot 10 Port 1 \(PXE IPv4\)\)/,
    );
    assert.match(screen, /disk \/dev\/sda: mirrored volume Logical Drive 1 \(RAID1, 1\.6 TB\)/);
    assert.match(screen, /! interface HPCNet1 reports no MAC address/);
  },
);

test('discover screen: autoplay starts, trusts, waits for PXE, picks and goes on', {timeout: 40_000}, async () => {
  const port = await freeUdpPort();
  const session = atDiscover({
    admin: {bootstrapIp: '10.20.0.10'},
    network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
    discovery: {
      pxe: {enabled: true, port},
      redfish: {targets: ['10.20.1.11', '10.20.1.12'], username: 'admin', password: 'pw-123'},
    },
  });
  const {r, controller} = mount(session, {autoplay: true});
  await r.waitFor(/2 found/, {timeoutMs: 15_000});
  for (const s of DEMO_SERVERS) await sendDiscover(pxeRomDiscover(s.machine.macs[0]!, s.machine.uuid), {port});
  await r.waitFor(() => controller.get().steps.discover.state === 'done', {timeoutMs: 20_000});
  const data = discoverData(controller.get())!;
  assert.equal(data.machines.filter(m => m.bootMac).length, 2);
  assert.deepEqual(
    data.selected.map(x => x.role),
    ['cp', 'worker'],
  );
  // The hardware screen then plays itself through to a written hardware.csv.
  await r.waitFor(() => controller.get().steps.hardware.state === 'done', {timeoutMs: 20_000});
  assert.equal(controller.get().artifacts.hardwareCsv, 'hardware.csv');
});

test(
  'discover screen: Esc on "Trust it?" answers no and stays; leaving keeps the machines found; a burst of keys each acts',
  {timeout: 40_000},
  async () => {
    const {r, controller} = mount(
      atDiscover({
        discovery: {redfish: {targets: ['10.20.1.11', '10.20.1.12'], username: 'admin', password: 'pw-123'}},
      }),
    );
    await r.waitFor('choose the sources');
    await r.press('s');
    await r.waitFor(/Trust it\? y\/n/, {timeoutMs: 10_000});
    await r.press('y');
    await r.waitFor(/Trust it\? y\/n/, {timeoutMs: 10_000});
    await r.press(KEYS.escape);
    const stayed = await r.waitFor(s => !/Trust it\?/.test(s) && /1 found/.test(s), {timeoutMs: 10_000});
    assert.match(stayed, /Discover machines · 1 found/);
    assert.equal(controller.get().currentStep, 'discover', 'Esc on the prompt stays on the step');
    // Space c Down Space w in one read: pick the first as cp, then the next... only one machine here,
    // so Down stays on it and w makes it a worker: every key acted, in order.
    r.stdin.write(` c${KEYS.down} w`);
    await r.waitFor(/1 picked/);
    await r.waitFor(/\[x\] worker /);
    // Esc now leaves the step; what it found stays in the session and is shown on coming back.
    await r.press(KEYS.escape);
    await r.waitFor(() => controller.get().currentStep === 'preflight');
    const kept = discoverData(controller.get());
    assert.equal(kept?.machines.length, 1);
    assert.deepEqual(
      kept?.selected.map(s => s.role),
      ['worker'],
    );
    controller.dispatch({type: 'next'});
    const back = await r.waitFor('Results of the last discovery');
    assert.match(back, /1 found · 1 picked/);
  },
);

test(
  'discover screen: Space c Down Space w in one read picks two machines with their roles',
  {timeout: 40_000},
  async () => {
    const {r} = mount(
      atDiscover({
        discovery: {redfish: {targets: ['10.20.1.11', '10.20.1.12'], username: 'admin', password: 'pw-123'}},
      }),
      {assumeYes: true},
    );
    await r.waitFor('choose the sources');
    await r.press('s');
    await r.waitFor(/2 found/, {timeoutMs: 10_000});
    r.stdin.write(` c${KEYS.down} w`);
    const picked = await r.waitFor('2 picked');
    assert.match(picked, /\[x\] cp /);
    assert.match(picked, /\[x\] worker /);
  },
);
