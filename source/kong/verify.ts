// Proof that the data plane is connected (control plane's view) and carries traffic (the article's
// httpbin Service + Route called through the DP proxy).
import {request as httpRequest} from 'node:http';
import {request as httpsRequest} from 'node:https';
import type {Clock} from '../ports.js';
import type {AdminClient} from './admin-api.js';
import {AdminApiError, type AdminResponse} from './admin-api.js';
import {dpImageFor} from './version.js';
import {routedRequestTarget, type Route} from './net-route.js';

/** A DP pings every 30 s; a row not seen for 90 s (three pings) is stale. */
export const FRESH_SECONDS = 90;

export interface DataPlaneRow {
  id: string;
  hostname: string;
  ip?: string;
  version?: string;
  sync_status?: string;
  config_hash?: string;
  /** Unix seconds. */
  last_seen?: number;
}

export interface DataPlaneRows {
  source: 'data-planes' | 'status';
  rows: DataPlaneRow[];
  /** The Admin API's own clock (its Date header), which last_seen is written by. */
  serverNowMs?: number;
}

/** kong/constants.lua DECLARATIVE_EMPTY_CONFIG_HASH: a DP that holds no configuration reports this hash. */
export const EMPTY_CONFIG_HASH = '0'.repeat(32);

function dateOf(headers: AdminResponse['headers']): number | undefined {
  const raw = headers['date'];
  const ms = typeof raw === 'string' ? Date.parse(raw) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Kong's largest page (kong/db/dao/init.lua caps `size` at 1000); fewer round trips on a busy CP. */
export const MAX_PAGE_SIZE = 1000;
/** A bound on pages followed, so a CP answering the same `next` forever cannot hold the wizard. */
const MAX_PAGES = 100;

/** Every row of a paged Admin API collection: follows `next` until null (kong/api/endpoints.lua). */
export async function fetchAllPages<T>(
  admin: AdminClient,
  path: string,
  options: {signal?: AbortSignal} = {},
): Promise<{status: number; rows: T[]; serverNowMs?: number}> {
  const rows: T[] = [];
  let next: string | null = `${path}?size=${MAX_PAGE_SIZE}`;
  const seen = new Set<string>();
  let serverNowMs: number | undefined;
  for (let pages = 0; next && pages < MAX_PAGES; pages++) {
    if (seen.has(next))
      throw new AdminApiError(`GET ${path}: the control plane returned the same next page twice (${next})`);
    seen.add(next);
    const res: AdminResponse<{data?: T[]; next?: string | null}> = await admin.request('GET', next, undefined, options);
    if (res.status !== 200) return {status: res.status, rows};
    serverNowMs = dateOf(res.headers) ?? serverNowMs;
    if (Array.isArray(res.body?.data)) rows.push(...res.body.data);
    const following = res.body?.next;
    // `next` carries the offset only; keep asking for big pages.
    next =
      typeof following === 'string' && following
        ? /[?&]size=/.test(following)
          ? following
          : `${following}${following.includes('?') ? '&' : '?'}size=${MAX_PAGE_SIZE}`
        : null;
  }
  if (next) throw new AdminApiError(`GET ${path}: more than ${MAX_PAGES * MAX_PAGE_SIZE} rows; stopped following next`);
  return {status: 200, rows, serverNowMs};
}

/** GET /clustering/data-planes (every page), or the deprecated /clustering/status when the former answers 404. */
export async function fetchDataPlaneRows(
  admin: AdminClient,
  options: {signal?: AbortSignal} = {},
): Promise<DataPlaneRows> {
  const res = await fetchAllPages<DataPlaneRow>(admin, '/clustering/data-planes', options);
  if (res.status === 200) return {source: 'data-planes', rows: res.rows, serverNowMs: res.serverNowMs};
  if (res.status !== 404)
    throw new AdminApiError(
      `GET /clustering/data-planes: HTTP ${res.status}${res.status === 400 ? ' (is this the control plane?)' : ''}`,
      res.status,
    );
  const fallback = await admin.request<Record<string, Omit<DataPlaneRow, 'id'>>>(
    'GET',
    '/clustering/status',
    undefined,
    options,
  );
  if (fallback.status !== 200 || typeof fallback.body !== 'object' || fallback.body === null) {
    throw new AdminApiError(`GET /clustering/status: HTTP ${fallback.status}`, fallback.status);
  }
  return {
    source: 'status',
    rows: Object.entries(fallback.body).map(([id, row]) => ({...row, id})),
    serverNowMs: dateOf(fallback.headers),
  };
}

export type DpConnection = 'connected' | 'stale' | 'missing' | 'out-of-sync';

export interface DpPodVerdict {
  pod: string;
  status: DpConnection;
  row?: DataPlaneRow;
  /** Seconds since last_seen. */
  ageSeconds?: number;
  title: string;
  fix?: string;
}

export interface DataPlaneVerification {
  ok: boolean;
  source: DataPlaneRows['source'];
  pods: DpPodVerdict[];
  /** Rows of other hostnames or older instances, ignored (stale rows live 14 days). */
  ignoredRows: number;
  versionNote?: string;
}

const SYNC_FIXES: Record<string, string> = {
  kong_version_incompatible:
    'The data plane version is newer (minor/major) than the control plane: pin the image tag to the control plane version.',
  plugin_set_incompatible:
    'A plugin configured on the control plane is missing from the data plane image: use an image with the same plugins.',
  plugin_version_incompatible:
    'A configured plugin differs in version between control plane and data plane: align the versions.',
  filter_set_incompatible: 'A filter configured on the control plane is missing on the data plane.',
};

/** Judges the rows for the data-plane pods (hostnames = pod names). */
export function judgeDataPlaneRows(
  rows: DataPlaneRows,
  podNames: readonly string[],
  nowMs: number,
  expectedVersion?: string,
): DataPlaneVerification {
  const nowSec = Math.floor(nowMs / 1000);
  const used = new Set<string>();
  const pods = podNames.map((pod): DpPodVerdict => {
    const mine = rows.rows.filter(r => r.hostname === pod).sort((a, b) => (b.last_seen ?? 0) - (a.last_seen ?? 0));
    const row = mine[0];
    if (!row) {
      return {
        pod,
        status: 'missing',
        title: `${pod}: not known to the control plane yet`,
        fix: 'Wait for the pod to connect; if it does not, read its log (connection to control plane … broken).',
      };
    }
    used.add(row.id);
    const ageSeconds = row.last_seen === undefined ? undefined : Math.max(0, nowSec - row.last_seen);
    if (ageSeconds === undefined || ageSeconds >= FRESH_SECONDS) {
      return {
        pod,
        status: 'stale',
        row,
        ageSeconds,
        title: `${pod}: last seen ${ageSeconds ?? '?'} s ago`,
        fix: 'The data plane stopped pinging: read its log for "[clustering]" errors.',
      };
    }
    if (row.sync_status !== undefined && row.sync_status !== 'normal') {
      return {
        pod,
        status: 'out-of-sync',
        row,
        ageSeconds,
        title: `${pod}: sync_status ${row.sync_status}`,
        fix: SYNC_FIXES[row.sync_status] ?? 'Read the control plane log for the reason.',
      };
    }
    const version = row.version ? `, ${row.version}` : '';
    return {
      pod,
      status: 'connected',
      row,
      ageSeconds,
      title: `${pod}: connected${row.sync_status ? ` (${row.sync_status})` : ''}${version}, last seen ${ageSeconds} s ago`,
    };
  });
  let versionNote: string | undefined;
  if (expectedVersion) {
    // Compare the dotted numbers only: EE builds print suffixes differently.
    const other = pods.find(p => p.row?.version && dpImageFor(p.row.version).tag !== dpImageFor(expectedVersion).tag);
    if (other?.row?.version)
      versionNote = `${other.pod} reports version ${other.row.version}, expected ${expectedVersion}.`;
  }
  return {
    ok: pods.length > 0 && pods.every(p => p.status === 'connected'),
    source: rows.source,
    pods,
    ignoredRows: rows.rows.filter(r => !used.has(r.id)).length,
    versionNote,
  };
}

export async function verifyDataPlanes(
  admin: AdminClient,
  options: {podNames: readonly string[]; nowMs: number; expectedVersion?: string; signal?: AbortSignal},
): Promise<DataPlaneVerification> {
  const rows = await fetchDataPlaneRows(admin, {signal: options.signal});
  // Freshness by the CP's clock: the admin server's may be off by minutes.
  return judgeDataPlaneRows(rows, options.podNames, rows.serverNowMs ?? options.nowMs, options.expectedVersion);
}

export interface EmptyConfigView {
  /** Every pod connected, reporting the empty config hash, and the CP holds no Services or Routes. */
  ok: boolean;
  verification: DataPlaneVerification;
  cpEmpty?: boolean;
}

/**
 * The control plane's view of pods that run but are not Ready: connected (row, sync_status normal,
 * fresh) and NotReady only because there is nothing to configure yet.
 */
export async function emptyConfigConnection(
  admin: AdminClient,
  options: {podNames: readonly string[]; nowMs: number; signal?: AbortSignal},
): Promise<EmptyConfigView> {
  const verification = await verifyDataPlanes(admin, options);
  if (!verification.ok || !verification.pods.every(p => p.row?.config_hash === EMPTY_CONFIG_HASH))
    return {ok: false, verification};
  const counts = await Promise.all(
    ['/services?size=1', '/routes?size=1'].map(async path => {
      const res = await admin.request<{data?: unknown[]}>('GET', path, undefined, {signal: options.signal});
      return res.status === 200 && Array.isArray(res.body?.data) ? res.body.data.length : -1;
    }),
  );
  const cpEmpty = counts.every(n => n === 0);
  return {ok: cpEmpty, verification, cpEmpty};
}

// ---- The smoke test of the article: httpbin Service + /httpbin Route, called through the DP proxy.

export const DEFAULT_HTTPBIN_URL = 'https://httpbin.konghq.com';
/** Names of the wizard's own, so a customer's `httpbin` Service or Route is never touched. */
export const SMOKE_SERVICE = 'eksa-kong-httpbin';
export const SMOKE_ROUTE = 'eksa-kong-httpbin';
/** Tag on what the wizard creates: an entity of that name without it belongs to someone else. */
export const SMOKE_TAG = 'eksa-kong';
export const SMOKE_PATH = '/httpbin';

export interface SmokeStep {
  id: 'service' | 'route' | 'propagation' | 'proxy';
  status: 'ok' | 'warn' | 'fail';
  title: string;
  detail?: string;
  fix?: string;
}

export interface SmokeOptions {
  admin: AdminClient;
  clock: Clock;
  /** e.g. http://10.20.0.12:32080 (a node IP and the proxy nodePort). */
  proxyUrl: string;
  routerFlavor?: string;
  serviceUrl?: string;
  podNames?: readonly string[];
  /** Propagation polls of the DP config hash (default 6) and proxy attempts (default 12). */
  propagationAttempts?: number;
  proxyAttempts?: number;
  intervalMs?: number;
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  /** Where the proxy URL's host:port really is (ctx.ports.net.route). */
  route?: Route;
  /** Called after each step for live display. */
  onStep?: (step: SmokeStep) => void;
}

export interface SmokeResult {
  ok: boolean;
  steps: SmokeStep[];
}

/** The Route body for the CP's router flavor: expressions reject `paths`. */
export function smokeRouteBody(routerFlavor: string | undefined): Record<string, unknown> {
  const common = {name: SMOKE_ROUTE, protocols: ['http', 'https'], strip_path: true, tags: [SMOKE_TAG]};
  if (routerFlavor === 'expressions') return {...common, expression: `http.path ^= "${SMOKE_PATH}"`};
  return {...common, paths: [SMOKE_PATH]};
}

function ownedByWizard(body: unknown): boolean {
  const tags = (body as {tags?: unknown} | null)?.tags;
  return Array.isArray(tags) && tags.includes(SMOKE_TAG);
}

/** The Service as Kong stores it (protocol/host/port/path from the url); timestamps and ids do not count. */
function sameService(body: unknown, url: string): boolean {
  const b = (body ?? {}) as Record<string, unknown>;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const path = u.pathname === '/' ? null : u.pathname;
  return (
    b['protocol'] === u.protocol.replace(':', '') &&
    b['host'] === u.hostname &&
    b['port'] === port &&
    (b['path'] ?? null) === path &&
    ownedByWizard(b)
  );
}

function sameRoute(body: unknown, want: Record<string, unknown>, serviceId: string | undefined): boolean {
  const b = (body ?? {}) as Record<string, unknown>;
  const eq = (a: unknown, c: unknown) => JSON.stringify(a ?? null) === JSON.stringify(c ?? null);
  return (
    eq(b['paths'], want['paths']) &&
    eq(b['expression'], want['expression']) &&
    eq(b['protocols'], want['protocols']) &&
    b['strip_path'] === want['strip_path'] &&
    ownedByWizard(b) &&
    (serviceId === undefined || (b['service'] as {id?: string} | null)?.id === serviceId)
  );
}

function messageOf(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as {message?: unknown}).message === 'string')
    return (body as {message: string}).message;
  return '';
}

export interface ProxyAnswer {
  status: number;
  body: string;
}

/** A GET with a timeout; used for the proxy call (not the Admin API). */
export function httpGet(
  url: string,
  options: {timeoutMs?: number; signal?: AbortSignal; route?: Route} = {},
): Promise<ProxyAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
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
    const req = send(
      {
        protocol: target.protocol,
        ...where,
        method: 'GET',
        signal: options.signal,
        headers: {...hostHeader, accept: 'application/json'},
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= 1024 * 1024) chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')});
        });
        res.on('error', error => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(
      () =>
        req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`), {code: 'ETIMEDOUT'})),
      options.timeoutMs ?? 5000,
    );
    req.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

async function dpHashes(
  admin: AdminClient,
  podNames: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, string | undefined> | null> {
  try {
    const rows = await fetchDataPlaneRows(admin, {signal});
    const map = new Map<string, string | undefined>();
    for (const pod of podNames) {
      const row = rows.rows.filter(r => r.hostname === pod).sort((a, b) => (b.last_seen ?? 0) - (a.last_seen ?? 0))[0];
      if (row) map.set(pod, row.config_hash);
    }
    return map.size > 0 ? map : null;
  } catch {
    return null;
  }
}

/**
 * Upserts the Service and Route with PUT (safe to rerun), waits for the DP config hash to change when
 * the upsert changed anything, then calls `<proxy>/httpbin/anything` until 200 within a bounded number
 * of attempts. 404 "no Route matched" means the config has not arrived yet.
 */
export async function runSmokeTest(options: SmokeOptions): Promise<SmokeResult> {
  const {admin, clock, signal} = options;
  const interval = options.intervalMs ?? 5000;
  const steps: SmokeStep[] = [];
  const push = (step: SmokeStep) => {
    steps.push(step);
    options.onStep?.(step);
    return step;
  };
  const podNames = options.podNames ?? [];
  const serviceUrl = options.serviceUrl ?? DEFAULT_HTTPBIN_URL;
  const routeBody = smokeRouteBody(options.routerFlavor);

  // What is there now: an unchanged rerun has no new config to wait for, and an entity of our name
  // that we did not make is left alone.
  const before = await dpHashes(admin, podNames, signal);
  const [oldService, oldRoute] = await Promise.all([
    admin.request<Record<string, unknown>>('GET', `/services/${SMOKE_SERVICE}`, undefined, {signal}),
    admin.request<Record<string, unknown>>('GET', `/services/${SMOKE_SERVICE}/routes/${SMOKE_ROUTE}`, undefined, {
      signal,
    }),
  ]);
  for (const [id, old, kind] of [
    ['service', oldService, 'Service'],
    ['route', oldRoute, 'Route'],
  ] as const) {
    if (old.status === 200 && !ownedByWizard(old.body)) {
      push({
        id,
        status: 'fail',
        title: `A ${kind} named ${SMOKE_SERVICE} exists on the control plane and was not made by eksa-kong (no "${SMOKE_TAG}" tag)`,
        fix: `It is left as it is. Rename or delete it, or skip the smoke test (dataPlane.smokeTest: false).`,
      });
      return {ok: false, steps};
    }
  }

  const serviceBody = {name: SMOKE_SERVICE, url: serviceUrl, tags: [SMOKE_TAG]};
  const serviceSame = oldService.status === 200 && sameService(oldService.body, serviceUrl);
  const service = serviceSame
    ? oldService
    : await admin.request<Record<string, unknown>>('PUT', `/services/${SMOKE_SERVICE}`, serviceBody, {signal});
  if (service.status !== 200 && service.status !== 201) {
    push({
      id: 'service',
      status: 'fail',
      title: `PUT /services/${SMOKE_SERVICE} answered ${service.status}`,
      detail: messageOf(service.body),
      fix:
        service.status === 401 || service.status === 403
          ? 'The admin token lacks rights on the default workspace.'
          : 'Check the message above.',
    });
    return {ok: false, steps};
  }
  push({
    id: 'service',
    status: 'ok',
    title: `Service ${SMOKE_SERVICE} → ${serviceUrl}${serviceSame ? ' (already in place)' : ''}`,
  });

  const serviceId = typeof service.body?.['id'] === 'string' ? service.body['id'] : undefined;
  const routeSame = oldRoute.status === 200 && sameRoute(oldRoute.body, routeBody, serviceId);
  const route = routeSame
    ? oldRoute
    : await admin.request('PUT', `/services/${SMOKE_SERVICE}/routes/${SMOKE_ROUTE}`, routeBody, {signal});
  if (route.status !== 200 && route.status !== 201) {
    push({
      id: 'route',
      status: 'fail',
      title: `PUT route ${SMOKE_ROUTE} answered ${route.status}`,
      detail: messageOf(route.body),
      fix:
        route.status === 400 && options.routerFlavor !== 'expressions'
          ? 'If the control plane runs router_flavor=expressions, read it from GET / and retry.'
          : 'Check the message above.',
    });
    return {ok: false, steps};
  }
  push({
    id: 'route',
    status: 'ok',
    title: `Route ${SMOKE_ROUTE}: ${routeBody.expression ? String(routeBody.expression) : SMOKE_PATH}${routeSame ? ' (already in place)' : ''}`,
  });

  const unchanged = serviceSame && routeSame;
  if (!before) {
    push({id: 'propagation', status: 'warn', title: 'Data plane config hash not visible; relying on proxy retries'});
  } else if (unchanged) {
    push({id: 'propagation', status: 'ok', title: 'Service and Route were already in place; nothing new to propagate'});
  } else {
    let propagated = false;
    for (let attempt = 1; attempt <= (options.propagationAttempts ?? 6) && !propagated; attempt++) {
      const now = await dpHashes(admin, podNames, signal);
      propagated =
        now !== null &&
        [...before.entries()].every(([pod, hash]) => now.get(pod) !== undefined && now.get(pod) !== hash);
      if (!propagated) await clock.sleep(interval, signal);
    }
    push(
      propagated
        ? {
            id: 'propagation',
            status: 'ok',
            title: 'The data planes received the new configuration (config_hash changed)',
          }
        : {
            id: 'propagation',
            status: 'warn',
            title: 'The data plane config hash has not changed yet',
            fix: 'Propagation follows db_update_frequency (5 s by default); the proxy check below retries.',
          },
    );
  }

  const url = `${options.proxyUrl.replace(/\/+$/, '')}${SMOKE_PATH}/anything`;
  const attempts = options.proxyAttempts ?? 12;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const answer = await httpGet(url, {timeoutMs: options.requestTimeoutMs ?? 5000, signal, route: options.route});
      if (answer.status === 200) {
        push({id: 'proxy', status: 'ok', title: `GET ${url} → 200 (attempt ${attempt})`});
        return {ok: true, steps};
      }
      last =
        answer.status === 404 && answer.body.includes('no Route matched')
          ? '404 no Route matched: the route has not reached the data plane yet'
          : `HTTP ${answer.status}`;
    } catch (error) {
      last = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (signal?.aborted) break;
    }
    if (attempt < attempts) await clock.sleep(interval, signal);
  }
  push({
    id: 'proxy',
    status: 'fail',
    title: `GET ${url} did not answer 200 after ${attempts} attempts (last: ${last})`,
    fix: last.startsWith('404 no Route')
      ? 'The data plane has not received the config: check its /clustering/data-planes row and its log.'
      : last.startsWith('HTTP 5')
        ? `Kong could not reach ${serviceUrl} from the cluster (no egress?): point the Service at an in-cluster httpbin.`
        : 'Check the node IP, the proxy nodePort and that the DP pods are Ready.',
  });
  return {ok: false, steps};
}
