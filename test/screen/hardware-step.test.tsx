// The Hardware screen inside the app shell: the form, validation as you type, the preview, the write.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {appTree} from '../helpers/app.js';
import {cleanupInk, KEYS, renderInk} from '../helpers/ink.js';
import {newSession, type Session} from '../../source/session/schema.js';
import {STEP_IDS} from '../../source/wizard/step-ids.js';

afterEach(() => cleanupInk());

function atStep(step: Session['currentStep'], answers: Session['answers'] = {}): Session {
  const s = newSession('lab1', 'real');
  for (const id of STEP_IDS) {
    if (id === step) break;
    s.steps[id] = {state: 'done', attempts: [], summary: 'ok'};
  }
  return {...s, currentStep: step, answers: {...s.answers, ...answers}};
}

const answers: Session['answers'] = {
  admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2', '1.1.1.1']},
  machines: [
    {
      hostname: 'eksa-cp01',
      mac: 'aa:bb:cc:00:00:01',
      ip: '10.20.0.11',
      role: 'cp',
      disk: '/dev/sda',
      bmc: {ip: '10.20.1.11', username: 'admin', password: 'S3cret-cp'},
    },
    {
      hostname: 'eksa-wk01',
      mac: 'aa:bb:cc:00:00:02',
      ip: '10.20.0.12',
      role: 'worker',
      disk: '/dev/nvme0n1',
      bmc: {ip: '10.20.1.12', username: 'admin', password: 'S3cret-wk'},
    },
  ],
};

// The app shell around a session at the hardware step; the in-memory store keeps passwords inline.
function withInlinePasswords() {
  const {tree, controller, ports} = appTree({session: atStep('hardware', answers)});
  return {tree, controller, ports};
}

test('hardware screen: shows the network and the first machine, and lists both', {timeout: 15_000}, async () => {
  const app = withInlinePasswords();
  const r = renderInk(app.tree, {columns: 100, rows: 30});
  const screen = await r.waitFor(/Machine 1\/2[\s\S]*w write/);
  assert.match(screen, /netmask +255\.255\.255\.0/);
  assert.match(screen, /hostname +eksa-cp01/);
  assert.match(screen, /eksa-wk01 +10\.20\.0\.12/);
  assert.doesNotMatch(screen, /S3cret/);
});

test(
  'hardware screen: an invalid IP shows the field error and keeps every other value',
  {timeout: 15_000},
  async () => {
    const app = withInlinePasswords();
    const r = renderInk(app.tree, {columns: 100, rows: 30});
    await r.waitFor('Machine 1/2');
    // Down to "ip address" (netmask, gateway, nameservers, hostname, ip).
    await r.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    for (let i = 0; i < 12; i++) await r.press(KEYS.backspace);
    await r.type('10.20.0.300');
    await r.press(KEYS.enter);
    const screen = await r.waitFor(/machine 1 ip address: /);
    assert.match(screen, /ip address +10\.20\.0\.300 +✖/);
    assert.match(screen, /hostname +eksa-cp01/);
    assert.match(screen, /gateway +10\.20\.0\.1/);
    // Writing is refused and names the column; nothing was written.
    await r.press('w');
    const refused = await r.waitFor(/ip_address: /);
    assert.match(refused, /machine 1 ip_address/);
    assert.equal(app.controller.get().artifacts.hardwareCsv, undefined);
  },
);

test(
  'hardware screen: the preview masks passwords; w writes a 0600 hardware.csv and records it',
  {timeout: 15_000},
  async () => {
    const app = withInlinePasswords();
    const r = renderInk(app.tree, {columns: 140, rows: 30});
    await r.waitFor('Machine 1/2');
    await r.press('v');
    const screen = await r.waitFor('hardware.csv preview');
    assert.match(screen, /eksa-cp01,10\.20\.1\.11,admin,\*\*\*,aa:bb:cc:00:00:01/);
    assert.doesNotMatch(screen, /S3cret/);
    await r.press('w');
    await r.waitFor(() => app.controller.get().steps.hardware.state === 'done', {timeoutMs: 5000});
    const s = app.controller.get();
    assert.equal(s.artifacts.hardwareCsv, 'hardware.csv');
    assert.match(s.steps.hardware.summary ?? '', /2 machines \(1 cp, 1 worker\)/);
    assert.equal(s.currentStep, 'cluster-spec');
    const file = join(app.ports.sessionDir, 'hardware.csv');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.match(
      text,
      /^hostname,bmc_ip,bmc_username,bmc_password,mac,ip_address,netmask,gateway,nameservers,labels,disk\n/,
    );
    assert.match(
      text,
      /eksa-cp01,10\.20\.1\.11,admin,S3cret-cp,aa:bb:cc:00:00:01,10\.20\.0\.11,255\.255\.255\.0,10\.20\.0\.1,10\.20\.0\.2\|1\.1\.1\.1,type=cp,\/dev\/sda/,
    );
  },
);

test('hardware screen: fits 80x24', {timeout: 15_000}, async () => {
  const app = withInlinePasswords();
  const r = renderInk(app.tree, {columns: 80, rows: 24});
  const screen = await r.waitFor('Machine 1/2');
  const lines = screen.split('\n');
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  assert.ok(
    lines.every(l => l.length <= 80),
    lines.find(l => l.length > 80),
  );
  assert.match(screen, /bmc password +\*+/);
});

// Fields from the top: netmask, gateway, nameservers, hostname, ip, role, disk, mac, bmc ip, bmc username,
// bmc password, labels, vlan id. Up from the first wraps to the last.
const toLabels = [KEYS.up, KEYS.up];

test(
  'hardware screen: labels and vlan id are edited with the CSV’s rules; a bad value is kept and named with its machine; Esc cancels the edit first',
  {timeout: 20_000},
  async () => {
    const app = withInlinePasswords();
    const r = renderInk(app.tree, {columns: 140, rows: 32});
    let screen = await r.waitFor('Machine 1/2');
    assert.match(screen, /labels +e\.g\. rack=r1\|zone=a +type=cp comes from the role/);
    await r.press(...toLabels, KEYS.enter);
    await r.type('rack=r1|type=worker');
    await r.press(KEYS.enter);
    screen = await r.waitFor(/machine 1 labels: type is set by the role/);
    assert.match(screen, /labels +rack=r1\|type=worker +✖/, 'the value typed stays');
    await r.press(KEYS.enter);
    for (let i = 0; i < '|type=worker'.length; i++) await r.press(KEYS.backspace);
    await r.type('|Rack 2=x');
    await r.press(KEYS.enter);
    screen = await r.waitFor(/machine 1 labels: label key "Rack 2" is not valid/);
    assert.match(screen, /labels +rack=r1\|Rack 2=x +✖/);
    await r.press(KEYS.enter);
    for (let i = 0; i < '|Rack 2=x'.length; i++) await r.press(KEYS.backspace);
    await r.press(KEYS.enter);
    await r.waitFor(s => !s.includes('✖'));

    await r.press(KEYS.down, KEYS.enter);
    await r.type('5000');
    await r.press(KEYS.enter);
    screen = await r.waitFor(/machine 1 vlan id: 5000 is outside 1-4094/);
    assert.match(screen, /vlan id +5000 +✖/);
    // Esc cancels the edit, not the step: the value is as it was and the step stays.
    await r.press(KEYS.enter, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace);
    await r.type('12');
    await r.press(KEYS.escape);
    screen = await r.waitFor(/vlan id +5000 +✖/);
    assert.equal(app.controller.get().currentStep, 'hardware');
    await r.press('w');
    await r.waitFor(/machine 1 vlan_id: 5000 is outside 1-4094/);
    assert.equal(app.controller.get().artifacts.hardwareCsv, undefined, 'nothing written with a bad vlan_id');
    await r.press(KEYS.enter, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace);
    await r.type('120');
    await r.press(KEYS.enter);
    await r.waitFor(/vlan id +120/);

    await r.press('w');
    await r.waitFor(() => app.controller.get().steps.hardware.state === 'done', {timeoutMs: 5000});
    const m = app.controller.get().answers.machines![0]!;
    assert.deepEqual(m.labels, {rack: 'r1'});
    assert.equal(m.vlanId, '120');
    const text = readFileSync(join(app.ports.sessionDir, 'hardware.csv'), 'utf8');
    assert.match(text.split('\n')[0]!, /,labels,disk,vlan_id$/);
    assert.match(text, /type=cp\|rack=r1,\/dev\/sda,120\n/);
    assert.match(text, /type=worker,\/dev\/nvme0n1,\n/);
  },
);

test(
  'hardware screen: a burst of keys in one read edits the labels (Up Up Enter zone=b Enter), then Esc leaves the step',
  {timeout: 20_000},
  async () => {
    const app = withInlinePasswords();
    const r = renderInk(app.tree, {columns: 140, rows: 32});
    await r.waitFor('Machine 1/2');
    r.stdin.write(`${KEYS.up}${KEYS.up}${KEYS.enter}zone=b${KEYS.enter}${KEYS.down}${KEYS.enter}7${KEYS.enter}`);
    const screen = await r.waitFor(/vlan id +7\b/);
    assert.match(screen, /labels +zone=b/);
    await r.press(KEYS.escape);
    await r.waitFor(() => app.controller.get().currentStep === 'discover', {timeoutMs: 5000});
  },
);
