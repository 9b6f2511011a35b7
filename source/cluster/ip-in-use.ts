// Is an address (the control-plane endpoint or tinkerbellIP) already taken on the LAN?
// EKS Anywhere's own probe is a TCP dial to :80 with a 500 ms timeout, where a connect or a refusal
// (RST) both mean "someone answers". That misses hosts without a listener that drop nothing, so we
// also look the address up in the neighbour table, as `ip -j neigh` shows it.
import {Socket} from 'node:net';
import {NetRouteError, type Net} from '../ports.js';
import type {CommandRunner} from '../run/types.js';
import {capture, isRecord, parseJsonOutput, str} from './capture.js';

export interface IpInUseResult {
  inUse: boolean;
  /** One line: why we think so (or "no answer"). */
  reason: string;
}

export type IpInUseProbe = (ip: string, signal?: AbortSignal) => Promise<IpInUseResult>;

/** shownPort: the port named in the reason when the connection was routed elsewhere (demo world). */
export function tcpAnswers(ip: string, port = 80, timeoutMs = 500, shownPort = port): Promise<IpInUseResult> {
  return new Promise(resolve => {
    const socket = new Socket();
    let settled = false;
    const finish = (result: IpInUseResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      finish({inUse: false, reason: `no answer on TCP ${shownPort} within ${timeoutMs} ms`}),
    );
    socket.once('connect', () => finish({inUse: true, reason: `accepts connections on TCP ${shownPort}`}));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') finish({inUse: true, reason: `refuses TCP ${shownPort} (a host answered)`});
      else finish({inUse: false, reason: `no answer on TCP ${shownPort} (${error.code ?? error.message})`});
    });
    socket.connect({host: ip, port});
  });
}

/** The TCP :80 probe, connecting where the network port routes the address; no route means nobody answers. */
export function routedTcpAnswers(net: Net, timeoutMs = 500): (ip: string) => Promise<IpInUseResult> {
  return async ip => {
    let to: {host: string; port: number};
    try {
      to = net.route(ip, 80);
    } catch (error) {
      if (error instanceof NetRouteError) return {inUse: false, reason: 'no answer on TCP 80 (nothing there)'};
      throw error;
    }
    return tcpAnswers(to.host, to.port, timeoutMs, 80);
  };
}

export interface NeighbourEntry {
  ip: string;
  dev: string | undefined;
  mac: string | undefined;
  states: string[];
}

export function parseIpNeigh(json: unknown): NeighbourEntry[] {
  if (!Array.isArray(json)) throw new Error('ip -j neigh: expected a JSON array');
  return json.filter(isRecord).flatMap(e => {
    const ip = str(e.dst);
    if (!ip) return [];
    const states = Array.isArray(e.state) ? e.state.filter((s): s is string => typeof s === 'string') : [];
    return [{ip, dev: str(e.dev), mac: str(e.lladdr), states}];
  });
}

/** An entry with a link-layer address that is not FAILED/INCOMPLETE means a host answered ARP. */
export function neighbourHolds(entries: readonly NeighbourEntry[], ip: string): NeighbourEntry | undefined {
  return entries.find(
    e => e.ip === ip && e.mac !== undefined && !e.states.some(s => s === 'FAILED' || s === 'INCOMPLETE'),
  );
}

export async function neighbourTable(
  runner: CommandRunner,
  signal?: AbortSignal,
  step: 'cluster-spec' | 'data-plane' = 'cluster-spec',
): Promise<NeighbourEntry[]> {
  const {result, lines} = await capture(
    runner,
    {command: 'ip', args: ['-j', 'neigh'], step, timeoutMs: 10_000, title: 'Read the neighbour table'},
    signal,
  );
  if (!result.ok) return [];
  try {
    return parseIpNeigh(parseJsonOutput(lines));
  } catch {
    return [];
  }
}

/** The probe: TCP :80 first (as EKS Anywhere does), then the neighbour table. */
export function createIpInUseProbe(
  runner: CommandRunner,
  tcp: (ip: string) => Promise<IpInUseResult> = ip => tcpAnswers(ip),
): IpInUseProbe {
  return async (ip, signal) => {
    const byTcp = await tcp(ip);
    if (byTcp.inUse) return byTcp;
    const entry = neighbourHolds(await neighbourTable(runner, signal), ip);
    if (entry) return {inUse: true, reason: `answers ARP as ${entry.mac}${entry.dev ? ' on ' + entry.dev : ''}`};
    return {inUse: false, reason: 'no answer on TCP 80 and not in the neighbour table'};
  };
}

/** The probe the steps use: TCP through the network port, then the neighbour table through the runner. */
export function netIpInUseProbe(runner: CommandRunner, net: Net): IpInUseProbe {
  return createIpInUseProbe(runner, routedTcpAnswers(net));
}
