// The demo world's network port: the simulated data center's addresses (BMCs, node IPs, the control
// plane's load balancers) map to the servers that play them on loopback, and anything else is refused
// with NetRouteError, so a demo never sends a packet off this machine.
import {isIP} from 'node:net';
import {NetRouteError, type Net} from '../ports.js';
import type {DemoRoute} from './parts/types.js';

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost']);

/** 127.0.0.0/8 and ::1: already on this machine, so they pass unchanged (the fake APIs live there). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '0:0:0:0:0:0:0:1';
}

const key = (host: string, port: number) => `${host.replace(/^\[|\]$/g, '').toLowerCase()}:${port}`;

export function createDemoNet(routes: readonly DemoRoute[], dns: Readonly<Record<string, readonly string[]>>): Net {
  const table = new Map<string, {host: string; port: number; when?: () => boolean}>();
  for (const r of routes) {
    if (!isLoopback(r.to.host))
      throw new NetRouteError(`demo route ${r.host}:${r.port} must lead to loopback, not ${r.to.host}`);
    table.set(key(r.host, r.port), {host: r.to.host, port: r.to.port, ...(r.when ? {when: r.when} : {})});
  }
  const names = new Map(
    Object.entries(dns).map(([name, addrs]) => [name.toLowerCase().replace(/\.$/, ''), [...addrs]]),
  );
  return {
    route(host, port) {
      const found = table.get(key(host, port));
      if (found && (!found.when || found.when())) return {host: found.host, port: found.port};
      if (isLoopback(host)) return {host, port};
      throw new NetRouteError(
        `${host}:${port} is not part of the simulated data center; the demo reaches nothing off this machine`,
      );
    },
    async lookup(host) {
      const name = host.toLowerCase().replace(/\.$/, '');
      const addrs = names.get(name);
      if (addrs) return [...addrs];
      if (isIP(name.replace(/^\[|\]$/g, ''))) return [name.replace(/^\[|\]$/g, '')];
      if (isLoopback(name)) return ['127.0.0.1'];
      throw new NetRouteError(`${host} does not resolve in the simulated data center`);
    },
  };
}

export {noNet} from '../ports.js';
