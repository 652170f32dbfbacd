// Write availability per phase of a Kafka run: of the sends begun in each phase (baseline, graceful
// leader loss, forced leader loss, rolling update), how many were acknowledged, and the longest
// stretch with no acknowledgement at all. Graceful phases are held to AVAILABILITY_BOUNDS.kafka;
// forced ones are measured and reported. Pure: unit-tested on producer logs.
import { clockOf } from '../timeline/model.ts';
import { failureReasons, type ProducerLog } from './kafka-verify.ts';

export interface Phase {
  name: string;
  /** ms since the epoch */
  from: number;
  to: number;
  /** graceful phases are bounded; a forced one (grace period 0) is only measured */
  graceful: boolean;
  /** this phase's own bounds, instead of the common ones */
  bounds?: Bounds;
}

export interface PhaseAvailability {
  name: string;
  graceful: boolean;
  durationMs: number;
  sent: number;
  acked: number;
  /** acked / sent (1 when nothing was sent) */
  ackedRatio: number;
  longestGapMs: number;
  /** where the longest gap began and ended (ms since the epoch) */
  gap?: { from: number; to: number };
  /** the most frequent reasons of the failed sends, "N× reason" */
  failures: string[];
  ok: boolean;
  bounds: Bounds;
}

export interface Bounds {
  minAckedRatio: number;
  maxAckGapMs: number;
}

/**
 * The baseline phase of a producer's run: from its first send of the load (after setup found the
 * topic writable, the "-writable-" probes left out) until `firstFaultAt`; none if nothing was sent
 * before then.
 */
export function baselinePhase(log: ProducerLog, firstFaultAt: number): Phase | undefined {
  const firstSend = Math.min(...[...log.acks, ...log.nacks].filter((x) => !x.key.includes('-writable-')).map((x) => x.sentAt ?? Infinity));
  return Number.isFinite(firstSend) && firstSend < firstFaultAt ? { name: 'baseline', from: firstSend, to: firstFaultAt, graceful: true } : undefined;
}

export function writeAvailability(log: ProducerLog, phases: Phase[], bounds: Bounds): { ok: boolean; phases: PhaseAvailability[]; message: string } {
  const out: PhaseAvailability[] = [];
  for (const ph of phases) {
    const inPhase = (t?: number) => t !== undefined && t >= ph.from && t < ph.to;
    const acks = log.acks.filter((a) => inPhase(a.sentAt));
    const nacks = log.nacks.filter((n) => inPhase(n.sentAt));
    const sent = acks.length + nacks.length;
    // acknowledgements that arrived during the phase, whenever they were sent
    const times = [ph.from, ...log.acks.map((a) => a.doneAt!).filter((t) => t !== undefined && t >= ph.from && t <= ph.to).sort((a, b) => a - b), ph.to];
    let longest = 0;
    let gap: PhaseAvailability['gap'];
    for (let i = 1; i < times.length; i++) {
      if (times[i]! - times[i - 1]! > longest) {
        longest = times[i]! - times[i - 1]!;
        gap = { from: times[i - 1]!, to: times[i]! };
      }
    }
    const failures = Object.entries(failureReasons(nacks.map((n) => n.error))).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([r, n]) => `${n}× ${r}`);
    const ackedRatio = sent ? acks.length / sent : 1;
    const b = ph.bounds ?? bounds;
    const ok = !ph.graceful || (ackedRatio >= b.minAckedRatio && longest <= b.maxAckGapMs);
    out.push({ name: ph.name, graceful: ph.graceful, durationMs: ph.to - ph.from, sent, acked: acks.length, ackedRatio, longestGapMs: longest, ...(gap ? { gap } : {}), failures, ok, bounds: b });
  }
  const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
  const at = (t: number) => clockOf(new Date(t).toISOString());
  const describe = (p: PhaseAvailability) => `${p.name}: ${p.acked}/${p.sent} acknowledged (${pct(p.ackedRatio)}), longest gap ${(p.longestGapMs / 1000).toFixed(1)} s${p.gap && p.longestGapMs > p.bounds.maxAckGapMs ? ` (${at(p.gap.from)}–${at(p.gap.to)})` : ''}${p.failures.length ? `; failed: ${p.failures.join(', ')}` : ''}`;
  const bad = out.filter((p) => !p.ok);
  const message = bad.length
    ? `${bad.map((p) => `${describe(p)} (bound: ≥ ${pct(p.bounds.minAckedRatio)} acknowledged${Number.isFinite(p.bounds.maxAckGapMs) ? `, no gap over ${p.bounds.maxAckGapMs / 1000} s` : ''})`).join('; ')} — a graceful phase must stay within its bounds`
    : out.map(describe).join('; ');
  return { ok: bad.length === 0, phases: out, message };
}
