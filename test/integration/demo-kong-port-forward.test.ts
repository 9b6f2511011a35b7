// The Admin API through a port-forward, as for a control plane whose admin Service is not exposed: the
// FAKE Kubernetes API serves pods/portforward (WebSocket channel protocol, as client-node speaks it) and
// the CP pod runs the chart's default admin listener, 8444 with TLS only (KONG_ADMIN_LISTEN). The wizard
// must read the port and scheme from the pod instead of assuming plain HTTP on 8001.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {startKongDemo} from '../../source/demo/parts/kong.js';
import type {DemoPart} from '../../source/demo/parts/types.js';
import {createDemoNet} from '../../source/demo/net.js';
import {newSession} from '../../source/session/schema.js';
import {SessionController} from '../../source/wizard/controller.js';
import {mergeAnswers} from '../../source/wizard/reducer.js';
import {createKubeApi} from '../../source/kong/kube-client.js';
import {createAdminClient, openAdminViaPortForward, parseAdminListen} from '../../source/kong/admin-api.js';
import {demoPorts, runStep, stepContext} from '../helpers/step-context.js';

const SPEED = 100;
let world: DemoWorld;
let part: DemoPart;
let dir: string;
const abort = new AbortController();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-kong-pf-'));
  world = await startDemoWorld({sessionDir: dir, speed: SPEED, controlPlane: {adminListen: '0.0.0.0:8444 http2 ssl'}});
  part = await startKongDemo(world, {sessionDir: dir, speed: SPEED, signal: abort.signal});
});

after(async () => {
  abort.abort();
  await part?.close();
  await world?.close();
  rmSync(dir, {recursive: true, force: true});
});

test("admin_listen: plain HTTP first, TLS from the ssl flag, Kong's default when unset, none when off", () => {
  assert.deepEqual(parseAdminListen('0.0.0.0:8444 http2 ssl'), [{port: 8444, https: true}]);
  assert.deepEqual(parseAdminListen('0.0.0.0:8444 http2 ssl, 0.0.0.0:8001'), [
    {port: 8001, https: false},
    {port: 8444, https: true},
  ]);
  assert.deepEqual(parseAdminListen(undefined)[0], {port: 8001, https: false});
  assert.deepEqual(parseAdminListen('off'), []);
});

test(
  "FAKE kube API port-forward: a port nothing listens on is refused with the kubelet's words",
  {timeout: 30_000},
  async () => {
    const kube = createKubeApi(world.kubeconfigs.controlPlane, world.contexts.controlPlane);
    await world.controlPlane.ready;
    // The old wizard's fixed 8001 over HTTP: nothing listens there on a chart-default CP.
    const old = await openAdminViaPortForward(kube, {namespace: 'kong', release: 'kong-cp', port: 8001});
    try {
      await assert.rejects(createAdminClient({url: old.url, timeoutMs: 5000}).getInfo());
    } finally {
      await old.close();
    }
  },
);

test(
  'demo (fake CP with admin on 8444 TLS only, no admin URL): control plane → data plane → verify through the port-forward',
  {timeout: 90_000},
  async () => {
    const {adminUrl: _dropped, ...cpAnswers} = part.answers.controlPlane!;
    let session = newSession('demo-kong-pf', 'demo');
    session = {
      ...session,
      answers: mergeAnswers(session.answers, {
        ...part.answers,
        controlPlane: cpAnswers,
        cluster: {name: 'demo'},
        machines: [
          {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
        ],
      }),
      artifacts: {kubeconfig: world.kubeconfigs.workload},
    };
    assert.equal(session.answers.controlPlane?.adminUrl, undefined);
    const controller = new SessionController(session, s => s);
    const ports = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed: SPEED});
    const {ctx, said} = stepContext(controller, ports);
    const run = (id: 'control-plane' | 'data-plane' | 'verify') =>
      runStep(ctx, controller, id, abort.signal, {goto: true});
    for (const id of ['welcome', 'preflight', 'discover', 'hardware', 'cluster-spec', 'create-cluster'] as const)
      controller.dispatch({type: 'step-skipped', step: id});

    const cp = await run('control-plane');
    assert.match(cp.summary, /Kong 3\.9\.1\.2 \(shared\)/);
    assert.ok(
      said.some(l => /admin listener 8444 serves Kong's self-generated certificate/.test(l)),
      said.join('\n'),
    );
    const dp = await run('data-plane');
    assert.match(dp.summary, /1 pod connected, waiting for configuration/);
    const verify = await run('verify');
    assert.match(
      verify.summary,
      /1 data plane connected \(sync_status normal\) · GET http:\/\/10\.20\.0\.200\/httpbin\/anything → 200/,
    );
  },
);
