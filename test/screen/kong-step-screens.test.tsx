// Screen tests of the Kong steps in the app shell at 80x24, against the demo world's FAKE clusters and
// the kong demo part (FAKE Admin API, cluster listener, proxy; helm stand-in as a child process).
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {App} from '../../source/app.js';
import {ThemeProvider, makeTheme} from '../../source/ui/theme.js';
import {SessionController} from '../../source/wizard/controller.js';
import {newSession, type Session} from '../../source/session/schema.js';
import type {Ports} from '../../source/ports.js';
import {createDemoNet} from '../../source/demo/net.js';
import {mergeAnswers} from '../../source/wizard/reducer.js';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {startKongDemo} from '../../source/demo/parts/kong.js';
import type {DemoPart} from '../../source/demo/parts/types.js';
import {cleanupInk, KEYS, renderInk, stripAnsi, type Rendered} from '../helpers/ink.js';
import {demoPorts, runStep, stepContext} from '../helpers/step-context.js';

afterEach(() => cleanupInk());

interface Env {
  world: DemoWorld;
  part: DemoPart;
  controller: SessionController;
  ports: Ports;
  dir: string;
  close(): Promise<void>;
}

async function setup(opts: {
  speed: number;
  pendingSeconds?: number;
  kubeconfig?: (world: DemoWorld, dir: string) => string;
  /** Drop the demo's load-balancer answer, so the screen proposes a pool. */
  noPool?: boolean;
}): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'kong-screens-'));
  const abort = new AbortController();
  const world = await startDemoWorld({
    sessionDir: dir,
    speed: opts.speed,
    controlPlane: {pendingSeconds: opts.pendingSeconds ?? 1},
  });
  const part = await startKongDemo(world, {sessionDir: dir, speed: opts.speed, signal: abort.signal});
  let session: Session = newSession('kong-screens', 'demo');
  const answers = mergeAnswers(part.answers, {
    cluster: {name: 'demo'},
    machines: [{hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'}],
    ...(opts.kubeconfig ? {controlPlane: {kubeconfig: opts.kubeconfig(world, dir), context: ''}} : {}),
  });
  if (opts.noPool && answers.dataPlane) {
    delete answers.dataPlane.loadBalancer;
    // The nodes' subnet, from which the screen proposes a free block.
    answers.network = {netmask: '255.255.255.0', gateway: '10.20.0.1'};
    answers.admin = {bootstrapIp: '10.20.0.10'};
    // The created cluster's worker, where kube-vip's DaemonSet runs (create-cluster is skipped here).
    world.apis.workload.store.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {name: 'eksa-wk01'},
      status: {addresses: [{type: 'InternalIP', address: '10.20.0.12'}], conditions: [{type: 'Ready', status: 'True'}]},
    });
  }
  session = {
    ...session,
    answers: mergeAnswers(session.answers, answers),
    artifacts: {kubeconfig: world.kubeconfigs.workload},
    currentStep: 'control-plane',
  };
  for (const id of ['welcome', 'preflight', 'discover', 'hardware', 'cluster-spec', 'create-cluster'] as const)
    session.steps[id] = {state: 'skipped', attempts: []};
  const controller = new SessionController(session, s => s);
  const ports = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed: opts.speed});
  return {
    world,
    part,
    controller,
    ports,
    dir,
    close: async () => {
      abort.abort();
      await part.close();
      await world.close();
      rmSync(dir, {recursive: true, force: true});
    },
  };
}

function render(env: Env, autoplay = false): Rendered {
  return renderInk(
    <ThemeProvider theme={makeTheme(true)}>
      <App
        controller={env.controller}
        ports={env.ports}
        secret={() => undefined}
        autoplay={autoplay}
        onExit={() => undefined}
      />
    </ThemeProvider>,
    {columns: 80, rows: 24},
  );
}

/** Every frame fits the 80x24 terminal. */
function assertFits(app: Rendered) {
  for (const frame of app.frames) {
    const lines = stripAnsi(frame).replace(/\n$/, '').split('\n');
    assert.ok(lines.length <= 24, `frame of ${lines.length} lines:\n${stripAnsi(frame)}`);
    for (const line of lines) assert.ok([...line].length <= 80, `line wider than 80: ${line}`);
  }
}

/** Runs the control-plane step headless so a test can start at the data-plane screen. */
async function controlPlaneDone(env: Env) {
  const c = env.controller;
  await runStep(stepContext(c, env.ports).ctx, c, 'control-plane', AbortSignal.timeout(30_000));
  c.dispatch({type: 'next'});
}

test(
  'control plane screen (fake CP): contexts listed from the kubeconfig, pending LB with a timer, then hostnames and ✔ tunnels',
  {timeout: 60_000},
  async () => {
    const env = await setup({
      speed: 10,
      // AWS "never" assigns by itself here: the test assigns the hostnames once the screen shows pending.
      pendingSeconds: 100_000,
      // The demo kubeconfig plus a second context, to choose from.
      kubeconfig: (world, dir) => {
        const doc = yaml.load(readFileSync(world.kubeconfigs.controlPlane, 'utf8')) as {
          contexts: Array<{name: string; context: object}>;
        };
        doc.contexts.push({name: 'staging', context: doc.contexts[0]!.context});
        const file = join(dir, 'two-contexts.kubeconfig');
        writeFileSync(file, yaml.dump(doc), {mode: 0o600});
        return file;
      },
    });
    try {
      const app = render(env);
      await app.waitFor('contexts: 2 in file', {timeoutMs: 5000});
      assert.match(app.screen(), /Context +kong-cp/);
      await app.press(KEYS.down, KEYS.right);
      await app.waitFor(/Context +staging/);
      await app.press(KEYS.left);
      await app.waitFor(/Context +kong-cp/);
      await app.press(KEYS.enter);
      const pending = await app.waitFor(/\[\d[^\]]*s\] Waiting for AWS to assign the load balancer/, {
        timeoutMs: 10_000,
      });
      assert.match(pending, /8005 cluster …/, 'the cluster tunnel waits');
      const store = env.world.apis.controlPlane.store;
      for (const [svc, key] of [
        ['kong-cp-kong-cluster', 'cluster'],
        ['kong-cp-kong-clustertelemetry', 'clustertelemetry'],
      ] as const) {
        const hostname = env.world.controlPlane.hostnames[key];
        store.update(
          {apiVersion: 'v1', kind: 'Service', namespace: 'kong', name: svc},
          cur => cur && {...cur, status: {loadBalancer: {ingress: [{hostname}]}}},
        );
      }
      const done = await app.waitFor('Enter to continue', {timeoutMs: 20_000});
      assert.match(done, /8005 cluster ✔/);
      assert.match(done, /8006 telemetry ✔/);
      assert.match(done, /Kong 3\.9\.1\.2/);
      assertFits(app);
      assert.equal(
        env.controller.get().answers.controlPlane?.clusterEndpoint,
        `${env.world.controlPlane.hostnames.cluster}:8005`,
      );
      await app.press(KEYS.enter);
      await app.waitFor('Kong data plane (Helm on the new cluster)');
      assert.equal(env.controller.get().steps['control-plane'].state, 'done');
    } finally {
      await env.close();
    }
  },
);

test(
  'control plane screen (fake CP): a NodePort cluster Service is refused, naming the CP values to change',
  {timeout: 60_000},
  async () => {
    const env = await setup({speed: 50});
    try {
      const store = env.world.apis.controlPlane.store;
      const service = store
        .list({apiVersion: 'v1', kind: 'Service', namespace: 'kong'})
        .find(s => s.metadata.name === 'kong-cp-kong-cluster')!;
      store.update(
        {apiVersion: 'v1', kind: 'Service', namespace: 'kong', name: service.metadata.name!},
        cur => cur && {...cur, spec: {...(cur['spec'] as object), type: 'NodePort'}},
      );
      const app = render(env);
      await app.waitFor('contexts: 1 in file', {timeoutMs: 5000});
      await app.press(KEYS.enter);
      const screen = await app.waitFor('r retry', {timeoutMs: 20_000});
      assert.match(screen, /kong-cp-kong-cluster is NodePort/);
      assert.match(screen, /8005 cluster ✖/);
      assert.match(screen, /cluster\.type=LoadBalancer/);
      assert.equal(env.controller.get().steps['control-plane'].state, 'failed');
      assertFits(app);
    } finally {
      await env.close();
    }
  },
);

test(
  'data plane, verify and done screens (fake helm, fake CP): skew refusal, values preview, pod connected, rows, 200, summary',
  {timeout: 90_000},
  async () => {
    const env = await setup({speed: 50});
    try {
      await controlPlaneDone(env);
      const app = render(env);
      await app.waitFor(/Image tag +3\.9\.1\.2/, {timeoutMs: 5000});
      assert.match(app.screen(), /Same version as the control plane/);
      assert.match(app.screen(), /Proxy +LoadBalancer/);
      assert.match(app.screen(), /LB provider +metallb/);
      assert.match(app.screen(), /LB pool +10\.20\.0\.200-10\.20\.0\.209/);
      await app.press(KEYS.down, KEYS.down);
      await app.press(...Array(8).fill(KEYS.backspace));
      await app.type('3.10.0.0');
      const refused = await app.waitFor('Fix first: image refused');
      assert.match(refused, /newer minor/);
      await app.press(KEYS.enter);
      assert.doesNotMatch(app.screen(), /kong-dp-values\.yaml \(preview/, 'a refused image does not go on');
      await app.press(...Array(8).fill(KEYS.backspace));
      await app.type('3.9.1.2');
      await app.waitFor('Enter previews the values');
      await app.press(KEYS.enter);
      const preview = await app.waitFor('kong-dp-values.yaml (preview');
      assert.match(preview, /role: data_plane/);
      await app.press(KEYS.enter);
      const deployed = await app.waitFor('Enter to continue', {timeoutMs: 40_000});
      // The simulated CP has no entities yet: connected, NotReady until verify gives it a configuration.
      assert.match(deployed, /✔ kong-dp-kong-\S+ +connected, no config/);
      assert.match(deployed, /Enter to continue · kong-dp in kong/);
      assert.match(deployed, /passed: kong-dp-values\.yaml written · metallb-con/, 'MetalLB installed before helm');
      assertFits(app);
      await app.press(KEYS.enter);
      await app.waitFor('Enter verifies');
      await app.press(KEYS.enter);
      const verified = await app.waitFor('Enter to continue', {timeoutMs: 40_000});
      assert.match(verified, /✔ kong-dp-kong-\S+ +normal +3\.9\.1\.2/);
      assert.match(verified, /✔ 200 ← GET http:\/\/10\.20\.0\.200\/httpbin/);
      await app.press(KEYS.enter);
      const done = await app.waitFor('What now exists');
      assert.match(done, /curl -i http:\/\/10\.20\.0\.200\/httpbin\/anything/);
      assert.match(done, /eksa-kong runbook kong-screens/);
      assert.equal(env.controller.get().status, 'done');
      assertFits(app);
    } finally {
      await env.close();
    }
  },
);

test(
  'data plane screen with no pool answered: a free range is proposed, kube-vip is chosen with ←/→, installed before helm, and the proxy gets an address from the range',
  {timeout: 90_000},
  async () => {
    const env = await setup({speed: 50, noPool: true});
    try {
      await controlPlaneDone(env);
      const app = render(env);
      await app.waitFor(/Image tag +3\.9\.1\.2/, {timeoutMs: 5000});
      const proposed = /LB pool +(10\.20\.0\.\d+-10\.20\.0\.\d+)/.exec(app.screen())?.[1];
      assert.ok(proposed, `a proposed range:\n${app.screen()}`);
      assert.match(app.screen(), /Proxy +NodePort/, 'no pool answered: NodePort until the admin picks LoadBalancer');
      assert.match(app.screen(), /LB provider +metallb/);
      await app.press(KEYS.down, KEYS.down, KEYS.down, KEYS.right);
      await app.waitFor(/Proxy +LoadBalancer/);
      await app.press(KEYS.down, KEYS.right);
      await app.waitFor(/LB provider +kube-vip/);
      await app.press(KEYS.enter);
      await app.waitFor('kong-dp-values.yaml (preview');
      assert.deepEqual(env.controller.get().answers.dataPlane?.loadBalancer, {
        provider: 'kube-vip',
        addresses: proposed,
      });
      await app.press(KEYS.enter);
      const deployed = await app.waitFor('Enter to continue', {timeoutMs: 40_000});
      assert.match(deployed, /passed: kong-dp-values\.yaml written · deployment /, 'the cloud provider Ready');
      const proxy = env.world.apis.workload.store.get({
        apiVersion: 'v1',
        kind: 'Service',
        namespace: 'kong',
        name: 'kong-dp-kong-proxy',
      });
      assert.equal(
        proxy?.metadata.annotations?.['kube-vip.io/loadbalancerIPs'],
        proposed.split('-')[0],
        'kube-vip’s cloud provider',
      );
      assertFits(app);
      await app.press(KEYS.enter);
      await app.waitFor('Enter verifies');
      const facts = env.controller.get().steps['data-plane'].data as {
        proxyUrl?: string;
        loadBalancer?: {provider: string};
      };
      assert.equal(facts.loadBalancer?.provider, 'kube-vip');
      assert.equal(facts.proxyUrl, `http://${proposed.split('-')[0]}`);
      assertFits(app);
    } finally {
      await env.close();
    }
  },
);

test(
  'autoplay (fake world): control plane → data plane → verify → done without a key, and Done stays',
  {timeout: 90_000},
  async () => {
    const env = await setup({speed: 40});
    try {
      const app = render(env, true);
      const done = await app.waitFor('What now exists', {timeoutMs: 70_000});
      assert.match(done, /Data plane: kong-dp in kong/);
      assert.match(env.controller.get().steps.verify.summary ?? '', /1 data plane connected/);
      for (const id of ['control-plane', 'data-plane', 'verify', 'done'] as const)
        assert.equal(env.controller.get().steps[id].state, 'done', id);
      await new Promise(r => setTimeout(r, 300));
      assert.equal(env.controller.get().currentStep, 'done');
      assertFits(app);
    } finally {
      await env.close();
    }
  },
);

test(
  'Esc cancels the innermost thing first: the values preview goes back to the form; Verify before a run goes back exactly one step',
  {timeout: 60_000},
  async () => {
    const env = await setup({speed: 50});
    try {
      await controlPlaneDone(env);
      const app = render(env);
      await app.waitFor('Enter previews the values', {timeoutMs: 5000});
      await app.press(KEYS.enter);
      await app.waitFor('kong-dp-values.yaml (preview');
      await app.press(KEYS.escape);
      await app.waitFor('Enter previews the values');
      assert.equal(env.controller.get().currentStep, 'data-plane', 'Esc in the preview stays on the step');
      // Verify, opened before any run: Esc leaves for the data plane and no further.
      env.controller.dispatch({type: 'step-skipped', step: 'data-plane'});
      env.controller.dispatch({type: 'next'});
      await app.waitFor('Enter verifies');
      await app.press(KEYS.escape);
      await app.waitFor(() => env.controller.get().currentStep !== 'verify');
      await app.press(); // one more turn: a second handler acting on the same Esc would move again
      assert.equal(env.controller.get().currentStep, 'data-plane');
    } finally {
      await env.close();
    }
  },
);
