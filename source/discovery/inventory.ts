// `eksa-kong discover`: the Discover step's sources and correlation without a session, for admins and
// scripts. Redfish, IPMI and a PXE listener run as the step runs them; first-seen BMC certificates are
// trusted only with --yes and remembered in <home>/bmc-trust.json like a session's trust map. No Ink here.
import fsp from 'node:fs/promises';
import {join} from 'node:path';
import type {CommandRunner} from '../run/types.js';
import type {DiscoveredMachine} from './correlate.js';
import type {IpmiTarget} from './ipmi.js';
import type {RouteFn} from './redfish-http.js';
import {DiscoverySession, type DiscoverySessionOptions, type DiscoverySnapshot} from './session.js';
import {expandTargets} from './targets.js';
import {splitTargets} from './plan.js';

export const TRUST_FILE = 'bmc-trust.json';

export interface DiscoverFlags {
  redfish?: string;
  ipmi?: string;
  pxe?: boolean;
  seconds?: string;
  port?: string;
  username?: string;
  passwordEnv?: string;
  passwordFile?: string;
  json?: boolean;
}

export interface DiscoverEnv {
  home: string;
  env: Readonly<Record<string, string | undefined>>;
  /** --yes: trust BMC certificates seen for the first time. */
  yes: boolean;
  signal?: AbortSignal;
  /** Makes the ipmitool runner (a real one in the CLI). */
  runner?: (secrets: readonly string[]) => CommandRunner;
  route?: RouteFn;
  /** Per-request Redfish budget (tests). */
  timeoutMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface DiscoverOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The --json shape (issue 15): stable keys, null where nothing is known. */
export interface InventoryJson {
  machines: Array<{
    uuid: string | null;
    vendor: string | null;
    model: string | null;
    serial: string | null;
    power: string | null;
    bootMac: string | null;
    bootMacSource: string | null;
    macs: string[];
    bmc: {ip: string} | null;
    disk: string | null;
    diskReason: string | null;
    warnings: string[];
  }>;
  notInstallable: Array<{id: string; reason: string}>;
  errors: Array<{target: string; kind: string; message: string}>;
}

class Usage extends Error {}

function int(flag: string, value: string | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new Usage(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

async function readPassword(flags: DiscoverFlags, env: DiscoverEnv['env']): Promise<string> {
  if (flags.passwordEnv !== undefined && flags.passwordFile !== undefined)
    throw new Usage('give the BMC password once: --password-env VAR or --password-file FILE, not both');
  if (flags.passwordEnv !== undefined) {
    const v = env[flags.passwordEnv];
    if (v === undefined || v === '')
      throw new Usage(`--password-env ${flags.passwordEnv}: that environment variable is not set`);
    return v;
  }
  if (flags.passwordFile !== undefined) {
    let text: string;
    try {
      text = await fsp.readFile(flags.passwordFile, 'utf8');
    } catch (error) {
      throw new Usage(
        `--password-file ${flags.passwordFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const v = text.replace(/\r?\n$/, '');
    if (!v) throw new Usage(`--password-file ${flags.passwordFile} is empty`);
    return v;
  }
  throw new Usage('the BMC password: --password-env VAR or --password-file FILE (never on the command line)');
}

async function loadTrust(home: string): Promise<Record<string, string>> {
  const path = join(home, TRUST_FILE);
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Usage(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Usage(`${path}: not JSON; expected {"<bmc>": "<certificate SHA-256>"}`);
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.values(parsed).some(v => typeof v !== 'string')
  ) {
    throw new Usage(`${path}: expected {"<bmc>": "<certificate SHA-256>"}`);
  }
  return parsed as Record<string, string>;
}

async function saveTrust(home: string, trust: Readonly<Record<string, string>>): Promise<void> {
  const {writeFileAtomic} = await import('../session/home.js');
  await writeFileAtomic(join(home, TRUST_FILE), JSON.stringify(trust, null, 2) + '\n');
}

/** The address part of a BMC key (host, or host:port). */
function bmcIp(address: string): string {
  const m = /^\[?([^\]]+?)\]?(?::\d+)?$/.exec(address);
  return address.split(':').length > 2 ? address : (m?.[1] ?? address);
}

export function inventoryJson(snap: DiscoverySnapshot): InventoryJson {
  const bmcWarnings = (m: DiscoveredMachine) =>
    m.bmc ? snap.warnings.filter(w => w.startsWith(`${m.bmc!.address}: `)) : [];
  return {
    machines: snap.machines.map(m => ({
      uuid: m.uuid ?? null,
      vendor: m.vendor ?? null,
      model: m.model ?? null,
      serial: m.serial ?? null,
      power: m.power ?? null,
      bootMac: m.bootMac ?? null,
      bootMacSource: m.bootMac ? (m.bootMacSource ?? null) : null,
      macs: m.macs,
      bmc: m.bmc ? {ip: bmcIp(m.bmc.address)} : null,
      disk: m.disk?.device ?? null,
      diskReason: m.disk?.reason ?? m.warnings?.find(w => w.startsWith('disk: '))?.slice(6) ?? null,
      warnings: [
        ...m.conflicts.map(c => `conflict: ${c}`),
        ...(m.warnings ?? []).filter(w => !w.startsWith('disk: ')),
        ...bmcWarnings(m),
      ],
    })),
    notInstallable: snap.notInstallable.map(n => ({id: n.id, reason: n.reason})),
    errors: [
      ...snap.problems.map(p => ({target: p.key, kind: p.kind, message: p.message})),
      ...snap.needsTrust.map(t => ({
        target: t.key,
        kind: 'needsTrust',
        message: `${t.key}: certificate seen for the first time (SHA-256 ${t.fingerprint}); nothing was sent. Run again with --yes to trust it`,
      })),
      ...(['pxe', 'redfish', 'ipmi'] as const)
        .filter(s => snap.sources[s].state === 'failed')
        .map(s => ({target: s, kind: 'sourceFailed', message: `${s}: ${snap.sources[s].message ?? 'failed'}`})),
    ],
  };
}

function humanLines(inv: InventoryJson, snap: DiscoverySnapshot): {out: string[]; err: string[]} {
  const out: string[] = [];
  for (const [i, m] of inv.machines.entries()) {
    const detail = snap.machines[i]?.bootMacDetail;
    const what = [m.vendor, m.model].filter(Boolean).join(' ') || 'unknown machine';
    out.push(
      `${m.bootMac ?? '(no MAC)'}  ${what}${m.serial ? ` serial ${m.serial}` : ''}${m.bmc ? ` · BMC ${m.bmc.ip}` : ''}${m.power ? ` · power ${m.power}` : ''}`,
    );
    if (m.bootMac) out.push(`    boot MAC from ${m.bootMacSource ?? 'unknown'}${detail ? ` (${detail})` : ''}`);
    out.push(`    disk ${m.disk ?? '-'}${m.diskReason ? `: ${m.diskReason}` : ''}`);
    for (const w of m.warnings) out.push(`    ! ${w}`);
  }
  if (inv.machines.length === 0) out.push('No machines found.');
  for (const n of inv.notInstallable) out.push(`not installable: ${n.id}: ${n.reason}`);
  return {out, err: inv.errors.map(e => e.message)};
}

export async function discoverCli(flags: DiscoverFlags, ctx: DiscoverEnv): Promise<DiscoverOutput> {
  const usage = (message: string): DiscoverOutput => ({
    exitCode: 2,
    stdout: '',
    stderr: `eksa-kong discover: ${message}\n`,
  });
  let options: DiscoverySessionOptions;
  let trust: Record<string, string>;
  let seconds: number;
  try {
    const redfishTargets = flags.redfish !== undefined ? splitTargets(flags.redfish) : [];
    const ipmiHosts = flags.ipmi !== undefined ? splitTargets(flags.ipmi) : [];
    if (flags.redfish !== undefined && redfishTargets.length === 0)
      throw new Usage('--redfish needs HOST[:PORT],… (or a CIDR range)');
    if (flags.ipmi !== undefined && ipmiHosts.length === 0) throw new Usage('--ipmi needs HOST,…');
    if (!flags.pxe && (flags.seconds !== undefined || flags.port !== undefined))
      throw new Usage('--seconds and --port belong to --pxe');
    if (redfishTargets.length === 0 && ipmiHosts.length === 0 && !flags.pxe) {
      throw new Usage('nothing to discover: give --redfish HOST[:PORT],…, --ipmi HOST,… or --pxe');
    }
    seconds = int('--seconds', flags.seconds, 1, 3600, 60);
    const port = int('--port', flags.port, 1, 65535, 67);
    options = {step: 'discover'};
    if (ctx.env) options.env = ctx.env;
    trust = await loadTrust(ctx.home);
    if (redfishTargets.length || ipmiHosts.length) {
      if (!flags.username) throw new Usage('--username: the BMC user name');
      const password = await readPassword(flags, ctx.env);
      if (redfishTargets.length) {
        const expanded = expandTargets(redfishTargets);
        if (!expanded.ok) throw new Usage(`--redfish: ${expanded.error}`);
        options.redfish = {
          targets: redfishTargets,
          credentials: {username: flags.username, password},
          trust,
          ...(ctx.timeoutMs ? {timeoutMs: ctx.timeoutMs} : {}),
          ...(ctx.route ? {route: ctx.route} : {}),
        };
      }
      if (ipmiHosts.length) {
        const targets: IpmiTarget[] = [];
        for (const h of ipmiHosts) {
          const m = /^([^:]+)(?::(\d+))?$/.exec(h);
          if (!m) throw new Usage(`--ipmi: "${h}" is not HOST or HOST:PORT`);
          targets.push({
            host: m[1]!,
            ...(m[2] ? {port: int('--ipmi port', m[2], 1, 65535, 623)} : {}),
            username: flags.username,
            password,
          });
        }
        if (!ctx.runner) throw new Usage('--ipmi needs ipmitool, which this build cannot run');
        options.runner = ctx.runner([password]);
        options.ipmi = {targets};
      }
    }
    if (flags.pxe) options.pxe = {mode: 'listen', port};
  } catch (error) {
    if (error instanceof Usage) return usage(error.message);
    throw error;
  }

  const session = new DiscoverySession(options);
  const notes: string[] = [];
  try {
    await session.start(ctx.signal);
    for (const t of session.snapshot().needsTrust) {
      if (!ctx.yes) continue;
      notes.push(`Trusting ${t.key} (certificate SHA-256 ${t.fingerprint}) because of --yes.`);
      await session.trust(t.key, t.fingerprint);
    }
    if (flags.pxe && session.snapshot().sources.pxe.state === 'running' && !ctx.signal?.aborted) {
      if (!flags.json) notes.push(`Listened for PXE requests for ${seconds} s.`);
      const sleep =
        ctx.sleep ??
        ((ms: number, signal?: AbortSignal) =>
          new Promise<void>(r => {
            const t = setTimeout(r, ms);
            signal?.addEventListener('abort', () => (clearTimeout(t), r()), {once: true});
          }));
      await sleep(seconds * 1000, ctx.signal);
    }
  } finally {
    await session.stop();
  }
  const trusted = session.trusted;
  const changed = Object.keys(trusted).some(k => trust[k] !== trusted[k]);
  // Recorded like the step records it: BMCs trusted before, and those accepted now with --yes.
  if (changed && options.redfish) await saveTrust(ctx.home, {...trust, ...trusted});
  const snap = session.snapshot();
  const inv = inventoryJson(snap);
  const exitCode = ctx.signal?.aborted ? 130 : inv.errors.length > 0 ? 1 : 0;
  if (flags.json) return {exitCode, stdout: JSON.stringify(inv, null, 2) + '\n', stderr: ''};
  const {out, err} = humanLines(inv, snap);
  return {exitCode, stdout: [...notes, ...out].join('\n') + '\n', stderr: err.length ? err.join('\n') + '\n' : ''};
}
