// ipmi_sim (Debian openipmi) on loopback with ipmitool: lan print, mc guid, bootdev pxe, power on; its
// chassis hook plays the machine's PXE ROM so the power-on attribution is tested end to end.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  ipmiLanPrint,
  ipmiSystemGuid,
  ipmiBootdevPxe,
  ipmiPower,
  triggerPxeAndAttribute,
  attributeSequentially,
  type IpmiTarget,
} from '../../source/discovery/ipmi.js';
import {startPxeListener, type RunningPxeListener} from '../../source/discovery/pxe-listener.js';
import {correlate} from '../../source/discovery/correlate.js';
import {createTestRunner} from '../helpers/discovery-runner.js';
import {ipmiSimSkip as skip, startIpmiSim, type IpmiSim} from '../helpers/ipmi-sim.js';

const PASSWORD = 'calvin-Secret9';
const RAW_GUID = 'a123456789abcdefa123456789abcdef';
const BOOT_MAC = '52:54:00:aa:bb:04';

let sim: IpmiSim | undefined;
let listener: RunningPxeListener | undefined;
let port = 0;

before(async () => {
  if (skip) return;
  const l = await startPxeListener({port: 0, address: '127.0.0.1'});
  assert.ok(l.ok);
  listener = l.listener;
  sim = await startIpmiSim({pxePort: listener.port, bootMac: BOOT_MAC, rawGuid: RAW_GUID, password: PASSWORD});
  port = sim.port;
});

after(async () => {
  await sim?.close();
  await listener?.close();
});

const target = (): IpmiTarget => ({host: '127.0.0.1', port, username: 'root', password: PASSWORD, cipherSuite: 3});

test(
  'ipmitool against ipmi_sim: lan print, mc guid, bootdev pxe, power on; password only in the environment',
  {timeout: 60_000, skip},
  async () => {
    const runner = createTestRunner();
    const ctx = {runner, timeoutMs: 15_000};
    const lan = await ipmiLanPrint(ctx, target());
    assert.ok(lan.ok, lan.ok ? '' : lan.error);
    assert.equal(lan.value.ip, '127.0.0.1');
    assert.equal(lan.value.mac, '0c:c4:7a:11:22:33');
    const guid = await ipmiSystemGuid(ctx, target());
    assert.ok(guid.ok);
    assert.equal(guid.value, 'efcdab89-6745-23a1-efcd-ab89674523a1');
    assert.ok((await ipmiBootdevPxe(ctx, target())).ok);
    const on = await ipmiPower(ctx, target(), 'on');
    assert.ok(on.ok);
    assert.match(on.value, /Up\/On/);
    for (const call of runner.calls) {
      assert.ok(!call.args.includes(PASSWORD), 'password never on argv');
      assert.ok(call.envKeys.includes('IPMI_PASSWORD'));
    }
    const log = sim!.chassisLog();
    assert.match(log, /set boot pxe/);
    assert.match(log, /set power 1/);
  },
);

test('wrong password: a plain message without the password', {timeout: 60_000, skip}, async () => {
  const wrong = 'Not-The-Pa55';
  const r = await ipmiSystemGuid({runner: createTestRunner(), timeoutMs: 20_000}, {...target(), password: wrong});
  assert.equal(r.ok, false);
  assert.ok(!r.ok && !r.error.includes(wrong));
  assert.match(!r.ok ? r.error : '', /refused the IPMI session|did not answer/);
});

test(
  'power-on attribution: the DISCOVER after power on is attributed to the BMC and correlates by GUID',
  {timeout: 60_000, skip},
  async () => {
    const runner = createTestRunner();
    const r = await triggerPxeAndAttribute({runner, timeoutMs: 15_000}, target(), listener!, {timeoutMs: 10_000});
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.value.mac, BOOT_MAC);
    const ms = correlate([
      {source: 'ipmi', bmc: '127.0.0.1', guid: 'efcdab89-6745-23a1-efcd-ab89674523a1'},
      {source: 'pxe', at: r.value.event.at, mac: r.value.mac, uuid: r.value.event.packet.uuid!, isPxe: true},
    ]);
    assert.equal(ms.length, 1, 'IPMI GUID (reversed) matches option 97 (raw)');

    // Already attributed MACs are excluded: the next power-on sees no new machine and times out.
    const seq = await attributeSequentially({runner, timeoutMs: 15_000}, [target()], listener!, {
      timeoutMs: 1500,
      exclude: new Set([BOOT_MAC]),
    });
    assert.equal(seq.length, 1);
    assert.equal(seq[0]!.result.ok, false);
    assert.match(!seq[0]!.result.ok ? seq[0]!.result.error : '', /No PXE DISCOVER/);
    assert.match(sim!.chassisLog(), /set power 1/);
  },
);
