// BMC targets typed by the admin: addresses, host:port, https URLs, or IPv4 CIDR ranges (expanded with
// a hard limit so a typo like /8 cannot start a sweep of 16 million hosts).
import ipaddr from 'ipaddr.js';
import {formatIpv4} from '../net/ipv4.js';

export interface BmcTarget {
  host: string;
  port: number;
  /** How the target is named in results and in the session's trust map: host, or host:port when not 443. */
  key: string;
}

export const DEFAULT_MAX_TARGETS = 1024;

export type ExpandResult = {ok: true; targets: BmcTarget[]} | {ok: false; error: string};

function target(host: string, port: number): BmcTarget {
  const shown = host.includes(':') ? `[${host}]` : host;
  return {host, port, key: port === 443 ? host : `${shown}:${port}`};
}

function parseOne(raw: string): {host: string; port: number} | string {
  let s = raw.trim();
  let port = 443;
  if (/^https?:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      if (u.protocol !== 'https:') return `${raw}: Redfish needs https`;
      return {host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 443};
    } catch {
      return `${raw}: not a valid URL`;
    }
  }
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return {host: v6[1]!, port: v6[2] ? Number(v6[2]) : 443};
  const hp = /^([^:/\s]+):(\d+)$/.exec(s);
  if (hp) {
    s = hp[1]!;
    port = Number(hp[2]);
  }
  if (!s || /[\s/]/.test(s)) return `${raw}: not an address`;
  return {host: s, port};
}

/** Expands targets; refuses the whole list (with the reason) when one entry is invalid or the total exceeds max. */
export function expandTargets(entries: readonly string[], max = DEFAULT_MAX_TARGETS): ExpandResult {
  const out = new Map<string, BmcTarget>();
  const add = (t: BmcTarget) => out.set(t.key, t);
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes('/') && !/^https?:/i.test(entry)) {
      let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        range = ipaddr.parseCIDR(entry);
      } catch {
        return {ok: false, error: `${entry}: not a valid CIDR range`};
      }
      const [base, bits] = range;
      if (base.kind() !== 'ipv4')
        return {ok: false, error: `${entry}: only IPv4 ranges can be swept; list IPv6 BMCs one by one`};
      const size = 2 ** (32 - bits);
      if (size > max)
        return {
          ok: false,
          error: `${entry} has ${size} addresses; the limit is ${max}. Use a narrower range such as /${32 - Math.floor(Math.log2(max))}.`,
        };
      const first = ipaddr.IPv4.networkAddressFromCIDR(entry)
        .toByteArray()
        .reduce((a, b) => a * 256 + b, 0);
      // Skip the network and broadcast addresses except in /31 and /32.
      const [lo, hi] = size <= 2 ? [0, size - 1] : [1, size - 2];
      for (let i = lo; i <= hi; i += 1) {
        add(target(formatIpv4(first + i), 443));
      }
    } else {
      const p = parseOne(entry);
      if (typeof p === 'string') return {ok: false, error: p};
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535)
        return {ok: false, error: `${entry}: port out of range`};
      add(target(p.host, p.port));
    }
    if (out.size > max) return {ok: false, error: `more than ${max} targets; narrow the ranges`};
  }
  return {ok: true, targets: [...out.values()]};
}
