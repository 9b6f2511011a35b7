// End to end in a real terminal: the built CLI discovers a simulated BMC on loopback (Redfish, trust on
// first use) and PXE DISCOVERs sent to its listener, the admin picks the machine, fixes a bad value on
// the Hardware screen and writes hardware.csv; after kill -9, resume shows the saved table again.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';
import {startRedfishBmc, type RunningRedfishBmc} from '../../source/demo/redfish-bmc.js';
import {pxeRomDiscover, sendDiscover} from '../../source/demo/pxe-sender.js';
import {DEMO_SERVERS, freeUdpPort} from '../../source/demo/parts/discovery.js';
import {createSession, saveSessionSync} from '../../source/session/store.js';

const cli = cliBuiltBefore();
let bmc: RunningRedfishBmc | undefined;
before(async () => {
  if (skip) return;
  bmc = await startRedfishBmc({
    machine: DEMO_SERVERS[0]!.machine,
    shape: 'dmtf',
    username: 'admin',
    password: 'E2e-pw',
  });
});
after(async () => {
  await bmc?.close();
});

test(
  'discover a BMC and a PXE ROM, fix a bad IP, write hardware.csv; resume shows the table (tmux)',
  {skip, timeout: 90_000},
  async () => {
    const home = tempHome();
    const port = await freeUdpPort();
    const answers = join(home, 'answers.yaml');
    writeFileSync(
      answers,
      [
        'session: e2ehw',
        'network: {netmask: 255.255.255.0, gateway: 10.20.0.1, nameservers: [10.20.0.2]}',
        `discovery: {pxe: {enabled: true, port: ${port}}, redfish: {targets: ["${bmc!.key}"], username: admin, passwordEnv: E2E_BMC_PW}}`,
        '',
      ].join('\n'),
    );
    const env = {EKSA_KONG_HOME: home, NO_COLOR: '1', E2E_BMC_PW: 'E2e-pw'};
    const dir = join(home, 'sessions', 'e2ehw');
    // Welcome and preflight belong to other steps (preflight needs eksctl and docker): start at Discover.
    const created = await createSession(home, 'e2ehw', 'real');
    created.steps.welcome = {state: 'done', attempts: []};
    created.steps.preflight = {state: 'skipped', attempts: [], summary: 'skipped by the test'};
    saveSessionSync(dir, {...created, currentStep: 'discover', status: 'running'});
    const first = new TmuxSession('ek-e2e-hw', ['node', cli(), 'resume', 'e2ehw', '--answers', answers], {env});
    try {
      const setup = await first.waitFor('choose the sources', 30_000);
      assert.match(setup, /BMC password +\(stored\)/);
      await first.keys('s');
      const ask = await first.waitFor(/Trust it\? y\/n/);
      assert.match(ask, /SHA-256/);
      await first.keys('y');
      await first.waitFor(/redfish: done · 1 of 1 BMCs inventoried/);
      await sendDiscover(pxeRomDiscover(DEMO_SERVERS[0]!.machine.macs[0]!, DEMO_SERVERS[0]!.machine.uuid), {port});
      const table = await first.waitFor(/52:54:00:20:00:11 +127\.0\.0\.1:\d+ +\/dev\/nvme0n1 +RP/);
      assert.doesNotMatch(table, /E2e-pw/);
      await first.keys('Space', 'Enter');
      await first.waitFor('Machine 1/1');
      // A bad IP keeps its text and says what is wrong; the fix writes the file.
      await first.keys('Down', 'Down', 'Down', 'Down', 'Enter');
      for (let i = 0; i < 12; i++) await first.keys('BSpace');
      await first.keys('1', '0', '.', '2', '0', '.', '0', '.', '9', '9', '9', 'Enter');
      const bad = await first.waitFor(/ip address +10\.20\.0\.999 +✖/);
      assert.match(bad, /machine 1 ip address: /);
      await first.keys('Enter');
      for (let i = 0; i < 12; i++) await first.keys('BSpace');
      await first.keys('1', '0', '.', '2', '0', '.', '0', '.', '2', '1', 'Enter', 'w');
      await first.waitFor('Step 5/10', 20_000);
      const csv = readFileSync(join(dir, 'hardware.csv'), 'utf8');
      assert.equal(statSync(join(dir, 'hardware.csv')).mode & 0o777, 0o600);
      assert.match(
        csv,
        /eksa-cp01,127\.0\.0\.1,admin,E2e-pw,52:54:00:20:00:11,10\.20\.0\.21,255\.255\.255\.0,10\.20\.0\.1,10\.20\.0\.2,type=cp,\/dev\/nvme0n1/,
      );
      assert.doesNotMatch(readFileSync(join(dir, 'session.json'), 'utf8'), /E2e-pw/);
      process.kill(first.panePid(), 'SIGKILL');
    } finally {
      first.kill();
    }

    const second = new TmuxSession('ek-e2e-hw', ['node', cli(), 'resume', 'e2ehw'], {env});
    try {
      await second.waitFor('Step 5/10');
      await second.keys('Escape');
      await second.waitFor('Machine 1/1');
      await second.keys('Escape');
      const again = await second.waitFor('Results of the last discovery');
      assert.match(again, /\[x\] cp +52:54:00:20:00:11/);
    } finally {
      second.kill();
    }
  },
);
