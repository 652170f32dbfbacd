// Whether a ZooKeeper ensemble kept a serving quorum through a change, from `srvr` samples of every
// member taken while the change ran (paced and each bounded: harness/apps/stateful-load.ts). Pure:
// unit-tested on recorded samples.
import { clockOf } from '../timeline/model.ts';
import { describeMembers, type Member } from './zookeeper-ensemble.ts';

export interface QuorumSample {
  /** when the sample was taken (ms since epoch; the first member's exec began then) */
  at: number;
  members: Member[];
}

const servingMember = (m: Member) => !!m.srvr?.serving && (m.srvr.mode === 'leader' || m.srvr.mode === 'follower');

/** No quorum in `s`, and only members `excused` stand against one: some are, and every other member serves. */
function againstQuorumOnlyBy(s: QuorumSample, size: number, excused: (m: Member) => boolean): boolean {
  return s.members.some(excused) && s.members.every((m) => excused(m) || servingMember(m)) && !hasQuorum(s, size);
}

/** One leader serving and, with it, a majority of `size` members serving (leader or follower). */
export function hasQuorum(s: QuorumSample, size: number): boolean {
  const serving = s.members.filter(servingMember);
  return serving.filter((m) => m.srvr!.mode === 'leader').length === 1 && serving.length > size / 2;
}

/** One look at whether the API server answers (a cheap list, bounded), taken beside the samples. */
export interface ApiProbe {
  at: number;
  ok: boolean;
}

/** The stretches in which the API server did not answer: from a failed probe to the next answered one (or the last probe). */
export function apiOutages(probes: readonly ApiProbe[]): Array<{ from: number; to: number }> {
  const spans: Array<{ from: number; to: number }> = [];
  let open: { from: number; to: number } | undefined;
  for (const p of [...probes].sort((a, b) => a.at - b.at)) {
    if (!p.ok) {
      if (!open) spans.push((open = { from: p.at, to: p.at }));
      else open.to = p.at;
    } else if (open) {
      open.to = p.at;
      open = undefined;
    }
  }
  return spans;
}

/**
 * Samples in which no member could be reached while the API server itself did not answer (the
 * execs go through it) say nothing about ZooKeeper: the control plane was restarting (an upgrade's
 * `kubeadm upgrade apply`, a new kubelet restarting the static pods). They are left out of the
 * quorum verdict and reported apart. So is a sample without a quorum at an outage's edge in which
 * the members that answered were all serving and only the unreachable ones stood against a quorum
 * (the API server going down between one member's exec and the next's): measured in a rehearsal,
 * one such sample 1.1 s before the first failed probe otherwise turned a 45.4 s API outage into
 * 46.0 s "without quorum". A sample in which a member said it was not serving, or taken while the
 * API server answered, is kept. A sample lasts until the next one starts.
 */
export function splitObserved(samples: readonly QuorumSample[], outages: ReadonlyArray<{ from: number; to: number }>): { observed: QuorumSample[]; unobserved: QuorumSample[] } {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const observed: QuorumSample[] = [];
  const unobserved: QuorumSample[] = [];
  sorted.forEach((x, i) => {
    const end = sorted[i + 1]?.at ?? x.at + 1000;
    const inOutage = outages.some((o) => o.from <= end && o.to >= x.at);
    const blind = x.members.length > 0 && inOutage && againstQuorumOnlyBy(x, x.members.length, (m) => !m.srvr);
    (blind ? unobserved : observed).push(x);
  });
  return { observed, unobserved };
}

/**
 * A sample against a quorum only because some members' execs never reached them (`unanswered`:
 * the API server or the kubelet failed the exec, or it hung past the sampler's bound), every
 * member that did answer serving, says nothing: the exec path failed, not ZooKeeper. The verdict
 * skips it (the sample before stands until the next one).
 */
export function inconclusive(s: QuorumSample, size: number): boolean {
  return againstQuorumOnlyBy(s, size, (m) => !!m.unanswered);
}

export interface QuorumVerdict {
  ok: boolean;
  message: string;
  /** the longest stretch without a quorum, ms (from the last sample with one to the next) */
  longestNoQuorumMs: number;
  samples: number;
  /** samples skipped as `inconclusive` (the exec path failed) */
  inconclusive: number;
  /** leaders seen, in order (a change of leader is an election) */
  leaders: string[];
  /** the longest stretch without a quorum (ms since the epoch), for a timeline excerpt */
  worst?: { from: number; to: number };
}

/** A serving quorum throughout, but for stretches no longer than `maxNoQuorumMs` (one election). */
export function quorumThroughout(all: QuorumSample[], opts: { size: number; maxNoQuorumMs: number }): QuorumVerdict {
  const samples = all.filter((s) => !inconclusive(s, opts.size));
  const skipped = all.length - samples.length;
  const skippedNote = skipped ? ` (${skipped} samples skipped: the exec path failed for the members against a quorum)` : '';
  let longest = 0;
  let worst: { from: number; to: number } | undefined;
  let lastOk: number | undefined = samples[0]?.at;
  let lost: QuorumSample | undefined;
  const leaders: string[] = [];
  for (const s of samples) {
    const leader = s.members.find((m) => m.srvr?.serving && m.srvr.mode === 'leader')?.pod;
    if (leader && leaders.at(-1) !== leader) leaders.push(leader);
    if (hasQuorum(s, opts.size)) {
      if (lost && lastOk !== undefined && s.at - lastOk > longest) {
        longest = s.at - lastOk;
        worst = { from: lastOk, to: s.at };
      }
      lost = undefined;
      lastOk = s.at;
    } else {
      lost ??= s;
    }
  }
  const end = samples.at(-1);
  if (lost && end && lastOk !== undefined && end.at - lastOk >= longest) {
    longest = end.at - lastOk;
    worst = { from: lastOk, to: end.at };
  }
  const stillLost = !!lost;
  const describe = (s: QuorumSample) => describeMembers(s.members);
  const worstSample = worst ? samples.find((s) => s.at > worst!.from && !hasQuorum(s, opts.size)) : undefined;
  const ok = samples.length > 0 && !stillLost && longest <= opts.maxNoQuorumMs;
  const where = worst ? `from ${clockOf(new Date(worst.from).toISOString())} to ${clockOf(new Date(worst.to).toISOString())}` : '';
  const message = (samples.length === 0
    ? 'no conclusive sample of the ensemble was taken'
    : stillLost
      ? `the ensemble had no serving quorum at the end (since ${clockOf(new Date(lastOk ?? end!.at).toISOString())}: ${describe(end!)})`
      : longest > opts.maxNoQuorumMs
        ? `the ensemble had no serving quorum for ${(longest / 1000).toFixed(1)} s ${where} (bound ${opts.maxNoQuorumMs / 1000} s, one election)${worstSample ? `; e.g. ${describe(worstSample)}` : ''}`
        : `a serving quorum in ${samples.length} samples but for ${(longest / 1000).toFixed(1)} s at most${where ? ` (${where})` : ''}; leaders ${leaders.join(' → ') || 'none'}`) + skippedNote;
  return { ok, message, longestNoQuorumMs: longest, samples: samples.length, inconclusive: skipped, leaders, ...(worst ? { worst } : {}) };
}
