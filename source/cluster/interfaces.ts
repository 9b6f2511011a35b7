// The admin server's network interfaces from `ip -j addr`: the provisioning interface and the
// Tinkerbell bootstrap IP are chosen from these.
import type {CommandRunner} from '../run/types.js';
import {capture, isRecord, parseJsonOutput, str} from './capture.js';

export interface InterfaceAddress {
  address: string;
  prefix: number;
}

export interface NetInterface {
  name: string;
  mac: string | undefined;
  up: boolean;
  loopback: boolean;
  ipv4: InterfaceAddress[];
  /** Interfaces made by docker, libvirt, kind or veth pairs: never the provisioning network. */
  virtual: boolean;
}

const VIRTUAL_NAME = /^(docker\d*|br-[0-9a-f]+|veth|virbr|vnet|kind|cni|flannel|cilium|lxc|tun|tap|wg)/;

export function parseIpAddr(json: unknown): NetInterface[] {
  if (!Array.isArray(json)) throw new Error('ip -j addr: expected a JSON array');
  const out: NetInterface[] = [];
  for (const entry of json) {
    if (!isRecord(entry)) continue;
    const name = str(entry.ifname);
    if (!name) continue;
    const flags = Array.isArray(entry.flags) ? entry.flags.filter((f): f is string => typeof f === 'string') : [];
    const ipv4: InterfaceAddress[] = [];
    for (const info of Array.isArray(entry.addr_info) ? entry.addr_info : []) {
      if (!isRecord(info) || info.family !== 'inet') continue;
      const address = str(info.local);
      if (address && typeof info.prefixlen === 'number') ipv4.push({address, prefix: info.prefixlen});
    }
    const loopback = flags.includes('LOOPBACK') || entry.link_type === 'loopback';
    out.push({
      name,
      mac: str(entry.address),
      up: flags.includes('UP'),
      loopback,
      ipv4,
      virtual: VIRTUAL_NAME.test(name),
    });
  }
  return out;
}

/** Interfaces a node network could be on: up, not loopback, not virtual, with an IPv4 address. */
export function provisioningCandidates(interfaces: readonly NetInterface[]): NetInterface[] {
  return interfaces.filter(i => i.up && !i.loopback && !i.virtual && i.ipv4.length > 0);
}

export function interfaceHoldingIp(interfaces: readonly NetInterface[], ip: string): NetInterface | undefined {
  return interfaces.find(i => i.ipv4.some(a => a.address === ip));
}

export async function listInterfaces(runner: CommandRunner, signal?: AbortSignal): Promise<NetInterface[]> {
  const {result, lines} = await capture(
    runner,
    {command: 'ip', args: ['-j', 'addr'], step: 'preflight', timeoutMs: 10_000, title: 'List network interfaces'},
    signal,
  );
  if (!result.ok) throw new Error(`ip -j addr failed: ${result.error ?? 'exit ' + String(result.exitCode)}`);
  return parseIpAddr(parseJsonOutput(lines));
}
