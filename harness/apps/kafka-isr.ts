// Whether every partition of a topic kept at least min.insync.replicas in sync (and a leader)
// through a disruption, from metadata samples taken while it ran (paced, each bounded). A sample the
// brokers did not answer says nothing either way (leadership moving); a partition below the bound
// counts from the last sample where all were fine to the next where they are again. Pure:
// unit-tested on recorded samples.
import { clockOf } from '../timeline/model.ts';

export interface PartitionState {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface IsrSample {
  /** ms since the epoch */
  at: number;
  /** undefined: no answer from the brokers */
  partitions?: PartitionState[];
}

export interface IsrVerdict {
  ok: boolean;
  message: string;
  /** the longest stretch with some partition under min.insync.replicas or leaderless, ms */
  longestUnderMs: number;
  samples: number;
  answered: number;
  /** the smallest ISR any partition had */
  minIsrSeen: number;
  worst?: { from: number; to: number; detail: string };
}

const under = (ps: PartitionState[], minIsr: number, partitions: number) =>
  ps.length < partitions ? [`${partitions - ps.length} partitions missing`] : ps.filter((p) => p.leader < 0 || p.isr.length < minIsr).map((p) => `p${p.partition} leader ${p.leader} isr [${p.isr}]`);

export function isrThroughout(samples: IsrSample[], opts: { minIsr: number; partitions: number; topic: string }): IsrVerdict {
  let lastOk: number | undefined;
  let badSince: { at: number; detail: string } | undefined;
  let longest = 0;
  let worst: IsrVerdict['worst'];
  let minSeen = Infinity;
  let answered = 0;
  for (const s of samples) {
    if (!s.partitions) continue;
    answered++;
    for (const p of s.partitions) minSeen = Math.min(minSeen, p.isr.length);
    const bad = under(s.partitions, opts.minIsr, opts.partitions);
    if (bad.length === 0) {
      if (badSince) {
        const from = lastOk ?? badSince.at;
        if (s.at - from > longest) {
          longest = s.at - from;
          worst = { from, to: s.at, detail: badSince.detail };
        }
      }
      badSince = undefined;
      lastOk = s.at;
    } else {
      badSince ??= { at: s.at, detail: bad.join(', ') };
    }
  }
  const end = samples.filter((s) => s.partitions).at(-1);
  const stillBad = !!badSince;
  if (badSince && end) {
    const from = lastOk ?? badSince.at;
    if (end.at - from >= longest) {
      longest = end.at - from;
      worst = { from, to: end.at, detail: badSince.detail };
    }
  }
  const t = (ms: number) => clockOf(new Date(ms).toISOString());
  const ok = answered > 0 && !worst;
  const message = answered === 0
    ? `the brokers answered none of ${samples.length} metadata requests for topic ${opts.topic}`
    : worst
      ? `topic ${opts.topic} had a partition under min.insync.replicas ${opts.minIsr} (or without a leader) for ${(longest / 1000).toFixed(1)} s, from ${t(worst.from)} to ${t(worst.to)}${stillBad ? ' (still at the end)' : ''}: ${worst.detail}`
      : `every partition of ${opts.topic} kept a leader and ≥ ${opts.minIsr} in sync in ${answered} answered samples of ${samples.length} (smallest ISR ${minSeen})`;
  return { ok, message, longestUnderMs: longest, samples: samples.length, answered, minIsrSeen: Number.isFinite(minSeen) ? minSeen : 0, ...(worst ? { worst } : {}) };
}
