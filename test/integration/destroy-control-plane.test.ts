// destroy of a session that deployed its Kong control plane (demo --control-plane deploy): the CP stays
// without the second confirmation, and goes (helm release, labelled secrets and namespace, the simulated
// EKS cluster) with --include-control-plane. The stand-in eksctl refuses to delete an EKS cluster that
// is not there.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';

const home = tempHome('eksa-kong-destroy-cp-');
const env = {EKSA_KONG_HOME: home};
const dir = join(home, 'sessions', 'demo');
const sessionFile = () => JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8'));

test('a finished demo session that deployed its control plane on EKS', {timeout: 240_000}, async () => {
  const run = await runCli(['demo', '--non-interactive', '--control-plane', 'deploy', '--speed', '1000'], env);
  assert.equal(run.code, 0, run.stdout.slice(-2000) + run.stderr.slice(-2000));
  assert.equal(sessionFile().status, 'done');
  assert.ok(sessionFile().steps['control-plane'].data.deploy.eksCluster, 'the session created the EKS cluster');
});

test('destroy --dry-run without --include-control-plane leaves the control plane and says so', async () => {
  const run = await runCli(['destroy', 'demo', '--dry-run'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /control plane: release kong-cp in \S+ on the EKS cluster \S+ .*stays: give --include-control-plane/,
  );
  assert.doesNotMatch(run.stdout, /eksctl delete cluster/);
  assert.doesNotMatch(run.stdout, /-- kong-cp\b/);
});

test(
  'destroy --yes leaves the CP; destroy --yes --include-control-plane then removes its release, secrets, namespace and the EKS cluster',
  {timeout: 120_000},
  async () => {
    const {eksCluster, region, namespace} = sessionFile().steps['control-plane'].data.deploy;
    const dry = await runCli(['destroy', 'demo', '--dry-run', '--include-control-plane'], env);
    const order = [
      'helm uninstall -n kong ',
      `helm uninstall -n ${namespace} `,
      `kubectl delete secret -n ${namespace} -l app.kubernetes.io/managed-by=eksa-kong`,
      `eksctl delete cluster --name ${eksCluster} --region ${region} --wait`,
      'eksctl anywhere delete cluster',
    ];
    const at = order.map(c => dry.stdout.indexOf(c));
    assert.ok(
      at.every(i => i >= 0),
      dry.stdout,
    );
    assert.deepEqual(
      [...at].sort((a, b) => a - b),
      at,
      'data plane, control plane, then the EKS Anywhere cluster',
    );

    const {readDemoState} = await import('../../source/demo/persist.js');
    const cpObjects = () =>
      readDemoState(dir).state!.stores.controlPlane.objects.filter(
        o =>
          o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'eksa-kong' ||
          o.metadata.labels?.['app.kubernetes.io/instance'] === 'kong-cp',
      );
    // Without the second confirmation: everything else goes, the CP stays.
    const first = await runCli(['destroy', 'demo', '--yes'], env);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /kept: control plane: release kong-cp .*stays/);
    assert.doesNotMatch(first.stdout, /release "kong-cp" uninstalled/);
    assert.equal(sessionFile().status, 'destroyed');
    assert.ok(cpObjects().length > 0, 'the control plane is untouched');
    assert.match((await runCli(['destroy', 'demo', '--yes'], env)).stdout, /--include-control-plane removes it/);

    const run = await runCli(['destroy', 'demo', '--yes', '--include-control-plane'], env);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /release "kong-cp" uninstalled/);
    assert.doesNotMatch(run.stdout, /eksctl anywhere delete cluster/, 'only the control plane was left');
    assert.match(run.stderr + run.stdout, /all cluster resources were deleted/);
    assert.equal(sessionFile().status, 'destroyed');
    const runbook = (await runCli(['runbook', 'demo'], env)).stdout;
    assert.match(runbook, new RegExp(`eksctl delete cluster --name ${eksCluster} --region ${region} --wait`));
    const state = readDemoState(dir).state!;
    assert.deepEqual(cpObjects(), []);
    assert.deepEqual(state.parts?.['eks-clusters'] ?? {}, {}, 'no EKS cluster record is left');
  },
);

test('the stand-in eksctl refuses to delete an EKS cluster that does not exist', {timeout: 60_000}, async () => {
  const {startDemoWorld} = await import('../../source/demo/world.js');
  const tmp = mkdtempSync(join(tmpdir(), 'destroy-cp-world-'));
  const world = await startDemoWorld({sessionDir: tmp, speed: 50});
  try {
    const r = await new Promise<{code: number; stderr: string}>(resolve =>
      execFile(
        'eksctl',
        ['delete', 'cluster', '--name', 'kong-cp', '--region', 'eu-west-3', '--wait'],
        {cwd: tmp, env: {...world.env, HOME: tmp}, timeout: 30_000},
        (err, _out, stderr) => resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stderr}),
      ),
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ResourceNotFoundException: No cluster found for name: kong-cp\./);
  } finally {
    await world.close();
    rmSync(tmp, {recursive: true, force: true});
  }
});

after(() => rmSync(home, {recursive: true, force: true}));
