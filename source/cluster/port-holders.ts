// Who holds a port: `ss -lntup` lists every listening TCP and bound UDP socket of this network
// namespace to any user (the process column only for one's own processes, or all of them as root).
import type {CommandSpec} from '../run/types.js';
import type {Protocol} from './port-probe.js';

export interface PortHolder {
  name: string;
  pid: number;
}

export interface PortListener {
  protocol: Protocol;
  /** Local address without brackets or %interface; '*' for all addresses. */
  address: string;
  port: number;
  /** Empty when ss could not see the process (another user's, without root). */
  holders: PortHolder[];
}

export const SS_COMMAND: CommandSpec = {
  command: 'ss',
  args: ['-lntup'],
  step: 'preflight',
  timeoutMs: 10_000,
  title: 'List listening sockets',
};

/**
 * Parses ss's table: "Netid State Recv-Q Send-Q Local:Port Peer:Port [users:(("name",pid=N,fd=M),...)]".
 * The header line and anything not tcp/udp are skipped.
 */
export function parseSsListeners(lines: readonly string[]): PortListener[] {
  const out: PortListener[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    const protocol = fields[0];
    if ((protocol !== 'tcp' && protocol !== 'udp') || fields.length < 6) continue;
    const local = fields[4]!;
    const colon = local.lastIndexOf(':');
    const port = Number(local.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) continue;
    const address = local
      .slice(0, colon)
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/%.*$/, '');
    const holders: PortHolder[] = [];
    for (const m of line.matchAll(/\("((?:[^"\\]|\\.)*)",pid=(\d+)/g)) {
      if (!holders.some(h => h.pid === Number(m[2]))) holders.push({name: m[1]!, pid: Number(m[2])});
    }
    out.push({protocol, address, port, holders});
  }
  return out;
}

/** "nginx pid 812, nginx pid 813", or undefined when ss did not show the process. */
export function holderText(listeners: readonly PortListener[], protocol: Protocol, port: number): string | undefined {
  const holders = listeners.filter(l => l.protocol === protocol && l.port === port).flatMap(l => l.holders);
  const unique = holders.filter((h, i) => holders.findIndex(o => o.pid === h.pid) === i);
  return unique.length === 0 ? undefined : unique.map(h => `${h.name} pid ${h.pid}`).join(', ');
}
