// Issue 12, item 2 in the demo: a second data plane on the simulated "EKS Anywhere on vSphere" cluster
// (its own fake Kubernetes API and kubeconfig), in the data center of a finished demo session. The
// existing-cluster flow runs there headless; the simulated control plane then lists both data planes and
// `status` shows them together, grouped by session. Destroying DP #2 leaves the vSphere cluster and DP #1.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';
import {acquireLock} from '../../source/session/lock.js';
import {simulatedAdminServer} from '../../source/demo/world.js';
import {spawnSync} from 'node:child_process';

const home = tempHome('eksa-kong-demo-dp2-');
const env = {EKSA_KONG_HOME: home};
const sessionFile = (name: string) => JSON.parse(readFileSync(join(home, 'sessions', name, 'session.json'), 'utf8'));

let firstRun = '';

test('a finished demo session (DP #1 on the bare-metal cluster)', {timeout: 120_000}, async () => {
  const run = await runCli(['demo', '--non-interactive', '--speed', '200'], env);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  assert.equal(sessionFile('demo').status, 'done');
  firstRun = run.stdout;
});

test("the demo's preflight reports the simulated admin server only (issue 16, item 5)", () => {
  const preflight = firstRun.slice(firstRun.indexOf('[2/10] Preflight …'), firstRun.indexOf('[2/10] Preflight:'));
  const facts = Object.fromEntries(
    [...preflight.matchAll(/^ {4}\S (kubectl|CPU|Memory|Free disk): (.*)$/gm)].map(m => [m[1], m[2]]),
  );
  assert.deepEqual(facts, {
    kubectl: 'kubectl v1.33.5-eks-1-33-fake',
    CPU: `${simulatedAdminServer.cpuCount()} CPUs`,
    Memory: `${(simulatedAdminServer.totalMemoryBytes() / 1e9).toFixed(1)} GB`,
    'Free disk': '412.0 GB free',
  });
  // Not this machine's: its kubectl says another version.
  const local = spawnSync('kubectl', ['version', '--client', '-o', 'json'], {encoding: 'utf8'});
  if (local.status === 0) assert.doesNotMatch(preflight, new RegExp(JSON.parse(local.stdout).clientVersion.gitVersion));
});

test(
  'demo --existing-cluster: a new session, DP #2 on the simulated vSphere cluster, bare-metal steps skipped',
  {timeout: 120_000},
  async () => {
    const run = await runCli(['demo', '--non-interactive', '--speed', '200', '--existing-cluster'], env);
    assert.equal(run.code, 0, run.stdout.slice(-3000) + run.stderr.slice(-2000));
    assert.match(
      run.stderr,
      /Demo session demo-dp2: a second data plane, on the simulated vSphere cluster of demo session demo's simulated data center\./,
    );
    assert.match(run.stdout, /✔ Existing cluster reachable: context vsphere-admin@vsphere: 3 nodes/);
    assert.match(run.stdout, /Create cluster: using the existing cluster vsphere/);
    assert.doesNotMatch(run.stdout, /eksctl anywhere create cluster/);
    const s = sessionFile('demo-dp2');
    assert.equal(s.world, 'demo');
    assert.equal(s.status, 'done');
    assert.deepEqual(
      ['discover', 'hardware', 'cluster-spec'].map(id => s.steps[id].state),
      ['skipped', 'skipped', 'skipped'],
    );
    assert.equal(s.answers.machines, undefined, 'no bare-metal answers in this session');
    assert.match(s.answers.cluster.existing.kubeconfig, /sessions\/demo\/demo-kube\/vsphere\.kubeconfig$/);
    assert.equal(s.answers.dataPlane.release, 'kong-dp2');
    assert.match(s.steps['data-plane'].data.proxyUrl, /^http:\/\/10\.30\.0\.\d+:32080$/);
    // The world of demo holds both clusters; demo-dp2 keeps no data center of its own.
    assert.ok(!existsSync(join(home, 'sessions', 'demo-dp2', 'demo-state.json')));
  },
);

test(
  'the simulated control plane lists both data planes; status groups them by session',
  {timeout: 60_000},
  async () => {
    for (const name of ['demo', 'demo-dp2']) {
      const run = await runCli(['status', name, '--json'], env);
      assert.equal(run.code, 0, run.stderr);
      const doc = JSON.parse(run.stdout);
      const rows = doc.dataPlanes as Array<{hostname: string; session: string; syncStatus: string}>;
      assert.deepEqual(
        rows.map(r => r.session),
        ['demo', 'demo-dp2'],
        `${name}: ${JSON.stringify(rows)}`,
      );
      assert.ok(rows.every(r => r.syncStatus === 'normal'));
      assert.match(rows[0]!.hostname, /^kong-dp-kong-/);
      assert.match(rows[1]!.hostname, /^kong-dp2-kong-/);
      assert.equal(doc.proxy.ok, true, `${name}: its own proxy answers`);
      // Only the session that created a cluster reports one.
      assert.equal(doc.cluster === null, name === 'demo-dp2');
    }
    const text = await runCli(['status', 'demo-dp2'], env);
    assert.match(text.stdout, /session demo:\n\s+kong-dp-kong-\S+.*\n\s+session demo-dp2:\n\s+kong-dp2-kong-\S+/);
  },
);

test(
  'while another process holds demo, its data center is not opened twice for demo-dp2',
  {timeout: 30_000},
  async () => {
    // demo open elsewhere (a live holder of its lock): its simulated data center is that process's.
    const lock = acquireLock(join(home, 'sessions', 'demo'), {name: 'demo', command: 'eksa-kong demo'});
    try {
      const run = await runCli(['status', 'demo-dp2', '--json'], env);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /session demo is in use by pid \d+ .*\(eksa-kong demo\)/);
    } finally {
      lock.release();
    }
  },
);

test('destroy demo-dp2 removes only its release; DP #1 and the vSphere nodes stay', {timeout: 90_000}, async () => {
  const run = await runCli(['destroy', 'demo-dp2', '--yes', '--non-interactive'], env);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout + run.stderr, /eksctl anywhere delete cluster/);
  const status = JSON.parse((await runCli(['status', 'demo', '--json'], env)).stdout);
  const live = (status.dataPlanes as Array<{session: string; lastSeen: string}>).filter(r => r.session === 'demo');
  assert.equal(live.length, 1);
  const state = JSON.parse(readFileSync(join(home, 'sessions', 'demo', 'demo-state.json'), 'utf8'));
  const vsphere = state.stores.vsphere.objects as Array<{kind: string; metadata: {name: string}}>;
  assert.deepEqual(
    vsphere.filter(o => o.kind === 'Node').map(o => o.metadata.name),
    ['vs-cp01', 'vs-wk01', 'vs-wk02'],
  );
  assert.ok(!vsphere.some(o => o.kind === 'Pod' || o.kind === 'Deployment'), 'DP #2 is gone from the vSphere cluster');
});
