import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import {DiscoverySession, type DiscoverySnapshot} from '../../source/discovery/session.js';
import {startRedfishBmc, defaultMachine, type RunningRedfishBmc} from '../../source/demo/redfish-bmc.js';
import {sendDiscover, pxeRomDiscover} from '../../source/demo/pxe-sender.js';
import {importRows} from '../../source/discovery/csv-import.js';
import {smbiosSwap, uuidBytes, formatUuid} from '../../source/discovery/uuid.js';
import {createTestRunner} from '../helpers/discovery-runner.js';
import {waitFor, hasTool} from '../helpers/discovery-netns.js';

const bmcs: RunningRedfishBmc[] = [];
after(async () => {
  await Promise.all(bmcs.map(b => b.close()));
});

async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>(r => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>(r => s.close(() => r()));
  return p;
}

test(
  'session: PXE, Redfish (with trust on first use) and CSV merge into one live table',
  {timeout: 30_000},
  async () => {
    const m1 = {...defaultMachine(), macs: ['52:54:00:00:20:01', '52:54:00:00:20:02']};
    const m2 = {
      ...defaultMachine(),
      serial: 'DEMO0002',
      uuid: '11112222-3333-4444-5555-666677778888',
      macs: ['52:54:00:00:20:11'],
    };
    const b1 = await startRedfishBmc({machine: m1, shape: 'dmtf'});
    const b2 = await startRedfishBmc({machine: m2, shape: 'dell'});
    bmcs.push(b1, b2);
    const port = await freePort();
    const csv = importRows([{mac: '52:54:00:00:20:11', host: 'wk1'}], r => ({mac: r.mac, hostname: r.host}));
    const session = new DiscoverySession({
      pxe: {mode: 'listen', port, address: '127.0.0.1'},
      redfish: {
        targets: [b1.key, b2.key],
        credentials: {username: 'root', password: 'calvin'},
        trust: {[b2.key]: b2.fingerprint},
        timeoutMs: 10_000,
      },
      csv,
    });
    const snapshots: DiscoverySnapshot[] = [];
    session.subscribe(s => snapshots.push(s));
    const ctrl = new AbortController();
    await session.start(ctrl.signal);
    try {
      let snap = session.snapshot();
      assert.equal(snap.sources.pxe.state, 'running');
      assert.equal(snap.sources.redfish.state, 'done');
      assert.equal(snap.sources.csv.state, 'done');
      assert.deepEqual(snap.needsTrust, [{key: b1.key, fingerprint: b1.fingerprint}]);
      assert.equal(snap.machines.length, 1, 'only b2 inventoried, merged with the CSV row');
      assert.deepEqual(snap.machines[0]!.sources, ['csv', 'redfish']);
      assert.equal(snap.machines[0]!.hostname, 'wk1');

      await session.trust(b1.key, b1.fingerprint);
      snap = session.snapshot();
      assert.deepEqual(snap.needsTrust, []);
      assert.equal(snap.machines.length, 2);
      assert.equal(session.trusted[b1.key], b1.fingerprint);

      // m1's ROM sends its UUID SMBIOS-swapped from the second NIC; it must land on m1's row.
      const swapped = formatUuid(smbiosSwap(uuidBytes(m1.uuid)!));
      await sendDiscover(pxeRomDiscover('52:54:00:00:20:02', swapped), {port});
      // An unknown machine PXE-boots too.
      await sendDiscover(pxeRomDiscover('52:54:00:00:20:99'), {port});
      const done = await waitFor(
        () =>
          session.snapshot().machines.length === 3 &&
          session.snapshot().machines.some(x => x.bootMac === '52:54:00:00:20:02')
            ? true
            : undefined,
        5000,
      );
      assert.ok(done, JSON.stringify(session.snapshot().machines));
      snap = session.snapshot();
      const row1 = snap.machines.find(x => x.uuid === m1.uuid)!;
      assert.equal(row1.bootMac, '52:54:00:00:20:02');
      assert.deepEqual(row1.sources, ['redfish', 'pxe']);
      assert.equal(row1.disk?.device, '/dev/nvme0n1');
      assert.equal(snap.machines.find(x => x.bootMac === '52:54:00:00:20:99')?.pxe, true);
      assert.equal(snap.pxeStats?.requests, 2);
      assert.ok(snapshots.length > 3, 'subscribers saw live updates');
    } finally {
      ctrl.abort();
      await new Promise(r => setTimeout(r, 20));
    }
    assert.equal(session.snapshot().sources.pxe.state, 'stopped');
  },
);

test(
  'session: a changed certificate and wrong credentials become problems; PXE bind failure is a failed source',
  {timeout: 30_000},
  async () => {
    const b = await startRedfishBmc({machine: defaultMachine()});
    bmcs.push(b);
    const holder = dgram.createSocket({type: 'udp4'});
    await new Promise<void>(r => holder.bind(0, '127.0.0.1', () => r()));
    try {
      const session = new DiscoverySession({
        pxe: {mode: 'listen', port: holder.address().port, address: '127.0.0.1'},
        redfish: {
          targets: [b.key],
          credentials: {username: 'root', password: 'calvin'},
          trust: {[b.key]: 'AA:BB'},
          timeoutMs: 10_000,
        },
      });
      await session.start();
      const snap = session.snapshot();
      assert.equal(snap.sources.pxe.state, 'failed');
      assert.match(snap.sources.pxe.message ?? '', /SO_REUSEADDR/);
      assert.equal(snap.problems[0]?.kind, 'fingerprintMismatch');
      assert.match(snap.problems[0]?.message ?? '', /refusing to send credentials/);
      await session.stop();
    } finally {
      holder.close();
    }
  },
);

test(
  'session: neighbour table through the command runner',
  {timeout: 20_000, skip: hasTool('ip') ? false : 'needs ip (Debian package iproute2)'},
  async () => {
    const session = new DiscoverySession({runner: createTestRunner(), neighbours: {}});
    await session.start();
    const snap = session.snapshot();
    assert.equal(snap.sources.neighbours.state, 'done', snap.sources.neighbours.message);
    assert.ok(Array.isArray(snap.bmcCandidates));
  },
);
