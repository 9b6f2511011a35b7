// FAKE of Kong's plugin, consumer and key-auth credential entities, for the fake Admin API: the schema
// checks of the plugins the wizard's presets use, with Kong's messages (kong/db/schema/init.lua
// validation wording, wrapped as `schema violation (<field>: <message>)` by kong/db/errors.lua):
// - an unknown plugin name: `plugin '<name>' not enabled; add it to the 'plugins' configuration property`
//   (kong/db/schema/entities/plugins.lua);
// - unknown config fields: `unknown field`; a missing required one: `required field missing`;
// - rate-limiting (kong/plugins/rate-limiting/schema.lua): limits > 0, at least one limit set
//   (`at least one of these fields must be non-empty: 'config.second', ...`), policy local/cluster/redis;
// - proxy-cache (kong/plugins/proxy-cache/schema.lua): strategy `memory` required, cache_ttl > 0;
// - key-auth (kong/plugins/key-auth/schema.lua): key_names an array of strings;
// - http-log (kong/plugins/http-log/schema.lua): `http_endpoint = typedefs.url({required = true})`,
//   method POST/PUT/PATCH, content_type application/json;
// - openid-connect (Enterprise, plugins-ee/openid-connect/kong/plugins/openid-connect/schema.lua):
//   `issuer = typedefs.url {required = true}`, client_id/client_secret arrays of strings, auth_methods
//   elements one of Kong's eight methods;
// - typedefs.url (kong/db/schema/typedefs.lua `validate_url`, socket.url's parse): "missing host in url",
//   then "missing scheme in url" (any scheme is taken: Kong checks only that both are there).
// A key-auth key is unique across consumers (a 409 UNIQUE violation, as Kong's DAO answers).

export interface FakePlugin {
  id: string;
  name: string;
  instance_name: string | null;
  service: {id: string} | null;
  route: {id: string} | null;
  consumer: {id: string} | null;
  config: Record<string, unknown>;
  enabled: boolean;
  protocols: string[];
  tags: string[] | null;
  created_at: number;
  updated_at: number;
}

export interface FakeConsumer {
  id: string;
  username: string;
  custom_id: string | null;
  tags: string[] | null;
  created_at: number;
  updated_at: number;
}

export interface FakeKeyAuth {
  id: string;
  key: string;
  consumer: {id: string};
  ttl: number | null;
  tags: string[] | null;
  created_at: number;
}

type Field =
  | {type: 'number' | 'integer'; gt?: number; default?: number}
  | {type: 'string'; oneOf?: string[]; required?: boolean; url?: boolean; default?: string}
  | {type: 'boolean'; default?: boolean}
  | {type: 'array'; of: 'string' | 'integer'; default?: unknown[]; required?: boolean; oneOf?: string[]};

const AUTH_METHODS = [
  'password',
  'client_credentials',
  'authorization_code',
  'bearer',
  'introspection',
  'kong_oauth2',
  'refresh_token',
  'session',
];

/** kong/db/schema/typedefs.lua validate_url, over socket.url.parse: scheme, then //authority. */
export function kongUrlError(value: string): string | undefined {
  let rest = value.replace(/#.*$/, '');
  const scheme = /^([A-Za-z0-9][A-Za-z0-9+.-]*):/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const authority = /^\/\/([^/]*)/.exec(rest)?.[1];
  const host = authority
    ?.replace(/^[^@]*@/, '')
    .replace(/:\d*$/, '')
    .trim();
  if (!host) return 'missing host in url';
  if (!scheme) return 'missing scheme in url';
  return undefined;
}

const LIMITS = ['second', 'minute', 'hour', 'day', 'month', 'year'];

/** The config fields of the plugins the presets use, with Kong's defaults. */
const SCHEMAS: Record<string, Record<string, Field>> = {
  'key-auth': {
    key_names: {type: 'array', of: 'string', default: ['apikey']},
    hide_credentials: {type: 'boolean', default: false},
    anonymous: {type: 'string'},
    key_in_header: {type: 'boolean', default: true},
    key_in_query: {type: 'boolean', default: true},
    key_in_body: {type: 'boolean', default: false},
    run_on_preflight: {type: 'boolean', default: true},
  },
  'rate-limiting': {
    ...Object.fromEntries(LIMITS.map(l => [l, {type: 'number', gt: 0} as Field])),
    limit_by: {
      type: 'string',
      oneOf: ['consumer', 'credential', 'ip', 'service', 'header', 'path', 'consumer-group'],
      default: 'consumer',
    },
    policy: {type: 'string', oneOf: ['local', 'cluster', 'redis'], default: 'local'},
    fault_tolerant: {type: 'boolean', default: true},
    hide_client_headers: {type: 'boolean', default: false},
  },
  'proxy-cache': {
    strategy: {type: 'string', oneOf: ['memory'], required: true},
    cache_ttl: {type: 'integer', gt: 0, default: 300},
    content_type: {type: 'array', of: 'string', default: ['text/plain', 'application/json']},
    request_method: {type: 'array', of: 'string', default: ['GET', 'HEAD']},
    response_code: {type: 'array', of: 'integer', default: [200, 301, 404]},
    cache_control: {type: 'boolean', default: false},
  },
  'http-log': {
    http_endpoint: {type: 'string', required: true, url: true},
    method: {type: 'string', oneOf: ['POST', 'PUT', 'PATCH'], default: 'POST'},
    content_type: {
      type: 'string',
      oneOf: ['application/json', 'application/json; charset=utf-8'],
      default: 'application/json',
    },
    timeout: {type: 'number', gt: 0, default: 10000},
    keepalive: {type: 'number', gt: 0, default: 60000},
  },
  'openid-connect': {
    issuer: {type: 'string', required: true, url: true},
    client_id: {type: 'array', of: 'string'},
    client_secret: {type: 'array', of: 'string'},
    auth_methods: {type: 'array', of: 'string', default: AUTH_METHODS, oneOf: AUTH_METHODS},
  },
};

/** Kong's validation of a plugin body: the stored config with defaults, or the schema-violation message. */
export function validatePluginBody(body: Record<string, unknown>): {config: Record<string, unknown>} | {error: string} {
  const name = typeof body['name'] === 'string' ? body['name'] : undefined;
  if (!name) return {error: 'schema violation (name: required field missing)'};
  const schema = SCHEMAS[name];
  if (!schema)
    return {
      error: `schema violation (name: plugin '${name}' not enabled; add it to the 'plugins' configuration property)`,
    };
  const given = (body['config'] ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || Array.isArray(given)) return {error: 'schema violation (config: expected a record)'};
  const errors: string[] = [];
  const config: Record<string, unknown> = {};
  for (const key of Object.keys(given)) if (!(key in schema)) errors.push(`config.${key}: unknown field`);
  for (const [key, field] of Object.entries(schema)) {
    const value = given[key];
    if (value === undefined || value === null) {
      if ('required' in field && field.required) errors.push(`config.${key}: required field missing`);
      config[key] = field.default ?? null;
      continue;
    }
    const where = `config.${key}`;
    if (field.type === 'number' || field.type === 'integer') {
      if (typeof value !== 'number' || (field.type === 'integer' && !Number.isInteger(value)))
        errors.push(`${where}: expected ${field.type === 'integer' ? 'an integer' : 'a number'}`);
      else if (field.gt !== undefined && !(value > field.gt))
        errors.push(`${where}: value must be greater than ${field.gt}`);
    } else if (field.type === 'string') {
      if (typeof value !== 'string') errors.push(`${where}: expected a string`);
      else if (field.oneOf && !field.oneOf.includes(value))
        errors.push(`${where}: expected one of: ${field.oneOf.join(', ')}`);
      else if (field.url && kongUrlError(value)) errors.push(`${where}: ${kongUrlError(value)}`);
    } else if (field.type === 'boolean') {
      if (typeof value !== 'boolean') errors.push(`${where}: expected a boolean`);
    } else if (field.type === 'array') {
      const of = field.of;
      if (!Array.isArray(value) || value.some(v => (of === 'string' ? typeof v !== 'string' : !Number.isInteger(v))))
        errors.push(`${where}: expected an array of ${of === 'string' ? 'strings' : 'integers'}`);
      else if (field.oneOf) {
        const bad = (value as unknown[]).findIndex(v => !field.oneOf!.includes(String(v)));
        if (bad >= 0) errors.push(`${where}.${bad + 1}: expected one of: ${field.oneOf.join(', ')}`);
      }
    }
    config[key] = value;
  }
  if (name === 'rate-limiting' && LIMITS.every(l => config[l] === null || config[l] === undefined))
    errors.push(
      `config: at least one of these fields must be non-empty: ${LIMITS.map(l => `'config.${l}'`).join(', ')}`,
    );
  if (errors.length > 0) return {error: `schema violation (${errors.join('; ')})`};
  return {config};
}
