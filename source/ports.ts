// What a step may touch in the outside world. The real world, the demo world and dry-run wire
// different implementations of the same ports; step logic never asks which world it is in except
// to say so on screen (dry-run steps that would read the network take the answers and say so).
import type {CommandRunner} from './run/types.js';

export type World = 'real' | 'demo' | 'dry-run';

export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Ports {
  world: World;
  runner: CommandRunner;
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
