// The discovery part of the demo: its two simulated BMCs are found through the part's routes (the
// steps only know 10.20.1.11/12:443), the PXE DISCOVERs of its ROMs land on the same machines, and the
// hardware step builds hardware.csv from the result. All on loopback.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDiscoveryDemo, DEMO_SERVERS, DEMO_BMC_PASSWORD} from '../../source/demo/parts/discovery.js';
import type {DemoWorld} from '../../source/demo/world.js';
import {createDemoNet} from '../../source/demo/net.js';
import {openSession} from '../../source/wizard/open-session.js';
import {getStep} from '../../source/wizard/registry.js';
import {discoverData} from '../../source/steps/discover/step.js';
import {stepContext} from '../helpers/step-context.js';

test(
  'demo discovery part: both BMCs found through routes, PXE attributed, hardware.csv built',
  {timeout: 60_000},
  async () => {
    const abort = new AbortController();
    const home = mkdtempSync(join(tmpdir(), 'eksa-kong-demo-disc-'));
    const part = await startDiscoveryDemo({} as DemoWorld, {sessionDir: home, speed: 50, signal: abort.signal});
    const opened = await openSession({
      home,
      name: 'demo1',
      create: 'demo',
      answers: part.answers,
      env: {},
      command: 'test',
      speed: 50,
      assumeYes: true,
      net: createDemoNet(part.routes, part.dns),
    });
    try {
      // The inline demo password went to secrets.json, not session.json.
      assert.doesNotMatch(readFileSync(join(opened.dir, 'session.json'), 'utf8'), new RegExp(DEMO_BMC_PASSWORD));
      const {ctx, said: lines} = stepContext(opened.controller, opened.ports, {secret: opened.secret});
      const outcome = await getStep('discover').runHeadless!(ctx, abort.signal);
      opened.controller.dispatch({
        type: 'step-finished',
        step: 'discover',
        at: new Date().toISOString(),
        summary: outcome.summary,
        data: outcome.data,
      });
      const data = discoverData(opened.controller.get())!;
      assert.equal(data.machines.length, 2, lines.join('\n'));
      for (const server of DEMO_SERVERS) {
        const m = data.machines.find(x => x.bmc?.address === server.bmcIp);
        assert.ok(m, `${server.bmcIp} inventoried: ${lines.join('\n')}`);
        assert.deepEqual(m.sources, ['redfish', 'pxe']);
        assert.equal(m.bootMac, server.machine.macs[0]);
        assert.equal(m.uuid, server.machine.uuid);
        assert.equal(m.vendor, server.machine.manufacturer);
      }
      assert.deepEqual(data.selected.map(s => s.role).sort(), ['cp', 'worker']);
      // Trusted because of --yes, remembered by simulated address.
      assert.deepEqual(Object.keys(opened.controller.get().trust).sort(), ['10.20.1.11', '10.20.1.12']);
      assert.doesNotMatch(JSON.stringify(opened.controller.get().steps.discover), new RegExp(DEMO_BMC_PASSWORD));

      opened.controller.dispatch({type: 'goto', step: 'hardware'});
      const hw = await getStep('hardware').runHeadless!(ctx, abort.signal);
      assert.match(hw.summary, /2 machines \(1 cp, 1 worker\)/);
      const file = join(opened.dir, 'hardware.csv');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const csv = readFileSync(file, 'utf8');
      assert.match(
        csv,
        /eksa-cp01,10\.20\.1\.11,admin,demo-bmc-pass,52:54:00:20:00:11,10\.20\.0\.11,.*type=cp,\/dev\/nvme0n1/,
      );
      assert.match(
        csv,
        /eksa-wk01,10\.20\.1\.12,admin,demo-bmc-pass,52:54:00:20:00:12,10\.20\.0\.12,.*type=worker,\/dev\/sda/,
      );
      assert.doesNotMatch(readFileSync(join(opened.dir, 'session.json'), 'utf8'), new RegExp(DEMO_BMC_PASSWORD));
    } finally {
      opened.close();
      abort.abort();
      await part.close();
    }
  },
);

test('demo discovery part: an address outside the routes is unreachable, not dialled', {timeout: 30_000}, async () => {
  const abort = new AbortController();
  const part = await startDiscoveryDemo({} as DemoWorld, {sessionDir: tmpdir(), speed: 50, signal: abort.signal});
  try {
    const {sweepRedfish} = await import('../../source/discovery/redfish-sweep.js');
    const net = createDemoNet(part.routes, part.dns);
    const r = await sweepRedfish({
      targets: ['10.20.1.99'],
      credentials: {username: 'admin', password: 'x'},
      route: net.route,
      timeoutMs: 5000,
    });
    assert.ok(r.ok);
    assert.equal(r.results[0]!.kind, 'unreachable');
    assert.match((r.results[0] as {message: string}).message, /not part of the simulated data center/);
  } finally {
    abort.abort();
    await part.close();
  }
});
