// IPMI over LAN through ipmitool: BMC address and MAC (lan print), System GUID (mc guid), and the PXE
// power-on sequence. The password goes in IPMI_PASSWORD (ipmitool -E), never on the command line.
// IPMI cannot list host NIC MACs; the boot MAC comes from the PXE DISCOVER that follows a power-on.
import {runForLines, type DiscoveryCommandContext} from './command.js';
import {normalizeReportedMac} from '../net/mac.js';
import {nextPxeEvent, type PxeEvent, type PxeEventSource} from './pxe-events.js';

export interface IpmiTarget {
  host: string;
  /** UDP port, default 623. */
  port?: number;
  username: string;
  password: string;
  /** -C cipher suite (e.g. 3 or 17); ipmitool picks one when absent. */
  cipherSuite?: number;
}

export interface IpmiContext extends DiscoveryCommandContext {
  /** Default "ipmitool". */
  ipmitool?: string;
}

export type IpmiResult<T> = {ok: true; value: T} | {ok: false; error: string};

export interface LanConfig {
  ipSource?: string;
  ip?: string;
  netmask?: string;
  mac?: string;
  gateway?: string;
  vlan?: string;
}

export function ipmiArgs(target: IpmiTarget, command: readonly string[]): string[] {
  const args = ['-I', 'lanplus', '-H', target.host];
  if (target.port && target.port !== 623) args.push('-p', String(target.port));
  if (target.cipherSuite !== undefined) args.push('-C', String(target.cipherSuite));
  // Short retries: a sweep should not hang on a dead BMC (ipmitool's defaults wait much longer).
  args.push('-N', '2', '-R', '2', '-U', target.username, '-E', ...command);
  return args;
}

/** ipmitool's failure text, explained without repeating anything secret. */
export function explainIpmiFailure(lines: readonly string[], target: IpmiTarget, fallback: string): string {
  const text = lines.join('\n');
  const who = `BMC ${target.host}`;
  if (/RMCP\+ session|Unable to establish|unauthorized name|password/i.test(text)) {
    return `${who} refused the IPMI session: check the username and password, and that IPMI over LAN is enabled.`;
  }
  if (/Insufficient privilege/i.test(text))
    return `${who}: the user lacks the privilege for this command (needs ADMINISTRATOR).`;
  if (/Invalid data field|not supported|Invalid command/i.test(text)) return `${who} does not support this command.`;
  if (/No such file|ENOENT|not found/i.test(fallback)) return 'ipmitool is not installed (Debian package: ipmitool).';
  if (/timed? ?out|no response|Get Auth Capabilities/i.test(text + fallback))
    return `${who} did not answer IPMI on UDP ${target.port ?? 623}.`;
  const last = lines.filter(l => l.trim()).pop();
  return `${who}: ipmitool failed (${fallback})${last ? `: ${last.slice(0, 160)}` : ''}`;
}

async function ipmi(
  ctx: IpmiContext,
  target: IpmiTarget,
  command: string[],
  title: string,
): Promise<IpmiResult<string[]>> {
  const r = await runForLines(ctx, {
    command: ctx.ipmitool ?? 'ipmitool',
    args: ipmiArgs(target, command),
    extraEnv: {IPMI_PASSWORD: target.password},
    secrets: [target.password],
    envRefs: {IPMI_PASSWORD: 'the BMC password'},
    title,
    timeoutMs: ctx.timeoutMs ?? 20_000,
  });
  if (r.ok) return {ok: true, value: r.lines};
  const scrub = (s: string) => (target.password ? s.split(target.password).join('***') : s);
  return {ok: false, error: scrub(explainIpmiFailure(r.lines.map(scrub), target, r.timedOut ? 'timed out' : r.error))};
}

/** Parses `ipmitool lan print` ("Key   : value" lines; continuation lines start with ":"). */
export function parseLanPrint(lines: readonly string[]): LanConfig {
  const out: LanConfig = {};
  for (const line of lines) {
    const m = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.trim();
    const value = m[2]!.trim();
    if (key === 'IP Address Source') out.ipSource = value;
    else if (key === 'IP Address') out.ip = value;
    else if (key === 'Subnet Mask') out.netmask = value;
    else if (key === 'MAC Address') {
      const mac = normalizeReportedMac(value);
      if (mac) out.mac = mac;
    } else if (key === 'Default Gateway IP') out.gateway = value;
    else if (key === '802.1q VLAN ID') out.vlan = value;
  }
  return out;
}

/** Parses `ipmitool mc guid`: the "System GUID" line, as ipmitool prints it (see uuid.ts for byte orders). */
export function parseMcGuid(lines: readonly string[]): string | null {
  for (const line of lines) {
    const m = /System GUID\s*:\s*([0-9a-fA-F-]{32,36})/.exec(line);
    if (m) return m[1]!.toLowerCase();
  }
  return null;
}

export async function ipmiLanPrint(ctx: IpmiContext, target: IpmiTarget, channel = 1): Promise<IpmiResult<LanConfig>> {
  const r = await ipmi(
    ctx,
    target,
    ['lan', 'print', String(channel)],
    `Read the BMC network settings of ${target.host}`,
  );
  if (!r.ok) return r;
  const lan = parseLanPrint(r.value);
  if (!lan.ip && !lan.mac)
    return {ok: false, error: `BMC ${target.host}: lan print ${channel} showed no address (try another channel)`};
  return {ok: true, value: lan};
}

export async function ipmiSystemGuid(ctx: IpmiContext, target: IpmiTarget): Promise<IpmiResult<string>> {
  const r = await ipmi(ctx, target, ['mc', 'guid'], `Read the system GUID of ${target.host}`);
  if (!r.ok) return r;
  const guid = parseMcGuid(r.value);
  return guid ? {ok: true, value: guid} : {ok: false, error: `BMC ${target.host}: mc guid printed no System GUID`};
}

/** One-time PXE boot on the next start (ipmitool's default is one-time; "persistent" would make it stick). */
export async function ipmiBootdevPxe(
  ctx: IpmiContext,
  target: IpmiTarget,
  options: {efi?: boolean} = {},
): Promise<IpmiResult<void>> {
  const cmd = ['chassis', 'bootdev', 'pxe', ...(options.efi ? ['options=efiboot'] : [])];
  const r = await ipmi(ctx, target, cmd, `Boot ${target.host} from the network once`);
  if (!r.ok) return r;
  return r.value.some(l => /Set Boot Device to pxe/i.test(l))
    ? {ok: true, value: undefined}
    : {ok: false, error: `BMC ${target.host}: bootdev pxe was not confirmed`};
}

export type PowerAction = 'on' | 'cycle' | 'off' | 'reset';

export async function ipmiPower(
  ctx: IpmiContext,
  target: IpmiTarget,
  action: PowerAction,
): Promise<IpmiResult<string>> {
  const r = await ipmi(ctx, target, ['chassis', 'power', action], `Power ${action} ${target.host}`);
  if (!r.ok) return r;
  const line = r.value.find(l => /Chassis Power Control/i.test(l));
  return line
    ? {ok: true, value: line.trim()}
    : {ok: false, error: `BMC ${target.host}: power ${action} was not confirmed`};
}

export interface PxeAttribution {
  bmc: string;
  mac: string;
  uuid?: string;
  event: PxeEvent;
}

export interface PxeTriggerOptions {
  /** Wait this long for the DISCOVER after power-on. Default 120 s (firmware POST is slow). */
  timeoutMs?: number;
  /** "on" for machines that are off; "cycle" restarts a running one. Default "on". */
  power?: 'on' | 'cycle';
  /** MACs already attributed or known: their retries must not be taken for this machine. */
  exclude?: ReadonlySet<string>;
  efi?: boolean;
}

/**
 * Sets one-time PXE boot, powers the machine on, and attributes the next PXE DISCOVER to this BMC.
 * The subscription starts before the power command so a fast client cannot be missed.
 */
export async function triggerPxeAndAttribute(
  ctx: IpmiContext,
  target: IpmiTarget,
  source: PxeEventSource,
  options: PxeTriggerOptions = {},
): Promise<IpmiResult<PxeAttribution>> {
  const boot = await ipmiBootdevPxe(ctx, target, options.efi ? {efi: true} : {});
  if (!boot.ok) return boot;
  const waiting = nextPxeEvent(source, {
    timeoutMs: options.timeoutMs ?? 120_000,
    ...(ctx.signal ? {signal: ctx.signal} : {}),
    accept: e => e.packet.messageType === 'DISCOVER' && !options.exclude?.has(e.packet.chaddr),
  });
  const power = await ipmiPower(ctx, target, options.power ?? 'on');
  if (!power.ok) {
    // Stop waiting: nothing will boot.
    return power;
  }
  const event = await waiting;
  if (!event)
    return {
      ok: false,
      error: `No PXE DISCOVER seen after powering on ${target.host} (is the machine set to network boot, and on this segment?)`,
    };
  const found: PxeAttribution = {bmc: target.host, mac: event.packet.chaddr, event};
  if (event.packet.uuid) found.uuid = event.packet.uuid;
  return {ok: true, value: found};
}

/** Powers machines on one at a time so each DISCOVER can be attributed to the BMC that caused it. */
export async function attributeSequentially(
  ctx: IpmiContext,
  targets: readonly IpmiTarget[],
  source: PxeEventSource,
  options: PxeTriggerOptions & {onResult?: (target: IpmiTarget, r: IpmiResult<PxeAttribution>) => void} = {},
): Promise<Array<{target: IpmiTarget; result: IpmiResult<PxeAttribution>}>> {
  const exclude = new Set(options.exclude ?? []);
  const out: Array<{target: IpmiTarget; result: IpmiResult<PxeAttribution>}> = [];
  for (const target of targets) {
    if (ctx.signal?.aborted) break;
    const result = await triggerPxeAndAttribute(ctx, target, source, {...options, exclude});
    if (result.ok) exclude.add(result.value.mac);
    out.push({target, result});
    options.onResult?.(target, result);
  }
  return out;
}
