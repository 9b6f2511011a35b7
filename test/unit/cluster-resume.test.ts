import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  clusterKubeconfigPath,
  detectLeftovers,
  kindContainerName,
  listContainers,
  movedAsideName,
  parseDockerPs,
  realFolderProbe,
  type FolderProbe,
  type LeftoverReport,
} from '../../source/cluster/leftovers.js';
import {classifyCreate, findCreateProcess, startCreateGuard} from '../../source/cluster/resume.js';
import {kubectlReachability, parseNodes} from '../../source/cluster/nodes.js';
import {procProcessLister} from '../../source/cluster/processes.js';
import {FakeCommandRunner} from '../helpers/cluster-fakes.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/cluster/${name}`, import.meta.url), 'utf8');
const SESSION = '/home/admin/.eksa-kong/sessions/lab1';
const noFolder: FolderProbe = {exists: async () => false, fileSize: async () => undefined};
const none: LeftoverReport = {leftovers: [], cleanup: [], folderToMoveAside: undefined};

test('docker ps -a JSON lines: names, state, labels', () => {
  const containers = parseDockerPs(fixture('docker-ps-leftovers.jsonl').split('\n'));
  assert.deepEqual(
    containers.map(c => [c.names, c.state]),
    [
      [['smee'], 'running'],
      [['seed-eks-a-cluster-control-plane'], 'running'],
      [['image-server'], 'running'],
    ],
  );
  assert.equal(containers[1]!.labels['io.x-k8s.kind.cluster'], 'seed-eks-a-cluster');
  // stderr noise and a JSON array (podman) are tolerated
  assert.deepEqual(
    parseDockerPs(['WARNING: something', '[{"Names":["/a"],"State":"exited"}]']).map(c => c.names),
    [['a']],
  );
});

test('leftovers of a failed create: smee and the KinD container, with one-key cleanup commands', async () => {
  const containers = parseDockerPs(fixture('docker-ps-leftovers.jsonl').split('\n'));
  const report = await detectLeftovers(containers, SESSION, 'seed', noFolder);
  assert.deepEqual(
    report.leftovers.map(l => [l.kind, l.name, l.blocksCreate]),
    [
      ['tinkerbell-container', 'smee', true],
      ['kind-container', 'seed-eks-a-cluster-control-plane', true],
    ],
  );
  assert.deepEqual(
    report.cleanup.map(c => [c.command, ...c.args].join(' ')),
    ['docker rm -f smee', 'docker rm -f seed-eks-a-cluster-control-plane'],
  );
  assert.equal(report.folderToMoveAside, undefined);
  assert.equal(kindContainerName('seed'), 'seed-eks-a-cluster-control-plane');
  // another cluster's KinD container is not ours; the old "boots" name is recognised
  const old = await detectLeftovers(
    parseDockerPs(fixture('docker-ps-old-boots.jsonl').split('\n')),
    SESSION,
    'seed',
    noFolder,
  );
  assert.deepEqual(
    old.leftovers.map(l => l.name),
    ['boots'],
  );
  assert.deepEqual((await detectLeftovers([], SESSION, 'seed', noFolder)).leftovers, []);
});

test('cluster folder: blocks only with a non-empty kubeconfig; moved aside, never deleted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-left-'));
  try {
    mkdirSync(join(dir, 'seed', 'generated'), {recursive: true});
    const stale = await detectLeftovers([], dir, 'seed', realFolderProbe);
    assert.deepEqual(
      stale.leftovers.map(l => [l.kind, l.blocksCreate]),
      [['cluster-folder', false]],
    );
    assert.equal(stale.folderToMoveAside, join(dir, 'seed'));
    writeFileSync(clusterKubeconfigPath(dir, 'seed'), 'apiVersion: v1\n');
    const blocking = await detectLeftovers([], dir, 'seed', realFolderProbe);
    assert.equal(blocking.leftovers[0]!.blocksCreate, true);
    assert.equal(blocking.cleanup.length, 0);
    assert.equal(
      movedAsideName('/s/seed', new Date('2026-07-20T10:11:12.000Z')),
      '/s/seed.failed-2026-07-20T10-11-12-000Z',
    );
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('listContainers runs docker ps through the runner and reports a failure', {timeout: 5000}, async () => {
  const ok = new FakeCommandRunner({'docker ps': {lines: fixture('docker-ps-leftovers.jsonl').trim().split('\n')}});
  assert.equal((await listContainers(ok)).length, 3);
  const down = new FakeCommandRunner({'docker ps': {lines: ['Cannot connect to the Docker daemon'], exitCode: 1}});
  await assert.rejects(listContainers(down), /docker ps failed/);
});

test('kubectl get nodes -o json: name, roles, ready, version, internal IP', () => {
  assert.deepEqual(parseNodes(JSON.parse(fixture('nodes.json'))), [
    {name: 'eksa-cp01', roles: ['control-plane'], ready: true, version: 'v1.35.1-eks-1-35-5', internalIp: '10.20.0.11'},
    {name: 'eksa-wk01', roles: [], ready: false, version: 'v1.35.1-eks-1-35-5', internalIp: '10.20.0.12'},
  ]);
  assert.throws(() => parseNodes({}), /no items/);
});

test(
  'real reachability check: kubectl through the runner, with the kubeconfig given explicitly',
  {timeout: 5000},
  async () => {
    const runner = new FakeCommandRunner({
      'kubectl --kubeconfig /s/seed/seed-eks-a-cluster.kubeconfig get nodes': {
        lines: fixture('nodes.json').split('\n'),
      },
      'kubectl --kubeconfig /s/broken.kubeconfig get nodes': {
        lines: ['The connection to the server 10.20.0.50:6443 was refused - did you specify the right host or port?'],
        exitCode: 1,
      },
    });
    const check = kubectlReachability(runner);
    const ok = await check('/s/seed/seed-eks-a-cluster.kubeconfig');
    assert.ok(ok.reachable && ok.nodes.length === 2);
    const bad = await check('/s/broken.kubeconfig');
    assert.ok(!bad.reachable);
    assert.match(bad.reason, /connection to the server/);
    assert.deepEqual(runner.started[0]!.args.slice(0, 2), ['--kubeconfig', '/s/seed/seed-eks-a-cluster.kubeconfig']);
  },
);

test('orphaned eksctl: found by argv, preferring one started in this session folder', () => {
  const procs = [
    {pid: 10, argv: ['bash']},
    {
      pid: 20,
      argv: ['/usr/local/bin/eksctl', 'anywhere', 'create', 'cluster', '-f', 'cluster.yaml'],
      cwd: '/other/session',
    },
    {
      pid: 30,
      argv: ['eksctl', 'anywhere', 'create', 'cluster', '-f', 'cluster.yaml', '--hardware-csv', 'hardware.csv'],
      cwd: SESSION,
    },
    {pid: 40, argv: ['eksctl', 'anywhere', 'delete', 'cluster', 'seed'], cwd: SESSION},
  ];
  assert.equal(findCreateProcess(procs, SESSION)?.pid, 30);
  assert.equal(findCreateProcess(procs.slice(0, 2), SESSION), undefined);
  assert.equal(findCreateProcess([{pid: 50, argv: ['eksctl-anywhere', 'create', 'cluster']}], SESSION)?.pid, 50);
  // A script run by its interpreter (a wrapper, the demo's stand-in): `node …/eksctl anywhere create cluster`.
  const script = {
    pid: 60,
    argv: ['node', '/s/demo-bin/eksctl', 'anywhere', 'create', 'cluster', '-f', 'cluster.yaml'],
    cwd: SESSION,
  };
  assert.equal(findCreateProcess([script], SESSION)?.pid, 60);
  assert.equal(findCreateProcess([{pid: 70, argv: ['node', '/s/other.js', 'create', 'cluster']}], SESSION), undefined);
});

test('the /proc lister reads argv of live processes, including this one', {timeout: 10_000}, async () => {
  const me = (await procProcessLister().list()).find(p => p.pid === process.pid);
  assert.ok(me, 'this process is listed');
  assert.equal(me.argv[0], process.execPath);
  assert.equal(me.cwd, process.cwd());
  assert.deepEqual(await procProcessLister('/nonexistent-proc').list(), []);
});

test(
  'resume: finished, running, failed, not started; the guard refuses all but a clean start',
  {timeout: 5000},
  async () => {
    const kubeconfig = clusterKubeconfigPath(SESSION, 'seed');
    const withKubeconfig: FolderProbe = {
      exists: async () => true,
      fileSize: async p => (p === kubeconfig ? 5400 : undefined),
    };
    const reachable = async () => ({reachable: true as const, nodes: parseNodes(JSON.parse(fixture('nodes.json')))});
    const unreachable = async () => ({reachable: false as const, reason: 'connection refused'});
    const noProcs = {list: async () => []};
    const leftovers = await detectLeftovers(
      parseDockerPs(fixture('docker-ps-leftovers.jsonl').split('\n')),
      SESSION,
      'seed',
      noFolder,
    );

    const finished = await classifyCreate({
      sessionDir: SESSION,
      clusterName: 'seed',
      processes: noProcs,
      reachability: reachable,
      folders: withKubeconfig,
      leftovers: none,
    });
    assert.equal(finished.state, 'finished');
    assert.ok(finished.state === 'finished' && finished.nodes.length === 2 && finished.kubeconfig === kubeconfig);

    const running = await classifyCreate({
      sessionDir: SESSION,
      clusterName: 'seed',
      processes: {
        list: async () => [
          {pid: 4242, argv: ['eksctl', 'anywhere', 'create', 'cluster', '-f', 'cluster.yaml'], cwd: SESSION},
        ],
      },
      reachability: unreachable,
      folders: noFolder,
      leftovers,
    });
    assert.deepEqual(running, {state: 'running', pid: 4242, command: 'eksctl anywhere create cluster -f cluster.yaml'});

    const failed = await classifyCreate({
      sessionDir: SESSION,
      clusterName: 'seed',
      processes: noProcs,
      reachability: unreachable,
      folders: noFolder,
      leftovers,
    });
    assert.equal(failed.state, 'failed');
    assert.ok(failed.state === 'failed' && failed.leftovers.cleanup.length === 2);

    const deadApi = await classifyCreate({
      sessionDir: SESSION,
      clusterName: 'seed',
      processes: noProcs,
      reachability: unreachable,
      folders: withKubeconfig,
      leftovers: none,
    });
    assert.equal(deadApi.state, 'failed');
    assert.ok(deadApi.state === 'failed' && /does not answer: connection refused/.test(deadApi.reason));

    const clean = await classifyCreate({
      sessionDir: SESSION,
      clusterName: 'seed',
      processes: noProcs,
      reachability: unreachable,
      folders: noFolder,
      leftovers: none,
    });
    assert.deepEqual(clean, {state: 'not-started'});

    assert.deepEqual(startCreateGuard(clean), {ok: true});
    for (const status of [finished, running, failed, deadApi]) {
      const guard = startCreateGuard(status);
      assert.equal(guard.ok, false, status.state);
    }
    const g = startCreateGuard(running);
    assert.ok(!g.ok && /pid 4242/.test(g.reason));
  },
);
