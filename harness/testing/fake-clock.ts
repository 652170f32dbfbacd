// A clock for the poll helper's unit tests: now() is a counter, and each sleep adds its length at
// once, so a bounded wait runs to its end within microtasks and its timing can be asserted exactly.
import type { Clock } from '../wait/poll.ts';

export function fakeClock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}
