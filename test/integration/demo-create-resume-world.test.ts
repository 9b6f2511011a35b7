// A demo world killed mid-create (kill -9 of the wizard) and started again from the same session
// folder: the stand-in eksctl lives on, and the restarted world carries the provisioning on from the
// objects demo-state.json holds, to the end, without creating any machine twice.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {renderClusterSpec} from '../../source/cluster/spec.js';
import {DEMO_STATE_FILE} from '../../source/demo/persist.js';
import type {FakeKubeStore} from '../../source/demo/fake-kube-api.js';
import {pinnedClock} from '../helpers/clock.js';

const clock = pinnedClock();
const dir = mkdtempSync(join(tmpdir(), 'demo-create-resume-'));
const worlds: DemoWorld[] = [];
after(async () => {
  await Promise.allSettled(worlds.map(w => w.close()));
  rmSync(dir, {recursive: true, force: true});
});

const open = async () => {
  const w = await startDemoWorld({
    sessionDir: dir,
    speed: 200,
    transcriptsDir: join(dir, 'transcripts'),
    clock,
    persist: true,
  });
  worlds.push(w);
  return w;
};

const until = async (what: string, ok: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
};

const TINK = 'tinkerbell.org/v1alpha1';
const CAPI = 'cluster.x-k8s.io/v1beta1';
const list = (store: FakeKubeStore, apiVersion: string, kind: string) =>
  store.list({apiVersion, kind, namespace: 'eksa-system'});
const status = (o: {[k: string]: unknown}) => (o['status'] ?? {}) as Record<string, unknown>;

test(
  'demo world killed mid-create: the restarted world carries the provisioning on, nothing twice',
  {timeout: 90_000},
  async () => {
    mkdirSync(join(dir, 'transcripts'));
    cpSync(new URL('../../templates/transcripts/', import.meta.url), join(dir, 'transcripts'), {recursive: true});
    // A long "Creating new management cluster" window (15 s at speed 200) so the kill lands mid-provisioning.
    writeFileSync(
      join(dir, 'transcripts', 'eksctl-create-cluster.txt'),
      [
        '0.0\tPerforming setup and validations',
        '2\tCreating new bootstrap cluster',
        '4\tProvider specific pre-capi-install-setup on bootstrap cluster',
        '6\tProvider specific post-setup',
        '8\tCreating new management cluster',
        '3000\tCreating EKS-A namespace',
        '3002\tMoving the cluster management components from the bootstrap cluster to the management cluster',
        '3004\tMoving cluster spec to workload cluster',
        '3005\tWriting cluster config file',
        '3006\tDeleting bootstrap cluster',
        '3010\t🎉 Cluster created!',
        '',
      ].join('\n'),
    );
    const spec = renderClusterSpec(
      {
        network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
        machines: [
          {hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
          {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
        ],
        cluster: {
          name: 'seed',
          kubernetesVersion: '1.35',
          endpoint: '10.20.0.50',
          tinkerbellIp: '10.20.0.51',
          osImageUrl: 'http://10.20.0.10/ubuntu-kube-1-35.gz',
        },
      },
      {now: clock.now()},
    );
    assert.deepEqual(spec.errors, []);
    writeFileSync(join(dir, 'cluster.yaml'), spec.yaml);
    writeFileSync(
      join(dir, 'hardware.csv'),
      'hostname,mac,ip_address,netmask,gateway,nameservers,labels,disk,bmc_ip,bmc_username,bmc_password\n' +
        'eksa-cp01,aa:bb:cc:00:00:01,10.20.0.11,255.255.255.0,10.20.0.1,10.20.0.2,type=cp,/dev/sda,10.20.1.11,admin,pw\n' +
        'eksa-wk01,aa:bb:cc:00:00:02,10.20.0.12,255.255.255.0,10.20.0.1,10.20.0.2,type=worker,/dev/sda,10.20.1.12,admin,pw\n',
    );

    const first = await open();
    // The stand-in eksctl is a child process of its own: it outlives the world, as a real eksctl outlives the wizard.
    const eksctl = new Promise<{code: number; stderr: string}>(resolve =>
      execFile(
        'eksctl',
        ['anywhere', 'create', 'cluster', '-f', 'cluster.yaml', '--hardware-csv', 'hardware.csv'],
        {cwd: dir, env: {...first.env, HOME: dir}, timeout: 60_000},
        (err, _out, stderr) => resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stderr}),
      ),
    );
    await until('a workflow running', () =>
      list(first.apis.bootstrap.store, TINK, 'Workflow').some(w => status(w)['state'] === 'RUNNING'),
    );
    await new Promise(r => setTimeout(r, 400)); // the debounced writer has saved the running workflow
    // kill -9: what is on disk is what the debounced writer last wrote; close() must not write more.
    const onDisk = readFileSync(join(dir, DEMO_STATE_FILE));
    await first.close();
    writeFileSync(join(dir, DEMO_STATE_FILE), onDisk);
    const saved = JSON.parse(onDisk.toString()) as {
      stores: {bootstrap: {objects: Array<{kind: string; status?: {phase?: string}}>}};
    };
    const machinesThen = saved.stores.bootstrap.objects.filter(o => o.kind === 'Machine' && o.status?.phase);
    assert.ok(
      machinesThen.length > 0 && machinesThen.every(m => m.status?.phase !== 'Running'),
      'killed mid-provisioning',
    );

    const second = await open();
    assert.equal(second.restored, true);
    const done = (s: FakeKubeStore) =>
      list(s, CAPI, 'Machine').length === 2 && list(s, CAPI, 'Machine').every(m => status(m)['phase'] === 'Running');
    await until('both machines Running', () => done(second.apis.bootstrap.store) || done(second.apis.workload.store));
    const store = done(second.apis.bootstrap.store) ? second.apis.bootstrap.store : second.apis.workload.store;
    const workflows = list(store, TINK, 'Workflow');
    assert.deepEqual(
      workflows.map(w => w.metadata.name).sort(),
      list(store, CAPI, 'Machine')
        .map(m => m.metadata.name)
        .sort(),
    );
    assert.ok(workflows.every(w => status(w)['state'] === 'SUCCESS'));
    assert.equal(list(store, 'bmc.tinkerbell.org/v1alpha1', 'Job').length, 2, 'one Rufio job per machine');
    assert.equal(list(store, TINK, 'Hardware').length, 2);
    const nodes = second.apis.workload.store.list({apiVersion: 'v1', kind: 'Node'});
    assert.deepEqual(nodes.map(n => n.metadata.name).sort(), ['eksa-cp01', 'eksa-wk01']);
    const r = await eksctl;
    assert.equal(r.code, 0, r.stderr);
  },
);
