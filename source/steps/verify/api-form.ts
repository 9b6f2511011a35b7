// The Verify screen's form for the first API (answers `api:`): its rows, the answers it builds and their
// problems. No Ink: the screen renders the rows and sends the keys. The answers are checked by the same
// schema and Kong rules as an answers file (source/session/api-answers.ts, source/kong/api-rules.ts), in
// the same words, naming the key. Secrets are references only: an environment variable name (upper case,
// so a pasted key is not taken for one) or a file path; the form never holds a key or a client secret.
import {answerIssues, formatIssue} from '../../session/answers-file.js';
import {apiAnswersSchema, type ApiAnswers, type ApiPlugin, type ApiPreset} from '../../session/api-answers.js';

export const PRESETS: readonly ApiPreset[] = ['key-auth', 'rate-limiting', 'proxy-cache', 'openid-connect', 'http-log'];

/** The text fields: the service, the route and each preset's few fields. */
export const TEXT_FIELDS = [
  'service.name',
  'service.url',
  'route.name',
  'route.paths',
  'route.hosts',
  'route.methods',
  'key-auth.consumer',
  'key-auth.key',
  'rate-limiting.minute',
  'proxy-cache.ttl',
  'openid-connect.issuer',
  'openid-connect.clientId',
  'openid-connect.secret',
  'http-log.endpoint',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export type RowId = TextField | ApiPreset;

export interface ApiForm {
  values: Record<TextField, string>;
  on: Record<ApiPreset, boolean>;
}

export interface FormRow {
  id: RowId;
  label: string;
  /** A preset's row: Space or Enter turns it on or off. */
  toggle?: ApiPreset;
  placeholder?: string;
  /** Shown under its preset, indented. */
  sub?: boolean;
}

const TEXT_ROWS: Record<TextField, Omit<FormRow, 'id'>> = {
  'service.name': {label: 'Service name', placeholder: 'orders'},
  'service.url': {label: 'Upstream URL', placeholder: 'http://orders.shop.svc:8080'},
  'route.name': {label: 'Route name', placeholder: 'orders'},
  'route.paths': {label: 'Paths', placeholder: '/orders (comma-separated)'},
  'route.hosts': {label: 'Hosts', placeholder: 'any (comma-separated)'},
  'route.methods': {label: 'Methods', placeholder: 'any (GET, POST, ...)'},
  'key-auth.consumer': {label: 'consumer', placeholder: 'eksa-kong-client', sub: true},
  'key-auth.key': {label: 'API key from', placeholder: 'env var (API_KEY) or file (/path)', sub: true},
  'rate-limiting.minute': {label: 'per minute', placeholder: '60', sub: true},
  'proxy-cache.ttl': {label: 'TTL seconds', placeholder: '300', sub: true},
  'openid-connect.issuer': {
    label: 'issuer',
    placeholder: 'https://cognito-idp.<region>.amazonaws.com/<pool>',
    sub: true,
  },
  'openid-connect.clientId': {label: 'client id', sub: true},
  'openid-connect.secret': {label: 'secret from', placeholder: 'env var or file (/path)', sub: true},
  'http-log.endpoint': {label: 'endpoint', placeholder: 'https://logs.example.com/kong/_doc', sub: true},
};

const PRESET_LABEL: Record<ApiPreset, string> = {
  'key-auth': 'key-auth (a consumer and its API key)',
  'rate-limiting': 'rate-limiting (local, per minute)',
  'proxy-cache': 'proxy-cache (memory)',
  'openid-connect': 'openid-connect (Enterprise)',
  'http-log': 'http-log (JSON to an HTTP endpoint)',
};

const fieldsOf = (preset: ApiPreset) => TEXT_FIELDS.filter(f => f.startsWith(`${preset}.`));

/** The rows in order: a preset's fields only while it is on. */
export function formRows(form: ApiForm): FormRow[] {
  const rows: FormRow[] = TEXT_FIELDS.filter(f => f.startsWith('service.') || f.startsWith('route.')).map(id => ({
    id,
    ...TEXT_ROWS[id],
  }));
  for (const preset of PRESETS) {
    rows.push({id: preset, label: PRESET_LABEL[preset], toggle: preset});
    if (form.on[preset]) rows.push(...fieldsOf(preset).map(id => ({id, ...TEXT_ROWS[id]})));
  }
  return rows;
}

const list = (v: readonly string[] | undefined) => (v ?? []).join(', ');
const split = (v: string) =>
  v
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);

/** The form as the answers say (empty when there are none). */
export function formFromAnswers(api: ApiAnswers | undefined): ApiForm {
  const values = Object.fromEntries(TEXT_FIELDS.map(f => [f, ''])) as Record<TextField, string>;
  const on = Object.fromEntries(PRESETS.map(p => [p, false])) as Record<ApiPreset, boolean>;
  if (!api) return {values, on};
  values['service.name'] = api.service.name;
  values['service.url'] = api.service.url;
  values['route.name'] = api.route.name;
  values['route.paths'] = list(api.route.paths);
  values['route.hosts'] = list(api.route.hosts);
  values['route.methods'] = list(api.route.methods);
  for (const p of api.plugins ?? []) {
    on[p.preset] = true;
    if (p.preset === 'key-auth') {
      values['key-auth.consumer'] = p.consumer ?? '';
      values['key-auth.key'] = p.keyEnv ?? p.keyFile ?? '';
    } else if (p.preset === 'rate-limiting') values['rate-limiting.minute'] = String(p.minute);
    else if (p.preset === 'proxy-cache') values['proxy-cache.ttl'] = p.ttl === undefined ? '' : String(p.ttl);
    else if (p.preset === 'openid-connect') {
      values['openid-connect.issuer'] = p.issuer;
      values['openid-connect.clientId'] = p.clientId;
      values['openid-connect.secret'] = p.clientSecretEnv ?? p.clientSecretFile ?? '';
    } else values['http-log.endpoint'] = p.endpoint;
  }
  return {values, on};
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const FILE_PATH = /^(\/|~\/|\.\.?\/)/;

/** A secret's reference as typed: an upper-case environment variable name or a file path. */
export function referenceOf(text: string): {env: string} | {file: string} | {empty: true} | {bad: true} {
  const t = text.trim();
  if (t === '') return {empty: true};
  if (ENV_NAME.test(t)) return {env: t};
  if (FILE_PATH.test(t)) return {file: t};
  return {bad: true};
}

const numberOr = (text: string): number | string => (/^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text);

/** The answers the form says (possibly invalid: check them with formIssues). */
export function answersFromForm(form: ApiForm): ApiAnswers {
  const v = form.values;
  const plugins: ApiPlugin[] = [];
  for (const preset of PRESETS) {
    if (!form.on[preset]) continue;
    if (preset === 'key-auth') {
      const ref = referenceOf(v['key-auth.key']);
      plugins.push({
        preset,
        ...(v['key-auth.consumer'].trim() ? {consumer: v['key-auth.consumer'].trim()} : {}),
        ...('env' in ref ? {keyEnv: ref.env} : 'file' in ref ? {keyFile: ref.file} : {}),
      });
    } else if (preset === 'rate-limiting')
      plugins.push({preset, minute: numberOr(v['rate-limiting.minute']) as number});
    else if (preset === 'proxy-cache')
      plugins.push({preset, ...(v['proxy-cache.ttl'].trim() ? {ttl: numberOr(v['proxy-cache.ttl']) as number} : {})});
    else if (preset === 'openid-connect') {
      const ref = referenceOf(v['openid-connect.secret']);
      plugins.push({
        preset,
        issuer: v['openid-connect.issuer'].trim(),
        clientId: v['openid-connect.clientId'].trim(),
        ...('env' in ref ? {clientSecretEnv: ref.env} : 'file' in ref ? {clientSecretFile: ref.file} : {}),
      });
    } else plugins.push({preset, endpoint: v['http-log.endpoint'].trim()});
  }
  return {
    service: {name: v['service.name'].trim(), url: v['service.url'].trim()},
    route: {
      name: v['route.name'].trim(),
      paths: split(v['route.paths']),
      hosts: split(v['route.hosts']),
      methods: split(v['route.methods']),
    },
    plugins,
  };
}

export interface FormIssue {
  /** The answers key, e.g. api.route.paths[0]. */
  key: string;
  row: RowId;
  /** As an answers file would say it: "api.route.paths[0]: ...". */
  message: string;
}

const PLUGIN_FIELD_ROW: Record<string, TextField> = {
  consumer: 'key-auth.consumer',
  keyEnv: 'key-auth.key',
  keyFile: 'key-auth.key',
  minute: 'rate-limiting.minute',
  ttl: 'proxy-cache.ttl',
  issuer: 'openid-connect.issuer',
  clientId: 'openid-connect.clientId',
  clientSecretEnv: 'openid-connect.secret',
  clientSecretFile: 'openid-connect.secret',
  endpoint: 'http-log.endpoint',
};

function rowOfKey(key: string, api: ApiAnswers): RowId {
  const plain = /^api\.(service|route)\.(\w+)/.exec(key);
  if (plain) return `${plain[1]}.${plain[2]}` as TextField;
  const plugin = /^api\.plugins\[(\d+)\](?:\.(\w+))?/.exec(key);
  const preset = plugin ? api.plugins?.[Number(plugin[1])]?.preset : undefined;
  if (plugin && preset) return (plugin[2] && PLUGIN_FIELD_ROW[plugin[2]]) || preset;
  return 'service.name';
}

/** Every problem of the form, first the references the form refuses, then what the answers file would say. */
export function formIssues(form: ApiForm): FormIssue[] {
  const api = answersFromForm(form);
  const out: FormIssue[] = [];
  const index = (p: ApiPreset) => (api.plugins ?? []).findIndex(x => x.preset === p);
  const refs: Array<[TextField, ApiPreset, string, string]> = [
    ['key-auth.key', 'key-auth', 'keyEnv', "the consumer's API key"],
    ['openid-connect.secret', 'openid-connect', 'clientSecretEnv', 'the client secret'],
  ];
  for (const [field, preset, name, what] of refs)
    if (form.on[preset] && 'bad' in referenceOf(form.values[field])) {
      const key = `api.plugins[${index(preset)}].${name}`;
      out.push({
        key,
        row: field,
        message: `${key}: ${what} by reference: an environment variable name in upper case (e.g. ORDERS_API_KEY) or a file path starting with /, ~/ or ./ (the secret itself is never stored)`,
      });
    }
  for (const issue of answerIssues(apiAnswersSchema, api, ['api']))
    out.push({key: issue.path, row: rowOfKey(issue.path, api), message: formatIssue(issue)});
  return out;
}

/** The preset row's one-line summary when its fields are hidden. */
export function describeForm(form: ApiForm): string {
  const api = answersFromForm(form);
  const presets = PRESETS.filter(p => form.on[p]);
  return `${api.service.name || '?'} ${api.route.paths.join(',') || '?'}${presets.length ? ` (${presets.join(', ')})` : ''}`;
}
