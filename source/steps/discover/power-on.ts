// IPMI power-on attribution, as the screen (p on a machine) and the headless run (discovery.ipmi.powerOn)
// share it: a one-time PXE boot and power on through ipmitool, then the next PXE DISCOVER from a MAC not
// yet known is that machine's boot MAC. The BMC account is discovery.redfish's (the same BMC user).
import type {DiscoverySession} from '../../discovery/session.js';
import type {DiscoverySettings} from '../../discovery/plan.js';
import type {IpmiTarget} from '../../discovery/ipmi.js';
import {MissingAnswerError} from '../../errors.js';
import type {StepContext} from '../types.js';

export type PowerOnResult = {ok: true; mac: string; text: string} | {ok: false; text: string};

/** The IPMI host of a BMC as the table names it: a Redfish port (host:8443) is not IPMI's (623). */
export function ipmiHostOf(bmcAddress: string): string {
  return bmcAddress.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/:\d+$/, '');
}

/** One machine: power it on over IPMI and attribute the PXE request that follows to its BMC. */
export async function powerOnAndAttribute(
  session: DiscoverySession,
  target: IpmiTarget,
  options: {timeoutMs?: number} = {},
): Promise<PowerOnResult> {
  const shown = target.port && target.port !== 623 ? `${target.host}:${target.port}` : target.host;
  const r = await session.powerOnAndAttribute(target, options.timeoutMs ? {timeoutMs: options.timeoutMs} : {});
  return r.ok
    ? {ok: true, mac: r.value.mac, text: `${shown} booted from ${r.value.mac}`}
    : {ok: false, text: `${shown}: ${r.error}`};
}

/** Why the screen cannot power a machine on yet, or null (credentials are the Redfish settings). */
export function powerOnRefusal(
  session: DiscoverySession | null,
  settings: DiscoverySettings,
  password: string | undefined,
): string | null {
  if (!session) return 'Start discovery first (e, then s): the PXE listener must be running.';
  if (!settings.redfish.username || !password)
    return 'The BMC username and password (Redfish settings) are needed for IPMI.';
  return null;
}

export interface PowerOnPlan {
  targets: IpmiTarget[];
  timeoutMs?: number;
}

/**
 * discovery.ipmi.powerOn of the answers as IPMI targets, checked before anything starts: the PXE
 * source must listen (the DISCOVER is how a machine is recognised), the BMC account must be given.
 * Null when the answers ask for no power-on.
 */
export function powerOnPlan(ctx: StepContext, settings: DiscoverySettings): PowerOnPlan | null {
  const ipmi = ctx.session.answers.discovery?.ipmi;
  const hosts = ipmi?.powerOn ?? [];
  if (hosts.length === 0) return null;
  if (!settings.pxe.enabled)
    throw new MissingAnswerError(
      'discovery.pxe',
      'the PXE listener or capture (discovery.pxe.enabled: true) for discovery.ipmi.powerOn: the PXE request after each power-on names the machine',
    );
  const username = settings.redfish.username;
  if (!username)
    throw new MissingAnswerError('discovery.redfish.username', 'the BMC user name for discovery.ipmi.powerOn');
  const password = ctx.secret('redfish');
  if (!password)
    throw new MissingAnswerError(
      'discovery.redfish.passwordEnv',
      'the BMC password for discovery.ipmi.powerOn (passwordEnv, passwordFile or password)',
    );
  const targets = hosts.map((raw, i): IpmiTarget => {
    const m = /^([^:\s/]+)(?::(\d{1,5}))?$/.exec(raw.trim());
    const port = m?.[2] ? Number(m[2]) : undefined;
    if (!m || (port !== undefined && (port < 1 || port > 65535)))
      throw new MissingAnswerError(`discovery.ipmi.powerOn[${i}]`, `a BMC address, HOST or HOST:PORT (got "${raw}")`);
    return {
      host: m[1]!,
      ...(port !== undefined ? {port} : {}),
      username,
      password,
      ...(ipmi?.cipherSuite !== undefined ? {cipherSuite: ipmi.cipherSuite} : {}),
    };
  });
  return {targets, ...(ipmi?.timeoutMs ? {timeoutMs: ipmi.timeoutMs} : {})};
}

/** The headless power-ons, one BMC at a time so each PXE request is attributed to the right one. */
export async function powerOnFromPlan(
  ctx: StepContext,
  session: DiscoverySession,
  plan: PowerOnPlan,
): Promise<{attributed: number; failed: number}> {
  let attributed = 0;
  for (const target of plan.targets) {
    ctx.say(`IPMI: one-time PXE boot and power on of ${target.host}; waiting for its PXE request…`);
    const r = await powerOnAndAttribute(session, target, plan.timeoutMs ? {timeoutMs: plan.timeoutMs} : {});
    ctx.say(r.ok ? r.text : `✘ ${r.text}`);
    if (r.ok) attributed++;
  }
  return {attributed, failed: plan.targets.length - attributed};
}
