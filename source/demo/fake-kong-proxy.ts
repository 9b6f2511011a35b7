// FAKE of a Kong data plane's proxy listener, for tests and the demo world: routes with the configuration
// the fake control plane has propagated, answers an httpbin-like /anything itself (no egress needed),
// and 404 "no Route matched with those values" until the route has arrived. It runs the plugins the
// wizard's presets claim to prove, with Kong's status codes, bodies and headers: key-auth (401 "No API
// key found in request" + WWW-Authenticate, 401 "Invalid authentication credentials"), rate-limiting
// (RateLimit-* and X-RateLimit-*-Minute headers, 429 "API rate limit exceeded" + Retry-After) and
// proxy-cache (X-Cache-Status Miss then Hit, Age). openid-connect and http-log are not simulated.
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {FakeKongConfigView} from './fake-kong-admin.js';

export interface FakeKongProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startFakeKongProxy(
  config: FakeKongConfigView,
  options: {
    host?: string;
    port?: number;
    /** False while no DP pod backs the NodePort: connections are dropped. */ serving?: () => boolean;
  } = {},
): Promise<FakeKongProxy> {
  const limits = new Map<string, {window: number; count: number}>();
  const cache = new Map<string, {at: number; status: number; body: string}>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const match = config.match(url.pathname, req.headers.host);
    const extra: Record<string, string> = {};
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        server: 'kong/3.9.1.2-enterprise-edition',
        ...extra,
        ...headers,
      });
      res.end(text);
    };
    if (!match) return send(404, {message: 'no Route matched with those values'});
    if (match.route.methods?.length && !match.route.methods.includes(req.method ?? 'GET'))
      return send(404, {message: 'no Route matched with those values'});
    // The service's plugins in Kong's priority order: key-auth 1250, rate-limiting 910, proxy-cache 100.
    const plugins = config.plugins(match.service.id);
    const plugin = (name: string) => plugins.find(p => p.name === name);
    let consumer: {id: string; username: string} | null = null;

    // kong/plugins/key-auth/handler.lua: the key from the configured header or query names.
    const keyAuth = plugin('key-auth');
    if (keyAuth) {
      const names = (keyAuth.config['key_names'] as string[] | undefined) ?? ['apikey'];
      let key: string | undefined;
      for (const name of names) {
        const h = keyAuth.config['key_in_header'] !== false ? req.headers[name.toLowerCase()] : undefined;
        const q = keyAuth.config['key_in_query'] !== false ? url.searchParams.get(name) : null;
        const v = typeof h === 'string' ? h : (q ?? undefined);
        if (Array.isArray(h)) return send(401, {message: 'Duplicate API key found'});
        if (v) {
          key = v;
          break;
        }
      }
      if (!key) return send(401, {message: 'No API key found in request'}, {'www-authenticate': 'Key realm="kong"'});
      consumer = config.consumerByKey(key);
      if (!consumer) return send(401, {message: 'Invalid authentication credentials'});
    }

    // kong/plugins/rate-limiting/handler.lua (local policy): per consumer (or client IP) per minute.
    const rateLimit = plugin('rate-limiting');
    if (rateLimit && typeof rateLimit.config['minute'] === 'number') {
      const limit = rateLimit.config['minute'] as number;
      const now = Date.now();
      const window = Math.floor(now / 60_000);
      const who = `${match.service.id}/${consumer?.id ?? req.socket.remoteAddress ?? ''}`;
      const entry = limits.get(who);
      const used = entry && entry.window === window ? entry.count : 0;
      const reset = String(60 - Math.floor((now % 60_000) / 1000));
      if (used >= limit) {
        return send(
          429,
          {message: 'API rate limit exceeded'},
          {
            'x-ratelimit-limit-minute': String(limit),
            'x-ratelimit-remaining-minute': '0',
            'ratelimit-limit': String(limit),
            'ratelimit-remaining': '0',
            'ratelimit-reset': reset,
            'retry-after': reset,
          },
        );
      }
      limits.set(who, {window, count: used + 1});
      Object.assign(extra, {
        'x-ratelimit-limit-minute': String(limit),
        'x-ratelimit-remaining-minute': String(limit - used - 1),
        'ratelimit-limit': String(limit),
        'ratelimit-remaining': String(limit - used - 1),
        'ratelimit-reset': reset,
      });
    }

    const upstreamPath = (match.service.path ?? '') + match.forwardPath;
    if (!/^\/anything(\/|$)/.test(upstreamPath))
      return send(404, {message: 'Not Found'}, {via: 'kong/3.9.1.2-enterprise-edition'});

    // kong/plugins/proxy-cache/handler.lua: GET/HEAD 200 JSON answers kept in memory for cache_ttl.
    const proxyCache = plugin('proxy-cache');
    const cacheKey = `${match.route.id}|${req.method}|${url.pathname}${url.search}|${consumer?.id ?? ''}`;
    if (proxyCache && (req.method === 'GET' || req.method === 'HEAD')) {
      const ttl = ((proxyCache.config['cache_ttl'] as number | undefined) ?? 300) * 1000;
      const hit = cache.get(cacheKey);
      if (hit && Date.now() - hit.at < ttl)
        return send(hit.status, hit.body, {
          'x-cache-status': 'Hit',
          'x-cache-key': cacheKey,
          age: String(Math.floor((Date.now() - hit.at) / 1000)),
          via: 'kong/3.9.1.2-enterprise-edition',
        });
    }
    const answer = JSON.stringify(
      {
        args: Object.fromEntries(url.searchParams),
        data: '',
        files: {},
        form: {},
        headers: {
          Host: match.service.host,
          'User-Agent': req.headers['user-agent'] ?? '',
          'X-Forwarded-Path': url.pathname,
          ...(consumer ? {'X-Consumer-Username': consumer.username, 'X-Consumer-Id': consumer.id} : {}),
        },
        json: null,
        method: req.method,
        origin: req.socket.remoteAddress ?? '',
        url: `${match.service.protocol}://${match.service.host}${upstreamPath}`,
      },
      null,
      2,
    );
    if (proxyCache && (req.method === 'GET' || req.method === 'HEAD')) {
      cache.set(cacheKey, {at: Date.now(), status: 200, body: answer});
      Object.assign(extra, {'x-cache-status': 'Miss', 'x-cache-key': cacheKey});
    }
    send(200, answer, {
      via: 'kong/3.9.1.2-enterprise-edition',
      'x-kong-upstream-latency': '3',
      'x-kong-proxy-latency': '1',
    });
  });
  // No proxy pod behind the node port (uninstalled, or the cluster is gone): nothing accepts the connection.
  server.on('connection', socket => {
    if (options.serving && !options.serving()) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
