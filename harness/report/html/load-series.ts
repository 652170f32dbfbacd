// k6's producer log (fixtures/k6/kafka-produce.js: "ACK <partition> <offset> <key> @<sent>/<acked>",
// "NACK <key> @<sent>/<failed> <error>") as series over time: acknowledged and failed sends per
// second and the acknowledgement latency's p50, p99 and max per bucket. Pure, tested on a recorded log.

export interface LoadPoint {
  /** the bucket's start, epoch ms */
  t: number;
  ackPerS: number;
  nackPerS: number;
  /** acknowledgement latency in the bucket (ms); undefined when nothing was acknowledged in it */
  p50?: number;
  p99?: number;
  max?: number;
}

export interface LoadSeries {
  start: number;
  end: number;
  bucketMs: number;
  points: LoadPoint[];
  acked: number;
  failed: number;
  /** the longest time between two acknowledgements (ms), and when it began */
  longestGapMs: number;
  longestGapFrom?: number;
  /** the first few distinct errors of failed sends */
  errors: string[];
}

const ACK = /^ACK \S+ \S+ \S+ @(\d+)\/(\d+)/;
const NACK = /^NACK \S+ @(\d+)\/(\d+) ?(.*)$/;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Undefined when the log has no ACK or NACK line (not a producer's log). */
export function loadSeries(log: string, maxPoints = 240): LoadSeries | undefined {
  const acks: Array<[number, number]> = [];
  const nacks: number[] = [];
  const errors = new Set<string>();
  for (const line of log.split('\n')) {
    let m = ACK.exec(line);
    if (m) {
      acks.push([Number(m[2]), Number(m[2]) - Number(m[1])]);
      continue;
    }
    m = NACK.exec(line);
    if (m) {
      nacks.push(Number(m[2]));
      if (errors.size < 5 && m[3]) errors.add(m[3].slice(0, 160));
    }
  }
  if (acks.length + nacks.length === 0) return undefined;
  const times = [...acks.map(([a]) => a), ...nacks];
  const start = Math.min(...times);
  const end = Math.max(...times);
  // whole seconds, as few as keep the chart at most maxPoints wide
  const bucketMs = Math.max(1000, Math.ceil((end - start + 1) / maxPoints / 1000) * 1000);
  const n = Math.floor((end - start) / bucketMs) + 1;
  const lat: number[][] = Array.from({ length: n }, () => []);
  const nack = new Array<number>(n).fill(0);
  for (const [at, ms] of acks) lat[Math.floor((at - start) / bucketMs)]!.push(ms);
  for (const at of nacks) nack[Math.floor((at - start) / bucketMs)]!++;
  const points = lat.map((l, i): LoadPoint => {
    const s = [...l].sort((a, b) => a - b);
    return { t: start + i * bucketMs, ackPerS: (l.length * 1000) / bucketMs, nackPerS: (nack[i]! * 1000) / bucketMs, ...(s.length ? { p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s.at(-1)! } : {}) };
  });
  const ackTimes = acks.map(([a]) => a).sort((a, b) => a - b);
  let longestGapMs = 0;
  let longestGapFrom: number | undefined;
  for (let i = 1; i < ackTimes.length; i++) {
    const gap = ackTimes[i]! - ackTimes[i - 1]!;
    if (gap > longestGapMs) [longestGapMs, longestGapFrom] = [gap, ackTimes[i - 1]!];
  }
  return { start, end, bucketMs, points, acked: acks.length, failed: nacks.length, longestGapMs, ...(longestGapFrom !== undefined ? { longestGapFrom } : {}), errors: [...errors] };
}
