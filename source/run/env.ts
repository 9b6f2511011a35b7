// The environment a child gets when the step does not give one: an allow-list of harmless variables
// from ours, never credentials. Anything a command really needs (KUBECONFIG, a token) is passed
// explicitly in `extra`, which is the only way a denied name gets through.

/** Admin servers in data centres often reach the internet only through a proxy; both spellings are in use. */
export const PROXY_ENV_NAMES = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;

const ALLOWED = new Set<string>([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'TZ',
  'TMPDIR',
  ...PROXY_ENV_NAMES,
]);

const DENIED = [/^AWS_/i, /^KONG_/i, /TOKEN/i, /PASSWORD/i, /SECRET/i, /PASSWD/i, /CREDENTIAL/i];

/** Fixed values: no colours or pagers, plain output we can parse and log. */
const FORCED: Record<string, string> = {TERM: 'dumb', NO_COLOR: '1', CLICOLOR: '0', PAGER: 'cat'};

export function isDeniedEnvName(name: string): boolean {
  return DENIED.some(re => re.test(name));
}

export function sanitisedEnv(
  base: Readonly<Record<string, string | undefined>>,
  extra: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || !ALLOWED.has(name) || isDeniedEnvName(name)) continue;
    env[name] = value;
  }
  if (env['LANG'] === undefined && env['LC_ALL'] === undefined) env['LANG'] = 'C.UTF-8';
  Object.assign(env, FORCED);
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** What an interactive child on the admin's terminal (the pager) needs beyond ALLOWED: its terminal and pager settings. */
const TERMINAL = new Set<string>([
  'TERM',
  'COLORTERM',
  'TERMINFO',
  'COLUMNS',
  'LINES',
  'LESS',
  'LESSCHARSET',
  'MORE',
  'LC_NUMERIC',
  'LC_COLLATE',
]);

/**
 * The environment of a child that takes over the terminal (the pager): the same allow-list, plus the
 * terminal's own settings, and nothing forced, so it draws as the admin configured it.
 */
export function terminalEnv(base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || !(ALLOWED.has(name) || TERMINAL.has(name)) || isDeniedEnvName(name)) continue;
    env[name] = value;
  }
  return env;
}
