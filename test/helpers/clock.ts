// A clock for tests of date-dependent rules (Kubernetes support windows, licence tokens): it starts
// at a pinned date and then runs and sleeps in real time, so timed worlds still work.
import {systemClock, type Clock} from '../../source/ports.js';

/** Inside Kubernetes 1.35's standard support (until 2027-04-30) and 1.34's (until 2026-12-31). */
export const PINNED_DATE = Date.parse('2026-12-06T12:00:00Z');

export function pinnedClock(start = PINNED_DATE): Clock {
  const realStart = Date.now();
  return {now: () => start + (Date.now() - realStart), sleep: systemClock.sleep};
}

/**
 * A clock that jumps: sleep(ms) moves it forward by ms after at most 20 real ms (so sockets and timed
 * fakes keep working). For waits of a minute (rate-limit windows) in a test that takes milliseconds.
 */
export function steppedClock(start = PINNED_DATE): Clock & {slept: number[]} {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      slept.push(ms);
      now += ms;
      await new Promise(resolve => setTimeout(resolve, Math.min(ms, 20)));
    },
    slept,
  };
}
