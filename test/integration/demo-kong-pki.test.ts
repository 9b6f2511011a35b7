// A pki control plane in the demo world (cluster_mtls: pki, a CA, the CP's certificate issued for
// KONG_CLUSTER_SERVER_NAME, the CA's pair in a cert-manager-style issuer secret): the real control-plane,
// data-plane and verify step code, headless, ends with a connected and verified data plane. The DP gets a
// client certificate of its own issued by the CA (never the CP's pair), ca.crt next to it, and
// cluster_server_name; the simulated Kong DP verifies the chain and the name, the listener the client chain.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {startKongDemo} from '../../source/demo/parts/kong.js';
import {DEMO_PKI_SERVER_NAME} from '../../source/demo/scenarios/kong-control-plane.js';
import type {DemoPart} from '../../source/demo/parts/types.js';
import {createDemoNet} from '../../source/demo/net.js';
import {newSession} from '../../source/session/schema.js';
import {SessionController} from '../../source/wizard/controller.js';
import {mergeAnswers} from '../../source/wizard/reducer.js';
import {AnswerError} from '../../source/errors.js';
import {demoPorts, runStep, stepContext} from '../helpers/step-context.js';

const SPEED = 100;
let world: DemoWorld;
let part: DemoPart;
let dir: string;
const abort = new AbortController();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-kong-pki-'));
  world = await startDemoWorld({sessionDir: dir, speed: SPEED, controlPlane: {mtls: 'pki'}});
  part = await startKongDemo(world, {sessionDir: dir, speed: SPEED, signal: abort.signal});
});

after(async () => {
  abort.abort();
  await part?.close();
  await world?.close();
  rmSync(dir, {recursive: true, force: true});
});

const secretData = (cluster: 'controlPlane' | 'workload', name: string) =>
  (
    world.apis[cluster].store.get({apiVersion: 'v1', kind: 'Secret', namespace: 'kong', name}) as {
      data?: Record<string, string>;
    } | null
  )?.data ?? {};
const pemOf = (b64 = '') => Buffer.from(b64, 'base64').toString('utf8');

function session(extra: object = {}) {
  const s = newSession('demo-kong-pki', 'demo');
  return {
    ...s,
    answers: mergeAnswers(s.answers, {
      ...part.answers,
      ...extra,
      cluster: {name: 'demo'},
      machines: [{hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'}],
    }),
    artifacts: {kubeconfig: world.kubeconfigs.workload},
  };
}

function harness(s: ReturnType<typeof session>) {
  const controller = new SessionController(s, x => x);
  const ports = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed: SPEED});
  const {ctx, said} = stepContext(controller, ports);
  for (const id of ['welcome', 'preflight', 'discover', 'hardware', 'cluster-spec', 'create-cluster'] as const)
    controller.dispatch({type: 'step-skipped', step: id});
  const run = (id: 'control-plane' | 'data-plane' | 'verify') =>
    runStep(ctx, controller, id, abort.signal, {goto: true});
  return {controller, said, run};
}

test(
  'pki CP without the CA key or a DP certificate: the control-plane step refuses, naming controlPlane.clusterCaKeyFile',
  {timeout: 60_000},
  async () => {
    const {clusterCaSecret: _omitted, ...withoutCa} = part.answers.controlPlane!;
    const s = session();
    const {run} = harness({...s, answers: {...s.answers, controlPlane: withoutCa}});
    await assert.rejects(run('control-plane'), (error: unknown) => {
      assert.ok(error instanceof AnswerError, String(error));
      assert.equal(error.key, 'controlPlane.clusterCaKeyFile');
      assert.match(error.message, /client certificate of its own/);
      return true;
    });
  },
);

test(
  'demo world with a pki CP: control plane → data plane → verify, headless, ends connected and verified',
  {timeout: 120_000},
  async () => {
    const {controller, said, run} = harness(session());
    const cp = await run('control-plane');
    assert.match(cp.summary, /\(pki\)/);
    assert.equal(controller.get().answers.controlPlane?.clusterServerName, DEMO_PKI_SERVER_NAME);
    assert.ok(
      said.some(l => /accepted the data plane's client certificate \(pki/.test(l)),
      said.join('\n'),
    );

    const dp = await run('data-plane');
    assert.match(dp.summary, /1 pod connected, waiting for configuration/);
    const values = yaml.load(readFileSync(join(dir, 'kong-dp-values.yaml'), 'utf8')) as {
      env: Record<string, string>;
      secretVolumes: string[];
    };
    assert.equal(values.env['cluster_mtls'], 'pki');
    assert.equal(values.env['cluster_server_name'], DEMO_PKI_SERVER_NAME);
    assert.equal(values.env['cluster_ca_cert'], '/etc/secrets/kong-cluster-cert/ca.crt');
    assert.deepEqual(values.secretVolumes, ['kong-cluster-cert']);

    // The DP's secret: its own client pair issued by the CA, and the CA; never the CP's own pair.
    const cpSecret = secretData('controlPlane', 'kong-cluster-cert');
    const dpSecret = secretData('workload', 'kong-cluster-cert');
    assert.deepEqual(Object.keys(dpSecret).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
    assert.notEqual(dpSecret['tls.crt'], cpSecret['tls.crt']);
    assert.notEqual(dpSecret['tls.key'], cpSecret['tls.key']);
    const ca = new X509Certificate(pemOf(cpSecret['ca.crt']));
    const dpCert = new X509Certificate(pemOf(dpSecret['tls.crt']));
    assert.equal(pemOf(dpSecret['ca.crt']), ca.toString());
    assert.ok(dpCert.checkIssued(ca) && dpCert.verify(ca.publicKey), 'the DP certificate chains to the CA');
    assert.deepEqual(dpCert.keyUsage, ['1.3.6.1.5.5.7.3.2']);

    const verify = await run('verify');
    assert.match(
      verify.summary,
      // The demo's data plane sits behind its MetalLB pool address.
      /1 data plane connected \(sync_status normal\) · GET http:\/\/10\.20\.0\.200\/httpbin\/anything → 200/,
    );

    for (const id of ['control-plane', 'data-plane', 'verify'] as const)
      assert.ok(!JSON.stringify(controller.get().steps[id]).includes('PRIVATE KEY'), `no key in ${id} step data`);
    assert.ok(!said.join('\n').includes('PRIVATE KEY'), 'no key in progress lines');
  },
);
