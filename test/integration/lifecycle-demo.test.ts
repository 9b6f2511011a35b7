// Day two against the simulated data center (fake Kubernetes APIs, fake Kong Admin API, stand-in
// helm/eksctl): one finished demo session, then status, upgrade and destroy on it, in that order.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';

const home = tempHome('eksa-kong-day2-');
const env = {EKSA_KONG_HOME: home};
const sessionFile = () => JSON.parse(readFileSync(join(home, 'sessions', 'demo', 'session.json'), 'utf8'));

test('a finished demo session to work on (demo --non-interactive)', {timeout: 120_000}, async () => {
  const run = await runCli(['demo', '--non-interactive', '--speed', '200'], env);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  assert.equal(sessionFile().status, 'done');
});

test('status --json: only controlPlane, dataPlanes, cluster, proxy, read from the simulated world', {timeout: 60_000}, async () => {
  const run = await runCli(['status', 'demo', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(doc), ['controlPlane', 'dataPlanes', 'cluster', 'proxy']);
  assert.deepEqual(Object.keys(doc.controlPlane), ['version', 'clusterEndpoint', 'telemetryEndpoint', 'reachable']);
  assert.equal(doc.controlPlane.version, '3.9.1.2');
  assert.equal(doc.controlPlane.reachable, true);
  assert.match(doc.controlPlane.clusterEndpoint, /\.elb\.us-east-1\.amazonaws\.com:8005$/);
  assert.match(doc.controlPlane.telemetryEndpoint, /:8006$/);
  const pods: string[] = sessionFile().steps['data-plane'].data.pods;
  assert.equal(doc.dataPlanes.length, pods.length);
  for (const dp of doc.dataPlanes) {
    assert.deepEqual(Object.keys(dp), ['hostname', 'version', 'syncStatus', 'lastSeen', 'session']);
    assert.ok(pods.includes(dp.hostname), `${dp.hostname} is a pod the session deployed`);
    assert.equal(dp.version, '3.9.1.2');
    assert.equal(dp.syncStatus, 'normal');
    assert.equal(dp.session, 'demo');
    assert.ok(!Number.isNaN(Date.parse(dp.lastSeen)));
  }
  assert.equal(doc.cluster.name, 'seed');
  assert.deepEqual(doc.cluster.nodes.map((n: {name: string}) => n.name).sort(), ['eksa-cp01', 'eksa-wk01']);
  assert.ok(doc.cluster.nodes.every((n: {ready: boolean}) => n.ready));
  assert.deepEqual(doc.proxy, {url: 'http://10.20.0.11:32080', ok: true});
  assert.doesNotMatch(run.stdout, /demo-admin-token/, 'no admin token in the output');
});

test('status (text): grouped by session, nodes and the route check', {timeout: 60_000}, async () => {
  const run = await runCli(['status', 'demo'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Admin API reachable/);
  assert.match(run.stdout, /session demo:\n\s+kong-dp-kong-\S+\s+3\.9\.1\.2\s+normal/);
  assert.match(run.stdout, /Cluster seed: 2\/2 nodes Ready/);
  assert.match(run.stdout, /GET \/httpbin\/anything → 200/);
});

test('status of a session that does not exist exits 2 naming it', {timeout: 20_000}, async () => {
  const run = await runCli(['status', 'nope', '--json'], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /nope/);
  assert.equal(run.stdout, '');
});
