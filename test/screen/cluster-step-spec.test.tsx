import {test, afterEach, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {createServer, type Server} from 'node:http';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {cleanupInk, KEYS, until} from '../helpers/ink.js';
import {FakeCommandRunner} from '../helpers/cluster-fakes.js';
import {NetRouteError, type Net} from '../../source/ports.js';
import {renderStep, sessionAt, specAnswers} from '../helpers/step-screen.js';
import {testPorts} from '../helpers/step-context.js';

afterEach(() => cleanupInk());

let server: Server;
let port = 0;
const heads: string[] = [];
before(async () => {
  server = createServer((req, res) => {
    heads.push(`${req.method} ${req.url}`);
    res.writeHead(req.url?.includes('missing') ? 404 : 200).end();
  });
  await new Promise<void>(r => server.listen({host: '127.0.0.1', port: 0}, r));
  port = (server.address() as {port: number}).port;
});
after(() => server.close());

/** Only the image host answers, on loopback; everything else is unreachable (nothing there). */
const routes = (): Net => ({
  route: (host, p) => {
    if (host === '10.20.0.10' && p === 8080) return {host: '127.0.0.1', port};
    throw new NetRouteError(`no route to ${host}:${p}`);
  },
  lookup: async () => [],
});

const runner = () =>
  new FakeCommandRunner({
    'ip -j neigh': {
      lines: [JSON.stringify([{dst: '10.20.0.11', dev: 'eno1', lladdr: 'aa:bb:cc:00:00:01', state: ['REACHABLE']}])],
    },
    'ip -j addr': {lines: ['[]']},
  });

test(
  'cluster spec: errors name the field and what is expected while typing, and keep what was typed',
  {timeout: 20_000},
  async () => {
    const ports = testPorts({runner: runner(), net: routes(), env: {HOME: '/nonexistent'}});
    const h = renderStep('cluster-spec', sessionAt('cluster-spec', specAnswers), ports);
    let screen = await h.app.waitFor('Cluster name');
    assert.match(screen, /Kubernetes +1\.35/);
    assert.match(screen, /Control planes +1/);
    assert.match(screen, /Workers +1/);
    await h.app.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down);
    screen = await h.app.waitFor('▸ CP endpoint');
    assert.match(screen, /✘ CP endpoint: cluster controlPlaneConfiguration\.Endpoint\.Host is not set/);
    await h.app.type('10.20.0.11');
    screen = await h.app.waitFor(/is the address of\s+machine\s+eksa-cp01/);
    assert.match(screen, /CP endpoint +10\.20\.0\.11█/);
    await h.app.press(KEYS.backspace, KEYS.backspace);
    await h.app.type('50');
    screen = await h.app.waitFor('▸ CP endpoint     10.20.0.50█');
    assert.doesNotMatch(screen, /✘ CP endpoint/);
    await h.app.press(KEYS.down);
    await h.app.type('10.20.0.50');
    screen = await h.app.waitFor(/are the same \(10\.20\.0\.50\), please\s+provide two unique IPs/);
    assert.match(screen, /tinkerbellIP +10\.20\.0\.50/);
    await h.app.press(KEYS.backspace);
    await h.app.type('1');
    await h.app.waitFor('All fields are valid');
    // counts: an even control-plane count is refused with EKS Anywhere's words
    await h.app.press(KEYS.up, KEYS.up, KEYS.up, KEYS.backspace);
    await h.app.type('2');
    screen = await h.app.waitFor(/cannot be an even number when\s+using stacked etcd topology/);
    await h.app.press(KEYS.backspace);
    await h.app.type('x');
    screen = await h.app.waitFor('expected a whole number of at least 1, got "x"');
    await h.app.press(KEYS.backspace);
    await h.app.type('1');
    await h.app.waitFor('All fields are valid');
    assert.equal(h.completed.length, 0);
  },
);

test(
  'cluster spec: Enter probes through net.route and HEADs the image, shows the YAML preview, then writes cluster.yaml',
  {timeout: 20_000},
  async () => {
    const ports = testPorts({runner: runner(), net: routes(), env: {HOME: '/nonexistent'}});
    const answers = {
      ...specAnswers,
      cluster: {...specAnswers.cluster, endpoint: '10.20.0.50', tinkerbellIp: '10.20.0.51'},
    };
    const h = renderStep('cluster-spec', sessionAt('cluster-spec', answers), ports);
    await h.app.waitFor('All fields are valid');
    heads.length = 0;
    await h.app.press(KEYS.enter);
    let screen = await h.app.waitFor('preview of cluster.yaml', {timeoutMs: 10_000});
    assert.deepEqual(heads, ['HEAD /ubuntu-2204-kube-1-35.gz']);
    assert.match(screen, /apiVersion: anywhere\.eks\.amazonaws\.com\/v1alpha1/);
    assert.match(screen, /kind: Cluster/);
    assert.doesNotMatch(screen, /tinkerbellIP: 10\.20\.0\.51/);
    await h.app.press(KEYS.pageDown, KEYS.down, KEYS.down, KEYS.down, KEYS.down);
    screen = await h.app.waitFor('tinkerbellIP: 10.20.0.51');
    assert.doesNotMatch(screen, /^kind: Cluster$/m, 'scrolled past the first document');
    await h.app.press(KEYS.enter);
    await until(() => h.completed.length === 1, 'completion', {timeoutMs: 5000});
    assert.match(
      h.completed[0]!.summary,
      /cluster\.yaml: seed, Kubernetes 1\.35, 1 control plane \+ 1 worker, endpoint 10\.20\.0\.50/,
    );
    const yaml = readFileSync(join(ports.sessionDir, 'cluster.yaml'), 'utf8');
    assert.match(yaml, /tinkerbellIP: 10\.20\.0\.51/);
    assert.equal(h.controller.get().artifacts.clusterYaml, 'cluster.yaml');
    assert.equal(h.controller.get().answers.cluster?.endpoint, '10.20.0.50');
  },
);

test(
  'cluster spec: an address that answers ARP is refused on its field; a 404 image is a warning',
  {timeout: 20_000},
  async () => {
    const ports = testPorts({runner: runner(), net: routes(), env: {HOME: '/nonexistent'}});
    const answers = {
      ...specAnswers,
      cluster: {
        ...specAnswers.cluster,
        endpoint: '10.20.0.50',
        tinkerbellIp: '10.20.0.51',
        osImageUrl: 'http://10.20.0.10:8080/missing-1-35.gz',
      },
    };
    const arp = new FakeCommandRunner({
      'ip -j neigh': {
        lines: [JSON.stringify([{dst: '10.20.0.51', dev: 'eno1', lladdr: 'de:ad:be:ef:00:01', state: ['STALE']}])],
      },
      'ip -j addr': {lines: ['[]']},
    });
    const h = renderStep('cluster-spec', sessionAt('cluster-spec', answers), {...ports, runner: arp});
    await h.app.waitFor('All fields are valid');
    await h.app.press(KEYS.enter);
    await h.app.waitFor('To fix: tinkerbellIP', {timeoutMs: 10_000});
    await h.app.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down);
    const screen = await h.app.waitFor('already in use');
    assert.match(
      screen.replace(/\s+/g, ' '),
      /tinkerbellIP 10\.20\.0\.51 is already in use, please provide a unique IP \(answers ARP as de:ad:be:ef:00:01 on eno1\)/,
    );
    await h.app.press(KEYS.backspace);
    await h.app.type('2');
    await h.app.waitFor('All fields are valid');
    await h.app.press(KEYS.enter);
    const preview = await h.app.waitFor('preview of cluster.yaml', {timeoutMs: 10_000});
    assert.match(
      preview.replace(/\s+/g, ' '),
      /! cluster\.osImageUrl: HEAD http:\/\/10\.20\.0\.10:8080\/missing-1-35\.gz answered 404/,
    );
  },
);

test(
  'cluster spec: the version picker shows support windows; an extended version asks for the licence token and never shows it',
  {timeout: 20_000},
  async () => {
    // Pinned: 6 December 2026.
    const clock = {now: () => Date.parse('2026-12-06T10:00:00Z'), sleep: async () => {}};
    const ports = testPorts({runner: runner(), net: routes(), env: {HOME: '/nonexistent'}, clock});
    const answers = {
      ...specAnswers,
      cluster: {
        ...specAnswers.cluster,
        endpoint: '10.20.0.50',
        tinkerbellIp: '10.20.0.51',
        kubernetesVersion: '1.32',
        osImageUrl: 'http://10.20.0.10:8080/ubuntu-2204-kube-1-32.gz',
      },
    };
    const h = renderStep('cluster-spec', sessionAt('cluster-spec', answers), ports);
    let screen = await h.app.waitFor('To fix: Licence token');
    assert.match(screen, /Kubernetes +1\.32 · extended until 2027-04-30, needs licence token/);
    await h.app.press(KEYS.down, KEYS.down);
    screen = await h.app.waitFor('▸ Licence token');
    assert.match(
      screen.replace(/\s+/g, ' '),
      /✘ Licence token: licenseToken is required for extended kubernetes support: Kubernetes 1\.32 left standard support on 2026-04-30/,
    );
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({alg: 'RS256'})}.${b64({endValidity: '2027-06-30T00:00:00Z'})}.c2lnbmF0dXJl`;
    await h.app.type(token);
    screen = await h.app.waitFor('All fields are valid');
    assert.ok(!screen.includes(token.slice(0, 12)), 'the token is masked');
    // ← on the version: 1.33 is also extended; the label follows the date.
    await h.app.press(KEYS.up, KEYS.right);
    await h.app.waitFor('1.31 · extended until 2026-12-31');
  },
);
