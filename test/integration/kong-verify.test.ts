import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  AdminApiError,
  adminTokenSourceFromAnswers,
  createAdminClient,
  judgeCpInfo,
  resolveAdminToken,
} from '../../source/kong/admin-api.js';
import {
  FRESH_SECONDS,
  fetchDataPlaneRows,
  judgeDataPlaneRows,
  runSmokeTest,
  smokeRouteBody,
  verifyDataPlanes,
} from '../../source/kong/verify.js';
import {startFakeKongAdmin} from '../../source/demo/fake-kong-admin.js';
import {startFakeKongProxy} from '../../source/demo/fake-kong-proxy.js';
import {FakeKubeApi, quickClock} from '../helpers/kong-fakes.js';

const T = {timeout: 20_000};
const TOKEN = 'kong-admin-token-s3cr3t';

test(
  'FAKE Kong Admin API: GET / through the client with the token; 401 without; token never in errors',
  T,
  async () => {
    const fake = await startFakeKongAdmin({token: TOKEN, routerFlavor: 'expressions', version: '3.9.1.2'});
    try {
      const info = await createAdminClient({url: fake.url, token: TOKEN}).getInfo();
      assert.equal(info.version, '3.9.1.2');
      assert.equal(info.edition, 'enterprise');
      assert.equal(info.role, 'control_plane');
      assert.equal(info.clusterMtls, 'shared');
      assert.equal(info.routerFlavor, 'expressions');
      assert.equal(info.vitals, false);
      assert.equal(judgeCpInfo(info).ok, true);
      const wrong = createAdminClient({url: fake.url, token: 'wrong-token-value'});
      await assert.rejects(
        wrong.getInfo(),
        (e: unknown) =>
          e instanceof AdminApiError &&
          e.status === 401 &&
          !e.message.includes('wrong-token-value') &&
          /Kong-Admin-Token/.test(e.message),
      );
    } finally {
      await fake.close();
    }
  },
);

test('Admin API client: connection refused, timeout and abort are bounded and token-free', T, async () => {
  const fake = await startFakeKongAdmin();
  const url = fake.url;
  await fake.close();
  const client = createAdminClient({
    url: url.replace('http://', `http://user:${TOKEN}@`),
    token: TOKEN,
    timeoutMs: 2000,
  });
  await assert.rejects(
    client.getInfo(),
    (e: unknown) => e instanceof AdminApiError && e.code === 'ECONNREFUSED' && !e.message.includes(TOKEN),
  );
  // A server that accepts and never answers.
  const {createServer} = await import('node:http');
  const hang = createServer(() => undefined);
  await new Promise<void>(r => hang.listen(0, '127.0.0.1', () => r()));
  const port = (hang.address() as import('node:net').AddressInfo).port;
  try {
    const slow = createAdminClient({url: `http://127.0.0.1:${port}`, token: TOKEN, timeoutMs: 100});
    await assert.rejects(
      slow.getInfo(),
      (e: unknown) => e instanceof AdminApiError && e.code === 'ETIMEDOUT' && !e.message.includes(TOKEN),
    );
    const controller = new AbortController();
    const pending = createAdminClient({url: `http://127.0.0.1:${port}`, timeoutMs: 5000}).getInfo({
      signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof AdminApiError && e.code === 'ABORT_ERR');
  } finally {
    hang.closeAllConnections();
    await new Promise(r => hang.close(r));
  }
});

test('admin token sources: env, file, secret; failures explain without the value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kong-token-'));
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
  assert.deepEqual(await resolveAdminToken({kind: 'env', name: 'KONG_ADMIN_TOKEN'}, {KONG_ADMIN_TOKEN: TOKEN}), {
    ok: true,
    token: TOKEN,
  });
  assert.deepEqual(await resolveAdminToken({kind: 'file', path: join(dir, 'token')}), {ok: true, token: TOKEN});
  const kube = new FakeKubeApi();
  kube.add('Secret', 'kong', {
    metadata: {name: 'kong-admin'},
    type: 'Opaque',
    data: {password: Buffer.from(TOKEN).toString('base64')},
  });
  assert.deepEqual(
    await resolveAdminToken({kind: 'secret', kube, namespace: 'kong', name: 'kong-admin', key: 'password'}),
    {ok: true, token: TOKEN},
  );
  const missing = await resolveAdminToken({kind: 'env', name: 'NOPE'}, {});
  assert.equal(missing.ok, false);
  assert.deepEqual(adminTokenSourceFromAnswers({adminTokenEnv: 'KONG_ADMIN_TOKEN'}), {
    kind: 'env',
    name: 'KONG_ADMIN_TOKEN',
  });
  assert.deepEqual(adminTokenSourceFromAnswers(undefined), {kind: 'none'});
});

test('verification: fresh normal rows of the DP pods connect; stale and foreign rows are ignored', T, async () => {
  let now = Date.UTC(2026, 5, 1, 12);
  const fake = await startFakeKongAdmin({now: () => now});
  try {
    fake.registerDataPlane({hostname: 'kong-dp-kong-abc-1', version: '3.9.1.2'});
    // An older instance with the same hostname and a long-gone pod, both still "normal".
    fake.registerDataPlane({hostname: 'kong-dp-kong-abc-1', connected: false, lastSeen: now / 1000 - 3600});
    fake.registerDataPlane({hostname: 'kong-dp-kong-old-9', connected: false, lastSeen: now / 1000 - 86400});
    fake.registerDataPlane({
      hostname: 'kong-dp-kong-abc-2',
      connected: false,
      lastSeen: now / 1000 - FRESH_SECONDS - 5,
    });
    const admin = createAdminClient({url: fake.url});
    const result = await verifyDataPlanes(admin, {
      podNames: ['kong-dp-kong-abc-1', 'kong-dp-kong-abc-2', 'kong-dp-kong-abc-3'],
      nowMs: now,
      expectedVersion: '3.9.1.2',
    });
    assert.equal(result.source, 'data-planes');
    assert.deepEqual(
      result.pods.map(p => [p.pod, p.status]),
      [
        ['kong-dp-kong-abc-1', 'connected'],
        ['kong-dp-kong-abc-2', 'stale'],
        ['kong-dp-kong-abc-3', 'missing'],
      ],
    );
    assert.equal(result.ok, false);
    assert.equal(result.ignoredRows, 2);
    assert.equal(result.versionNote, undefined);
    now += 10_000;
    const good = await verifyDataPlanes(admin, {podNames: ['kong-dp-kong-abc-1'], nowMs: now});
    assert.equal(good.ok, true);
  } finally {
    await fake.close();
  }
});

test('verification: a version-incompatible row is out of sync with the fix', () => {
  const now = Date.UTC(2026, 5, 1);
  const result = judgeDataPlaneRows(
    {
      source: 'data-planes',
      rows: [
        {
          id: '1',
          hostname: 'p1',
          sync_status: 'kong_version_incompatible',
          version: '3.10.0.0',
          last_seen: now / 1000 - 5,
        },
      ],
    },
    ['p1'],
    now,
    '3.9.1.2',
  );
  assert.equal(result.pods[0]?.status, 'out-of-sync');
  assert.match(result.pods[0]?.fix ?? '', /pin the image tag/);
  assert.match(result.versionNote ?? '', /3\.10\.0\.0/);
  assert.equal(judgeDataPlaneRows({source: 'status', rows: []}, [], now).ok, false);
});

test('verification falls back to /clustering/status on 404', T, async () => {
  const fake = await startFakeKongAdmin({dataPlanesEndpoint: false});
  try {
    fake.registerDataPlane({hostname: 'kong-dp-kong-abc-1'});
    fake.registerDataPlane({hostname: 'gone', connected: false, lastSeen: 1});
    const admin = createAdminClient({url: fake.url});
    const rows = await fetchDataPlaneRows(admin);
    assert.equal(rows.source, 'status');
    assert.equal(rows.rows.length, 1);
    const result = await verifyDataPlanes(admin, {podNames: ['kong-dp-kong-abc-1'], nowMs: Date.now()});
    assert.equal(result.ok, true);
    assert.equal(result.pods[0]?.row?.sync_status, undefined);
    assert.equal(fake.requestCount('/clustering/data-planes'), 2);
    assert.equal(fake.requestCount('/clustering/status'), 2);
  } finally {
    await fake.close();
  }
  const neither = await startFakeKongAdmin({dataPlanesEndpoint: false, statusEndpoint: false});
  try {
    await assert.rejects(fetchDataPlaneRows(createAdminClient({url: neither.url})), /clustering\/status: HTTP 404/);
  } finally {
    await neither.close();
  }
});

test(
  'smoke test against the fakes: PUT service and route, propagation, 404 then 200 through the proxy',
  T,
  async () => {
    const fake = await startFakeKongAdmin({token: TOKEN, propagationDelayMs: 150});
    const proxy = await startFakeKongProxy(fake.propagated);
    try {
      fake.registerDataPlane({hostname: 'kong-dp-kong-abc-1'});
      const before = await fetch(`${proxy.url}/httpbin/anything`);
      assert.equal(before.status, 404);
      assert.deepEqual(await before.json(), {message: 'no Route matched with those values'});
      const steps: string[] = [];
      const admin = createAdminClient({url: fake.url, token: TOKEN});
      const info = await admin.getInfo();
      // Polls every 100 ms for up to 40 attempts: far more than the fake's 150 ms propagation delay.
      const result = await runSmokeTest({
        admin,
        clock: quickClock(1),
        proxyUrl: proxy.url,
        routerFlavor: info.routerFlavor,
        podNames: ['kong-dp-kong-abc-1'],
        intervalMs: 100,
        propagationAttempts: 40,
        onStep: s => steps.push(`${s.id}:${s.status}`),
      });
      assert.equal(result.ok, true, JSON.stringify(result.steps));
      assert.deepEqual(steps, ['service:ok', 'route:ok', 'propagation:ok', 'proxy:ok']);
      const body = (await (await fetch(`${proxy.url}/httpbin/anything?x=1`)).json()) as {
        url: string;
        args: Record<string, string>;
      };
      assert.equal(body.url, 'https://httpbin.konghq.com/anything');
      assert.deepEqual(body.args, {x: '1'});
      // A rerun changes nothing and does not wait for a new hash.
      const again = await runSmokeTest({
        admin,
        clock: quickClock(10),
        proxyUrl: proxy.url,
        routerFlavor: info.routerFlavor,
        podNames: ['kong-dp-kong-abc-1'],
        intervalMs: 100,
      });
      assert.equal(again.ok, true);
      assert.match(again.steps.find(s => s.id === 'propagation')?.title ?? '', /already in place/);
    } finally {
      await proxy.close();
      await fake.close();
    }
  },
);

test('smoke test with the expressions router sends an expression route', T, async () => {
  assert.deepEqual(smokeRouteBody('expressions'), {
    name: 'eksa-kong-httpbin',
    protocols: ['http', 'https'],
    strip_path: true,
    tags: ['eksa-kong'],
    expression: 'http.path ^= "/httpbin"',
  });
  assert.deepEqual(smokeRouteBody('traditional_compatible').paths, ['/httpbin']);
  const fake = await startFakeKongAdmin({routerFlavor: 'expressions'});
  const proxy = await startFakeKongProxy(fake.propagated);
  try {
    const admin = createAdminClient({url: fake.url});
    const wrong = await runSmokeTest({
      admin,
      clock: quickClock(),
      proxyUrl: proxy.url,
      routerFlavor: 'traditional',
      intervalMs: 10,
    });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.steps.at(-1)?.id, 'route');
    assert.match(wrong.steps.at(-1)?.fix ?? '', /expressions/);
    const right = await runSmokeTest({
      admin,
      clock: quickClock(),
      proxyUrl: proxy.url,
      routerFlavor: 'expressions',
      intervalMs: 10,
    });
    assert.equal(right.ok, true, JSON.stringify(right.steps));
  } finally {
    await proxy.close();
    await fake.close();
  }
});

test('smoke test gives up after a bounded number of proxy attempts when the config never arrives', T, async () => {
  const fake = await startFakeKongAdmin({propagationDelayMs: 60_000});
  const proxy = await startFakeKongProxy(fake.propagated);
  try {
    fake.registerDataPlane({hostname: 'dp-1'});
    const result = await runSmokeTest({
      admin: createAdminClient({url: fake.url}),
      clock: quickClock(),
      proxyUrl: proxy.url,
      podNames: ['dp-1'],
      propagationAttempts: 2,
      proxyAttempts: 3,
      intervalMs: 10,
    });
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.steps.map(s => `${s.id}:${s.status}`),
      ['service:ok', 'route:ok', 'propagation:warn', 'proxy:fail'],
    );
    assert.match(result.steps.at(-1)?.title ?? '', /after 3 attempts .*no Route matched/);
  } finally {
    await proxy.close();
    await fake.close();
  }
});

test(
  'FAKE Kong Admin API pages like Kong: 100 rows by default, size capped at 1000, a bad size is a 400',
  T,
  async () => {
    const fake = await startFakeKongAdmin();
    try {
      for (let i = 0; i < 1050; i++) fake.registerDataPlane({hostname: `old-${i}`, connected: false, lastSeen: 1});
      const client = createAdminClient({url: fake.url});
      const first = await client.request<{data: unknown[]; next: string | null}>('GET', '/clustering/data-planes');
      assert.equal(first.body.data.length, 100);
      assert.match(String(first.body.next), /^\/clustering\/data-planes\?offset=/);
      const big = await client.request<{data: unknown[]; next: string | null}>(
        'GET',
        '/clustering/data-planes?size=5000',
      );
      assert.equal(big.body.data.length, 1000, 'size is capped at 1000');
      const last = await client.request<{data: unknown[]; next: string | null}>('GET', `${big.body.next}&size=1000`);
      assert.equal(last.body.data.length, 50);
      assert.equal(last.body.next, null);
      const bad = await client.request<{message: string}>('GET', '/clustering/data-planes?size=many');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.message, 'size must be a number');
    } finally {
      await fake.close();
    }
  },
);

test('data-plane rows: a busy CP (old rows first) does not hide the new pod on a later page', T, async () => {
  const fake = await startFakeKongAdmin();
  try {
    // Rows of pods gone for days stay until the 14-day purge; they fill the first pages.
    for (let i = 0; i < 1234; i++)
      fake.registerDataPlane({
        hostname: `kong-dp-kong-old-${i}`,
        connected: false,
        lastSeen: Math.floor(Date.now() / 1000) - 86_400,
      });
    fake.registerDataPlane({hostname: 'kong-dp-kong-new-pod'});
    const client = createAdminClient({url: fake.url});
    const rows = await fetchDataPlaneRows(client);
    assert.equal(rows.rows.length, 1235);
    const verdict = await verifyDataPlanes(client, {podNames: ['kong-dp-kong-new-pod'], nowMs: Date.now()});
    assert.equal(verdict.ok, true, verdict.pods.map(p => p.title).join('; '));
    assert.equal(fake.requestCount('/clustering/data-planes'), 4, 'two reads of two pages each, at size=1000');
  } finally {
    await fake.close();
  }
});

test(
  'smoke test: a customer httpbin is never touched; a same-named entity without our tag is refused, not overwritten',
  T,
  async () => {
    const fake = await startFakeKongAdmin();
    const proxy = await startFakeKongProxy(fake.propagated);
    try {
      const admin = createAdminClient({url: fake.url});
      const theirs = await admin.request<{id: string; updated_at: number}>('PUT', '/services/httpbin', {
        url: 'http://their-httpbin.internal',
      });
      const ours = await runSmokeTest({
        admin,
        clock: quickClock(),
        proxyUrl: proxy.url,
        intervalMs: 10,
        propagationAttempts: 5,
        proxyAttempts: 20,
      });
      assert.equal(ours.ok, true, JSON.stringify(ours.steps));
      const after = await admin.request<{id: string; host: string; updated_at: number}>('GET', '/services/httpbin');
      assert.equal(after.body.host, 'their-httpbin.internal');
      assert.equal(after.body.updated_at, theirs.body.updated_at);
      // A Service of our name that someone else made: refused with the reason, left as it was.
      await admin.request('PUT', '/services/eksa-kong-httpbin', {url: 'http://someone-else.internal'});
      const refused = await runSmokeTest({admin, clock: quickClock(), proxyUrl: proxy.url, intervalMs: 10});
      assert.equal(refused.ok, false);
      assert.match(refused.steps.at(-1)?.title ?? '', /exists on the control plane and was not made by eksa-kong/);
      assert.equal(
        (await admin.request<{host: string}>('GET', '/services/eksa-kong-httpbin')).body.host,
        'someone-else.internal',
      );
    } finally {
      await proxy.close();
      await fake.close();
    }
  },
);
