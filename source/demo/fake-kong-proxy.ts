// FAKE of a Kong data plane's proxy listener, for tests and the demo world: routes with the configuration
// the fake control plane has propagated, answers an httpbin-like /anything itself (no egress needed),
// and 404 "no Route matched with those values" until the route has arrived. It runs the plugins the
// wizard's presets claim to prove, with Kong's status codes, bodies and headers: key-auth (401 "No API
// key found in request" + WWW-Authenticate, 401 "Invalid authentication credentials"), rate-limiting
// (RateLimit-* and X-RateLimit-*-Minute headers, 429 "API rate limit exceeded" + Retry-After) and
// proxy-cache (X-Cache-Status Miss then Hit, Age), openid-connect (401 and a Bearer challenge without a
// token) and http-log (Kong's basic log entry POSTed to the endpoint after the response). Time (the
// rate-limit windows, the cache ages, started_at) is the injected clock's.
import {createServer, request as httpRequest, type IncomingMessage} from 'node:http';
import type {AddressInfo} from 'node:net';
import {systemClock, type Clock, type Net} from '../ports.js';
import type {FakeKongConfigView} from './fake-kong-admin.js';
import type {FakePlugin} from './fake-kong-plugins.js';

const KONG_SERVER = 'kong/3.9.1.2-enterprise-edition';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

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
    clock?: Clock;
    /**
     * Where http-log's endpoint really is (the demo's network). Without it only loopback endpoints are
     * delivered to: the fake never sends a log entry off this machine.
     */
    route?: Net['route'];
    /** Each http-log delivery: the endpoint and Kong's answer status, or the error. */
    onLogDelivery?: (d: {endpoint: string; status?: number; error?: string}) => void;
  } = {},
): Promise<FakeKongProxy> {
  const clock = options.clock ?? systemClock;
  const limits = new Map<string, {window: number; count: number}>();
  const cache = new Map<string, {at: number; status: number; body: string}>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const match = config.match(url.pathname, req.headers.host);
    const extra: Record<string, string> = {};
    const started = clock.now();
    // http-log runs in the log phase, after whatever answered (a plugin's refusal too).
    const httpLog = match ? config.plugins(match.service.id).find(p => p.name === 'http-log') : undefined;
    let consumer: {id: string; username: string} | null = null;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        server: KONG_SERVER,
        ...extra,
        ...headers,
      });
      res.end(text);
      if (match && httpLog)
        deliverLog(httpLog, logEntry(req, url, status, {...extra, ...headers}, text, started, match, consumer));
    };
    if (!match) return send(404, {message: 'no Route matched with those values'});
    if (match.route.methods?.length && !match.route.methods.includes(req.method ?? 'GET'))
      return send(404, {message: 'no Route matched with those values'});
    // The service's plugins in Kong's priority order: key-auth 1250, openid-connect 1050, rate-limiting 910,
    // proxy-cache 100, http-log 12.
    const plugins = config.plugins(match.service.id);
    const plugin = (name: string) => plugins.find(p => p.name === name);

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

    // openid-connect (Kong Enterprise, priority 1050) with auth_methods [bearer]: no token is a 401
    // {"message": "Unauthorized"} (unauthorized_error_message) whose challenge names the issuer's host as
    // the realm (plugins-ee/openid-connect/.../responses.lua `build_auth_header(parts.host)`); per RFC 6750
    // (kong/enterprise_edition/oauth/error_codes.lua) a request without credentials gets no error code.
    // A token is refused as invalid_token: the fake has no identity provider whose keys could verify it.
    const oidc = plugin('openid-connect');
    if (oidc) {
      let realm = 'kong';
      try {
        realm = new URL(String(oidc.config['issuer'])).host || realm;
      } catch {
        // the Admin API refused an issuer that is not a URL; keep Kong's default realm
      }
      const auth = req.headers.authorization ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
      if (!token) return send(401, {message: 'Unauthorized'}, {'www-authenticate': `Bearer realm="${realm}"`});
      return send(
        401,
        {message: 'Unauthorized'},
        {'www-authenticate': `Bearer realm="${realm}", error="invalid_token"`},
      );
    }

    // kong/plugins/rate-limiting/handler.lua (local policy): per consumer (or client IP) per minute.
    const rateLimit = plugin('rate-limiting');
    if (rateLimit && typeof rateLimit.config['minute'] === 'number') {
      const limit = rateLimit.config['minute'] as number;
      const now = clock.now();
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
    if (!/^\/anything(\/|$)/.test(upstreamPath)) return send(404, {message: 'Not Found'}, {via: KONG_SERVER});

    // kong/plugins/proxy-cache/handler.lua: GET/HEAD 200 JSON answers kept in memory for cache_ttl.
    const proxyCache = plugin('proxy-cache');
    const cacheKey = `${match.route.id}|${req.method}|${url.pathname}${url.search}|${consumer?.id ?? ''}`;
    if (proxyCache && (req.method === 'GET' || req.method === 'HEAD')) {
      const ttl = ((proxyCache.config['cache_ttl'] as number | undefined) ?? 300) * 1000;
      const hit = cache.get(cacheKey);
      if (hit && clock.now() - hit.at < ttl)
        return send(hit.status, hit.body, {
          'x-cache-status': 'Hit',
          'x-cache-key': cacheKey,
          age: String(Math.floor((clock.now() - hit.at) / 1000)),
          via: KONG_SERVER,
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
      cache.set(cacheKey, {at: clock.now(), status: 200, body: answer});
      Object.assign(extra, {'x-cache-status': 'Miss', 'x-cache-key': cacheKey});
    }
    send(200, answer, {
      via: KONG_SERVER,
      'x-kong-upstream-latency': '3',
      'x-kong-proxy-latency': '1',
    });
  });
  // kong/plugins/http-log/handler.lua: the entry of kong.log.serialize() (kong/pdk/log.lua, the basic
  // serializer's fields) as JSON to http_endpoint with the configured method; failures are logged by
  // Kong, never shown to the client.
  const deliverLog = (plugin: FakePlugin, entry: Record<string, unknown>) => {
    const endpoint = String(plugin.config['http_endpoint']);
    let target: URL;
    let to: {host: string; port: number};
    try {
      target = new URL(endpoint);
      const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
      to = options.route
        ? options.route(target.hostname, port)
        : LOOPBACK.has(target.hostname)
          ? {host: target.hostname, port}
          : (() => {
              throw new Error(`${target.hostname} is not reachable from the simulated data plane`);
            })();
      if (target.protocol !== 'http:') throw new Error(`${target.protocol} endpoints are not simulated`);
    } catch (error) {
      options.onLogDelivery?.({endpoint, error: (error as Error).message});
      return;
    }
    const body = JSON.stringify(entry);
    const req = httpRequest(
      {
        host: to.host,
        port: to.port,
        path: `${target.pathname}${target.search}`,
        method: String(plugin.config['method'] ?? 'POST'),
        headers: {
          host: target.host,
          'content-type': String(plugin.config['content_type'] ?? 'application/json'),
          'content-length': Buffer.byteLength(body),
          'user-agent': 'lua-resty-http/0.17.2 (Lua) ngx_lua/10026',
        },
        timeout: Number(plugin.config['timeout'] ?? 10000),
      },
      res => {
        res.resume();
        res.on('end', () => options.onLogDelivery?.({endpoint, status: res.statusCode}));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', e => options.onLogDelivery?.({endpoint, error: e.message}));
    req.end(body);
  };
  const logEntry = (
    req: IncomingMessage,
    url: URL,
    status: number,
    headers: Record<string, string>,
    body: string,
    started: number,
    match: NonNullable<ReturnType<FakeKongConfigView['match']>>,
    consumer: {id: string; username: string} | null,
  ): Record<string, unknown> => {
    const latency = Math.max(0, clock.now() - started);
    const port = (req.socket.localPort ?? 0).toString();
    return {
      request: {
        uri: req.url ?? '/',
        url: `http://${(req.headers.host ?? '').replace(/:\d+$/, '')}:${port}${req.url ?? '/'}`,
        querystring: Object.fromEntries(url.searchParams),
        method: req.method ?? 'GET',
        // kong.log.serialize hides credentials: authorization and the key-auth header are redacted.
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' || k === 'apikey' ? 'REDACTED' : v]),
        ),
        size: Number(req.headers['content-length'] ?? 0),
      },
      upstream_uri: (match.service.path ?? '') + match.forwardPath,
      response: {
        status,
        headers: {'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers},
        size: Buffer.byteLength(body),
      },
      route: match.route,
      service: match.service,
      ...(consumer ? {consumer, authenticated_entity: {id: consumer.id, consumer_id: consumer.id}} : {}),
      latencies: {kong: latency, proxy: status === 200 ? 0 : -1, request: latency},
      tries: [],
      client_ip: req.socket.remoteAddress ?? '',
      started_at: started,
      source: status === 200 ? 'upstream' : 'kong',
      workspace: 'default',
    };
  };
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
