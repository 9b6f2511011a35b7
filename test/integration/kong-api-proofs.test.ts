// The presets the simulated Kong enforces beyond key-auth, rate-limiting and proxy-cache: openid-connect
// (the FAKE Admin API refuses configs Kong's schema refuses; the FAKE proxy answers 401 with a Bearer
// challenge without a token) and http-log (Kong's log entry delivered to a loopback collector). And the
// rate-limit proof when the calls before it used the window up: it waits for the reset on the injected
// clock (a stepped one here), then proves a 200 with RateLimit-* headers and a 429 past the limit.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startFakeKongAdmin, type FakeKongAdmin} from '../../source/demo/fake-kong-admin.js';
import {startFakeKongProxy, type FakeKongProxy} from '../../source/demo/fake-kong-proxy.js';
import {startLogCollector, type LogCollector} from '../../source/demo/log-collector.js';
import {kongUrlError} from '../../source/demo/fake-kong-plugins.js';
import {createAdminClient} from '../../source/kong/admin-api.js';
import {apiCalls, applyApi} from '../../source/kong/api-apply.js';
import {proveApi, proxyRequest} from '../../source/kong/api-prove.js';
import type {ApiAnswers} from '../../source/session/api-answers.js';
import {steppedClock} from '../helpers/clock.js';
import {until} from '../helpers/wait.js';

const KEY = 'k3y-for-the-proofs-0123456789';
const clock = steppedClock();
let admin: FakeKongAdmin;
let proxy: FakeKongProxy;
let collector: LogCollector;
const deliveries: Array<{endpoint: string; status?: number; error?: string}> = [];

before(async () => {
  admin = await startFakeKongAdmin({propagationDelayMs: 10});
  collector = await startLogCollector();
  proxy = await startFakeKongProxy(admin.propagated, {clock, onLogDelivery: d => deliveries.push(d)});
});
after(async () => {
  await proxy.close();
  await collector.close();
  await admin.close();
});

const routed = (path: string) => async () => {
  const r = await proxyRequest(`${proxy.url}${path}`);
  return r.status !== 404 || !r.body.includes('no Route matched');
};
async function untilAsync(check: () => Promise<boolean>, what: string) {
  let ok = false;
  await until(
    () => {
      void check().then(v => (ok = v));
      return ok;
    },
    what,
    {timeoutMs: 5000, intervalMs: 20},
  );
}

test('typedefs.url as Kong checks it: host first, then scheme (any scheme)', () => {
  assert.equal(kongUrlError('nope'), 'missing host in url');
  assert.equal(kongUrlError('http:/x'), 'missing host in url');
  assert.equal(kongUrlError('//logs.lab:9200/x'), 'missing scheme in url');
  assert.equal(kongUrlError('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC'), undefined);
  assert.equal(kongUrlError('ftp://x'), undefined, 'Kong takes any scheme with a host');
});

test('FAKE Admin API refuses openid-connect and http-log configs as Kong’s schemas do', async () => {
  const client = createAdminClient({url: admin.url});
  await client.request('PUT', '/services/s2', {url: 'http://up:80', tags: ['eksa-kong']});
  const put = async (body: unknown) =>
    (await client.request<{message: string}>('PUT', '/services/s2/plugins/p2', body)).body.message;
  assert.equal(
    await put({name: 'openid-connect', config: {client_id: ['a']}}),
    'schema violation (config.issuer: required field missing)',
  );
  assert.equal(
    await put({name: 'openid-connect', config: {issuer: 'cognito-pool'}}),
    'schema violation (config.issuer: missing host in url)',
  );
  assert.match(
    await put({name: 'openid-connect', config: {issuer: 'https://idp.lab/', auth_methods: ['bearer', 'magic']}}),
    /config\.auth_methods\.2: expected one of: password, client_credentials, authorization_code, bearer/,
  );
  assert.equal(
    await put({name: 'http-log', config: {http_endpoint: '//logs.lab/x'}}),
    'schema violation (config.http_endpoint: missing scheme in url)',
  );
  assert.match(
    await put({name: 'http-log', config: {http_endpoint: 'http://logs.lab/x', method: 'GET'}}),
    /config\.method: expected one of: POST, PUT, PATCH/,
  );
  const ok = await client.request('PUT', '/services/s2/plugins/p2', {
    name: 'http-log',
    config: {http_endpoint: 'http://logs.lab/x'},
  });
  assert.equal(ok.status, 200);
});

test('openid-connect: the FAKE proxy answers 401 with a Bearer challenge naming the issuer host; the proof says so', async () => {
  const api: ApiAnswers = {
    service: {name: 'billing', url: 'http://billing.shop.svc:8080/anything'},
    route: {name: 'billing', paths: ['/billing']},
    plugins: [
      {
        preset: 'openid-connect',
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC',
        clientId: 'shop',
        clientSecretEnv: 'OIDC_SECRET',
      },
    ],
  };
  const applied = await applyApi(createAdminClient({url: admin.url}), apiCalls(api, {clientSecret: 's3cr3t'}));
  assert.ok(applied.ok, JSON.stringify(applied.steps));
  await untilAsync(routed('/billing'), 'the billing route on the data plane');
  const none = await proxyRequest(`${proxy.url}/billing`);
  assert.equal(none.status, 401);
  assert.equal(JSON.parse(none.body).message, 'Unauthorized');
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="cognito-idp.eu-west-1.amazonaws.com"');
  const forged = await proxyRequest(`${proxy.url}/billing`, {headers: {authorization: 'Bearer not-a-jwt'}});
  assert.equal(forged.status, 401);
  assert.match(String(forged.headers['www-authenticate']), /error="invalid_token"/);

  const proof = await proveApi({proxyUrl: proxy.url, api, clock, intervalMs: 10});
  assert.ok(proof.ok, JSON.stringify(proof.steps));
  assert.match(
    proof.steps.map(s => s.title).join('\n'),
    /openid-connect: 401 with WWW-Authenticate: Bearer realm="cognito-idp\.eu-west-1\.amazonaws\.com" when no token is sent/,
  );
});

test('http-log: Kong’s log entry reaches a loopback collector; the proof says delivery cannot be observed', async () => {
  const api: ApiAnswers = {
    service: {name: 'audit', url: 'http://audit.shop.svc:8080/anything'},
    route: {name: 'audit', paths: ['/audit']},
    plugins: [{preset: 'http-log', endpoint: `${collector.url}/kong-logs/_doc`}],
  };
  const applied = await applyApi(createAdminClient({url: admin.url}), apiCalls(api, {}));
  assert.ok(applied.ok, JSON.stringify(applied.steps));
  await untilAsync(routed('/audit'), 'the audit route on the data plane');
  const reply = await proxyRequest(`${proxy.url}/audit/x?id=7`, {headers: {authorization: 'Basic c2VjcmV0'}});
  assert.equal(reply.status, 200);
  const mine = () => collector.entries.find(e => (e['request'] as {uri?: string} | undefined)?.uri === '/audit/x?id=7');
  await until(() => Boolean(mine()), 'the log entry of the call at the collector');
  const entry = mine() as Record<string, any>;
  for (const field of [
    'request',
    'response',
    'route',
    'service',
    'latencies',
    'client_ip',
    'started_at',
    'upstream_uri',
  ])
    assert.ok(field in entry, `log entry has ${field}`);
  assert.equal(entry['request'].method, 'GET');
  assert.equal(entry['request'].uri, '/audit/x?id=7');
  assert.deepEqual(entry['request'].querystring, {id: '7'});
  assert.equal(entry['request'].headers.authorization, 'REDACTED', 'credentials never in the log entry');
  assert.equal(entry['response'].status, 200);
  assert.equal(entry['service'].name, 'audit');
  assert.equal(entry['route'].name, 'audit');
  assert.equal(entry['upstream_uri'], '/anything/x');
  assert.equal(entry['started_at'], clock.now(), 'started_at from the injected clock');
  assert.ok(deliveries.some(d => d.status === 201));

  // An endpoint off this machine is never contacted by the fake: the delivery is reported failed.
  const offsite = deliveries.length;
  const away = {...api, plugins: [{preset: 'http-log' as const, endpoint: 'http://opensearch.example.com/x'}]};
  assert.ok((await applyApi(createAdminClient({url: admin.url}), apiCalls(away, {}))).ok);
  await until(() => {
    const plugin = admin.propagated.plugins(admin.propagated.match('/audit')!.service.id)[0];
    return plugin?.config['http_endpoint'] === 'http://opensearch.example.com/x';
  }, 'the new endpoint on the data plane');
  await proxyRequest(`${proxy.url}/audit`);
  await until(() => deliveries.length > offsite, 'the off-machine delivery reported');
  assert.match(deliveries.at(-1)!.error!, /not reachable from the simulated data plane/);

  const proof = await proveApi({proxyUrl: proxy.url, api: away, clock, intervalMs: 10});
  const log = proof.steps.find(s => s.preset === 'http-log')!;
  assert.equal(log.status, 'warn', 'not claimed proven');
  assert.match(log.title, /cannot be observed from here/);
});

test('rate-limiting: earlier calls used the window up; the proof waits for the reset, then 200 with headers and 429', async () => {
  const api: ApiAnswers = {
    service: {name: 'stock', url: 'http://stock.shop.svc:8080/anything'},
    route: {name: 'stock', paths: ['/stock']},
    plugins: [
      {preset: 'key-auth', consumer: 'stock-client', keyEnv: 'K'},
      {preset: 'proxy-cache', ttl: 300},
      {preset: 'rate-limiting', minute: 3},
    ],
  };
  const applied = await applyApi(createAdminClient({url: admin.url}), apiCalls(api, {apiKey: KEY}));
  assert.ok(applied.ok, JSON.stringify(applied.steps));
  await untilAsync(routed('/stock'), 'the stock route on the data plane');
  // Someone (a previous run, a retry) already used this minute's three calls.
  for (let i = 0; i < 3; i++) await proxyRequest(`${proxy.url}/stock`, {headers: {apikey: KEY}});
  const limited = await proxyRequest(`${proxy.url}/stock`, {headers: {apikey: KEY}});
  assert.equal(limited.status, 429);
  const reset = Number(limited.headers['ratelimit-reset']);
  assert.ok(reset > 0 && reset <= 60);

  clock.slept.length = 0;
  const proof = await proveApi({proxyUrl: proxy.url, api, apiKey: KEY, clock, intervalMs: 10});
  assert.ok(proof.ok, JSON.stringify(proof.steps, null, 1));
  const rate = proof.steps.find(s => s.preset === 'rate-limiting')!;
  assert.match(
    rate.title,
    /rate-limiting: HTTP 200 with RateLimit-Limit 3, RateLimit-Remaining \d.*waited \d+ s for the window to reset.*429 "API rate limit exceeded" past the limit/,
  );
  assert.ok(
    clock.slept.some(ms => ms === reset * 1000),
    `waited RateLimit-Reset (${reset} s): ${clock.slept}`,
  );
  const cache = proof.steps.find(s => s.preset === 'proxy-cache')!;
  assert.equal(cache.status, 'ok', cache.title);
  const key = proof.steps.find(s => s.preset === 'key-auth')!;
  assert.equal(key.status, 'ok', key.title);
});

test('rate-limiting: a window longer than the bound is not waited out, and the proof says why', async () => {
  const {createServer} = await import('node:http');
  const always429 = createServer((_req, res) => {
    res.writeHead(429, {'content-type': 'application/json', 'ratelimit-limit': '5', 'ratelimit-reset': '3600'});
    res.end(JSON.stringify({message: 'API rate limit exceeded'}));
  });
  await new Promise<void>(resolve => always429.listen(0, '127.0.0.1', () => resolve()));
  try {
    const port = (always429.address() as {port: number}).port;
    const api: ApiAnswers = {
      service: {name: 'busy', url: 'http://busy:8080'},
      route: {name: 'busy', paths: ['/busy']},
      plugins: [{preset: 'rate-limiting', minute: 5}],
    };
    const stepped = steppedClock();
    const proof = await proveApi({proxyUrl: `http://127.0.0.1:${port}`, api, clock: stepped, intervalMs: 10});
    assert.equal(proof.ok, false);
    assert.match(
      proof.steps.find(s => s.preset === 'rate-limiting')!.title,
      /rate-limiting: 429 with a window of 3600 s \(more than 61 s to wait\)/,
    );
    assert.ok(
      stepped.slept.every(ms => ms < 61_000),
      'never slept for the hour',
    );
  } finally {
    always429.closeAllConnections();
    await new Promise(resolve => always429.close(resolve));
  }
});

test('the window to wait: RateLimit-Reset, else Retry-After, else none', async () => {
  const {windowWait} = await import('../../source/kong/api-prove.js');
  assert.equal(windowWait({status: 429, headers: {'ratelimit-reset': '17'}, body: ''}), 17);
  assert.equal(windowWait({status: 429, headers: {'retry-after': '3'}, body: ''}), 3);
  assert.equal(windowWait({status: 429, headers: {}, body: ''}), undefined);
});
