// What the wizard created on the control plane (everything tagged `eksa-kong`), as a decK state file
// (`_format_version: "3.0"`), so the admin can manage it declaratively from then on with
// `deck gateway diff/sync --select-tag eksa-kong`. Routes and plugins nest under their service,
// key-auth credentials under their consumer; secrets are never written: keys and the OIDC client secret
// become decK's environment references (`${{ env "DECK_…" }}`, decK reads DECK_-prefixed variables).
import yaml from 'js-yaml';
import type {AdminClient} from './admin-api.js';
import {fetchAllPages, SMOKE_TAG} from './verify.js';

type Row = Record<string, unknown>;

export interface WizardEntities {
  services: Row[];
  routes: Row[];
  plugins: Row[];
  consumers: Row[];
  keyAuths: Row[];
}

const tagged = (r: Row) => Array.isArray(r['tags']) && (r['tags'] as unknown[]).includes(SMOKE_TAG);
const refId = (r: Row, key: string) => (r[key] as {id?: string} | null | undefined)?.id;

export async function readWizardEntities(admin: AdminClient, signal?: AbortSignal): Promise<WizardEntities> {
  const read = async (path: string) => {
    const res = await fetchAllPages<Row>(admin, path, {signal});
    if (res.status === 404) return [];
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return res.rows.filter(tagged);
  };
  const [services, routes, plugins, consumers, keyAuths] = [
    await read('/services'),
    await read('/routes'),
    await read('/plugins'),
    await read('/consumers'),
    await read('/key-auths'),
  ];
  return {services, routes, plugins, consumers, keyAuths};
}

export const envRef = (name: string) => `\${{ env "${name}" }}`;
/** The decK variable that holds a consumer's key. */
export const keyVariable = (username: string) => `DECK_${username.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;

const pick = (r: Row, keys: string[]) =>
  Object.fromEntries(keys.filter(k => r[k] !== undefined && r[k] !== null).map(k => [k, r[k]]));

/** The decK document (an object; `renderDeck` makes the YAML). */
export function toDeck(e: WizardEntities): Record<string, unknown> {
  const byName = (a: Row, b: Row) =>
    String(a['name'] ?? a['username']).localeCompare(String(b['name'] ?? b['username']));
  const plugin = (p: Row) => {
    const out = pick(p, ['name', 'instance_name', 'config', 'enabled', 'protocols', 'tags']);
    if (p['name'] === 'openid-connect' && out['config']) {
      out['config'] = {...(out['config'] as Row), client_secret: [envRef('DECK_OIDC_CLIENT_SECRET')]};
    }
    return out;
  };
  const services = [...e.services].sort(byName).map(s => ({
    ...pick(s, ['name', 'protocol', 'host', 'port', 'path', 'tags']),
    routes: e.routes
      .filter(r => refId(r, 'service') === s['id'])
      .sort(byName)
      .map(r => pick(r, ['name', 'paths', 'expression', 'hosts', 'methods', 'protocols', 'strip_path', 'tags'])),
    plugins: e.plugins.filter(p => refId(p, 'service') === s['id']).map(plugin),
  }));
  const consumers = [...e.consumers].sort(byName).map(c => ({
    ...pick(c, ['username', 'custom_id', 'tags']),
    keyauth_credentials: e.keyAuths
      .filter(k => refId(k, 'consumer') === c['id'])
      .map(k => ({key: envRef(keyVariable(String(c['username']))), ...pick(k, ['tags'])})),
  }));
  return {
    _format_version: '3.0',
    _info: {select_tags: [SMOKE_TAG]},
    services,
    ...(consumers.length ? {consumers} : {}),
  };
}

export function renderDeck(e: WizardEntities, header: string[] = []): string {
  const lines = [
    ...header,
    'What eksa-kong created on the control plane, as decK state. Keys and secrets are environment references:',
    ...[...new Set(e.consumers.map(c => keyVariable(String(c['username']))))].map(v => `  export ${v}=<the API key>`),
    ...(e.plugins.some(p => p['name'] === 'openid-connect')
      ? ['  export DECK_OIDC_CLIENT_SECRET=<the client secret>']
      : []),
    'deck gateway diff --select-tag eksa-kong <this file>',
  ];
  return (
    lines.map(l => `# ${l}`).join('\n') + '\n' + yaml.dump(toDeck(e), {lineWidth: -1, noRefs: true, quotingType: '"'})
  );
}
