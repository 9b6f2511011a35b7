// FAKE world, day two: the stand-in helm and eksctl refuse what the real tools refuse (helm upgrade of
// a release never deployed, uninstall of an unknown release, rollback to a revision that does not
// exist, eksctl anywhere delete cluster without the cluster's kubeconfig), a helm upgrade rolls the
// pods one by one with old and new side by side, and rollback installs an earlier revision's values.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, writeFileSync, rmSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import type {KubeObject} from '../../source/demo/fake-kube-api.js';
import {versionSyncStatus} from '../../source/demo/fake-kong-admin.js';

let world: DemoWorld;
let dir: string;

function run(cmd: string, args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise(resolve => {
    execFile(
      cmd,
      args,
      {cwd: dir, env: {...world.env, HOME: dir, KUBECACHEDIR: join(dir, 'cache')}, timeout: 60_000},
      (err, stdout, stderr) => resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

const wait = async (what: string, ok: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
};

const tagOf = (p: KubeObject) => (p['spec'] as {containers: Array<{image: string}>}).containers[0]!.image.split(':')[1];
const ready = (p: KubeObject) =>
  ((p['status'] as {conditions?: Array<{type: string; status: string}>}).conditions ?? []).some(
    c => c.type === 'Ready' && c.status === 'True',
  );

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-day2-'));
  world = await startDemoWorld({sessionDir: dir, speed: 50});
  writeFileSync(
    join(dir, 'values.yaml'),
    'replicaCount: 2\nimage: {repository: kong/kong-gateway, tag: "3.9.1.2"}\nenv: {role: data_plane}\nproxy: {type: NodePort}\n',
  );
  await run('helm', ['repo', 'add', 'kong', 'https://charts.konghq.com']);
});
after(async () => {
  await world.close();
  rmSync(dir, {recursive: true, force: true});
});

test(
  'fake helm: upgrade without --install of a release never deployed is refused like helm',
  {timeout: 30_000},
  async () => {
    const r = await run('helm', [
      'upgrade',
      'kong-dp',
      'kong/kong',
      '-n',
      'kong',
      '-f',
      'values.yaml',
      '--kubeconfig',
      world.kubeconfigs.workload,
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: UPGRADE FAILED: "kong-dp" has no deployed releases\n');
  },
);

test('fake helm: uninstall of an unknown release is refused like helm', {timeout: 30_000}, async () => {
  const r = await run('helm', ['uninstall', 'nope', '-n', 'kong', '--kubeconfig', world.kubeconfigs.workload]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error: uninstall: Release not loaded: nope: release: not found\n');
});

// cobra/pflag: `--` ends the flags (spf13/pflag flag.go parseArgs); helm then checks the release name
// (chartutil.ValidateReleaseName) with each action's own message (helm pkg/action uninstall.go, rollback.go, history.go).
test(
  'fake helm: `--` ends the flags; a release after it that looks like a flag is refused as a name',
  {timeout: 30_000},
  async () => {
    const kc = world.kubeconfigs.workload;
    const known = await run('helm', ['uninstall', '-n', 'kong', '--kubeconfig', kc, '--', 'nope']);
    assert.equal(known.stderr, 'Error: uninstall: Release not loaded: nope: release: not found\n');
    const hostile = '--kubeconfig=/x';
    const un = await run('helm', ['uninstall', '-n', 'kong', '--kubeconfig', kc, '--', hostile]);
    assert.equal(un.code, 1);
    assert.equal(un.stderr, `Error: uninstall: Release name is invalid: ${hostile}\n`);
    const back = await run('helm', ['rollback', '-n', 'kong', '--kubeconfig', kc, '--', hostile, '1']);
    assert.equal(back.stderr, `Error: prepareRollback: Release name is invalid: ${hostile}\n`);
    const up = await run('helm', [
      'upgrade',
      '--install',
      '-n',
      'kong',
      '-f',
      'values.yaml',
      '--kubeconfig',
      kc,
      '--',
      hostile,
      'kong/kong',
    ]);
    assert.equal(up.code, 1);
    assert.equal(up.stderr, `Error: release name is invalid: ${hostile}\n`);
    // A flag after `--` is a word: three positionals where helm upgrade takes two.
    const extra = await run('helm', ['upgrade', '--kubeconfig', kc, '--', 'kong-dp', 'kong/kong', '--install']);
    assert.notEqual(extra.code, 0);
  },
);

test(
  'fake world: helm upgrade rolls the pods one at a time, old and new side by side; rollback returns to the old values',
  {timeout: 60_000},
  async () => {
    const kc = world.kubeconfigs.workload;
    const store = world.apis.workload.store;
    const pods = () =>
      store.list({
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'kong',
        labelSelector: 'app.kubernetes.io/instance=kong-dp',
      });
    assert.equal(
      (
        await run('helm', [
          'upgrade',
          '--install',
          'kong-dp',
          'kong/kong',
          '-n',
          'kong',
          '--create-namespace',
          '-f',
          'values.yaml',
          '--kubeconfig',
          kc,
        ])
      ).code,
      0,
    );
    await wait('two Ready pods on 3.9.1.2', () => pods().length === 2 && pods().every(ready));
    let sideBySide = false;
    const off = store.onChange(() => {
      const now = pods();
      if (now.some(p => tagOf(p) === '3.9.1.2' && ready(p)) && now.some(p => tagOf(p) === '3.9.1.1')) sideBySide = true;
    });
    const up = await run('helm', [
      'upgrade',
      'kong-dp',
      'kong/kong',
      '-n',
      'kong',
      '-f',
      'values.yaml',
      '--set',
      'image.tag=3.9.1.1',
      '--kubeconfig',
      kc,
    ]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /REVISION: 2/);
    await wait(
      'two Ready pods on 3.9.1.1',
      () => pods().length === 2 && pods().every(p => ready(p) && tagOf(p) === '3.9.1.1'),
    );
    off();
    assert.ok(sideBySide, 'an old Ready pod kept serving while a new one started');

    const missing = await run('helm', ['rollback', 'kong-dp', '9', '-n', 'kong', '--kubeconfig', kc]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error: release has no 9 version\n');
    const back = await run('helm', ['rollback', 'kong-dp', '1', '-n', 'kong', '--kubeconfig', kc, '--wait']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout, 'Rollback was a success! Happy Helming!\n');
    assert.ok(
      pods().every(p => ready(p) && tagOf(p) === '3.9.1.2'),
      'the values of revision 1 run again',
    );
    assert.equal(
      store.list({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'kong',
        labelSelector: 'owner=helm,name=kong-dp,status=deployed',
      })[0]?.metadata.labels?.['version'],
      '3',
    );
  },
);

test('fake world: an image tag the registry does not have stays in ImagePullBackOff', {timeout: 60_000}, async () => {
  const kc = world.kubeconfigs.workload;
  const store = world.apis.workload.store;
  const r = await run('helm', [
    'upgrade',
    'kong-dp',
    'kong/kong',
    '-n',
    'kong',
    '-f',
    'values.yaml',
    '--set',
    'image.tag=3.9.0.9',
    '--kubeconfig',
    kc,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const reason = (p: KubeObject) =>
    (p['status'] as {containerStatuses?: Array<{state?: {waiting?: {reason?: string}}}>}).containerStatuses?.[0]?.state
      ?.waiting?.reason;
  await wait('ImagePullBackOff', () =>
    store.list({apiVersion: 'v1', kind: 'Pod', namespace: 'kong'}).some(p => reason(p) === 'ImagePullBackOff'),
  );
  const old = store.list({apiVersion: 'v1', kind: 'Pod', namespace: 'kong'}).filter(p => tagOf(p) === '3.9.1.2');
  assert.equal(old.length, 2, 'the old pods keep running while the new one cannot pull');
});

test(
  'fake helm uninstall removes the release objects and its history; the namespace stays',
  {timeout: 30_000},
  async () => {
    const store = world.apis.workload.store;
    const r = await run('helm', ['uninstall', 'kong-dp', '-n', 'kong', '--kubeconfig', world.kubeconfigs.workload]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'release "kong-dp" uninstalled\n');
    assert.equal(store.list({apiVersion: 'v1', kind: 'Pod', namespace: 'kong'}).length, 0);
    assert.equal(
      store.list({apiVersion: 'v1', kind: 'Secret', namespace: 'kong', labelSelector: 'owner=helm'}).length,
      0,
    );
    assert.equal(
      store.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kong', name: 'kong-dp-kong'}),
      undefined,
    );
    assert.ok(store.get({apiVersion: 'v1', kind: 'Namespace', name: 'kong'}));
  },
);

test(
  'fake eksctl anywhere delete cluster: refused without the kubeconfig, then empties the cluster',
  {timeout: 60_000},
  async () => {
    mkdirSync(join(dir, 'seed'), {recursive: true});
    writeFileSync(
      join(dir, 'cluster.yaml'),
      'apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n  name: seed\nspec: {}\n',
    );
    const noKubeconfig = await run('eksctl', ['anywhere', 'delete', 'cluster', '-f', 'cluster.yaml']);
    assert.equal(noKubeconfig.code, 255);
    assert.equal(noKubeconfig.stderr, 'Error: kubeconfig file missing: path=seed/seed-eks-a-cluster.kubeconfig\n');
    const badFlag = await run('eksctl', [
      'anywhere',
      'delete',
      'cluster',
      '-f',
      'cluster.yaml',
      '--hardware-csv',
      'hardware.csv',
    ]);
    assert.equal(badFlag.code, 255);
    assert.match(badFlag.stderr, /unknown flag: --hardware-csv/);
    world.apis.workload.store.put({apiVersion: 'v1', kind: 'Node', metadata: {name: 'eksa-cp01'}});
    writeFileSync(
      join(dir, 'seed', 'seed-eks-a-cluster.kubeconfig'),
      `apiVersion: v1\nclusters:\n- cluster: {server: ${world.apis.workload.url}}\n  name: seed\n`,
    );
    const r = await run('eksctl', [
      'anywhere',
      'delete',
      'cluster',
      '-f',
      'cluster.yaml',
      '-w',
      'seed/seed-eks-a-cluster.kubeconfig',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Cluster deleted!/);
    assert.equal(world.apis.workload.store.list({apiVersion: 'v1', kind: 'Node'}).length, 0);
    assert.equal(world.apis.workload.store.list({apiVersion: 'v1', kind: 'Namespace'}).length, 0);
  },
);

test('fake CP: a DP of a newer minor or another major is kong_version_incompatible (check_kong_version_compatibility)', () => {
  assert.equal(versionSyncStatus('3.9.1.1', '3.9.1.2'), 'normal');
  assert.equal(versionSyncStatus('3.8.1.0', '3.9.1.2'), 'normal');
  assert.equal(versionSyncStatus('3.10.0.0', '3.9.1.2'), 'kong_version_incompatible');
  assert.equal(versionSyncStatus('4.0.0.0', '3.9.1.2'), 'kong_version_incompatible');
});
