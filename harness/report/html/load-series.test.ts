import { describe, expect, it } from 'vitest';
import { loadSeries } from './load-series.ts';

// the producer's lines as fixtures/k6/kafka-produce.js prints them: 10 acknowledged sends a second
// for 10 s, with a 3-second gap where the sends failed (a partition leader gone)
function log(): string {
  const t0 = 1_764_000_000_000;
  const lines = ['WRITABLE after 1 tries'];
  for (let i = 0; i < 100; i++) {
    const sent = t0 + i * 100;
    if (i >= 40 && i < 70) lines.push(`NACK k${i} @${sent}/${sent + 50} kafka: leader not available`);
    else lines.push(`ACK 0 ${i} k${i} @${sent}/${sent + (i % 10 === 0 ? 80 : 8)}`);
  }
  return lines.join('\n') + '\nORDINAL-K6-SUMMARY {}\n';
}

describe('k6 load series', () => {
  it('per-second rates and latencies, the failed sends and the longest gap between acknowledgements', () => {
    const s = loadSeries(log())!;
    expect(s.acked).toBe(70);
    expect(s.failed).toBe(30);
    expect(s.bucketMs).toBe(1000);
    expect(s.points).toHaveLength(10);
    expect(s.points[0]!.ackPerS).toBe(10);
    expect(s.points[5]!.ackPerS).toBe(0);
    expect(s.points[5]!.nackPerS).toBe(10);
    expect(s.points[5]!.p99).toBeUndefined();
    expect(s.points[0]!.p50).toBe(8);
    expect(s.points[0]!.max).toBe(80);
    // the last ack before the gap was sent at 3.9 s (acked 3.908 s), the next at 7.0 s (acked 7.08 s)
    expect(s.longestGapMs).toBe(7080 - 3908);
    expect(s.errors).toEqual(['kafka: leader not available']);
  });

  it('a log that is not a producer\'s has no series', () => {
    expect(loadSeries('ORDINAL-RESULT {"count": 3}\n')).toBeUndefined();
  });

  it('a long run keeps at most maxPoints points, in whole seconds', () => {
    const lines = Array.from({ length: 600 }, (_, i) => `ACK 0 ${i} k @${i * 1000}/${i * 1000 + 5}`);
    const s = loadSeries(lines.join('\n'), 100)!;
    expect(s.points.length).toBeLessThanOrEqual(100);
    expect(s.bucketMs % 1000).toBe(0);
  });
});
