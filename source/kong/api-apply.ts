// The first API on the control plane: its Service, Route, plugins and (for key-auth) a consumer with
// its key, written through the Admin API with PUT (safe to rerun), each compared first: an entity that
// is already as wanted is left alone, and one of the same name that eksa-kong did not make (no tag) is
// never touched. Everything carries the `eksa-kong` and `eksa-kong-api` tags so export and destroy can
// find the wizard's own.
import {createHash} from 'node:crypto';
import type {ApiAnswers, ApiPlugin, ApiPreset} from '../session/api-answers.js';
import type {AdminClient} from './admin-api.js';
import {SMOKE_TAG} from './verify.js';

export const API_TAG = 'eksa-kong-api';
export const API_TAGS = [SMOKE_TAG, API_TAG];
export const DEFAULT_CONSUMER = 'eksa-kong-client';
/** The header key-auth reads (Kong's default key_names). */
export const KEY_HEADER = 'apikey';

export interface ApiSecrets {
  /** The key-auth consumer's key. */
  apiKey?: string;
  /** The openid-connect client secret. */
  clientSecret?: string;
}

export interface AdminCall {
  method: 'PUT';
  path: string;
  body: Record<string, unknown>;
  /** Body fields that hold a secret: the runbook shows a ${VAR} instead. */
  secretFields?: Record<string, string>;
  what: string;
}

/** A stable UUID for an entity Kong names by id only (key-auth credentials), so a rerun updates it. */
export function stableId(seed: string): string {
  const h = createHash('sha1').update(`eksa-kong/${seed}`).digest('hex');
  // RFC 4122 layout, version 5 and variant bits set.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

export const pluginInstanceName = (service: string, preset: ApiPreset) => `${service}-${preset}`;
export const consumerOf = (plugin: Extract<ApiPlugin, {preset: 'key-auth'}>) => plugin.consumer ?? DEFAULT_CONSUMER;

/** The plugin's `config` as Kong's schema takes it (kong/plugins/<name>/schema.lua). */
export function pluginConfig(plugin: ApiPlugin, secrets: ApiSecrets): Record<string, unknown> {
  switch (plugin.preset) {
    case 'key-auth':
      return {key_names: [KEY_HEADER], hide_credentials: true};
    case 'rate-limiting':
      return {minute: plugin.minute, policy: 'local'};
    case 'proxy-cache':
      return {strategy: 'memory', cache_ttl: plugin.ttl ?? 300};
    case 'openid-connect':
      return {
        issuer: plugin.issuer,
        client_id: [plugin.clientId],
        client_secret: [secrets.clientSecret ?? ''],
        auth_methods: ['bearer'],
      };
    case 'http-log':
      return {http_endpoint: plugin.endpoint, method: 'POST', content_type: 'application/json'};
  }
}

/** Every Admin API write, in order: service, route, consumers and keys, plugins. */
export function apiCalls(api: ApiAnswers, secrets: ApiSecrets): AdminCall[] {
  const svc = api.service.name;
  const calls: AdminCall[] = [
    {
      method: 'PUT',
      path: `/services/${svc}`,
      body: {name: svc, url: api.service.url, tags: API_TAGS},
      what: `Service ${svc}`,
    },
    {
      method: 'PUT',
      path: `/services/${svc}/routes/${api.route.name}`,
      body: {
        name: api.route.name,
        paths: api.route.paths,
        ...(api.route.hosts?.length ? {hosts: api.route.hosts} : {}),
        ...(api.route.methods?.length ? {methods: api.route.methods} : {}),
        protocols: ['http', 'https'],
        strip_path: true,
        tags: API_TAGS,
      },
      what: `Route ${api.route.name}`,
    },
  ];
  for (const plugin of api.plugins ?? []) {
    if (plugin.preset !== 'key-auth') continue;
    const consumer = consumerOf(plugin);
    calls.push(
      {
        method: 'PUT',
        path: `/consumers/${consumer}`,
        body: {username: consumer, tags: API_TAGS},
        what: `Consumer ${consumer}`,
      },
      {
        method: 'PUT',
        path: `/consumers/${consumer}/key-auth/${stableId(`key-auth/${consumer}`)}`,
        body: {key: secrets.apiKey ?? '', tags: API_TAGS},
        secretFields: {key: 'EKSA_KONG_API_KEY'},
        what: `API key of ${consumer}`,
      },
    );
  }
  for (const plugin of api.plugins ?? []) {
    const instance = pluginInstanceName(svc, plugin.preset);
    calls.push({
      method: 'PUT',
      path: `/services/${svc}/plugins/${instance}`,
      body: {
        name: plugin.preset,
        instance_name: instance,
        config: pluginConfig(plugin, secrets),
        enabled: true,
        tags: API_TAGS,
      },
      ...(plugin.preset === 'openid-connect' ? {secretFields: {'config.client_secret': 'OIDC_CLIENT_SECRET'}} : {}),
      what: `Plugin ${plugin.preset}`,
    });
  }
  return calls;
}

const owned = (body: unknown) => {
  const tags = (body as {tags?: unknown} | null)?.tags;
  return Array.isArray(tags) && tags.includes(SMOKE_TAG);
};

/** Does what Kong holds already say what we would write? (Kong adds ids, timestamps and defaults.) */
export function sameEntity(existing: unknown, want: Record<string, unknown>): boolean {
  const have = (existing ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(want)) {
    if (key === 'url') {
      let u: URL;
      try {
        u = new URL(String(value));
      } catch {
        return false;
      }
      const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
      if (
        have['protocol'] !== u.protocol.replace(':', '') ||
        have['host'] !== u.hostname ||
        have['port'] !== port ||
        (have['path'] ?? null) !== (u.pathname === '/' ? null : u.pathname)
      )
        return false;
      continue;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (!sameEntity(have[key], value as Record<string, unknown>)) return false;
      continue;
    }
    if (JSON.stringify(have[key] ?? null) !== JSON.stringify(value)) return false;
  }
  return true;
}

export interface ApplyStep {
  what: string;
  status: 'ok' | 'fail';
  title: string;
  changed: boolean;
  fix?: string;
}

function messageOf(body: unknown): string {
  const m = (body as {message?: unknown} | null)?.message;
  return typeof m === 'string' ? m : '';
}

/** Applies the calls one by one; stops at the first refusal. */
export async function applyApi(
  admin: AdminClient,
  calls: readonly AdminCall[],
  options: {signal?: AbortSignal; onStep?: (s: ApplyStep) => void; onWrite?: (c: AdminCall) => void} = {},
): Promise<{ok: boolean; changed: boolean; steps: ApplyStep[]}> {
  const steps: ApplyStep[] = [];
  const push = (s: ApplyStep) => {
    steps.push(s);
    options.onStep?.(s);
  };
  let changed = false;
  for (const call of calls) {
    const old = await admin.request('GET', call.path, undefined, {signal: options.signal});
    if (old.status === 200 && !owned(old.body)) {
      push({
        what: call.what,
        status: 'fail',
        changed: false,
        title: `${call.what} exists on the control plane and was not made by eksa-kong (no "${SMOKE_TAG}" tag)`,
        fix: 'It is left as it is: rename the entity in the api answers, or remove the other one.',
      });
      return {ok: false, changed, steps};
    }
    if (old.status === 200 && sameEntity(old.body, call.body)) {
      push({what: call.what, status: 'ok', changed: false, title: `${call.what} (already in place)`});
      continue;
    }
    const res = await admin.request('PUT', call.path, call.body, {signal: options.signal});
    options.onWrite?.(call);
    if (res.status !== 200 && res.status !== 201) {
      push({
        what: call.what,
        status: 'fail',
        changed,
        title: `PUT ${call.what} answered ${res.status}${messageOf(res.body) ? `: ${messageOf(res.body)}` : ''}`,
        fix:
          res.status === 401 || res.status === 403
            ? 'The admin token lacks rights on the default workspace.'
            : 'Fix the api answers named in the message and run verify again.',
      });
      return {ok: false, changed, steps};
    }
    changed = true;
    push({what: call.what, status: 'ok', changed: true, title: call.what});
  }
  return {ok: true, changed, steps};
}

/** The runbook's form of a write: curl with the token and secrets as ${VAR} references. */
export function curlArgs(adminUrl: string, call: AdminCall): {args: string[]; envRefs: Record<string, string>} {
  const body = structuredClone(call.body);
  const envRefs: Record<string, string> = {KONG_ADMIN_TOKEN: 'the Admin API token (RBAC)'};
  for (const [path, variable] of Object.entries(call.secretFields ?? {})) {
    const keys = path.split('.');
    let node = body as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    const last = keys.at(-1)!;
    node[last] = Array.isArray(node[last]) ? [`\${${variable}}`] : `\${${variable}}`;
    envRefs[variable] =
      variable === 'EKSA_KONG_API_KEY' ? 'the API key of the key-auth consumer' : 'the OIDC client secret';
  }
  return {
    args: [
      '-sS',
      '-X',
      call.method,
      `${adminUrl.replace(/\/+$/, '')}${call.path}`,
      '-H',
      'Kong-Admin-Token: ${KONG_ADMIN_TOKEN}',
      '-H',
      'content-type: application/json',
      '--data',
      JSON.stringify(body),
    ],
    envRefs,
  };
}
