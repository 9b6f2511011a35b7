// The load-balancer pool checked against the network, before anything is installed: the pure checks,
// then every pool address probed like the cluster spec's addresses (TCP :80 as eksctl does, then the
// admin server's neighbour table, read once for the whole pool).
import type {Net} from '../ports.js';
import type {CommandRunner} from '../run/types.js';
import type {Answers} from '../session/answers.js';
import {neighbourHolds, neighbourTable, routedTcpAnswers} from '../cluster/ip-in-use.js';
import {checkAddressPool, checkPoolNotInUse, poolContext, type PoolIssue} from './lb-addresses.js';

export async function checkLoadBalancerPool(
  answers: Answers,
  ports: {runner: CommandRunner; net: Net},
  signal?: AbortSignal,
): Promise<PoolIssue[]> {
  const lb = answers.dataPlane?.loadBalancer;
  if (!lb) return [];
  const checked = checkAddressPool(lb.addresses, poolContext(answers));
  if (checked.issues.length > 0 || !checked.pool) return checked.issues;
  const neighbours = await neighbourTable(ports.runner, signal, 'data-plane');
  const tcp = routedTcpAnswers(ports.net);
  return checkPoolNotInUse(checked.pool, async ip => {
    const byTcp = await tcp(ip);
    if (byTcp.inUse) return byTcp;
    const entry = neighbourHolds(neighbours, ip);
    return entry
      ? {inUse: true, reason: `answers ARP as ${entry.mac}${entry.dev ? ' on ' + entry.dev : ''}`}
      : {inUse: false, reason: 'no answer'};
  });
}
