import { describe, expect, it } from 'vitest';
import { judgeThroughput, parsePerfTest, sizeRun, sumOffsets } from './producer-bench.ts';

// kafka-producer-perf-test (Kafka 3.9.2) output: a progress line every 5 s, then the summary
const OUT = `25381 records sent, 5074.2 records/sec (0.48 MB/sec), 1880.5 ms avg latency, 2671.0 ms max latency.
50000 records sent, 7423.4 records/sec (0.71 MB/sec), 1533.22 ms avg latency, 2671.00 ms max latency, 1546 ms 50th, 2458 ms 95th, 2608 ms 99th, 2664 ms 99.9th.
`;

describe('parsePerfTest', () => {
  it('reads the summary line, not the progress lines', () => {
    expect(parsePerfTest(OUT)).toEqual({ records: 50000, perSec: 7423.4, mbPerSec: 0.71, avgMs: 1533.22, maxMs: 2671, p99Ms: 2608 });
  });
  it('is undefined without a summary (the tool failed or was cut off)', () => {
    expect(parsePerfTest(OUT.split('\n')[0]!)).toBeUndefined();
    expect(parsePerfTest('Exception in thread "main" org.apache.kafka.common.errors.TimeoutException')).toBeUndefined();
  });
});

describe('sizeRun', () => {
  it('sizes the measured run to the calibration rate times the seconds, never below the calibration', () => {
    expect(sizeRun({ records: 50000, perSec: 7423.4, mbPerSec: 0, avgMs: 0, maxMs: 0, p99Ms: 0 }, 20)).toBe(148468);
    expect(sizeRun({ records: 50000, perSec: 100, mbPerSec: 0, avgMs: 0, maxMs: 0, p99Ms: 0 }, 20)).toBe(50000);
  });
});

describe('judgeThroughput', () => {
  const java = { records: 148468, perSec: 10000, mbPerSec: 1, avgMs: 1, maxMs: 1, p99Ms: 1 };
  it('passes at or above the goal', () => {
    expect(judgeThroughput(java, { acked: 160000, failed: 0, ms: 20000, perSec: 8000, p99BatchMs: 90 }, 160000)).toBeUndefined();
  });
  it("fails below the goal with both figures, k6's share and the fix", () => {
    expect(judgeThroughput(java, { acked: 40000, failed: 500, ms: 20000, perSec: 2000, p99BatchMs: 900 }, 40500)).toMatch(/reached 2000\/s acknowledged \(acks=all\), 20% of kafka-producer-perf-test's 10000\/s .* below the 80% goal; 500 messages failed: .* raise --load-vus/);
  });
  it('says so when k6 had nothing acknowledged', () => {
    expect(judgeThroughput(java, { acked: 0, failed: 4000, ms: 20000, perSec: 0, p99BatchMs: null }, 0)).toMatch(/no message acknowledged in 20 s \(4000 failed\)/);
  });
});

describe('the offsets cross-check', () => {
  const java = { records: 1, perSec: 10000, mbPerSec: 1, avgMs: 1, maxMs: 1, p99Ms: 1 };
  it("sums GetOffsetShell's lines of the topic only", () => {
    expect(sumOffsets('ordinal-x:0:1200\nordinal-x:1:1300\nordinal-x:2:1000\nother:0:99\n', 'ordinal-x')).toBe(3500);
    expect(sumOffsets('Error: topic not found', 'ordinal-x')).toBeUndefined();
  });
  it('fails a k6 count above what the offsets say was written', () => {
    expect(judgeThroughput(java, { acked: 9000, failed: 0, ms: 1000, perSec: 9000, p99BatchMs: 1 }, 8000)).toMatch(/counted 9000 .* moved by only 8000/);
  });
});
