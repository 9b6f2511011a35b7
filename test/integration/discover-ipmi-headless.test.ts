// The headless discover (--non-interactive --answers) powers machines on over IPMI from
// discovery.ipmi.powerOn and attributes the PXE request that follows to each BMC, like the screen's p:
// real ipmitool against ipmi_sim on loopback, whose chassis hook plays the machine's PXE ROM.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {newSession, type Session} from '../../source/session/schema.js';
import {SessionController} from '../../source/wizard/controller.js';
import {AnswerError, getStep} from '../../source/wizard/registry.js';
import type {Answers} from '../../source/session/answers.js';
import {createTestRunner} from '../helpers/discovery-runner.js';
import {freePort, ipmiSimSkip, startIpmiSim, type IpmiSim} from '../helpers/ipmi-sim.js';
import {runStep, stepContext, testPorts} from '../helpers/step-context.js';

const PASSWORD = 'Headless-Secret7';
const BOOT_MAC = '52:54:00:aa:bb:07';
const RAW_GUID = 'b123456789abcdefa123456789abcdef';

let sim: IpmiSim | undefined;
after(async () => sim?.close());

function at(answers: Answers, runner = createTestRunner()) {
  const session: Session = {...newSession('lab1', 'real'), answers};
  const controller = new SessionController(session, s => s);
  const ports = testPorts({runner, speed: 1000});
  const {ctx, said} = stepContext(controller, ports, {secret: key => (key === 'redfish' ? PASSWORD : undefined)});
  return {ctx, said, controller, runner};
}

test(
  'headless discover: discovery.ipmi.powerOn boots the BMC’s machine and its PXE request is attributed to it (ipmi_sim)',
  {timeout: 90_000, skip: ipmiSimSkip},
  async () => {
    const pxePort = await freePort();
    sim = await startIpmiSim({pxePort, bootMac: BOOT_MAC, rawGuid: RAW_GUID, password: PASSWORD});
    const {ctx, said, controller, runner} = at({
      discovery: {
        pxe: {enabled: true, port: pxePort},
        redfish: {username: sim.user},
        ipmi: {powerOn: [`127.0.0.1:${sim.port}`], cipherSuite: 3, timeoutMs: 20_000},
      },
    });
    const outcome = await runStep(ctx, controller, 'discover', new AbortController().signal);
    assert.match(outcome.summary, /IPMI power-on: 1 of 1 attributed/);
    assert.ok(said.includes(`127.0.0.1:${sim.port} booted from ${BOOT_MAC}`), said.join('\n'));
    const data = outcome.data as {machines: Array<{bootMac?: string; bootMacSource?: string}>; selected: unknown[]};
    const m = data.machines.find(x => x.bootMac === BOOT_MAC);
    assert.equal(m?.bootMacSource, 'power-on', 'the boot MAC comes from the attributed power-on');
    assert.equal(data.selected.length, 1, 'the machine is picked as headless picks all');
    assert.match(sim.chassisLog(), /set boot pxe/);
    assert.match(sim.chassisLog(), /set power 1/);
    for (const line of said) assert.ok(!line.includes(PASSWORD), 'the password never shows');
    for (const call of runner.calls) assert.ok(!call.args.includes(PASSWORD), 'the password is never on argv');
  },
);

async function refusal(answers: Answers): Promise<AnswerError> {
  const {ctx} = at(answers);
  try {
    await getStep('discover').runHeadless!(ctx, new AbortController().signal);
  } catch (err) {
    assert.ok(err instanceof AnswerError, String(err));
    return err;
  }
  assert.fail('the step should refuse');
}

test('headless discover: discovery.ipmi.powerOn without a PXE listener or a BMC user is refused, naming the key', async () => {
  const noPxe = await refusal({discovery: {redfish: {username: 'root'}, ipmi: {powerOn: ['10.20.1.11']}}});
  assert.equal(noPxe.key, 'discovery.pxe');
  const noUser = await refusal({discovery: {pxe: {enabled: true, port: 6767}, ipmi: {powerOn: ['10.20.1.11']}}});
  assert.equal(noUser.key, 'discovery.redfish.username');
  const badHost = await refusal({
    discovery: {pxe: {enabled: true, port: 6767}, redfish: {username: 'root'}, ipmi: {powerOn: ['10.20.1.11', 'a b']}},
  });
  assert.equal(badHost.key, 'discovery.ipmi.powerOn[1]');
  assert.match(badHost.message, /HOST or HOST:PORT \(got "a b"\)/);
});
