// The producer benchmark's figures: kafka-producer-perf-test's summary line, k6's result, and the
// verdict on k6's share of the Java producer's throughput. Pure: tested in producer-bench.test.ts.

/** The benchmark's shape: the same record size and acks on both sides, each side about this long. */
export const PRODUCER_BENCH = {
  recordBytes: 100,
  seconds: 20,
  /** messages per k6 iteration (one produceMany call), batched per partition by the Writer */
  batch: 500,
  /** k6 virtual users unless the run says (--load-vus) */
  vus: 8,
  /** the Java producer's calibration run, before the measured one is sized to `seconds` */
  calibrationRecords: 50_000,
  /** a measured Java run shorter than this (its JVM warmed up and went faster) is sized again, once */
  minSeconds: 15,
  /** k6's share of the Java producer's throughput the check asks for */
  goal: 0.8,
} as const;

export interface PerfTestSummary {
  records: number;
  perSec: number;
  mbPerSec: number;
  avgMs: number;
  maxMs: number;
  p99Ms: number;
}

/**
 * The last summary line ProducerPerformance prints: "200000 records sent, 45123.4 records/sec
 * (4.30 MB/sec), 310.2 ms avg latency, 812.0 ms max latency, 290 ms 50th, 700 ms 95th, 790 ms 99th, 811 ms 99.9th."
 */
export function parsePerfTest(out: string): PerfTestSummary | undefined {
  const re = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, \d+ ms 50th, \d+ ms 95th, (\d+) ms 99th/g;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(out); m; m = re.exec(out)) last = m;
  if (!last) return undefined;
  const [, records, perSec, mb, avg, max, p99] = last.map(Number);
  return { records: records!, perSec: perSec!, mbPerSec: mb!, avgMs: avg!, maxMs: max!, p99Ms: p99! };
}

/** Records for the measured run: the calibration's rate times `seconds`, at least the calibration's count. */
export function sizeRun(calibration: PerfTestSummary, seconds: number = PRODUCER_BENCH.seconds): number {
  return Math.max(calibration.records, Math.round(calibration.perSec * seconds));
}

/** The sum of the partitions' end offsets from GetOffsetShell's "topic:partition:offset" lines. */
export function sumOffsets(out: string, topic: string): number | undefined {
  const lines = out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`${topic}:`));
  if (!lines.length) return undefined;
  return lines.reduce((a, l) => a + Number(l.split(':').pop()), 0);
}

export interface K6Throughput {
  acked: number;
  failed: number;
  ms: number;
  perSec: number;
  p99BatchMs: number | null;
}

/**
 * undefined: k6 kept up; else the diagnosis. `written` is how far the topic's end offsets moved
 * during k6's run (Kafka's own count): k6 may not claim more acknowledged messages than that.
 */
export function judgeThroughput(java: PerfTestSummary, k6: K6Throughput, written: number, batch: number = PRODUCER_BENCH.batch, goal: number = PRODUCER_BENCH.goal): string | undefined {
  const ratio = k6.perSec / java.perSec;
  if (k6.acked > written) return `k6 counted ${k6.acked} messages acknowledged, but the topic's end offsets moved by only ${written} during its run: its count is wrong, so its throughput is not a measurement`;
  if (k6.acked === 0) return `k6 had no message acknowledged in ${Math.round(k6.ms / 1000)} s (${k6.failed} failed) while kafka-producer-perf-test reached ${Math.round(java.perSec)}/s: read the k6 log's NACK lines`;
  if (ratio >= goal) return undefined;
  return (
    `k6 with ordinal's extension reached ${k6.perSec}/s acknowledged (acks=all), ${(ratio * 100).toFixed(0)}% of kafka-producer-perf-test's ${Math.round(java.perSec)}/s on the same cluster, below the ${goal * 100}% goal` +
    `${k6.failed ? `; ${k6.failed} messages failed` : ''}: at these settings k6 cannot drive this cluster as far as it carries; raise --load-vus or app.kafka.load.batch (each VU sends one batch of ${batch} at a time)`
  );
}
