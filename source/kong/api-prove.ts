// Each policy preset proven through the data plane's proxy, the way a consumer meets it:
// key-auth 401 "No API key found in request" without a key, and through with it; proxy-cache
// `X-Cache-Status: Hit` on the second identical call; openid-connect 401 with `WWW-Authenticate`
// without a token; rate-limiting `RateLimit-*` headers, then 429 past the limit (only when the limit is
// small enough to reach without flooding the upstream); http-log cannot be observed from here and says so.
// Order matters: rate-limiting is last, because once exhausted it answers 429 for the rest of the minute.
// The calls before it (retries while the route propagates, the key-auth and cache proofs) count against
// the same limit: a 429 met before the rate-limit proof waits for the window to reset (RateLimit-Reset or
// Retry-After, bounded, on the injected clock) and calls again, so each proof sees what it is proving.
import {request as httpRequest, type IncomingHttpHeaders} from 'node:http';
import {request as httpsRequest} from 'node:https';
import type {Clock} from '../ports.js';
import type {ApiAnswers, ApiPlugin, ApiPreset} from '../session/api-answers.js';
import {routedRequestTarget, type Route} from './net-route.js';
import {KEY_HEADER} from './api-apply.js';

/** Past this many requests a minute, 429 is not forced: it would hit the upstream that many times. */
export const MAX_FORCED_LIMIT = 30;
/** The longest wait for a rate-limit window to reset (a minute window, and a second of slack). */
export const MAX_WINDOW_WAIT_S = 61;

export interface ProxyReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function proxyRequest(
  url: string,
  options: {headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal; route?: Route} = {},
): Promise<ProxyReply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    let routed: ReturnType<typeof routedRequestTarget>;
    try {
      routed = routedRequestTarget(target, options.route);
    } catch (error) {
      reject(
        Object.assign(new Error(`${target.host} is unreachable from this host`), {code: 'EUNREACHABLE', cause: error}),
      );
      return;
    }
    const {headers: hostHeader, ...where} = routed;
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      {
        protocol: target.protocol,
        ...where,
        method: 'GET',
        signal: options.signal,
        headers: {...hostHeader, accept: 'application/json', ...options.headers},
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 256 * 1024) chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')});
        });
        res.on('error', e => {
          clearTimeout(timer);
          reject(e);
        });
      },
    );
    const timer = setTimeout(
      () =>
        req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`), {code: 'ETIMEDOUT'})),
      options.timeoutMs ?? 5000,
    );
    req.on('error', e => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

export interface ProofStep {
  preset: ApiPreset | 'route';
  status: 'ok' | 'warn' | 'fail';
  title: string;
  fix?: string;
}

export interface ProveOptions {
  proxyUrl: string;
  api: ApiAnswers;
  apiKey?: string;
  clock: Clock;
  route?: Route;
  signal?: AbortSignal;
  intervalMs?: number;
  /** Calls while waiting for the route to reach the data plane (default 12). */
  attempts?: number;
  onStep?: (s: ProofStep) => void;
}

const message = (body: string): string => {
  try {
    const m = (JSON.parse(body) as {message?: unknown}).message;
    return typeof m === 'string' ? m : '';
  } catch {
    return '';
  }
};
const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
};

/** The URL and Host header a consumer would use for the route (its first path and host). */
export function probeTarget(
  proxyUrl: string,
  api: ApiAnswers,
): {url: string; headers: Record<string, string>} | {skip: string} {
  const path = api.route.paths.find(p => p.startsWith('/'));
  if (!path) return {skip: 'the route has regex paths only: no plain URL to call'};
  if (api.route.methods?.length && !api.route.methods.includes('GET'))
    return {skip: `the route takes ${api.route.methods.join(', ')} only; the proofs call GET`};
  const host = api.route.hosts?.find(h => !h.includes('*'));
  if (api.route.hosts?.length && !host) return {skip: 'the route has wildcard hosts only: no Host header to send'};
  return {url: `${proxyUrl.replace(/\/+$/, '')}${path}`, headers: host ? {host} : {}};
}

export async function proveApi(options: ProveOptions): Promise<{ok: boolean; steps: ProofStep[]}> {
  const steps: ProofStep[] = [];
  const push = (s: ProofStep) => {
    steps.push(s);
    options.onStep?.(s);
  };
  const target = probeTarget(options.proxyUrl, options.api);
  if ('skip' in target) {
    push({preset: 'route', status: 'warn', title: `Policies not proven through the proxy: ${target.skip}`});
    return {ok: true, steps};
  }
  const plugins = options.api.plugins ?? [];
  const has = (p: ApiPreset) => plugins.some(x => x.preset === p);
  const keyed: Record<string, string> = has('key-auth') && options.apiKey ? {[KEY_HEADER]: options.apiKey} : {};
  const send = (extra: Record<string, string> = {}) =>
    proxyRequest(target.url, {headers: {...target.headers, ...extra}, route: options.route, signal: options.signal});
  const interval = options.intervalMs ?? 2000;
  // Waits for the rate-limit window once a 429 shows the earlier calls used it up; undefined when it may not wait.
  let waitedS = 0;
  const waitForWindow = async (reply: ProxyReply): Promise<string | undefined> => {
    const seconds = windowWait(reply);
    if (seconds === undefined)
      return `429 without RateLimit-Reset or Retry-After (${message(reply.body) || 'no message'})`;
    if (seconds > MAX_WINDOW_WAIT_S)
      return `429 with a window of ${seconds} s (more than ${MAX_WINDOW_WAIT_S} s to wait)`;
    await options.clock.sleep(seconds * 1000, options.signal);
    waitedS += seconds;
    return undefined;
  };
  // Before the rate-limit proof a 429 is the limit used up by earlier calls, not an answer to judge.
  const call = async (extra: Record<string, string> = {}) => {
    const reply = await send(extra);
    if (reply.status !== 429 || !has('rate-limiting')) return reply;
    const why = await waitForWindow(reply);
    return why ? reply : send(extra);
  };

  // The route reaches the data plane within db_update_frequency: wait until Kong stops saying "no Route matched".
  let first: ProxyReply | undefined;
  let last = '';
  for (let i = 1; i <= (options.attempts ?? 12); i++) {
    try {
      // send, not call: any answer but Kong's "no Route matched" (a 429 too) shows the route arrived.
      const reply = await send(keyed);
      if (!(reply.status === 404 && /no Route matched/.test(message(reply.body)))) {
        first = reply;
        break;
      }
      last = '404 no Route matched';
    } catch (error) {
      last = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (options.signal?.aborted) break;
    }
    await options.clock.sleep(interval, options.signal).catch(() => undefined);
  }
  if (!first) {
    push({
      preset: 'route',
      status: 'fail',
      title: `GET ${target.url}: the route did not reach the data plane (last: ${last})`,
      fix: 'Check the data plane config_hash in /clustering/data-planes and its log.',
    });
    return {ok: false, steps};
  }
  push({preset: 'route', status: 'ok', title: `GET ${target.url} reaches the route (HTTP ${first.status})`});

  const ordered: ApiPlugin[] = [
    ...plugins.filter(p => p.preset !== 'rate-limiting'),
    ...plugins.filter(p => p.preset === 'rate-limiting'),
  ];
  for (const plugin of ordered) {
    if (options.signal?.aborted) break;
    // A plugin changed on a route that already existed reaches the data plane a little later: retry.
    let step: ProofStep | undefined;
    for (let i = 1; i <= 6; i++) {
      try {
        step =
          plugin.preset === 'rate-limiting'
            ? await proveRateLimit(plugin, send, keyed, waitForWindow, () => waitedS)
            : await proveOne(plugin, call, keyed);
      } catch (error) {
        step = {
          preset: plugin.preset,
          status: 'fail',
          title: `${plugin.preset}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        };
      }
      if (step.status !== 'fail' || options.signal?.aborted) break;
      await options.clock.sleep(interval, options.signal).catch(() => undefined);
    }
    push(step!);
  }
  return {ok: steps.every(s => s.status !== 'fail'), steps};
}

async function proveOne(
  plugin: ApiPlugin,
  call: (extra?: Record<string, string>) => Promise<ProxyReply>,
  keyed: Record<string, string>,
): Promise<ProofStep> {
  switch (plugin.preset) {
    case 'key-auth': {
      const without = await call();
      const withKey = await call(keyed);
      const refused = without.status === 401 && message(without.body) === 'No API key found in request';
      const passed = withKey.status !== 401 && withKey.status !== 403;
      return refused && passed
        ? {
            preset: 'key-auth',
            status: 'ok',
            title: `key-auth: 401 "No API key found in request" without a key, HTTP ${withKey.status} with it`,
          }
        : {
            preset: 'key-auth',
            status: 'fail',
            title: `key-auth: without a key HTTP ${without.status}${message(without.body) ? ` "${message(without.body)}"` : ''}, with the key HTTP ${withKey.status}`,
            fix: 'The plugin or the consumer key has not reached the data plane yet, or the key differs.',
          };
    }
    case 'openid-connect': {
      const without = await call();
      const challenge = header(without.headers, 'www-authenticate');
      return without.status === 401 && challenge && /^Bearer\b/i.test(challenge)
        ? {
            preset: 'openid-connect',
            status: 'ok',
            title: `openid-connect: 401 with WWW-Authenticate: ${challenge} when no token is sent`,
          }
        : {
            preset: 'openid-connect',
            status: 'fail',
            title: `openid-connect: without a token HTTP ${without.status}${challenge ? '' : ', no WWW-Authenticate header'}`,
            fix: 'openid-connect is a Kong Enterprise plugin: the data plane needs an Enterprise licence.',
          };
    }
    case 'proxy-cache': {
      const a = await call(keyed);
      const b = await call(keyed);
      const status = header(b.headers, 'x-cache-status');
      return status === 'Hit'
        ? {
            preset: 'proxy-cache',
            status: 'ok',
            title: `proxy-cache: X-Cache-Status ${header(a.headers, 'x-cache-status') ?? '?'} then Hit`,
          }
        : {
            preset: 'proxy-cache',
            status: 'fail',
            title: `proxy-cache: second call X-Cache-Status ${status ?? 'absent'} (HTTP ${b.status})`,
            fix: 'Only 200/301/404 responses of JSON or text content are cached by default: check what the upstream answers.',
          };
    }
    case 'http-log':
      return {
        preset: 'http-log',
        status: 'warn',
        title: `http-log: configured on the control plane and sent to the data plane; delivery to ${plugin.endpoint} cannot be observed from here (check that the endpoint receives JSON entries)`,
      };
    case 'rate-limiting':
      throw new Error('rate-limiting is proven by proveRateLimit');
  }
}

/** Seconds until the window resets, from Kong's RateLimit-Reset (draft RFC headers) or Retry-After. */
export function windowWait(reply: ProxyReply): number | undefined {
  for (const name of ['ratelimit-reset', 'retry-after']) {
    const v = Number(header(reply.headers, name));
    if (Number.isFinite(v) && v >= 0 && String(header(reply.headers, name)).trim() !== '') return Math.ceil(v);
  }
  return undefined;
}

/**
 * A 200 carrying RateLimit-* headers, then 429 past the limit. A first 429 means the window is already
 * used up (by the calls before): wait for it to reset, then start again from a fresh window.
 */
async function proveRateLimit(
  plugin: Extract<ApiPlugin, {preset: 'rate-limiting'}>,
  send: (extra?: Record<string, string>) => Promise<ProxyReply>,
  keyed: Record<string, string>,
  waitForWindow: (reply: ProxyReply) => Promise<string | undefined>,
  waited: () => number,
): Promise<ProofStep> {
  let reply = await send(keyed);
  if (reply.status === 429) {
    const why = await waitForWindow(reply);
    if (why)
      return {
        preset: 'rate-limiting',
        status: 'fail',
        title: `rate-limiting: ${why}`,
        fix: 'The limit was used up before the proof and its window could not be waited out.',
      };
    reply = await send(keyed);
  }
  const limit = header(reply.headers, 'ratelimit-limit');
  const remaining = header(reply.headers, 'ratelimit-remaining');
  const after = waited() > 0 ? ` (waited ${waited()} s for the window to reset)` : '';
  if (reply.status === 429)
    return {
      preset: 'rate-limiting',
      status: 'fail',
      title: `rate-limiting: still 429 after the window reset${after}`,
      fix: 'Another client shares the limit (limit_by consumer or IP), or the data plane clock is off.',
    };
  if (!limit)
    return {
      preset: 'rate-limiting',
      status: 'fail',
      title: `rate-limiting: no RateLimit-Limit header on the response (HTTP ${reply.status})`,
      fix: 'The plugin has not reached the data plane yet.',
    };
  const headers = `HTTP ${reply.status} with RateLimit-Limit ${limit}, RateLimit-Remaining ${remaining ?? '?'}`;
  if (plugin.minute > MAX_FORCED_LIMIT)
    return {
      preset: 'rate-limiting',
      status: 'ok',
      title: `rate-limiting: ${headers}${after}; 429 not forced (it would take ${plugin.minute} calls to the upstream)`,
    };
  for (let i = 0; i <= plugin.minute + 1; i++) {
    const next = await send(keyed);
    if (next.status === 429)
      return {
        preset: 'rate-limiting',
        status: 'ok',
        title: `rate-limiting: ${headers}${after}; 429 "${message(next.body)}" past the limit${header(next.headers, 'retry-after') ? `, Retry-After ${header(next.headers, 'retry-after')} s` : ''}`,
      };
  }
  return {
    preset: 'rate-limiting',
    status: 'fail',
    title: `rate-limiting: ${headers}, but ${plugin.minute + 2} more calls were not refused with 429`,
  };
}
