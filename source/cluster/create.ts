// The `eksctl anywhere create cluster` invocation for a bare-metal management cluster.
import {PROXY_ENV_NAMES} from '../run/env.js';
import type {CommandSpec} from '../run/types.js';

export interface CreateClusterOptions {
  /** The session folder: eksctl writes <name>/ and eksa-cli-logs/ into its working directory. */
  sessionDir: string;
  clusterYaml?: string;
  hardwareCsv?: string;
  /** Always passed: the default (route to 1.2.3.4) is wrong on multi-NIC hosts and fails air-gapped. */
  bootstrapIp: string;
  /** eksctl's -v; 4 and above switch the console to timestamped lines (the progress parser copes). */
  verbosity?: number;
  /** The wizard's own environment, filtered by createClusterEnv. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * What eksctl may inherit. eksctl binds every flag to an environment variable of the same name
 * (viper AutomaticEnv), so an inherited KUBECONFIG, HARDWARE_CSV or VERBOSITY would silently change
 * the create. Kept:
 * - PATH, HOME: to find docker and the tools image; HOME for docker's config.
 * - DOCKER_HOST, DOCKER_CONFIG, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY: reach the same docker daemon,
 *   with the same registry credentials, that the preflight checked.
 * - HTTP(S)_PROXY, NO_PROXY (both cases): eksctl downloads the release bundles itself.
 * - TMPDIR: where Go puts temporary files.
 * Not EKSA_LICENSE: the pre-v0.22 licence ID, which the bare-metal provider never reads; the licence
 *   token goes in cluster.yaml (spec.licenseToken).
 * No AWS credentials: a bare-metal create without curated packages needs none.
 * Deliberately not run/env.ts's sanitisedEnv, which adds LANG, TZ, USER and forces TERM, NO_COLOR
 * and PAGER; eksctl gets exactly this list. Only the proxy names are shared with it.
 */
export const CREATE_ENV_ALLOWLIST = [
  'PATH',
  'HOME',
  'DOCKER_HOST',
  'DOCKER_CONFIG',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  ...PROXY_ENV_NAMES,
  'TMPDIR',
] as const;

export function createClusterEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CREATE_ENV_ALLOWLIST) {
    const value = env[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  if (!out.PATH) out.PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return out;
}

export function createClusterCommand(o: CreateClusterOptions): CommandSpec {
  const args = [
    'anywhere',
    'create',
    'cluster',
    '-f',
    o.clusterYaml ?? 'cluster.yaml',
    '--hardware-csv',
    o.hardwareCsv ?? 'hardware.csv',
    // One word: eksctl takes no positionals here, and `--flag=value` can never be split into two flags.
    `--tinkerbell-bootstrap-ip=${o.bootstrapIp}`,
  ];
  if (o.verbosity !== undefined) {
    if (!Number.isInteger(o.verbosity) || o.verbosity < 0 || o.verbosity > 9)
      throw new Error(`verbosity must be 0..9, got ${o.verbosity}`);
    args.push('-v', String(o.verbosity));
  }
  const env = createClusterEnv(o.env);
  return {
    command: 'eksctl',
    args,
    step: 'create-cluster',
    cwd: o.sessionDir,
    env,
    // The CLI's own control-plane wait is 1 h; allow the phases around it too.
    timeoutMs: 3 * 60 * 60 * 1000,
    title: 'Create the cluster',
  };
}
