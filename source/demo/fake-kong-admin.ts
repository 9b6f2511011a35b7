// FAKE of a Kong Enterprise hybrid control plane's Admin API on loopback, for tests and the demo world.
// Subset: GET /, GET /clustering/data-planes, GET /clustering/status (or 404), GET/PUT services and routes
// (optionally under /default), the Kong-Admin-Token check, and config propagation to registered data
// planes after a delay. Shapes follow the Kong reference notes; values are invented.
// Like Kong (kong/api/endpoints.lua, kong/db/dao/init.lua `DAO:page`): collections are paged, 100 rows by
// default, `size` capped at 1000, a non-number size is a 400, and `next` is the path with `offset=` to
// follow until null. Every write stamps `updated_at` (schema auto fields); data-plane rows of pods that
// went away stay until the purge delay (14 days), only their last_seen stops moving.
import {createHash, randomUUID} from 'node:crypto';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import {validatePluginBody, type FakeConsumer, type FakeKeyAuth, type FakePlugin} from './fake-kong-plugins.js';

export interface FakeKongAdminOptions {
  version?: string;
  edition?: string;
  /**
   * RBAC on (enforce_rbac): every request needs this Kong-Admin-Token. A function is asked on each
   * request (a CP whose RBAC comes with the values it was deployed with): undefined is RBAC off, null is
   * RBAC on with no token that passes (the super admin's password could not be read).
   */
  token?: string | (() => string | null | undefined);
  /** admin_gui_auth (e.g. basic-auth): changes Kong's answer to a request without any token. */
  adminGuiAuth?: string | (() => string | undefined);
  routerFlavor?: 'traditional' | 'traditional_compatible' | 'expressions';
  clusterMtls?: 'shared' | 'pki';
  /** false makes /clustering/data-planes answer 404 (a pre-2.2 control plane). */
  dataPlanesEndpoint?: boolean;
  /** false makes /clustering/status answer 404. */
  statusEndpoint?: boolean;
  /** Delay between an entity change and the data planes holding the new config. */
  propagationDelayMs?: number;
  /** Unix time in milliseconds; injectable so stale rows can be simulated. */
  now?: () => number;
  /** Also serve the Admin API over TLS with this certificate (the chart's default admin listener, 8444 ssl). */
  tls?: {certPem: string; keyPem: string};
  /** Services and routes a previous run held (the database of a CP that restarted). */
  entities?: FakeKongEntities;
  /** Called after every change of services or routes, e.g. to save them with a demo's state. */
  onEntities?: (entities: FakeKongEntities) => void;
}

export interface FakeKongEntities {
  services: FakeService[];
  routes: FakeRoute[];
  plugins?: FakePlugin[];
  consumers?: FakeConsumer[];
  keyAuths?: FakeKeyAuth[];
}

export interface FakeDataPlane {
  id: string;
  hostname: string;
  ip: string;
  version: string;
  sync_status: string;
  config_hash: string;
  /** Unix seconds; a connected DP pings every 30 s, so it stays fresh. */
  last_seen: number;
  connected: boolean;
}

export interface FakeService {
  id: string;
  name: string;
  protocol: string;
  host: string;
  port: number;
  path: string | null;
  tags: string[] | null;
  created_at: number;
  updated_at: number;
}

export interface FakeRoute {
  id: string;
  name: string;
  service: {id: string} | null;
  paths?: string[] | null;
  expression?: string | null;
  hosts?: string[] | null;
  methods?: string[] | null;
  protocols: string[];
  strip_path: boolean;
  tags: string[] | null;
  created_at: number;
  updated_at: number;
}

/** What the data planes hold: used by the fake proxy to route and run the plugins. */
export interface FakeKongConfigView {
  match(path: string, host?: string): {service: FakeService; route: FakeRoute; forwardPath: string} | null;
  /** Enabled plugins on the service (the proxy runs them by Kong's priorities). */
  plugins(serviceId: string): FakePlugin[];
  /** The consumer a key-auth key belongs to. */
  consumerByKey(key: string): FakeConsumer | null;
}

export interface FakeKongAdmin {
  url: string;
  port: number;
  /** The TLS listener's port, when options.tls was given. */
  tlsPort?: number;
  /** Simulates a DP connecting (or an old row when connected is false). Returns its id. */
  registerDataPlane(dp: {
    hostname: string;
    version?: string;
    ip?: string;
    id?: string;
    lastSeen?: number;
    syncStatus?: string;
    connected?: boolean;
    configHash?: string;
  }): string;
  disconnectDataPlane(id: string): void;
  dataPlanes(): FakeDataPlane[];
  /** The configuration the data planes have received. */
  readonly propagated: FakeKongConfigView;
  /** The config hash the CP pushes now (32 zeros while it holds no entities, like Kong's empty config). */
  configHash(): string;
  requestCount(path?: string): number;
  close(): Promise<void>;
}

/** kong/constants.lua DECLARATIVE_EMPTY_CONFIG_HASH: what a DP reports while its config is empty. */
export const EMPTY_CONFIG_HASH = '0'.repeat(32);
const EMPTY_HASH = EMPTY_CONFIG_HASH;
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;

/** One page of a collection the way Kong's endpoints answer it, or the 400 Kong gives for a bad size/offset. */
function page<T>(rows: readonly T[], url: URL, path: string): {status: number; body: unknown} {
  const rawSize = url.searchParams.get('size');
  let size = DEFAULT_PAGE_SIZE;
  if (rawSize !== null) {
    const n = Number(rawSize);
    if (rawSize.trim() === '' || !Number.isFinite(n)) return {status: 400, body: {message: 'size must be a number'}};
    if (n < 0) return {status: 400, body: {message: 'size must be positive (> 0)'}};
    size = Math.max(1, Math.min(Math.floor(n), MAX_PAGE_SIZE));
  }
  const rawOffset = url.searchParams.get('offset');
  let start = 0;
  if (rawOffset !== null) {
    // Kong's offsets are opaque base64 tokens; ours encode the row index.
    const decoded = /^\d+$/.exec(Buffer.from(rawOffset, 'base64').toString('utf8'));
    if (!decoded)
      return {
        status: 400,
        body: {name: 'invalid offset', code: 13, message: `'${rawOffset}' is not a valid offset: bad base64 encoding`},
      };
    start = Number(decoded[0]);
  }
  const data = rows.slice(start, start + size);
  const nextStart = start + size;
  const offset = nextStart < rows.length ? Buffer.from(String(nextStart)).toString('base64') : undefined;
  return {
    status: 200,
    body: {data, next: offset ? `${path}?offset=${encodeURIComponent(offset)}` : null, ...(offset ? {offset} : {})},
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The CP's version check of a connecting DP (kong/clustering/compat/init.lua,
 * check_kong_version_compatibility): another major, or a newer minor than the CP's, is
 * kong_version_incompatible; an older minor or any patch is accepted.
 */
export function versionSyncStatus(dpVersion: string, cpVersion: string): string {
  const parse = (v: string) => /^(\d+)\.(\d+)/.exec(v);
  const dp = parse(dpVersion);
  const cp = parse(cpVersion);
  if (!dp || !cp) return 'unknown';
  if (dp[1] !== cp[1] || Number(dp[2]) > Number(cp[2])) return 'kong_version_incompatible';
  return 'normal';
}

/**
 * Kong Enterprise's answer to an Admin API request while enforce_rbac is on, or undefined when it passes.
 * No Kong-Admin-Token with admin_gui_auth set: kong/enterprise_edition/api_helpers.lua (before_filter ->
 * authenticate -> validate_admin) answers 401 "Invalid credentials. Token or User credentials required";
 * without admin_gui_auth, or with a token that is no RBAC user's: kong/rbac/init.lua (validate_user, the
 * request's user is "guest") answers 401 "Invalid RBAC credentials".
 */
function rbacRefusal(
  header: string | string[] | undefined,
  token: string | null,
  adminGuiAuth: string | undefined,
): string | undefined {
  if (header === undefined) {
    return adminGuiAuth ? 'Invalid credentials. Token or User credentials required' : 'Invalid RBAC credentials';
  }
  // load_rbac_ctx: a header sent twice (or empty) is no token.
  if (typeof header !== 'string' || header === '' || token === null || header !== token)
    return 'Invalid RBAC credentials';
  return undefined;
}

/** A route host (maybe with one wildcard label) against the request's Host, without its port. */
function hostMatches(pattern: string, host: string | undefined): boolean {
  const h = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  if (p.endsWith('.*')) return h.startsWith(p.slice(0, -1));
  return h === p;
}

function routeMatches(route: FakeRoute, path: string): string | null {
  if (route.paths) {
    for (const prefix of route.paths) {
      if (path.startsWith(prefix)) {
        return route.strip_path ? path.slice(prefix.length) || '/' : path;
      }
    }
    return null;
  }
  // Only the form the wizard sends: http.path ^= "<prefix>"
  const m = route.expression ? /^http\.path \^= "([^"]+)"$/.exec(route.expression.trim()) : null;
  if (m?.[1] && path.startsWith(m[1])) return route.strip_path ? path.slice(m[1].length) || '/' : path;
  return null;
}

export async function startFakeKongAdmin(options: FakeKongAdminOptions = {}): Promise<FakeKongAdmin> {
  const now = options.now ?? Date.now;
  const flavor = options.routerFlavor ?? 'traditional_compatible';
  const services = new Map<string, FakeService>();
  const routes = new Map<string, FakeRoute>();
  const dps = new Map<string, FakeDataPlane>();
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const plugins = new Map<string, FakePlugin>();
  const consumers = new Map<string, FakeConsumer>();
  const keyAuths = new Map<string, FakeKeyAuth>();
  let propagatedServices = new Map<string, FakeService>();
  let propagatedRoutes: FakeRoute[] = [];
  let propagatedPlugins: FakePlugin[] = [];
  let propagatedConsumers = new Map<string, FakeConsumer>();
  let propagatedKeys: FakeKeyAuth[] = [];
  // A restarted CP reads its database: the entities are there and connecting DPs get them at once.
  for (const svc of options.entities?.services ?? []) services.set(svc.name, {...svc});
  for (const route of options.entities?.routes ?? []) routes.set(route.name, {...route});
  for (const p of options.entities?.plugins ?? []) plugins.set(p.id, {...p});
  for (const c of options.entities?.consumers ?? []) consumers.set(c.username, {...c});
  for (const k of options.entities?.keyAuths ?? []) keyAuths.set(k.id, {...k});
  propagatedServices = new Map([...services.values()].map(svc => [svc.id, {...svc}]));
  propagatedRoutes = [...routes.values()].map(r => ({...r}));
  propagatedPlugins = [...plugins.values()].map(p => structuredClone(p));
  propagatedConsumers = new Map([...consumers.values()].map(c => [c.id, {...c}]));
  propagatedKeys = [...keyAuths.values()].map(k => ({...k}));

  const configHash = () =>
    services.size === 0 && routes.size === 0 && plugins.size === 0 && consumers.size === 0
      ? EMPTY_HASH
      : createHash('md5')
          .update(
            JSON.stringify([
              [...services.values()],
              [...routes.values()],
              [...plugins.values()],
              [...consumers.values()],
              [...keyAuths.values()],
            ]),
          )
          .digest('hex');

  // Like the CP's push after db_update_frequency: connected DPs get the new config and hash later.
  const scheduleSync = () => {
    options.onEntities?.({
      services: [...services.values()].map(x => ({...x})),
      routes: [...routes.values()].map(x => ({...x})),
      plugins: [...plugins.values()].map(x => structuredClone(x)),
      consumers: [...consumers.values()].map(x => ({...x})),
      keyAuths: [...keyAuths.values()].map(x => ({...x})),
    });
    const hash = configHash();
    const snapshotServices = new Map([...services.values()].map(s => [s.id, {...s}]));
    const snapshotRoutes = [...routes.values()].map(r => ({...r}));
    const snapshotPlugins = [...plugins.values()].map(p => structuredClone(p));
    const snapshotConsumers = new Map([...consumers.values()].map(c => [c.id, {...c}]));
    const snapshotKeys = [...keyAuths.values()].map(k => ({...k}));
    const timer = setTimeout(() => {
      timers.delete(timer);
      propagatedServices = snapshotServices;
      propagatedRoutes = snapshotRoutes;
      propagatedPlugins = snapshotPlugins;
      propagatedConsumers = snapshotConsumers;
      propagatedKeys = snapshotKeys;
      for (const dp of dps.values()) if (dp.connected) dp.config_hash = hash;
    }, options.propagationDelayMs ?? 0);
    timers.add(timer);
  };

  const refreshLastSeen = () => {
    const seconds = Math.floor(now() / 1000);
    for (const dp of dps.values()) if (dp.connected) dp.last_seen = seconds;
  };

  const upsertService = (name: string, body: Record<string, unknown>): FakeService | string => {
    const url = typeof body.url === 'string' ? body.url : undefined;
    if (!url) return 'schema violation (host: required field missing)';
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'schema violation (url: invalid url)';
    }
    const existing = services.get(name);
    const stampNow = Math.floor(now() / 1000);
    const service: FakeService = {
      id: existing?.id ?? randomUUID(),
      created_at: existing?.created_at ?? stampNow,
      updated_at: stampNow,
      name,
      protocol: parsed.protocol.replace(':', ''),
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80,
      path: parsed.pathname === '/' ? null : parsed.pathname,
      tags: Array.isArray(body.tags) ? (body.tags as string[]) : null,
    };
    services.set(name, service);
    return service;
  };

  const upsertRoute = (name: string, body: Record<string, unknown>, serviceName?: string): FakeRoute | string => {
    const hasPaths = Array.isArray(body.paths);
    const hasExpression = typeof body.expression === 'string';
    if (flavor === 'expressions' && hasPaths)
      return 'schema violation (paths: not allowed when router_flavor is expressions)';
    if (flavor !== 'expressions' && hasExpression) return 'schema violation (expression: unknown field)';
    if (!hasPaths && !hasExpression)
      return "schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')";
    let serviceId: string | undefined;
    const svcRef =
      serviceName ??
      (body.service as {name?: string; id?: string} | undefined)?.name ??
      (body.service as {id?: string} | undefined)?.id;
    if (svcRef) {
      const service = services.get(svcRef) ?? [...services.values()].find(s => s.id === svcRef);
      if (!service) return `the foreign key '{id="${svcRef}"}' does not reference an existing 'services' entity.`;
      serviceId = service.id;
    }
    const stampNow = Math.floor(now() / 1000);
    const route: FakeRoute = {
      id: routes.get(name)?.id ?? randomUUID(),
      created_at: routes.get(name)?.created_at ?? stampNow,
      updated_at: stampNow,
      name,
      service: serviceId ? {id: serviceId} : null,
      paths: hasPaths ? (body.paths as string[]) : null,
      expression: hasExpression ? (body.expression as string) : null,
      hosts: Array.isArray(body.hosts) ? (body.hosts as string[]) : null,
      methods: Array.isArray(body.methods) ? (body.methods as string[]) : null,
      protocols: Array.isArray(body.protocols) ? (body.protocols as string[]) : ['http', 'https'],
      strip_path: body.strip_path === undefined ? true : Boolean(body.strip_path),
      tags: Array.isArray(body.tags) ? (body.tags as string[]) : null,
    };
    routes.set(name, route);
    return route;
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    // The CP's own clock, as in its Date header: last_seen is written by it.
    res.setHeader('date', new Date(now()).toUTCString());
    const url = new URL(req.url ?? '/', 'http://fake');
    let path = url.pathname.replace(/\/+$/, '') || '/';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const token = typeof options.token === 'function' ? options.token() : options.token;
    const rbacOn = token !== undefined;
    if (rbacOn) {
      const refused = rbacRefusal(
        req.headers['kong-admin-token'],
        token,
        typeof options.adminGuiAuth === 'function' ? options.adminGuiAuth() : options.adminGuiAuth,
      );
      if (refused) return json(res, 401, {message: refused});
    }
    refreshLastSeen();
    if (path.startsWith('/default/')) path = path.slice('/default'.length); // the default workspace
    const method = req.method ?? 'GET';
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);

    if (method === 'GET' && path === '/') {
      json(res, 200, {
        version: options.version ?? '3.9.1.2',
        edition: options.edition ?? 'enterprise',
        hostname: 'kong-cp-kong-6c8d9b7f4-abcde',
        tagline: 'Welcome to kong',
        configuration: {
          role: 'control_plane',
          database: 'postgres',
          cluster_mtls: options.clusterMtls ?? 'shared',
          cluster_listen: ['0.0.0.0:8005'],
          cluster_telemetry_listen: ['0.0.0.0:8006'],
          router_flavor: flavor,
          vitals: false,
          enforce_rbac: rbacOn ? 'on' : 'off',
        },
      });
      return;
    }
    if (method === 'GET' && path === '/clustering/data-planes') {
      if (options.dataPlanesEndpoint === false) return json(res, 404, {message: 'Not found'});
      const nowSec = Math.floor(now() / 1000);
      const rows = [...dps.values()].map(({connected: _connected, ...row}) => ({
        ...row,
        updated_at: row.last_seen,
        ttl: Math.max(0, 1209600 - (nowSec - row.last_seen)),
        labels: {},
      }));
      const answer = page(rows, url, '/clustering/data-planes');
      json(res, answer.status, answer.body);
      return;
    }
    if (method === 'GET' && path === '/clustering/status') {
      if (options.statusEndpoint === false) return json(res, 404, {message: 'Not found'});
      const body: Record<string, unknown> = {};
      // Only the DPs connected to this CP node, as the deprecated endpoint does.
      for (const dp of dps.values())
        if (dp.connected)
          body[dp.id] = {config_hash: dp.config_hash, hostname: dp.hostname, ip: dp.ip, last_seen: dp.last_seen};
      json(res, 200, body, {deprecation: 'true'});
      return;
    }
    if (method === 'GET' && (path === '/services' || path === '/routes')) {
      const answer =
        path === '/services' ? page([...services.values()], url, path) : page([...routes.values()], url, path);
      return json(res, answer.status, answer.body);
    }
    if (method === 'GET' && (path === '/plugins' || path === '/consumers' || path === '/key-auths')) {
      const rows: readonly unknown[] =
        path === '/plugins'
          ? [...plugins.values()]
          : path === '/consumers'
            ? [...consumers.values()]
            : [...keyAuths.values()];
      const answer = page(rows, url, path);
      return json(res, answer.status, answer.body);
    }
    // Plugins by id or instance_name, at /plugins/{x} or scoped to a service at /services/{s}/plugins/{x}.
    const pluginRef =
      parts[0] === 'plugins' && parts.length === 2
        ? {ref: parts[1]!, service: undefined as string | undefined}
        : parts[0] === 'services' && parts[2] === 'plugins' && parts.length === 4
          ? {ref: parts[3]!, service: parts[1]}
          : undefined;
    if (pluginRef) {
      const found = [...plugins.values()].find(p => p.id === pluginRef.ref || p.instance_name === pluginRef.ref);
      if (method === 'GET') return found ? json(res, 200, found) : json(res, 404, {message: 'Not found'});
      if (method === 'PUT') {
        const body = await readJson(req);
        if (!body) return json(res, 400, {message: 'Cannot parse JSON body'});
        const checked = validatePluginBody(body);
        if ('error' in checked) return json(res, 400, {name: 'schema violation', code: 2, message: checked.error});
        let serviceId: string | null = null;
        if (pluginRef.service) {
          const svc = services.get(pluginRef.service) ?? [...services.values()].find(x => x.id === pluginRef.service);
          if (!svc) return json(res, 404, {message: 'Not found'});
          serviceId = svc.id;
        }
        const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(pluginRef.ref);
        const stamp = Math.floor(now() / 1000);
        const plugin: FakePlugin = {
          id: found?.id ?? (isUuid ? pluginRef.ref : randomUUID()),
          name: String(body.name),
          instance_name: isUuid ? ((body.instance_name as string | undefined) ?? null) : pluginRef.ref,
          service: serviceId ? {id: serviceId} : null,
          route: null,
          consumer: null,
          config: checked.config,
          enabled: body.enabled === undefined ? true : Boolean(body.enabled),
          protocols: ['grpc', 'grpcs', 'http', 'https'],
          tags: Array.isArray(body.tags) ? (body.tags as string[]) : null,
          created_at: found?.created_at ?? stamp,
          updated_at: stamp,
        };
        // Kong: one plugin of a name per service (plugins' unique cache key).
        const twin = [...plugins.values()].find(
          p => p.id !== plugin.id && p.name === plugin.name && p.service?.id === plugin.service?.id,
        );
        if (twin)
          return json(res, 409, {
            name: 'unique constraint violation',
            code: 5,
            message: `UNIQUE violation detected on '{consumer=null,name="${plugin.name}",route=null,service={id="${serviceId}"}}'`,
          });
        plugins.set(plugin.id, plugin);
        scheduleSync();
        return json(res, 200, plugin);
      }
    }
    if (parts[0] === 'consumers' && parts[1] && parts.length === 2) {
      const found = consumers.get(parts[1]) ?? [...consumers.values()].find(c => c.id === parts[1]);
      if (method === 'GET') return found ? json(res, 200, found) : json(res, 404, {message: 'Not found'});
      if (method === 'PUT') {
        const body = await readJson(req);
        if (!body) return json(res, 400, {message: 'Cannot parse JSON body'});
        const stamp = Math.floor(now() / 1000);
        const consumer: FakeConsumer = {
          id: found?.id ?? randomUUID(),
          username: parts[1],
          custom_id: typeof body.custom_id === 'string' ? body.custom_id : null,
          tags: Array.isArray(body.tags) ? (body.tags as string[]) : null,
          created_at: found?.created_at ?? stamp,
          updated_at: stamp,
        };
        consumers.set(consumer.username, consumer);
        scheduleSync();
        return json(res, 200, consumer);
      }
    }
    if (parts[0] === 'consumers' && parts[2] === 'key-auth' && parts.length === 4) {
      const consumer = consumers.get(parts[1]!) ?? [...consumers.values()].find(c => c.id === parts[1]);
      if (!consumer) return json(res, 404, {message: 'Not found'});
      const found = keyAuths.get(parts[3]!);
      if (method === 'GET')
        return found && found.consumer.id === consumer.id
          ? json(res, 200, found)
          : json(res, 404, {message: 'Not found'});
      if (method === 'PUT') {
        const body = await readJson(req);
        if (!body) return json(res, 400, {message: 'Cannot parse JSON body'});
        const key = typeof body.key === 'string' && body.key !== '' ? body.key : randomUUID().replace(/-/g, '');
        if ([...keyAuths.values()].some(k => k.key === key && k.id !== parts[3]))
          return json(res, 409, {
            name: 'unique constraint violation',
            code: 5,
            message: `UNIQUE violation detected on '{key="${key}"}'`,
          });
        const credential: FakeKeyAuth = {
          id: parts[3]!,
          key,
          consumer: {id: consumer.id},
          ttl: null,
          tags: Array.isArray(body.tags) ? (body.tags as string[]) : null,
          created_at: found?.created_at ?? Math.floor(now() / 1000),
        };
        keyAuths.set(credential.id, credential);
        scheduleSync();
        return json(res, 200, credential);
      }
    }
    if (parts[0] === 'services' && parts.length === 2 && parts[1]) {
      if (method === 'GET') {
        const service = services.get(parts[1]);
        return service ? json(res, 200, service) : json(res, 404, {message: 'Not found'});
      }
      if (method === 'PUT') {
        const body = await readJson(req);
        if (!body) return json(res, 400, {message: 'Cannot parse JSON body'});
        const result = upsertService(parts[1], body);
        if (typeof result === 'string') return json(res, 400, {message: result});
        scheduleSync();
        return json(res, 200, result);
      }
    }
    const routeName =
      parts[0] === 'routes' && parts.length === 2
        ? parts[1]
        : parts[0] === 'services' && parts[2] === 'routes' && parts.length === 4
          ? parts[3]
          : undefined;
    if (routeName) {
      if (method === 'GET') {
        const route = routes.get(routeName);
        return route ? json(res, 200, route) : json(res, 404, {message: 'Not found'});
      }
      if (method === 'PUT') {
        const body = await readJson(req);
        if (!body) return json(res, 400, {message: 'Cannot parse JSON body'});
        const result = upsertRoute(routeName, body, parts[0] === 'services' ? parts[1] : undefined);
        if (typeof result === 'string') return json(res, 400, {message: result});
        scheduleSync();
        return json(res, 200, result);
      }
    }
    json(res, 404, {message: 'Not found'});
  };
  const server = createServer(handler);
  const tlsServer = options.tls
    ? createHttpsServer({cert: options.tls.certPem, key: options.tls.keyPem}, handler)
    : undefined;
  const servers = [server, ...(tlsServer ? [tlsServer] : [])];
  for (const srv of servers) {
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve());
    });
  }
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ...(tlsServer ? {tlsPort: (tlsServer.address() as AddressInfo).port} : {}),
    registerDataPlane(dp) {
      const id = dp.id ?? randomUUID();
      const connected = dp.connected ?? true;
      dps.set(id, {
        id,
        hostname: dp.hostname,
        ip: dp.ip ?? '203.0.113.10',
        version: dp.version ?? options.version ?? '3.9.1.2',
        sync_status:
          dp.syncStatus ?? versionSyncStatus(dp.version ?? options.version ?? '3.9.1.2', options.version ?? '3.9.1.2'),
        config_hash: dp.configHash ?? (connected ? configHash() : EMPTY_HASH),
        last_seen: dp.lastSeen ?? Math.floor(now() / 1000),
        connected,
      });
      return id;
    },
    disconnectDataPlane(id) {
      const dp = dps.get(id);
      if (dp) dp.connected = false;
    },
    dataPlanes: () => [...dps.values()].map(dp => ({...dp})),
    configHash,
    propagated: {
      match(path, host) {
        for (const route of propagatedRoutes) {
          if (route.hosts?.length && !route.hosts.some(h => hostMatches(h, host))) continue;
          const forwardPath = routeMatches(route, path);
          if (forwardPath === null || !route.service) continue;
          const service = propagatedServices.get(route.service.id);
          if (service) return {service, route, forwardPath};
        }
        return null;
      },
      plugins: serviceId => propagatedPlugins.filter(p => p.enabled && p.service?.id === serviceId),
      consumerByKey: key => {
        const credential = propagatedKeys.find(k => k.key === key);
        return credential ? (propagatedConsumers.get(credential.consumer.id) ?? null) : null;
      },
    },
    requestCount: path =>
      path === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(path) ?? 0),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(
        servers.map(
          srv =>
            new Promise<void>(resolve => {
              srv.closeAllConnections();
              srv.close(() => resolve());
            }),
        ),
      );
    },
  };
}
