import { describe, expect, it } from 'vitest';
import { SAMPLE_PACE_MS, startSampler } from './sampler.ts';
import { fakeClock } from '../testing/fake-clock.ts';

/** a fake clock's sleeps resolve at once, so a sampler runs to its end before the next macrotask */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('startSampler', () => {
  it('samples, paced, until stopped', async () => {
    const clock = fakeClock();
    const at: number[] = [];
    const s = startSampler('ensemble zk', 60_000, async () => {
      at.push(clock.t);
      if (at.length === 4) void s.stop();
    }, clock);
    await settle();
    await s.stop();
    expect(at).toEqual([0, SAMPLE_PACE_MS, 2 * SAMPLE_PACE_MS, 3 * SAMPLE_PACE_MS]);
  });

  it('ends quietly when its budget runs out', async () => {
    const clock = fakeClock();
    let n = 0;
    const s = startSampler('ensemble zk', 1000, async () => void n++, clock);
    await settle();
    await expect(s.stop()).resolves.toBeUndefined();
    expect(n).toBe(1000 / SAMPLE_PACE_MS + 1);
  });

  it('rethrows at stop() the error that ended it early, so a verdict never judges the stretch it did not see', async () => {
    const clock = fakeClock();
    let n = 0;
    const s = startSampler('ensemble zk', 60_000, async () => {
      if (++n === 3) throw new Error('srvr parser: unexpected output');
    }, clock);
    await settle();
    await expect(s.stop()).rejects.toThrow('srvr parser: unexpected output');
    expect(n).toBe(3);
  });
});
