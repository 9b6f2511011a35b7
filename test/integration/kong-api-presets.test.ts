// The first API's presets against the FAKE Kong Admin API and FAKE proxy (the demo's): Kong's entity
// rules on the answers, the fake Admin API refusing plugin configs Kong's schemas refuse, the fake proxy
// enforcing key-auth, rate-limiting and proxy-cache with Kong's codes, bodies and headers, and the
// wizard's apply + proofs end to end, rerun-safe.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startFakeKongAdmin, type FakeKongAdmin} from '../../source/demo/fake-kong-admin.js';
import {startFakeKongProxy, type FakeKongProxy} from '../../source/demo/fake-kong-proxy.js';
import {createAdminClient} from '../../source/kong/admin-api.js';
import {apiCalls, applyApi, curlArgs} from '../../source/kong/api-apply.js';
import {proveApi, proxyRequest} from '../../source/kong/api-prove.js';
import {checkApiAnswers} from '../../source/kong/api-rules.js';
import {parseAnswers} from '../../source/session/answers-file.js';
import type {ApiAnswers} from '../../source/session/api-answers.js';
import {steppedClock} from '../helpers/clock.js';

// The proxy's rate-limit windows and the proofs' waits on one clock that jumps when slept on.
const clock = steppedClock();
let admin: FakeKongAdmin;
let proxy: FakeKongProxy;
const KEY = 'k3y-for-the-test-0123456789';

const api: ApiAnswers = {
  service: {name: 'orders', url: 'https://httpbin.konghq.com/anything'},
  route: {name: 'orders', paths: ['/orders'], methods: ['GET']},
  plugins: [
    {preset: 'key-auth', consumer: 'shop', keyEnv: 'ORDERS_KEY'},
    {preset: 'rate-limiting', minute: 4},
    {preset: 'proxy-cache', ttl: 60},
  ],
};

before(async () => {
  admin = await startFakeKongAdmin({propagationDelayMs: 20});
  proxy = await startFakeKongProxy(admin.propagated, {clock});
});
after(async () => {
  await proxy.close();
  await admin.close();
});

test('api answers: Kong’s entity rules name the key (names, paths, methods, hosts, URLs, plugin fields)', () => {
  const bad: ApiAnswers = {
    service: {name: 'my orders', url: 'ftp://x'},
    route: {name: 'orders', paths: ['orders'], methods: ['get'], hosts: ['*.*.example.com']},
    plugins: [{preset: 'rate-limiting', minute: 0}, {preset: 'key-auth'}, {preset: 'http-log', endpoint: 'nope'}],
  };
  const issues = checkApiAnswers(bad);
  const byKey = Object.fromEntries(issues.map(i => [i.key, i.message]));
  assert.match(
    byKey['api.service.name']!,
    /invalid value 'my orders': the only accepted ascii characters are alphanumerics or \., -, _, and ~/,
  );
  assert.match(byKey['api.service.url']!, /uses ftp; expected http or https/);
  assert.match(byKey['api.route.paths[0]']!, /should start with: \/ \(fixed path\) or ~\/ \(regex path\)/);
  assert.match(byKey['api.route.methods[0]']!, /invalid value: get/);
  assert.match(byKey['api.route.hosts[0]']!, /not a hostname/);
  assert.match(byKey['api.plugins[0].minute']!, /greater than 0/);
  assert.match(byKey['api.plugins[1].keyEnv']!, /by reference: keyEnv .* or keyFile/);
  assert.match(byKey['api.plugins[2].endpoint']!, /not a URL/);
  assert.deepEqual(checkApiAnswers(api), []);
  // The answers file refuses them when it is read, naming the key and the line.
  assert.throws(
    () =>
      parseAnswers(
        'api:\n  service: {name: orders, url: "http://o:8080"}\n  route: {name: orders, paths: [orders]}\n',
        'a.yaml',
      ),
    /api\.route\.paths\[0\]: "orders" should start with: \/ .*\(line 3\)/,
  );
  assert.throws(
    () =>
      parseAnswers(
        'api:\n  service: {name: o, url: "http://o"}\n  route: {name: o, paths: [/o]}\n  plugins: [{preset: key-auth, key: inline}]\n',
        'a.yaml',
      ),
    /api\.plugins\[0\]/,
    'no inline key: secrets by reference',
  );
});

test('fake Admin API: plugin configs are checked against Kong’s schemas (FAKE, refuses like Kong)', async () => {
  const client = createAdminClient({url: admin.url});
  await client.request('PUT', '/services/s1', {url: 'http://up:80', tags: ['eksa-kong']});
  const put = (body: unknown) => client.request<{message: string}>('PUT', '/services/s1/plugins/p1', body);
  assert.equal(
    (await put({name: 'rate-limiting', config: {}})).body.message,
    "schema violation (config: at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year')",
  );
  assert.match(
    (await put({name: 'rate-limiting', config: {minute: 0}})).body.message,
    /config\.minute: value must be greater than 0/,
  );
  assert.match(
    (await put({name: 'rate-limiting', config: {minute: 5, policy: 'nope'}})).body.message,
    /config\.policy: expected one of: local, cluster, redis/,
  );
  assert.match((await put({name: 'proxy-cache', config: {}})).body.message, /config\.strategy: required field missing/);
  assert.match(
    (await put({name: 'key-auth', config: {key_name: ['x']}})).body.message,
    /config\.key_name: unknown field/,
  );
  assert.match(
    (await put({name: 'http-log', config: {}})).body.message,
    /config\.http_endpoint: required field missing/,
  );
  assert.match(
    (await put({name: 'bot-detection-x', config: {}})).body.message,
    /plugin 'bot-detection-x' not enabled; add it to the 'plugins' configuration property/,
  );
  assert.equal((await put({name: 'rate-limiting', config: {minute: 5}})).status, 200);
});

test('the API applied, then every preset proven through the FAKE proxy; a rerun changes nothing', async () => {
  const client = createAdminClient({url: admin.url});
  const calls = apiCalls(api, {apiKey: KEY});
  const applied = await applyApi(client, calls);
  assert.ok(applied.ok, JSON.stringify(applied.steps));
  assert.ok(applied.changed);
  // Runbook form: the key and the token as references only.
  const curl = calls.map(c => curlArgs(admin.url, c).args.join(' ')).join('\n');
  assert.ok(!curl.includes(KEY));
  assert.match(curl, /"key":"\$\{EKSA_KONG_API_KEY\}"/);

  const proof = await proveApi({proxyUrl: proxy.url, api, apiKey: KEY, clock, intervalMs: 50});
  assert.ok(proof.ok, JSON.stringify(proof.steps, null, 1));
  const titles = proof.steps.map(s => s.title).join('\n');
  assert.match(titles, /key-auth: 401 "No API key found in request" without a key, HTTP 200 with it/);
  assert.match(titles, /proxy-cache: X-Cache-Status (Miss|Hit) then Hit/);
  assert.match(
    titles,
    /rate-limiting: HTTP 200 with RateLimit-Limit 4, .*429 "API rate limit exceeded" past the limit, Retry-After \d+ s/,
  );

  // The fake proxy, as Kong answers: a wrong key, the challenge header, the 429 headers.
  const wrong = await proxyRequest(`${proxy.url}/orders`, {headers: {apikey: 'wrong'}});
  assert.equal(wrong.status, 401);
  assert.equal(JSON.parse(wrong.body).message, 'Invalid authentication credentials');
  const none = await proxyRequest(`${proxy.url}/orders`);
  assert.equal(none.headers['www-authenticate'], 'Key realm="kong"');
  const limited = await proxyRequest(`${proxy.url}/orders`, {headers: {apikey: KEY}});
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['ratelimit-remaining'], '0');
  assert.equal(limited.headers['x-ratelimit-limit-minute'], '4');
  // A method the route does not take is not routed.
  const post = await new Promise<number>(resolve => {
    import('node:http').then(({request}) => {
      const req = request(`${proxy.url}/orders`, {method: 'POST'}, res => resolve(res.statusCode ?? 0));
      req.end();
    });
  });
  assert.equal(post, 404);

  const again = await applyApi(client, apiCalls(api, {apiKey: KEY}));
  assert.ok(again.ok);
  assert.equal(again.changed, false, 'a rerun with the same answers writes nothing');
  assert.ok(again.steps.every(s => /already in place/.test(s.title)));
});

test('an entity of the same name that eksa-kong did not make is left alone', async () => {
  const client = createAdminClient({url: admin.url});
  await client.request('PUT', '/services/theirs', {url: 'http://theirs:80'});
  const result = await applyApi(
    client,
    apiCalls({...api, service: {name: 'theirs', url: 'http://x:80'}, plugins: []}, {}),
  );
  assert.equal(result.ok, false);
  assert.match(result.steps[0]!.title, /Service theirs exists on the control plane and was not made by eksa-kong/);
});
