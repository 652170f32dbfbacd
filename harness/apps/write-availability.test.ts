import { describe, expect, it } from 'vitest';
import { baselinePhase, writeAvailability, type Phase } from './write-availability.ts';
import type { ProducerLog } from './kafka-verify.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const BOUNDS = { minAckedRatio: 0.99, maxAckGapMs: 5000 };
/** one send every 100 ms over [from, to), acknowledged 20 ms later unless `fails(t)` */
function load(from: number, to: number, fails: (t: number) => string | undefined = () => undefined): ProducerLog {
  const log: ProducerLog = { acks: [], nacks: [] };
  for (let t = from, i = 0; t < to; t += 100, i++) {
    const err = fails(t);
    if (err) log.nacks.push({ key: `k${i}`, error: err, sentAt: t, doneAt: t + 20 });
    else log.acks.push({ partition: 0, offset: i, key: `k${i}`, sentAt: t, doneAt: t + 20 });
  }
  return log;
}
const phases: Phase[] = [
  { name: 'baseline', from: T0, to: T0 + 10_000, graceful: true },
  { name: 'forced leader loss', from: T0 + 10_000, to: T0 + 20_000, graceful: false },
  { name: 'rolling update', from: T0 + 20_000, to: T0 + 40_000, graceful: true },
];

describe('writeAvailability', () => {
  it('passes when every graceful phase acknowledges its sends without a long gap', () => {
    const v = writeAvailability(load(T0, T0 + 40_000), phases, BOUNDS);
    expect(v.ok, v.message).toBe(true);
    expect(v.phases.map((p) => [p.name, p.sent, p.acked])).toEqual([['baseline', 100, 100], ['forced leader loss', 100, 100], ['rolling update', 200, 200]]);
    expect(v.message).toContain('rolling update: 200/200 acknowledged (100.0 %), longest gap 0.1 s');
  });

  it('measures but does not bound a forced phase', () => {
    const v = writeAvailability(load(T0, T0 + 40_000, (t) => (t >= T0 + 12_000 && t < T0 + 19_000 ? 'partition has no leader' : undefined)), phases, BOUNDS);
    expect(v.ok, v.message).toBe(true);
    const forced = v.phases.find((p) => p.name === 'forced leader loss')!;
    expect(forced.ackedRatio).toBeCloseTo(0.3);
    expect(forced.longestGapMs).toBeGreaterThan(7000);
    expect(forced.failures).toEqual(['70× partition has no leader']);
  });

  it('fails a rolling update under the ratio and over the gap, naming the gap and the reasons', () => {
    const v = writeAvailability(load(T0, T0 + 40_000, (t) => (t >= T0 + 25_000 && t < T0 + 33_000 ? '[19] Not Enough Replicas: broker kafka-1.kafka-hs:9092' : undefined)), phases, BOUNDS);
    expect(v.ok).toBe(false);
    expect(v.message).toBe('rolling update: 120/200 acknowledged (60.0 %), longest gap 8.1 s (12:00:24.9–12:00:33.0); failed: 80× [19] Not Enough Replicas (bound: ≥ 99.0 % acknowledged, no gap over 5 s) — a graceful phase must stay within its bounds');
  });
});

describe('baselinePhase', () => {
  it('runs from the first send of the load, not of the writable probes, to the first fault', () => {
    const log = load(T0 + 1000, T0 + 5000);
    log.acks.unshift({ partition: 0, offset: 0, key: 'run-writable-0', sentAt: T0, doneAt: T0 + 20 });
    expect(baselinePhase(log, T0 + 3000)).toEqual({ name: 'baseline', from: T0 + 1000, to: T0 + 3000, graceful: true });
    expect(baselinePhase(log, T0 + 500)).toBeUndefined();
    expect(baselinePhase({ acks: [], nacks: [] }, T0)).toBeUndefined();
  });
});
