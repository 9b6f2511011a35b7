// The runbook reproduces what ran: the data-plane step against the simulated world (FAKE Kubernetes
// APIs, helm stand-in, real kubectl), its runbook rendered from the recorded commands, the data plane
// wiped from the new cluster, then the runbook replayed by bash with KUBECONFIG pointing at the
// control plane's cluster, the trap an admin's current context sets. The data plane must come back on
// the new cluster, the same secrets and release, and nothing may land on the control plane's.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import {execa} from 'execa';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {startKongDemo, DEMO_ADMIN_TOKEN} from '../../source/demo/parts/kong.js';
import type {DemoPart} from '../../source/demo/parts/types.js';
import {createDemoNet} from '../../source/demo/net.js';
import {newSession} from '../../source/session/schema.js';
import {SessionController} from '../../source/wizard/controller.js';
import {mergeAnswers} from '../../source/wizard/reducer.js';
import {createExecaRunner} from '../../source/run/execa-runner.js';
import {renderRunbook} from '../../source/run/runbook.js';
import {demoPorts, runStep, stepContext} from '../helpers/step-context.js';

const SPEED = 100;
let world: DemoWorld;
let part: DemoPart;
let dir: string;
const abort = new AbortController();
const kubectl = spawnSync('kubectl', ['version', '--client'], {encoding: 'utf8'});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-replay-'));
  world = await startDemoWorld({sessionDir: dir, speed: SPEED});
  part = await startKongDemo(world, {sessionDir: dir, speed: SPEED, signal: abort.signal});
});

after(async () => {
  abort.abort();
  await part?.close();
  await world?.close();
  rmSync(dir, {recursive: true, force: true});
});

/** What the API server allocates anew on every create (a Service's cluster IP) does not count. */
// What the API server allocates on create: the cluster IPs, and the node ports of a LoadBalancer Service
// whose values leave them unset (the demo's proxy sits behind a MetalLB address).
const withoutAllocated = (spec: Record<string, unknown> | undefined) => {
  const {clusterIP: _ip, clusterIPs: _ips, ...rest} = spec ?? {};
  if (rest['type'] === 'LoadBalancer' && Array.isArray(rest['ports']))
    rest['ports'] = (rest['ports'] as Array<Record<string, unknown>>).map(({nodePort: _np, ...port}) => port);
  return rest;
};

const kinds = [
  ['v1', 'Secret'],
  ['apps/v1', 'Deployment'],
  ['v1', 'Service'],
  ['v1', 'Pod'],
] as const;

test(
  "runbook replay (fake clusters, helm stand-in, real kubectl): the data plane comes back on the new cluster, never on the CP's",
  {timeout: 120_000, skip: kubectl.status === 0 ? false : 'kubectl is not installed'},
  async () => {
    let session = newSession('replay', 'demo');
    session = {
      ...session,
      answers: mergeAnswers(session.answers, {
        ...part.answers,
        cluster: {name: 'demo'},
        machines: [
          {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
        ],
      }),
      artifacts: {kubeconfig: world.kubeconfigs.workload},
    };
    const controller = new SessionController(session, s => s);
    const base = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed: SPEED});
    const ports = {
      ...base,
      runner: createExecaRunner({
        sessionDir: dir,
        baseEnv: base.env,
        onRecord: record => controller.dispatch({type: 'command-recorded', record}),
      }),
    };
    const {ctx} = stepContext(controller, ports);
    for (const id of ['welcome', 'preflight', 'discover', 'hardware', 'cluster-spec', 'create-cluster'] as const)
      controller.dispatch({type: 'step-skipped', step: id});
    await runStep(ctx, controller, 'control-plane', abort.signal, {goto: true});
    await runStep(ctx, controller, 'data-plane', abort.signal, {goto: true});

    const book = renderRunbook('replay', controller.get().commands);
    assert.match(book, /kubectl --kubeconfig \S+workload\.kubeconfig apply -f kong-dp-secrets\.yaml/);
    assert.match(
      book,
      /helm upgrade --install --kubeconfig \S+workload\.kubeconfig -n kong -f kong-dp-values\.yaml --version \S+ -- kong-dp kong\/kong\n/,
    );
    assert.ok(!book.includes(DEMO_ADMIN_TOKEN) && !book.includes('PRIVATE KEY'), 'secrets stay in the 0600 manifest');
    assert.equal(statSync(join(dir, 'kong-dp-secrets.yaml')).mode & 0o777, 0o600);
    const script = join(dir, 'runbook.sh');
    writeFileSync(script, book);
    assert.equal(spawnSync('bash', ['-n', script]).status, 0);

    const dpStore = world.apis.workload.store;
    const snapshot = () =>
      Object.fromEntries(
        kinds.flatMap(([apiVersion, kind]) =>
          dpStore
            .list({apiVersion, kind, namespace: 'kong'})
            .filter(() => kind !== 'Pod')
            .map(
              o =>
                [
                  `${kind}/${o.metadata.name}`,
                  kind === 'Secret'
                    ? (o as {data?: unknown}).data
                    : withoutAllocated((o as {spec?: Record<string, unknown>}).spec),
                ] as const,
            ),
        ),
      );
    const before = snapshot();
    assert.ok(
      before['Deployment/kong-dp-kong'] &&
        before['Secret/kong-cluster-cert'] &&
        before['Secret/sh.helm.release.v1.kong-dp.v1'],
    );
    // Wipe the data plane from the new cluster.
    for (const [apiVersion, kind] of kinds)
      for (const o of dpStore.list({apiVersion, kind, namespace: 'kong'}))
        dpStore.delete({apiVersion, kind, namespace: 'kong', name: o.metadata.name!});
    dpStore.delete({apiVersion: 'v1', kind: 'Namespace', name: 'kong'});
    // And the MetalLB package (eksctl anywhere create packages refuses one that exists, as a rerun would meet).
    for (const p of dpStore.list({apiVersion: 'packages.eks.amazonaws.com/v1alpha1', kind: 'Package'}))
      dpStore.delete({
        apiVersion: 'packages.eks.amazonaws.com/v1alpha1',
        kind: 'Package',
        namespace: p.metadata.namespace!,
        name: p.metadata.name!,
      });

    const cpSecretsBefore = world.apis.controlPlane.store
      .list({apiVersion: 'v1', kind: 'Secret', namespace: 'kong'})
      .map(s => s.metadata.name)
      .sort();
    // Asynchronously: the fake clusters answer from this very process.
    const replay = await execa('bash', [script], {
      reject: false,
      timeout: 60_000,
      extendEnv: false,
      env: {...world.env, PATH: base.env['PATH'], HOME: dir, KUBECONFIG: world.kubeconfigs.controlPlane},
    });
    assert.equal(replay.exitCode, 0, `${replay.stdout}\n${replay.stderr}`);
    const after = snapshot();
    const {['Secret/sh.helm.release.v1.kong-dp.v1']: releaseBefore, ...restBefore} = before;
    const {['Secret/sh.helm.release.v1.kong-dp.v1']: releaseAfter, ...restAfter} = after;
    assert.deepEqual(restAfter, restBefore, 'namespace secrets, Deployment and Service as the wizard left them');
    assert.ok(releaseBefore && releaseAfter, 'the helm release is installed again');
    assert.ok(dpStore.get({apiVersion: 'v1', kind: 'Namespace', name: 'kong'}), 'namespace recreated');
    // The control plane's cluster, which KUBECONFIG named, got nothing.
    assert.equal(
      world.apis.controlPlane.store.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'kong',
        name: 'kong-dp-kong',
      }),
      undefined,
    );
    assert.deepEqual(
      world.apis.controlPlane.store
        .list({apiVersion: 'v1', kind: 'Secret', namespace: 'kong'})
        .map(s => s.metadata.name)
        .sort(),
      cpSecretsBefore,
    );
  },
);
