// The first API's answers checked against Kong's entity rules before anything is sent, with the answers
// key and Kong's own words where Kong has them:
// - names (services, routes, consumers' tags): kong/db/schema/typedefs.lua `utf8_name`
//   ("invalid value '<v>': the only accepted ascii characters are alphanumerics or ., -, _, and ~");
// - route paths: typedefs `path` ("should start with: / (fixed path) or ~/ (regex path)");
// - methods: typedefs `http_method` (upper-case letters only);
// - hosts: typedefs `wildcard_host` (a hostname, at most one `*` at either end);
// - the service URL: http/https with a host (the Admin API splits it into protocol/host/port/path);
// - plugin fields: kong/plugins/<name>/schema.lua (rate-limiting `minute` > 0, proxy-cache `cache_ttl`
//   > 0, http-log `http_endpoint` a URL, openid-connect `issuer` a URL).
import type {ApiAnswers, ApiPlugin} from '../session/api-answers.js';

export interface ApiIssue {
  key: string;
  message: string;
}

const UTF8_NAME = /^[\p{L}\p{N}._~-]+$/u;
const METHOD = /^[A-Z]+$/;
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function nameIssue(key: string, value: string): ApiIssue | undefined {
  if (value === '') return {key, message: `${key}: a name is required`};
  if (!UTF8_NAME.test(value))
    return {
      key,
      message: `${key}: invalid value '${value}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`,
    };
  return undefined;
}

function urlIssue(key: string, value: string, what: string): ApiIssue | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      key,
      message: `${key}: ${JSON.stringify(value)} is not a URL (expected ${what}, e.g. http://orders.shop.svc:8080)`,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return {key, message: `${key}: ${value} uses ${url.protocol.replace(':', '')}; expected http or https`};
  if (!url.hostname) return {key, message: `${key}: ${value} has no host`};
  if (url.username || url.password)
    return {key, message: `${key}: credentials in the URL are refused (they would be stored in the entity)`};
  return undefined;
}

function hostIssue(key: string, value: string): ApiIssue | undefined {
  const stars = (value.match(/\*/g) ?? []).length;
  const bare = value.replace(/^\*\./, '').replace(/\.\*$/, '');
  const ok =
    stars <= 1 &&
    (stars === 0 || value.startsWith('*.') || value.endsWith('.*')) &&
    bare.split('.').every(label => HOST_LABEL.test(label));
  return ok
    ? undefined
    : {
        key,
        message: `${key}: ${JSON.stringify(value)} is not a hostname (a wildcard "*" only as the first or last label)`,
      };
}

function pluginIssues(plugin: ApiPlugin, key: string): ApiIssue[] {
  const out: ApiIssue[] = [];
  const push = (issue: ApiIssue | undefined) => issue && out.push(issue);
  switch (plugin.preset) {
    case 'key-auth':
      if (plugin.consumer !== undefined) push(nameIssue(`${key}.consumer`, plugin.consumer));
      if (plugin.keyEnv === undefined && plugin.keyFile === undefined)
        out.push({
          key: `${key}.keyEnv`,
          message: `${key}: the consumer's API key by reference: keyEnv (an environment variable) or keyFile (a file)`,
        });
      if (plugin.keyEnv !== undefined && plugin.keyFile !== undefined)
        out.push({key: `${key}.keyFile`, message: `${key}: give keyEnv or keyFile, not both`});
      break;
    case 'rate-limiting':
      if (!(plugin.minute > 0))
        out.push({key: `${key}.minute`, message: `${key}.minute: value must be greater than 0 (requests per minute)`});
      break;
    case 'proxy-cache':
      if (plugin.ttl !== undefined && !(plugin.ttl > 0))
        out.push({key: `${key}.ttl`, message: `${key}.ttl: value must be greater than 0 (seconds)`});
      break;
    case 'openid-connect':
      push(
        urlIssue(
          `${key}.issuer`,
          plugin.issuer,
          'the issuer, e.g. https://cognito-idp.eu-west-1.amazonaws.com/<pool id>',
        ),
      );
      if (plugin.clientId.trim() === '') out.push({key: `${key}.clientId`, message: `${key}.clientId: required`});
      if (plugin.clientSecretEnv === undefined && plugin.clientSecretFile === undefined)
        out.push({
          key: `${key}.clientSecretEnv`,
          message: `${key}: the client secret by reference: clientSecretEnv or clientSecretFile`,
        });
      break;
    case 'http-log':
      push(urlIssue(`${key}.endpoint`, plugin.endpoint, 'an HTTP endpoint that takes JSON'));
      break;
  }
  return out;
}

/** Every problem of the api answers, in answers-file order; empty when Kong would take them. */
export function checkApiAnswers(api: ApiAnswers): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const push = (issue: ApiIssue | undefined) => issue && issues.push(issue);
  push(nameIssue('api.service.name', api.service.name));
  push(urlIssue('api.service.url', api.service.url, 'the upstream URL'));
  push(nameIssue('api.route.name', api.route.name));
  api.route.paths.forEach((p, i) => {
    if (!p.startsWith('/') && !p.startsWith('~/'))
      issues.push({
        key: `api.route.paths[${i}]`,
        message: `api.route.paths[${i}]: ${JSON.stringify(p)} should start with: / (fixed path) or ~/ (regex path)`,
      });
    else if (/\s/.test(p))
      issues.push({key: `api.route.paths[${i}]`, message: `api.route.paths[${i}]: no spaces in a path`});
  });
  (api.route.hosts ?? []).forEach((h, i) => push(hostIssue(`api.route.hosts[${i}]`, h)));
  (api.route.methods ?? []).forEach((m, i) => {
    if (!METHOD.test(m))
      issues.push({
        key: `api.route.methods[${i}]`,
        message: `api.route.methods[${i}]: invalid value: ${m} (upper-case letters, e.g. GET)`,
      });
  });
  const seen = new Set<string>();
  (api.plugins ?? []).forEach((plugin, i) => {
    const key = `api.plugins[${i}]`;
    if (seen.has(plugin.preset))
      issues.push({
        key: `${key}.preset`,
        message: `${key}.preset: ${plugin.preset} is already configured on this service`,
      });
    seen.add(plugin.preset);
    issues.push(...pluginIssues(plugin, key));
  });
  return issues;
}
