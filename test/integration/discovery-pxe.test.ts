import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import {spawn} from 'node:child_process';
import {startPxeListener, type RunningPxeListener} from '../../source/discovery/pxe-listener.js';
import {startPxeCapture} from '../../source/discovery/pxe-capture.js';
import {nextPxeEvent, type PxeEvent} from '../../source/discovery/pxe-events.js';
import {buildDiscover} from '../../source/discovery/dhcp-build.js';
import {sendDiscover, pxeRomDiscover} from '../../source/demo/pxe-sender.js';
import {
  createNetnsPair,
  netnsSkipReason,
  runIn,
  startListenerIn,
  waitFor,
  type NetnsPair,
} from '../helpers/discovery-netns.js';

const UUID = 'a1234567-89ab-cdef-a123-456789abcdef';
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function loopbackListener(): Promise<RunningPxeListener> {
  const r = await startPxeListener({port: 0, address: '127.0.0.1'});
  assert.ok(r.ok, r.ok ? '' : r.error);
  cleanups.push(() => r.listener.close());
  return r.listener;
}

test(
  'loopback: a PXE DISCOVER from the demo sender arrives parsed; replies and garbage are counted, not emitted',
  {timeout: 15_000},
  async () => {
    const l = await loopbackListener();
    const events: PxeEvent[] = [];
    l.subscribe(e => events.push(e));
    const next = nextPxeEvent(l, {timeoutMs: 5000});
    await sendDiscover(pxeRomDiscover('52:54:00:aa:bb:10', UUID), {port: l.port});
    const e = await next;
    assert.ok(e);
    assert.equal(e.via, 'socket');
    assert.equal(e.packet.chaddr, '52:54:00:aa:bb:10');
    assert.equal(e.packet.uuid, UUID);
    assert.equal(e.packet.isNetboot, true);

    const sock = dgram.createSocket('udp4');
    cleanups.push(() => sock.close());
    const offer = Buffer.from(buildDiscover({mac: '52:54:00:aa:bb:11'}));
    offer[0] = 2;
    const send = (b: Uint8Array) => new Promise<void>(r => sock.send(b, l.port, '127.0.0.1', () => r()));
    await send(offer);
    await send(Buffer.from('definitely not dhcp'));
    await sendDiscover({mac: '52:54:00:aa:bb:12', messageType: 'REQUEST'}, {port: l.port});
    await waitFor(
      () => (l.stats.requests >= 2 && l.stats.ignored >= 1 && l.stats.invalid >= 1 ? true : undefined),
      3000,
    );
    assert.deepEqual(
      events.map(x => x.packet.messageType),
      ['DISCOVER', 'REQUEST'],
    );
    assert.equal(l.stats.ignored, 1);
    assert.equal(l.stats.invalid, 1);
    assert.match(l.stats.lastInvalid ?? '', /too short/);
  },
);

test(
  'port held without SO_REUSEADDR: a clear message, no crash; abort closes the listener',
  {timeout: 15_000},
  async () => {
    const holder = dgram.createSocket({type: 'udp4', reuseAddr: false});
    await new Promise<void>(r => holder.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => holder.close());
    const r = await startPxeListener({port: holder.address().port, address: '127.0.0.1'});
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.code === 'EADDRINUSE');
    assert.match(!r.ok ? r.error : '', /SO_REUSEADDR/);

    const bad = await startPxeListener({port: 0, interface: 'no-such-if0'});
    assert.ok(!bad.ok && /No network interface/.test(bad.error));

    const ctrl = new AbortController();
    const ok = await startPxeListener({port: 0, address: '127.0.0.1', signal: ctrl.signal});
    assert.ok(ok.ok);
    ctrl.abort();
    await new Promise(res => setTimeout(res, 50));
    // A closed socket's port can be bound again without reuse.
    const again = dgram.createSocket({type: 'udp4'});
    await new Promise<void>((res, rej) => {
      again.once('error', rej);
      again.bind(ok.listener.port, '127.0.0.1', () => res());
    });
    again.close();
  },
);

const udhcpcSkip = netnsSkipReason('busybox');
const dhclientSkip = netnsSkipReason('dhclient');
const tcpdumpSkip = netnsSkipReason('busybox', 'tcpdump');

function udhcpcArgs(iface: string): string[] {
  return [
    'busybox',
    'udhcpc',
    '-i',
    iface,
    '-n',
    '-q',
    '-t',
    '2',
    '-T',
    '1',
    '-A',
    '1',
    '-V',
    'PXEClient:Arch:00007:UNDI:003016',
    '-x',
    '93:0007',
    '-x',
    '94:010310',
    '-x',
    '97:00a123456789abcdefa123456789abcdef',
    '-x',
    'hostname:node-01',
    '-s',
    '/bin/true',
  ];
}

function pair(mac: string): NetnsPair {
  const p = createNetnsPair(mac);
  cleanups.push(() => p.cleanup());
  return p;
}

test(
  'real busybox udhcpc in a namespace: the listener on :67 sees its PXE DISCOVER',
  {timeout: 40_000, skip: udhcpcSkip},
  async () => {
    const p = pair('52:54:00:aa:bb:01');
    const l = await startListenerIn(p.srv, 67);
    cleanups.push(() => l.stop());
    await runIn(p.node, udhcpcArgs(p.nodeIf), 15_000);
    const e = await waitFor(() => l.events[0], 5000);
    assert.ok(e, 'no DISCOVER received');
    const packet = e.packet as Record<string, unknown>;
    assert.equal(packet.chaddr, '52:54:00:aa:bb:01');
    assert.equal(packet.messageType, 'DISCOVER');
    assert.equal(packet.vendorClass, 'PXEClient:Arch:00007:UNDI:003016');
    assert.equal(packet.hostname, 'node-01');
    assert.deepEqual(packet.clientArch, [7]);
    assert.equal(packet.nii, '1.3.16');
    assert.equal(packet.uuid, UUID);
    assert.equal(packet.isNetboot, true);
    assert.ok(e.raw, 'the second reuseAddr socket on :67 received it too');
  },
);

test(
  'real ISC dhclient in a namespace: option 77 iPXE and option 97 arrive',
  {timeout: 40_000, skip: dhclientSkip},
  async () => {
    const p = pair('52:54:00:aa:bb:02');
    const l = await startListenerIn(p.srv, 67);
    cleanups.push(() => l.stop());
    const {mkdtempSync, writeFileSync, rmSync} = await import('node:fs');
    const {tmpdir} = await import('node:os');
    const {join} = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-dhclient-'));
    cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
    const conf = join(dir, 'pxe.conf');
    writeFileSync(
      conf,
      [
        'option pxe-arch code 93 = unsigned integer 16;',
        'option pxe-uuid code 97 = string;',
        'send vendor-class-identifier "PXEClient:Arch:00000:UNDI:002001";',
        'send pxe-arch 0;',
        'send pxe-uuid 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00;',
        'send user-class "iPXE";',
        '',
      ].join('\n'),
    );
    await runIn(
      p.node,
      [
        'timeout',
        '4',
        'dhclient',
        '-4',
        '-d',
        '-1',
        '-cf',
        conf,
        '-lf',
        join(dir, 'leases'),
        '-pf',
        join(dir, 'pid'),
        '-sf',
        '/bin/true',
        p.nodeIf,
      ],
      10_000,
    );
    const e = await waitFor(() => l.events[0], 5000);
    assert.ok(e, 'no DISCOVER received');
    const packet = e.packet as Record<string, unknown>;
    assert.equal(packet.chaddr, '52:54:00:aa:bb:02');
    assert.equal(packet.userClass, 'iPXE');
    assert.deepEqual(packet.clientArch, [0]);
    assert.equal(packet.uuid, '11223344-5566-7788-99aa-bbccddeeff00');
  },
);

test(
  'passive capture through tcpdump in a namespace: DISCOVER with interface and source MAC',
  {timeout: 40_000, skip: tcpdumpSkip},
  async () => {
    const p = pair('52:54:00:aa:bb:03');
    const cap = startPxeCapture({
      iface: p.srvIf,
      spawn: (cmd, args) => spawn('ip', ['netns', 'exec', p.srv, cmd, ...args], {stdio: ['ignore', 'pipe', 'pipe']}),
    });
    cleanups.push(() => cap.stop());
    const next = nextPxeEvent(cap, {timeoutMs: 20_000});
    // tcpdump needs a moment to open the interface; udhcpc retries cover it, and we retry once more.
    await new Promise(r => setTimeout(r, 1000));
    let e: PxeEvent | null = null;
    for (let i = 0; i < 3 && !e; i += 1) {
      await runIn(p.node, udhcpcArgs(p.nodeIf), 10_000);
      e = await Promise.race([next, new Promise<null>(r => setTimeout(() => r(null), 1500))]);
    }
    assert.ok(e, 'no DISCOVER captured');
    assert.equal(e.via, 'capture');
    assert.equal(e.iface, p.srvIf);
    assert.equal(e.srcMac, '52:54:00:aa:bb:03');
    assert.equal(e.packet.chaddr, '52:54:00:aa:bb:03');
    assert.equal(e.packet.isNetboot, true);
    cap.stop();
    assert.deepEqual(await cap.done, {ok: true});
  },
);

test(
  'capture on a missing interface ends with a plain reason',
  {timeout: 20_000, skip: netnsSkipReason('tcpdump')},
  async () => {
    const cap = startPxeCapture({iface: 'no-such-if0'});
    const r = await cap.done;
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /tcpdump/);
  },
);
