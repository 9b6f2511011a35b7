// Every preset through to what the admin keeps: applied on the FAKE control plane by verify's API section,
// the Admin API calls in the runbook (the token, the API key and the OIDC client secret as ${VAR}s only),
// and `export --deck` parsed back to the same entities (keys and the client secret as decK env references).
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import {startFakeKongAdmin, type FakeKongAdmin} from '../../source/demo/fake-kong-admin.js';
import {startFakeKongProxy, type FakeKongProxy} from '../../source/demo/fake-kong-proxy.js';
import {createAdminClient} from '../../source/kong/admin-api.js';
import {readWizardEntities, renderDeck} from '../../source/kong/deck-export.js';
import {dryRunApiSection, runApiSection} from '../../source/steps/verify/api-section.js';
import type {VerifyPlan} from '../../source/steps/verify/verify-step.js';
import type {ApiAnswers} from '../../source/session/api-answers.js';
import {renderRunbook} from '../../source/run/runbook.js';
import {SessionController} from '../../source/wizard/controller.js';
import {newSession} from '../../source/session/schema.js';
import {realNet} from '../../source/ports.js';
import {stepContext, testPorts} from '../helpers/step-context.js';
import {steppedClock} from '../helpers/clock.js';

const KEY = 'deck-test-api-key-5bd1c0';
const SECRET = 'deck-test-oidc-secret-77e2';
const TOKEN = 'kpat_deck_test_token_31';
const api: ApiAnswers = {
  service: {name: 'orders', url: 'http://orders.shop.svc:8080/v1'},
  route: {name: 'orders', paths: ['/orders'], hosts: ['shop.lab'], methods: ['GET']},
  plugins: [
    {preset: 'key-auth', consumer: 'shop-frontend', keyEnv: 'ORDERS_KEY'},
    {preset: 'rate-limiting', minute: 30},
    {preset: 'proxy-cache', ttl: 60},
    {preset: 'openid-connect', issuer: 'https://idp.lab/realms/shop', clientId: 'shop', clientSecretEnv: 'OIDC_SECRET'},
    {preset: 'http-log', endpoint: 'http://127.0.0.1:9/kong-logs'},
  ],
};

let admin: FakeKongAdmin;
let proxy: FakeKongProxy;
before(async () => {
  admin = await startFakeKongAdmin({token: TOKEN});
  proxy = await startFakeKongProxy(admin.propagated);
});
after(async () => {
  await proxy.close();
  await admin.close();
});

const setup = () => {
  const controller = new SessionController(newSession('deck', 'real'), s => s);
  const {ctx} = stepContext(controller, testPorts({env: {ORDERS_KEY: KEY, OIDC_SECRET: SECRET}}));
  const plan: VerifyPlan = {adminUrl: admin.url, proxyUrl: proxy.url, podNames: ['dp-0'], smokeTest: false};
  return {controller, ctx, plan};
};

test('the runbook records every preset’s Admin API call, secrets and token as references', async () => {
  const {controller, ctx, plan} = setup();
  const result = await runApiSection(ctx, new AbortController().signal, plan, api, {
    net: realNet,
    clock: steppedClock(),
    token: TOKEN,
    speed: 100,
  });
  // openid-connect refuses every call without a token, so the key-auth/cache/limit proofs cannot pass here:
  // this test is about what was written and recorded.
  assert.match(result.error ?? '', /key-auth|proxy-cache|rate-limiting/);
  const runbook = renderRunbook('deck', controller.get().commands);
  for (const path of [
    '/services/orders',
    '/services/orders/routes/orders',
    '/consumers/shop-frontend',
    '/services/orders/plugins/orders-key-auth',
    '/services/orders/plugins/orders-rate-limiting',
    '/services/orders/plugins/orders-proxy-cache',
    '/services/orders/plugins/orders-openid-connect',
    '/services/orders/plugins/orders-http-log',
  ])
    assert.ok(runbook.includes(`${admin.url}${path}`), `runbook has PUT ${path}`);
  // The shell form: the JSON closes its quote around the variable ('..."'"${VAR}"'"...').
  assert.match(runbook, /"client_secret":\["'"\$\{OIDC_CLIENT_SECRET\}"'"\]/);
  assert.match(runbook, /"key":"'"\$\{EKSA_KONG_API_KEY\}"'"/);
  assert.match(runbook, /"http_endpoint":"http:\/\/127\.0\.0\.1:9\/kong-logs"/);
  assert.match(runbook, /: "\$\{OIDC_CLIENT_SECRET:\?/);
  for (const secret of [KEY, SECRET, TOKEN]) assert.ok(!runbook.includes(secret), 'no secret in the runbook');
  assert.ok(!JSON.stringify(controller.get()).includes(SECRET), 'no secret in the session');

  // The dry run records the same calls without reading a secret.
  const dry = setup();
  dryRunApiSection(dry.ctx, dry.plan, api);
  const dryRunbook = renderRunbook('deck', dry.controller.get().commands);
  assert.match(dryRunbook, /orders-openid-connect.*"client_secret":\["'"\$\{OIDC_CLIENT_SECRET\}"'"\]/);
  assert.match(dryRunbook, /orders-http-log/);
});

test('export --deck: parsed back, the same entities for every preset; secrets only as decK env references', async () => {
  const entities = await readWizardEntities(createAdminClient({url: admin.url, token: TOKEN}));
  const text = renderDeck(entities);
  assert.ok(!text.includes(KEY) && !text.includes(SECRET), 'no key or client secret in the decK file');
  const deck = yaml.load(text) as {
    _format_version: string;
    services: Array<
      Record<string, unknown> & {routes: Array<Record<string, unknown>>; plugins: Array<Record<string, any>>}
    >;
    consumers: Array<{username: string; keyauth_credentials: Array<{key: string}>}>;
  };
  assert.equal(deck._format_version, '3.0');
  const orders = deck.services.find(s => s['name'] === 'orders')!;
  const svc = entities.services.find(s => s['name'] === 'orders')!;
  for (const k of ['protocol', 'host', 'port', 'path']) assert.deepEqual(orders[k], svc[k], `service ${k}`);
  const route = entities.routes.find(r => r['name'] === 'orders')!;
  for (const k of ['paths', 'hosts', 'methods', 'protocols', 'strip_path'])
    assert.deepEqual(orders.routes[0]![k], route[k], `route ${k}`);
  assert.deepEqual(orders.plugins.map(p => p['name']).sort(), [
    'http-log',
    'key-auth',
    'openid-connect',
    'proxy-cache',
    'rate-limiting',
  ]);
  for (const plugin of orders.plugins) {
    const held = entities.plugins.find(p => p['name'] === plugin['name'])!;
    const want = structuredClone(held['config']) as Record<string, unknown>;
    if (plugin['name'] === 'openid-connect') {
      assert.deepEqual(want['client_secret'], [SECRET], 'the control plane holds the secret');
      want['client_secret'] = ['${{ env "DECK_OIDC_CLIENT_SECRET" }}'];
    }
    assert.deepEqual(plugin['config'], want, `${plugin['name']} config round-trips`);
    assert.equal(plugin['instance_name'], held['instance_name']);
  }
  assert.deepEqual(
    deck.consumers.map(c => [c.username, c.keyauth_credentials[0]!.key]),
    [['shop-frontend', '${{ env "DECK_SHOP_FRONTEND_API_KEY" }}']],
  );
  assert.match(text, /export DECK_OIDC_CLIENT_SECRET=<the client secret>/);
});
