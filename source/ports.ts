// What a step may touch in the outside world. The real world, the demo world and dry-run wire
// different implementations of the same ports; step logic never asks which world it is in except
// to say so on screen (dry-run steps that would read the network take the answers and say so).
import {statfs} from 'node:fs/promises';
import {cpus, totalmem} from 'node:os';
import {dirname} from 'node:path';
import type {CommandRunner} from './run/types.js';

export type World = 'real' | 'demo' | 'dry-run';

export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Where network connections go. The real world connects where it is told; the demo world maps the
 * simulated data center's addresses (BMCs, node IPs, the control plane's load balancers) to its
 * servers on loopback and refuses anything else, so a demo never sends a packet off this machine.
 */
export interface Net {
  /** The address to actually connect to for host:port. Throws NetRouteError when there is none. */
  route(host: string, port: number): {host: string; port: number};
  /** DNS: the addresses of a name. */
  lookup(host: string): Promise<string[]>;
}

export class NetRouteError extends Error {}

export const realNet: Net = {
  route: (host, port) => ({host, port}),
  lookup: async host => {
    const {lookup} = await import('node:dns/promises');
    const found = await lookup(host, {all: true});
    return found.map(a => a.address);
  },
};

/** A Net that refuses everything: dry runs and tests prove no connection was attempted. */
export const noNet: Net = {
  route(host, port) {
    throw new NetRouteError(`no network in this run (asked for ${host}:${port})`);
  },
  async lookup(host) {
    throw new NetRouteError(`no network in this run (asked to resolve ${host})`);
  },
};

/** Facts about the admin server: the real world reads this machine, the demo answers for its simulated one. */
export interface SystemInfo {
  cpuCount(): number;
  totalMemoryBytes(): number;
  /** Free bytes available to this user on the file system holding path. */
  freeDiskBytes(path: string): Promise<number>;
}

export const realSystemInfo: SystemInfo = {
  cpuCount: () => cpus().length,
  totalMemoryBytes: () => totalmem(),
  freeDiskBytes: async path => {
    // The session folder may not exist yet: measure the nearest existing parent.
    for (let dir = path; ; dir = dirname(dir)) {
      try {
        const s = await statfs(dir);
        return s.bavail * s.bsize;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw error;
      }
    }
  },
};

export interface Ports {
  world: World;
  /** The admin server's CPUs, memory and disk. */
  system: SystemInfo;
  runner: CommandRunner;
  net: Net;
  clock: Clock;
  /** The environment this process was started with (never handed to children unfiltered). */
  env: Readonly<Record<string, string | undefined>>;
  /** The session's folder: artifacts, logs and eksctl's <cluster-name>/ live here. */
  sessionDir: string;
  /** Speed factor of the demo world (1 = recorded timing). */
  speed: number;
  /** --yes: confirmations are taken as given (cleanups, trust on first use). */
  assumeYes: boolean;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, {once: true});
    }),
};
