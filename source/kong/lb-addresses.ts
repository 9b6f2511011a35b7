// The data plane's load-balancer address pool (dataPlane.loadBalancer.addresses): a range
// "10.20.0.200-10.20.0.209" or a CIDR "10.20.0.200/29", checked before anything runs. MetalLB and
// kube-vip answer ARP for these addresses on the provisioning LAN, so they must sit in the nodes'
// subnet, hold no node, endpoint, Tinkerbell or admin-server address, and not answer already.
import {cidrContains, formatIpv4, netmaskPrefix, parseCidr, parseIpv4, subnetOf, type Cidr} from '../net/ipv4.js';
import type {Answers} from '../session/answers.js';

export const LB_ADDRESSES_KEY = 'dataPlane.loadBalancer.addresses';
/** A pool is a handful of Service addresses; past this it is a typo (and too many to probe). */
export const MAX_POOL_SIZE = 256;
/** How many addresses the screen proposes. */
export const PROPOSED_POOL_SIZE = 10;

export interface AddressPool {
  /** As the admin wrote it (trimmed). */
  text: string;
  first: number;
  last: number;
}

export interface PoolIssue {
  key: string;
  message: string;
}

/** A range or a CIDR; an error message naming what is expected otherwise. */
export function parseAddressPool(value: string): AddressPool | {error: string} {
  const text = value.trim();
  const expected = 'expected a range "10.20.0.200-10.20.0.209" or a CIDR "10.20.0.200/29"';
  if (text.includes('/')) {
    const cidr = parseCidr(text);
    if (!cidr) return {error: `${JSON.stringify(text)} is not a CIDR: ${expected}`};
    const ip = parseIpv4(text.split('/')[0]!);
    if (ip !== cidr.network)
      return {error: `${text} has host bits set; did you mean ${formatIpv4(cidr.network)}/${cidr.prefix}?`};
    return {text, first: cidr.network, last: cidr.network + 2 ** (32 - cidr.prefix) - 1};
  }
  const parts = text.split('-').map(s => s.trim());
  if (parts.length !== 2) {
    const single = parseIpv4(text);
    return single === null
      ? {error: `${JSON.stringify(text)} is not an address range: ${expected}`}
      : {error: `${text} is one address: write it as ${text}/32 or as a range`};
  }
  const first = parseIpv4(parts[0]!);
  const last = parseIpv4(parts[1]!);
  if (first === null || last === null)
    return {
      error: `${JSON.stringify(text)}: ${first === null ? parts[0] : parts[1]} is not an IPv4 address (${expected})`,
    };
  if (last < first) return {error: `${text}: the range ends before it starts (${parts[1]} < ${parts[0]})`};
  return {text: `${parts[0]}-${parts[1]}`, first, last};
}

export const poolSize = (pool: AddressPool) => pool.last - pool.first + 1;

export function poolAddresses(pool: AddressPool): string[] {
  const out: string[] = [];
  for (let n = pool.first; n <= pool.last; n++) out.push(formatIpv4(n));
  return out;
}

/**
 * The smallest set of CIDRs covering the pool, as MetalLB turns a range into prefixes
 * (metallb internal/config/config.go parseCIDR → ipaddr range to CIDRs) before its overlap checks.
 */
export function poolCidrs(pool: Pick<AddressPool, 'first' | 'last'>): Cidr[] {
  const out: Cidr[] = [];
  let start = pool.first;
  while (start <= pool.last) {
    let prefix = 32;
    // Grow the block while it stays aligned and inside the range.
    while (prefix > 0) {
      const size = 2 ** (32 - (prefix - 1));
      if (start % size !== 0 || start + size - 1 > pool.last) break;
      prefix--;
    }
    out.push({network: start, prefix});
    start += 2 ** (32 - prefix);
  }
  return out;
}

export interface ReservedAddress {
  ip: string;
  /** What holds it, for the message: "node eksa-cp01", "the cluster endpoint (cluster.endpoint)". */
  what: string;
}

export interface PoolContext {
  /** The nodes' subnet, when the answers tell it (network.netmask and a node or admin address). */
  subnet?: Cidr;
  reserved: ReservedAddress[];
}

/** The subnet and the addresses the pool must leave alone, from the answers. */
export function poolContext(answers: Answers): PoolContext {
  const reserved: ReservedAddress[] = [];
  for (const m of answers.machines ?? [])
    if (parseIpv4(m.ip) !== null) reserved.push({ip: m.ip, what: `node ${m.hostname}`});
  const c = answers.cluster;
  if (c?.endpoint && parseIpv4(c.endpoint) !== null)
    reserved.push({ip: c.endpoint, what: 'the cluster endpoint (cluster.endpoint)'});
  if (c?.tinkerbellIp && parseIpv4(c.tinkerbellIp) !== null)
    reserved.push({ip: c.tinkerbellIp, what: 'the Tinkerbell IP (cluster.tinkerbellIp)'});
  const adminIp = answers.admin?.bootstrapIp;
  if (adminIp && parseIpv4(adminIp) !== null)
    reserved.push({ip: adminIp, what: 'the admin server (admin.bootstrapIp)'});
  const gateway = answers.network?.gateway;
  if (gateway && parseIpv4(gateway) !== null) reserved.push({ip: gateway, what: 'the gateway (network.gateway)'});
  const prefix = answers.network?.netmask ? netmaskPrefix(answers.network.netmask) : null;
  const anchor = answers.machines?.find(m => parseIpv4(m.ip) !== null)?.ip ?? adminIp;
  const subnet = prefix !== null && anchor && parseIpv4(anchor) !== null ? subnetOf(anchor, prefix) : undefined;
  return {subnet, reserved};
}

const cidrText = (c: Cidr) => `${formatIpv4(c.network)}/${c.prefix}`;

/** The checks that need no network: form, size, subnet, overlaps. */
export function checkAddressPool(value: string, context: PoolContext): {pool?: AddressPool; issues: PoolIssue[]} {
  const parsed = parseAddressPool(value);
  const issue = (message: string): PoolIssue => ({key: LB_ADDRESSES_KEY, message: `${LB_ADDRESSES_KEY}: ${message}`});
  if ('error' in parsed) return {issues: [issue(parsed.error)]};
  const issues: PoolIssue[] = [];
  if (poolSize(parsed) > MAX_POOL_SIZE)
    issues.push(
      issue(`${parsed.text} holds ${poolSize(parsed)} addresses; a data plane needs a few (at most ${MAX_POOL_SIZE})`),
    );
  const {subnet} = context;
  if (subnet) {
    const outside = [parsed.first, parsed.last].map(formatIpv4).find(ip => !cidrContains(subnet, ip));
    if (outside)
      issues.push(
        issue(
          `${outside} is outside the nodes' subnet ${cidrText(subnet)}: MetalLB and kube-vip answer ARP on the nodes' LAN only`,
        ),
      );
    const network = subnet.network;
    const broadcast = subnet.network + 2 ** (32 - subnet.prefix) - 1;
    if (subnet.prefix < 31 && (parsed.first <= network || parsed.last >= broadcast) && !outside)
      issues.push(
        issue(
          `${parsed.text} includes ${parsed.first <= network ? `the network address ${formatIpv4(network)}` : `the broadcast address ${formatIpv4(broadcast)}`} of ${cidrText(subnet)}`,
        ),
      );
  }
  for (const r of context.reserved) {
    const n = parseIpv4(r.ip)!;
    if (n >= parsed.first && n <= parsed.last) issues.push(issue(`${r.ip} is ${r.what}; leave it out of the pool`));
  }
  return {pool: parsed, issues};
}

/**
 * A free block of `size` addresses near the top of the nodes' subnet (where DHCP pools rarely are),
 * clear of every reserved address; undefined without a subnet.
 */
export function proposePool(context: PoolContext, size = PROPOSED_POOL_SIZE): string | undefined {
  const {subnet} = context;
  if (!subnet || subnet.prefix > 30) return undefined;
  const taken = new Set(context.reserved.map(r => parseIpv4(r.ip)));
  const lowest = subnet.network + 1;
  let last = subnet.network + 2 ** (32 - subnet.prefix) - 2;
  while (last - size + 1 >= lowest) {
    let clash = -1;
    for (let n = last; n > last - size; n--) if (taken.has(n)) clash = Math.max(clash, n);
    if (clash < 0) return `${formatIpv4(last - size + 1)}-${formatIpv4(last)}`;
    last = clash - 1;
  }
  return undefined;
}

export interface InUseAnswer {
  inUse: boolean;
  reason: string;
}

/**
 * Not answering on the network: the same evidence as the cluster spec's in-use probe (TCP :80 like
 * eksctl, then the neighbour table), one probe per address, a few at a time.
 */
export async function checkPoolNotInUse(
  pool: AddressPool,
  probe: (ip: string) => Promise<InUseAnswer>,
  concurrency = 8,
): Promise<PoolIssue[]> {
  const addresses = poolAddresses(pool);
  const found: Array<{ip: string; reason: string}> = [];
  let next = 0;
  const worker = async () => {
    while (next < addresses.length) {
      const ip = addresses[next++]!;
      const answer = await probe(ip);
      if (answer.inUse) found.push({ip, reason: answer.reason});
    }
  };
  await Promise.all(Array.from({length: Math.min(concurrency, addresses.length)}, worker));
  found.sort((a, b) => parseIpv4(a.ip)! - parseIpv4(b.ip)!);
  return found.map(f => ({
    key: LB_ADDRESSES_KEY,
    message: `${LB_ADDRESSES_KEY}: ${f.ip} is in use on the network (${f.reason}); a pool address must be free`,
  }));
}
