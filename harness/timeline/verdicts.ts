// Ordering verdicts over a recorded timeline. Pure functions: unit-tested against synthetic and
// recorded timelines, so each can be shown to fail.
import { clockOf, excerpt, lifecycles, readyAt, type Entry, type Lifecycle } from './model.ts';

export interface Verdict {
  ok: boolean;
  /** one sentence per violation, or what was verified */
  message: string;
  /** timeline lines that show it */
  excerpt: string;
}

export function verdict(entries: readonly Entry[], violations: Array<{ text: string; seqs: number[] }>, okText: string): Verdict {
  if (violations.length === 0) return { ok: true, message: okText, excerpt: '' };
  return {
    ok: false,
    message: violations.map((v) => v.text).join('; '),
    excerpt: excerpt(entries, violations.flatMap((v) => v.seqs)),
  };
}

/** The incarnation of `ordinal` that existed at `seq` (created before, not gone before). */
export function incarnationAt(ls: Lifecycle[], ordinal: number, seq: number): Lifecycle | undefined {
  return ls.filter((l) => l.ordinal === ordinal && l.created!.seq < seq && !(l.gone && l.gone.seq < seq)).at(-1);
}

/**
 * OrderedReady creation: each pod created after `afterSeq` with ordinal N > `firstOrdinal` was
 * created only when pod N-1 existed and was Running and Ready.
 */
export function orderedCreation(entries: readonly Entry[], opts: { afterSeq?: number; firstOrdinal?: number } = {}): Verdict {
  const ls = lifecycles(entries);
  const first = opts.firstOrdinal ?? 0;
  const created = ls.filter((l) => l.created!.seq > (opts.afterSeq ?? 0) && l.ordinal >= 0);
  const violations: Array<{ text: string; seqs: number[] }> = [];
  for (const l of created) {
    if (l.ordinal <= first) continue;
    const at = l.created!.seq;
    const pred = incarnationAt(ls, l.ordinal - 1, at);
    if (!pred) {
      violations.push({ text: `${l.pod} was created at ${clockOf(l.created!.at)} while pod ordinal ${l.ordinal - 1} did not exist`, seqs: [at] });
    } else if (!readyAt(pred, at) || !(pred.running && pred.running.seq < at)) {
      const readyLater = pred.readyIntervals.find(([from]) => from > at);
      const until = readyLater ? `until ${clockOf(entries.find((e) => e.seq === readyLater[0])!.at)}` : 'at any point before it';
      violations.push({
        text: `${l.pod} was created at ${clockOf(l.created!.at)} while ${pred.pod} was not ${pred.running && pred.running.seq < at ? 'Ready' : 'Running and Ready'} ${until}`,
        seqs: [at, ...(readyLater ? [readyLater[0]] : [])],
      });
    }
  }
  const names = created.map((l) => l.pod).join(', ') || 'no pods';
  return verdict(entries, violations, `created ${names}, each after its predecessor was Running and Ready`);
}

/**
 * OrderedReady scale-down: pods that start terminating after `afterSeq` do so from the highest
 * ordinal down, each gone before the next starts terminating.
 */
export function orderedTermination(entries: readonly Entry[], opts: { afterSeq?: number } = {}): Verdict {
  const ls = lifecycles(entries)
    .filter((l) => l.terminating && l.terminating.seq > (opts.afterSeq ?? 0))
    .sort((a, b) => a.terminating!.seq - b.terminating!.seq);
  const violations: Array<{ text: string; seqs: number[] }> = [];
  for (let i = 1; i < ls.length; i++) {
    const prev = ls[i - 1]!;
    const cur = ls[i]!;
    if (cur.ordinal > prev.ordinal) {
      violations.push({ text: `${cur.pod} started terminating after ${prev.pod}, but scale-down must remove the highest ordinal first`, seqs: [prev.terminating!.seq, cur.terminating!.seq] });
    } else if (!prev.gone || prev.gone.seq > cur.terminating!.seq) {
      violations.push({
        text: `${cur.pod} started terminating at ${clockOf(cur.terminating!.at)} while ${prev.pod} was not gone until ${prev.gone ? clockOf(prev.gone.at) : 'later'}`,
        seqs: [cur.terminating!.seq, ...(prev.gone ? [prev.gone.seq] : [])],
      });
    }
  }
  const names = ls.map((l) => l.pod).join(', ') || 'no pods';
  return verdict(entries, violations, `terminated ${names} in that order, each gone before the next started terminating`);
}

/**
 * A scale-up halts while a pod is unready: between `fromSeq` and `toSeq` no pod with an ordinal
 * above `unreadyOrdinal` was created.
 */
export function haltedWhileUnready(entries: readonly Entry[], opts: { fromSeq: number; toSeq: number; unreadyPod: string; unreadyOrdinal: number }): Verdict {
  const created = lifecycles(entries).filter((l) => l.ordinal > opts.unreadyOrdinal && l.created!.seq > opts.fromSeq && l.created!.seq < opts.toSeq);
  const violations = created.map((l) => ({
    text: `${l.pod} was created at ${clockOf(l.created!.at)} while ${opts.unreadyPod} was not Ready`,
    seqs: [l.created!.seq],
  }));
  return verdict(entries, violations, `no pod above ordinal ${opts.unreadyOrdinal} was created while ${opts.unreadyPod} was not Ready`);
}

/** Whether pods were started without waiting (evidence for a Parallel policy), for diagnoses. */
export function concurrentCreations(entries: readonly Entry[]): string[] {
  const v = orderedCreation(entries);
  return v.ok ? [] : v.message.split('; ');
}
