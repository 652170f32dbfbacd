import { describe, expect, it } from 'vitest';
import { isrThroughout, type IsrSample } from './kafka-isr.ts';

const p = (partition: number, leader: number, isr: number[]) => ({ partition, leader, replicas: [0, 1, 2], isr });
const full = (at: number): IsrSample => ({ at, partitions: [p(0, 0, [0, 1, 2]), p(1, 1, [1, 2, 0]), p(2, 2, [2, 0, 1])] });
const opts = { minIsr: 2, partitions: 3, topic: 't' };

describe('isrThroughout', () => {
  it('an ISR of two (one broker drained) is enough; unanswered samples do not count', () => {
    const v = isrThroughout([full(0), { at: 1000 }, { at: 2000, partitions: [p(0, 1, [1, 2]), p(1, 1, [1, 2]), p(2, 2, [2, 1])] }, full(3000)], opts);
    expect(v.ok).toBe(true);
    expect(v.minIsrSeen).toBe(2);
    expect(v.answered).toBe(3);
  });
  it('measures how long a partition was under min.insync.replicas, from the last good sample', () => {
    const v = isrThroughout([full(0), { at: 1000, partitions: [p(0, 2, [2]), p(1, 2, [2]), p(2, 2, [2])] }, { at: 5000, partitions: [p(0, 2, [2]), p(1, 2, [2]), p(2, 2, [2])] }, full(9000)], opts);
    expect(v.ok).toBe(false);
    expect(v.longestUnderMs).toBe(9000);
    expect(v.message).toMatch(/under min.insync.replicas 2 .* for 9\.0 s.*p0 leader 2 isr \[2\]/);
  });
  it('a partition still short at the end is named as such; no answer at all is not a pass', () => {
    expect(isrThroughout([full(0), { at: 2000, partitions: [p(0, -1, []), p(1, 1, [1, 2]), p(2, 2, [2, 1])] }], opts).message).toMatch(/for 2\.0 s.*still at the end.*p0 leader -1/);
    expect(isrThroughout([{ at: 0 }], opts).ok).toBe(false);
  });
});
