// The Verify screen's API form at 80x24: prefilled from the answers, filled by keys, a bad value refused
// with the answers file's message naming the key, Esc closing an edit then the form without losing the
// draft, a burst of keys in one write each acting, and the saved answers holding secrets by reference.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {cleanupInk, KEYS} from '../helpers/ink.js';
import {renderStep, sessionAt} from '../helpers/step-screen.js';
import {testPorts} from '../helpers/step-context.js';
import type {Answers} from '../../source/session/answers.js';

afterEach(() => cleanupInk());

const base: Answers = {
  controlPlane: {adminUrl: 'http://cp.lab:8001', kubeconfig: '/tmp/none.kubeconfig', context: 'cp'},
};

const open = async (answers: Answers = base, rows = 24) => {
  const h = renderStep('verify', sessionAt('verify', answers), testPorts(), {columns: 80, rows});
  await h.app.waitFor(/a API/);
  await h.app.press('a');
  await h.app.waitFor('First API');
  return h;
};

test('API form: empty, filled field by field, a bad path named by its key, then saved into the answers', async () => {
  const h = await open();
  const footer = () => h.keys().map(k => k.label);
  assert.ok(footer().includes('save') && footer().includes('close'), `footer from the key table: ${footer()}`);
  // Service name, upstream URL, route name, a path without its slash.
  const fill = async (text: string) => {
    await h.app.press(KEYS.enter);
    await h.app.type(text);
    await h.app.press(KEYS.enter, KEYS.down);
  };
  await fill('orders');
  await fill('http://orders.shop.svc:8080');
  await fill('orders');
  await fill('orders');
  await h.app.press('s');
  await h.app.waitFor(/api\.route\.paths\[0\]: "orders" should start with: \/ \(fixed path\) or ~\/ \(regex/);
  assert.equal(h.controller.get().answers.api, undefined, 'nothing saved while a value is refused');
  // The cursor is on the refused row: fix it.
  await h.app.press(KEYS.enter, KEYS.home);
  await h.app.type('/');
  await h.app.press(KEYS.enter);
  await h.app.waitFor(/Paths\s+\/orders/);
  // key-auth on (rows: name, url, route, paths, hosts, methods, then key-auth), its key by reference.
  await h.app.press(KEYS.down, KEYS.down, KEYS.down, KEYS.space);
  await h.app.waitFor(/\[x\] key-auth/);
  await h.app.press(KEYS.down, KEYS.enter);
  await h.app.type('shop');
  await h.app.press(KEYS.enter, KEYS.down, KEYS.enter);
  await h.app.type('an actual secret key');
  await h.app.press(KEYS.enter, 's');
  await h.app.waitFor(/api\.plugins\[0\]\.keyEnv: the consumer's API key by reference/);
  assert.equal(h.controller.get().answers.api, undefined);
  await h.app.press(KEYS.enter);
  for (let i = 0; i < 'an actual secret key'.length; i++) await h.app.press(KEYS.backspace);
  await h.app.type('ORDERS_API_KEY');
  await h.app.press(KEYS.enter, 's');
  await h.app.waitFor(/API saved into the answers: orders/);
  assert.deepEqual(h.controller.get().answers.api, {
    service: {name: 'orders', url: 'http://orders.shop.svc:8080'},
    route: {name: 'orders', paths: ['/orders'], hosts: [], methods: []},
    plugins: [{preset: 'key-auth', consumer: 'shop', keyEnv: 'ORDERS_API_KEY'}],
  });
  assert.ok(!JSON.stringify(h.controller.get()).includes('an actual secret key'), 'the mistyped key is not kept');
});

test('API form: prefilled from the answers; Esc leaves an edit as it was, then closes the form keeping the draft', async () => {
  const h = await open({
    ...base,
    api: {
      service: {name: 'orders', url: 'https://httpbin.konghq.com/anything'},
      route: {name: 'orders', paths: ['/orders'], methods: ['GET']},
      plugins: [
        {preset: 'rate-limiting', minute: 20},
        {
          preset: 'openid-connect',
          issuer: 'https://idp.lab/realms/shop',
          clientId: 'shop',
          clientSecretFile: '/etc/oidc',
        },
      ],
    },
  });
  let screen = await h.app.waitFor(/Service name\s+orders/);
  assert.match(screen, /Methods\s+GET/);
  assert.match(screen, /\[x\] rate-limiting/);
  assert.match(screen, /per minute\s+20/);
  // An edit cancelled with Esc: the value is as it was, the form is still open.
  await h.app.press(KEYS.enter);
  await h.app.type('-new');
  await h.app.press(KEYS.escape);
  screen = await h.app.waitFor(/Service name\s+orders\n/);
  assert.match(screen, /First API/);
  // A change kept in the draft, then Esc closes the form: nothing saved, the draft comes back with a.
  await h.app.press(KEYS.down, KEYS.enter, KEYS.end);
  await h.app.type('/v2');
  await h.app.press(KEYS.enter, KEYS.escape);
  await h.app.waitFor(/API form closed without saving; a reopens it/);
  assert.equal(h.controller.get().answers.api?.service.url, 'https://httpbin.konghq.com/anything');
  await h.app.press('a');
  screen = await h.app.waitFor('First API');
  for (const line of screen.split('\n')) assert.ok(line.length <= 80, `fits 80 columns: ${line}`);
  assert.ok(screen.split('\n').length <= 24, 'fits 24 rows');
  // The reopened form holds the draft: saving it writes the changed URL.
  await h.app.press('s');
  await h.app.waitFor(/API saved into the answers/);
  assert.equal(h.controller.get().answers.api?.service.url, 'https://httpbin.konghq.com/anything/v2');
  assert.deepEqual(h.controller.get().answers.api?.plugins?.[1], {
    preset: 'openid-connect',
    issuer: 'https://idp.lab/realms/shop',
    clientId: 'shop',
    clientSecretFile: '/etc/oidc',
  });
});

test('API form: a burst of keys in one write each acts (turn presets on, type, keep)', async () => {
  const h = await open(
    {
      ...base,
      api: {service: {name: 'orders', url: 'http://o:8080'}, route: {name: 'orders', paths: ['/orders']}},
    },
    18,
  );
  // Down ×7 to rate-limiting, Space on, Down, Enter, "12", Enter, s — one read.
  h.app.stdin.write(`${KEYS.down.repeat(7)} ${KEYS.down}\r12\rs`);
  await h.app.waitFor(/API saved into the answers: orders/);
  assert.deepEqual(h.controller.get().answers.api?.plugins, [{preset: 'rate-limiting', minute: 12}]);
});
