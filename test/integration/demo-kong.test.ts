// The kong demo part with the demo world (fake Kubernetes APIs, fake Kong Admin API / cluster listener /
// proxy, helm stand-in as a real child process): the real control-plane, data-plane and verify step code
// runs from the part's answers at high speed and ends with sync_status normal and a 200 through the proxy.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {startKongDemo, DEMO_ADMIN_TOKEN, DEMO_HTTP_LOG_FILE} from '../../source/demo/parts/kong.js';
import type {DemoPart} from '../../source/demo/parts/types.js';
import {NetRouteError} from '../../source/ports.js';
import {createDemoNet} from '../../source/demo/net.js';
import {newSession} from '../../source/session/schema.js';
import {SessionController} from '../../source/wizard/controller.js';
import {mergeAnswers} from '../../source/wizard/reducer.js';
import {demoPorts, runStep, stepContext} from '../helpers/step-context.js';
import {until} from '../helpers/wait.js';
import yaml from 'js-yaml';
import {createAdminClient} from '../../source/kong/admin-api.js';
import {readWizardEntities, renderDeck} from '../../source/kong/deck-export.js';

const SPEED = 100;
let world: DemoWorld;
let part: DemoPart;
let dir: string;
const abort = new AbortController();

/** The demo's network, as the demo command wires it: the part's routes and names, loopback as is, nothing else. */
const netOf = (p: DemoPart) => createDemoNet(p.routes, p.dns);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-kong-'));
  world = await startDemoWorld({sessionDir: dir, speed: SPEED});
  part = await startKongDemo(world, {sessionDir: dir, speed: SPEED, signal: abort.signal});
});

after(async () => {
  abort.abort();
  await part?.close();
  await world?.close();
  rmSync(dir, {recursive: true, force: true});
});

test('demo part: answers point at the world, routes cover the LB names, the admin URL and a worker NodePort', () => {
  const cp = part.answers.controlPlane!;
  assert.equal(cp.kubeconfig, world.kubeconfigs.controlPlane);
  assert.equal(cp.context, world.contexts.controlPlane);
  assert.equal(cp.adminToken, DEMO_ADMIN_TOKEN);
  const net = netOf(part);
  assert.equal(net.route(world.controlPlane.hostnames.cluster, 8005).host, '127.0.0.1');
  assert.equal(net.route(world.controlPlane.hostnames.clustertelemetry, 8006).host, '127.0.0.1');
  assert.equal(net.route(new URL(cp.adminUrl!).hostname, 8001).host, '127.0.0.1');
  assert.equal(net.route('10.20.0.12', 32080).host, '127.0.0.1');
  assert.throws(() => net.route('10.20.0.12', 22), NetRouteError);
});

test(
  'demo (fake CP, fake helm): control plane → data plane → verify with the real step code',
  {timeout: 90_000},
  async () => {
    let session = newSession('demo-kong', 'demo');
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
    const ports = demoPorts({dir, worldEnv: world.env, net: netOf(part), speed: SPEED});
    const {ctx, said} = stepContext(controller, ports);
    const run = (id: 'control-plane' | 'data-plane' | 'verify') =>
      runStep(ctx, controller, id, abort.signal, {goto: true});
    // Steps before the Kong ones count as done: the demo's cluster exists.
    for (const id of ['welcome', 'preflight', 'discover', 'hardware', 'cluster-spec', 'create-cluster'] as const) {
      controller.dispatch({type: 'step-skipped', step: id});
    }

    const cp = await run('control-plane');
    assert.match(cp.summary, /Kong 3\.9\.1\.2 \(shared\)/);
    assert.equal(
      controller.get().answers.controlPlane?.clusterEndpoint,
      `${world.controlPlane.hostnames.cluster}:8005`,
    );
    assert.equal(controller.get().answers.controlPlane?.version, '3.9.1.2');
    assert.ok(
      said.some(l => /accepted the cluster certificate/.test(l)),
      said.join('\n'),
    );

    // A brand-new CP holds no entities: the DP connects (a real handshake with the copied secret) but Kong's
    // /status/ready answers 503 until it has a configuration. The step says so instead of waiting 600 s.
    const dp = await run('data-plane');
    assert.match(
      dp.summary,
      /kong-dp in kong, kong\/kong-gateway:3\.9\.1\.2 · 1 pod connected, waiting for configuration · proxy http:\/\/10\.20\.0\.200/,
    );
    assert.ok(
      said.some(l =>
        /connected to the control plane \(sync_status normal\), not Ready only because the control plane has no Services or Routes yet/.test(
          l,
        ),
      ),
      said.join('\n'),
    );
    // The proxy is behind MetalLB, installed as the curated package through the stand-in eksctl.
    assert.ok(
      said.some(l => /Installed MetalLB with pool 10\.20\.0\.200-10\.20\.0\.209/.test(l)),
      said.join('\n'),
    );
    assert.ok(
      said.some(l => /\$ eksctl anywhere create packages -f metallb-package\.yaml/.test(l)),
      said.join('\n'),
    );
    const podName = (controller.get().steps['data-plane'].data?.['pods'] as string[])[0]!;
    const podReady = () =>
      (
        (
          world.apis.workload.store.get({apiVersion: 'v1', kind: 'Pod', namespace: 'kong', name: podName})?.[
            'status'
          ] as {conditions?: Array<{type: string; status: string}>}
        )?.conditions ?? []
      ).some(c => c.type === 'Ready' && c.status === 'True');
    assert.equal(podReady(), false);
    const values = readFileSync(join(dir, 'kong-dp-values.yaml'), 'utf8');
    assert.match(
      values,
      new RegExp(`cluster_control_plane: ${world.controlPlane.hostnames.cluster.replace(/\./g, '\\.')}:8005`),
    );
    assert.equal(controller.get().artifacts.dpValues, 'kong-dp-values.yaml');
    // The copy on the new cluster is byte-identical to the control plane's secret.
    const cpSecret = world.apis.controlPlane.store.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'kong',
      name: 'kong-cluster-cert',
    });
    const dpSecret = world.apis.workload.store.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'kong',
      name: 'kong-cluster-cert',
    });
    assert.deepEqual((dpSecret as {data?: unknown}).data, (cpSecret as {data?: unknown}).data);

    const verify = await run('verify');
    assert.match(
      verify.summary,
      /1 data plane connected \(sync_status normal\) · GET http:\/\/10\.20\.0\.200\/httpbin\/anything → 200/,
    );
    // The demo's first API: applied through the Admin API, each preset proven through the MetalLB address.
    const log = said.join('\n');
    assert.match(log, /key-auth: 401 "No API key found in request" without a key, HTTP 200 with it/);
    assert.match(log, /proxy-cache: X-Cache-Status (Miss|Hit) then Hit/);
    assert.match(
      log,
      /rate-limiting: HTTP 200 with RateLimit-Limit 20, RateLimit-Remaining \d+; 429 "API rate limit exceeded" past the limit/,
    );
    assert.match(
      verify.summary,
      /API orders \/orders \(key-auth, rate-limiting, proxy-cache, http-log\): key-auth, proxy-cache, rate-limiting proven/,
    );
    // http-log is not claimed proven: the wizard cannot see the endpoint; the demo's collector shows what arrived.
    assert.match(log, /! http-log: .*cannot be observed from here/);
    const entries = readFileSync(join(dir, DEMO_HTTP_LOG_FILE), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    assert.ok(
      entries.some(e => e.route?.name === 'orders' && e.service?.name === 'orders' && e.response?.status === 200),
      'a log entry of the orders route reached the collector',
    );
    assert.equal(statSync(join(dir, DEMO_HTTP_LOG_FILE)).mode & 0o777, 0o600);
    const apiKey = readFileSync(join(dir, 'demo-api-key'), 'utf8').trim();
    assert.ok(!JSON.stringify(controller.get()).includes(apiKey), 'the API key is not in the session');
    assert.ok(!log.includes(apiKey), 'the API key is not in the progress lines');
    const curls = controller.get().commands.filter(c => c.command === 'curl');
    assert.ok(
      curls.some(c => c.args.some(a => a.includes('${EKSA_KONG_API_KEY}'))),
      JSON.stringify(curls),
    );
    assert.ok(curls.every(c => c.args.includes('Kong-Admin-Token: ${KONG_ADMIN_TOKEN}')));

    // decK export of what the wizard created, parsed back: the same entities, the key by reference.
    const admin = createAdminClient({
      url: `http://${new URL(part.answers.controlPlane!.adminUrl!).hostname}:8001`,
      token: DEMO_ADMIN_TOKEN,
      route: netOf(part).route,
    });
    const entities = await readWizardEntities(admin);
    const text = renderDeck(entities);
    assert.ok(!text.includes(apiKey), 'no key in the decK file');
    const deck = yaml.load(text) as {
      _format_version: string;
      services: Array<{
        name: string;
        routes: Array<{name: string; paths: string[]}>;
        plugins: Array<{name: string; config: Record<string, unknown>}>;
      }>;
      consumers: Array<{username: string; keyauth_credentials: Array<{key: string}>}>;
    };
    assert.equal(deck._format_version, '3.0');
    assert.deepEqual(deck.services.map(s => s.name).sort(), ['eksa-kong-httpbin', 'orders']);
    const orders = deck.services.find(s => s.name === 'orders')!;
    assert.deepEqual(
      orders.routes.map(r => [r.name, r.paths]),
      [['orders', ['/orders']]],
    );
    assert.deepEqual(orders.plugins.map(p => p.name).sort(), ['http-log', 'key-auth', 'proxy-cache', 'rate-limiting']);
    assert.equal(orders.plugins.find(p => p.name === 'rate-limiting')!.config['minute'], 20);
    assert.deepEqual(
      deck.consumers.map(c => c.username),
      ['shop-frontend'],
    );
    assert.equal(deck.consumers[0]!.keyauth_credentials[0]!.key, '${{ env "DECK_SHOP_FRONTEND_API_KEY" }}');
    // Round trip: every entity of the file is one the control plane holds, with the same fields.
    assert.deepEqual(
      deck.services.flatMap(s => s.routes.map(r => r.name)).sort(),
      entities.routes.map(r => r['name']).sort(),
    );
    assert.deepEqual(
      deck.services.flatMap(s => s.plugins.map(p => JSON.stringify(p.config))).sort(),
      entities.plugins.map(p => JSON.stringify(p['config'])).sort(),
    );

    // With the smoke-test entities the DP holds a configuration: the readiness probe passes.
    await until(podReady, 'the DP pod Ready once it holds the smoke-test configuration', {timeoutMs: 20_000});

    assert.ok(!said.join('\n').includes(DEMO_ADMIN_TOKEN), 'no token in progress lines');
    for (const id of ['control-plane', 'data-plane', 'verify'] as const) {
      assert.ok(!JSON.stringify(controller.get().steps[id]).includes(DEMO_ADMIN_TOKEN), `no token in ${id} step data`);
      assert.ok(!JSON.stringify(controller.get().steps[id]).includes('PRIVATE KEY'), `no key in ${id} step data`);
    }
  },
);
