// Candidate BMCs from the kernel's neighbour table (`ip -j neigh`): anything on the provisioning segment
// that already has an IP, which before installation is mostly BMCs. Each is then probed (Redfish/IPMI).
import {runForLines, type DiscoveryCommandContext} from './command.js';
import {normalizeReportedMac} from '../net/mac.js';

export interface Neighbour {
  ip: string;
  mac: string;
  iface: string;
  state: string;
}

const USABLE = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT']);

/** Parses `ip -j neigh` output; entries without a link-layer address or in FAILED/INCOMPLETE state are dropped. */
export function parseNeighbours(
  json: string,
  iface?: string,
): {ok: true; neighbours: Neighbour[]} | {ok: false; error: string} {
  let data: unknown;
  try {
    data = JSON.parse(json.trim() || '[]');
  } catch {
    return {ok: false, error: 'ip -j neigh printed something that is not JSON'};
  }
  if (!Array.isArray(data)) return {ok: false, error: 'ip -j neigh did not print a list'};
  const out: Neighbour[] = [];
  for (const e of data) {
    if (typeof e !== 'object' || e === null) continue;
    const r = e as Record<string, unknown>;
    const mac = normalizeReportedMac(typeof r.lladdr === 'string' ? r.lladdr : undefined);
    const ip = typeof r.dst === 'string' ? r.dst : undefined;
    const dev = typeof r.dev === 'string' ? r.dev : '';
    const states = Array.isArray(r.state) ? r.state.filter((s): s is string => typeof s === 'string') : [];
    if (!mac || !ip || ip.includes(':')) continue; // IPv6 neighbours are mostly link-local chatter
    if (iface && dev !== iface) continue;
    const state = states.find(s => USABLE.has(s));
    if (!state) continue;
    out.push({ip, mac, iface: dev, state});
  }
  return {ok: true, neighbours: out};
}

export async function readNeighbours(
  ctx: DiscoveryCommandContext,
  iface?: string,
): Promise<{ok: true; neighbours: Neighbour[]} | {ok: false; error: string}> {
  const r = await runForLines(ctx, {
    command: 'ip',
    args: ['-j', '-4', 'neigh', 'show', ...(iface ? ['dev', iface] : [])],
    title: 'Read the neighbour table',
    timeoutMs: ctx.timeoutMs ?? 10_000,
  });
  if (!r.ok) return {ok: false, error: `ip neigh failed: ${r.error}`};
  return parseNeighbours(r.lines.join('\n'), iface);
}
