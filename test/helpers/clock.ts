// A clock for tests of date-dependent rules (Kubernetes support windows, licence tokens): it starts
// at a pinned date and then runs and sleeps in real time, so timed worlds still work.
import {systemClock, type Clock} from '../../source/ports.js';

/** Inside Kubernetes 1.35's standard support (until 2027-04-30) and 1.34's (until 2026-12-31). */
export const PINNED_DATE = Date.parse('2026-12-06T12:00:00Z');

export function pinnedClock(start = PINNED_DATE): Clock {
  const realStart = Date.now();
  return {now: () => start + (Date.now() - realStart), sleep: systemClock.sleep};
}
