// Shared plumbing for scenario drivers: recorded seconds scaled by the demo speed on an injected
// clock, and one abort signal so a closing world stops every driver mid-wait.
import {systemClock, type Clock} from '../../ports.js';

export interface ScenarioOptions {
  /** Speed factor: 1 = recorded timing, 20 = twenty times faster. */
  speed: number;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface ScenarioHandle {
  /** Settles when the driver has finished (or was stopped). Never rejects. */
  done: Promise<void>;
  stop(): void;
}

export type Wait = (recordedSeconds: number) => Promise<void>;

/** Runs body with a scaled wait; stop() or the outer signal aborts it quietly. */
export function runScenario(
  opts: ScenarioOptions,
  body: (wait: Wait, signal: AbortSignal) => Promise<void>,
): ScenarioHandle {
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(new Error('scenario stopped'));
  if (opts.signal?.aborted) ctrl.abort(opts.signal.reason);
  opts.signal?.addEventListener('abort', onAbort, {once: true});
  const clock = opts.clock ?? systemClock;
  const speed = opts.speed > 0 ? opts.speed : 1;
  const wait: Wait = s => clock.sleep(Math.max(0, (s * 1000) / speed), ctrl.signal);
  const done = body(wait, ctrl.signal)
    .catch(e => {
      if (!ctrl.signal.aborted) throw e;
    })
    .finally(() => opts.signal?.removeEventListener('abort', onAbort));
  return {done: done.catch(() => undefined), stop: onAbort};
}

/** Kubernetes-style timestamp (seconds precision). */
export const stamp = (clock: Clock = systemClock) => new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');

/** Lowercase hex suffix like the ones controllers append to generated names. */
export function suffix(seed: string, length = 5): string {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < length; i++) {
    out += alphabet[h % alphabet.length];
    h = Math.imul(h, 2654435761) >>> 0 || 1;
  }
  return out;
}
