// Rolling-update verdicts over a recorded timeline (pods with their controller-revision-hash, and
// the StatefulSet's status). Pure functions, unit-tested on synthetic and recorded timelines.
import { clockOf, lifecycles, readyAt, shortRevision, type Entry, type EventEntry, type Lifecycle, type PodEntry, type StatefulSetEntry } from './model.ts';
import { verdict, type Verdict } from './verdicts.ts';

/**
 * How much earlier than minReadySeconds after Ready a pod may count as available: the controller
 * reads the Ready condition's lastTransitionTime, which has one-second resolution, and ordinal
 * sees Ready through a watch a little after the kubelet set it.
 */
export const MIN_READY_SLACK_MS = 2000;

type Violation = { text: string; seqs: number[] };

/** A pod's revision for messages: the hash part of controller-revision-hash. */
const rev = (l: Lifecycle | undefined) => shortRevision(revisionOf(l));

/** The revision a lifecycle's pod was created from (its first entry that carries one). */
export function revisionOf(l: Lifecycle | undefined): string | undefined {
  return l?.created?.revision ?? l?.ready?.revision ?? l?.running?.revision;
}

const stsEntries = (entries: readonly Entry[], afterSeq = 0) => entries.filter((e): e is StatefulSetEntry => e.kind === 'statefulset' && e.seq > afterSeq);

/** The newest incarnation of each ordinal at the end of the timeline (gone ones excluded). */
export function latestIncarnations(entries: readonly Entry[], ordinals: number[]): Map<number, Lifecycle | undefined> {
  const ls = lifecycles(entries);
  return new Map(ordinals.map((o) => [o, ls.filter((l) => l.ordinal === o && !l.gone).at(-1)]));
}

export interface Replacement {
  ordinal: number;
  pod: string;
  old: Lifecycle;
  /** the incarnation created after the old one started terminating */
  next?: Lifecycle;
  /** from the old pod's termination to the new pod's first Ready, ms */
  replacedMs?: number;
}

/** Pods that started terminating after `afterSeq` (up to `toSeq`), in that order, with the incarnation that replaced each. */
export function replacements(entries: readonly Entry[], opts: { afterSeq: number; toSeq?: number }): Replacement[] {
  const ls = lifecycles(entries);
  const to = opts.toSeq ?? Infinity;
  return ls
    .filter((l) => l.terminating && l.terminating.seq > opts.afterSeq && l.terminating.seq <= to)
    .sort((a, b) => a.terminating!.seq - b.terminating!.seq)
    .map((old) => {
      const next = ls.find((l) => l.ordinal === old.ordinal && l.created!.seq > old.terminating!.seq);
      const replacedMs = next?.ready ? Date.parse(next.ready.at) - Date.parse(old.terminating!.at) : undefined;
      return { ordinal: old.ordinal, pod: old.pod, old, next, ...(replacedMs !== undefined ? { replacedMs } : {}) };
    });
}

/**
 * A RollingUpdate: after `afterSeq`, every pod of `ordinals` not already on `toRevision` is
 * replaced from the highest ordinal down, one at a time; each replacement is on `toRevision` and
 * Running and Ready (and, with `minReadyMs`, Ready that long) before the next pod starts
 * terminating; at the end every pod is on `toRevision`, Ready, and the StatefulSet's
 * currentRevision is `toRevision` (up to `toSeq`, default the end of the timeline).
 */
export function rollingUpdate(all: readonly Entry[], opts: { afterSeq: number; toSeq?: number; toRevision: string; ordinals: number[]; minReadyMs?: number }): Verdict & { replaced: Replacement[] } {
  // `toSeq`: judge the timeline as it was then (a recorded run goes on with other changes)
  const entries = opts.toSeq === undefined ? all : all.filter((e) => e.seq <= opts.toSeq!);
  const violations: Violation[] = [];
  const reps = replacements(entries, { afterSeq: opts.afterSeq });
  const moved = reps.filter((r) => revisionOf(r.old) !== opts.toRevision);
  for (const [i, r] of moved.entries()) {
    const prev = moved[i - 1];
    if (prev && r.ordinal > prev.ordinal) {
      violations.push({ text: `${r.pod} was replaced after ${prev.pod}, but a rolling update goes from the highest ordinal down`, seqs: [prev.old.terminating!.seq, r.old.terminating!.seq] });
    }
    if (prev) {
      const at = r.old.terminating!.seq;
      const n = prev.next;
      if (!n || !readyAt(n, at) || !(n.running && n.running.seq < at)) {
        violations.push({ text: `${r.pod} started terminating at ${clockOf(r.old.terminating!.at)} while its predecessor in the update, ${prev.pod}, was ${n ? 'not yet Running and Ready on the new revision' : 'not yet re-created'}`, seqs: [at, ...(n?.ready ? [n.ready.seq] : [])] });
      } else if (opts.minReadyMs && n.ready) {
        const gap = Date.parse(r.old.terminating!.at) - Date.parse(n.ready.at);
        if (gap < opts.minReadyMs - MIN_READY_SLACK_MS) {
          violations.push({ text: `${r.pod} started terminating ${gap} ms after the new ${prev.pod} was Ready, before minReadySeconds (${opts.minReadyMs / 1000} s) made it available`, seqs: [n.ready.seq, at] });
        }
      }
    }
    if (r.next && revisionOf(r.next) !== opts.toRevision) {
      violations.push({ text: `${r.pod} came back on revision ${rev(r.next)}, not the update revision ${shortRevision(opts.toRevision)}`, seqs: [r.next.created!.seq] });
    }
  }
  const latest = latestIncarnations(entries, opts.ordinals);
  for (const [o, l] of latest) {
    if (!l) violations.push({ text: `pod ordinal ${o} does not exist at the end`, seqs: [] });
    else if (revisionOf(l) !== opts.toRevision) violations.push({ text: `${l.pod} is still on revision ${rev(l)}, not the update revision ${shortRevision(opts.toRevision)}${l.created!.seq < opts.afterSeq ? ' (never replaced)' : ''}`, seqs: [l.created!.seq] });
    else if (!readyAt(l, Infinity)) violations.push({ text: `${l.pod} is on the update revision but not Ready at the end`, seqs: [l.created!.seq] });
  }
  // the StatefulSet as last recorded (before the action, when its status did not change after it)
  const last = stsEntries(entries).at(-1);
  if (!last) violations.push({ text: 'the StatefulSet\'s status was never recorded, so currentRevision cannot be judged', seqs: [] });
  else if (last.currentRevision !== opts.toRevision) {
    const allMoved = violations.length === 0;
    violations.push({ text: `the StatefulSet's currentRevision is ${shortRevision(last.currentRevision)}, not the update revision ${shortRevision(opts.toRevision)}${allMoved ? ', although every pod was updated' : ''}`, seqs: [last.seq] });
  }
  const order = moved.map((r) => r.pod).join(', ') || 'no pod';
  return { ...verdict(entries, violations, `replaced ${order} in that order, each Running and Ready on revision ${shortRevision(opts.toRevision)} before the next was deleted; currentRevision followed`), replaced: moved };
}

/**
 * Between `fromSeq` and `toSeq` only the pods of `allowed` were replaced (the partition's or the
 * deleted pods), each onto `toRevision` when given; every other ordinal of `ordinals` kept its
 * incarnation (same UID) and, with `keepReady`, stayed Ready.
 */
export function onlyReplaced(entries: readonly Entry[], opts: { fromSeq: number; toSeq: number; allowed: number[]; ordinals: number[]; toRevision?: string; keepReady?: boolean; why: string }): Verdict {
  const violations: Violation[] = [];
  const ls = lifecycles(entries);
  for (const r of replacements(entries, { afterSeq: opts.fromSeq, toSeq: opts.toSeq })) {
    if (!opts.allowed.includes(r.ordinal)) violations.push({ text: `${r.pod} (revision ${rev(r.old)}) was deleted at ${clockOf(r.old.terminating!.at)}, but ${opts.why}`, seqs: [r.old.terminating!.seq] });
  }
  for (const o of opts.ordinals.filter((x) => !opts.allowed.includes(x))) {
    const l = ls.filter((x) => x.ordinal === o && x.created!.seq < opts.fromSeq).at(-1);
    if (!l) continue;
    if (opts.keepReady) {
      const lost = entries.find((e): e is PodEntry => e.kind === 'pod' && e.uid === l.uid && e.seq > opts.fromSeq && e.seq <= opts.toSeq && !e.ready);
      if (!lost) continue;
      // why it lost readiness, in the kubelet's words: a probe that timed out on a loaded node is not the controller's doing
      const probe = unhealthyNear(entries, l.pod, lost.seq, opts.fromSeq);
      violations.push({ text: `${l.pod} (revision ${rev(l)}) was not Ready at ${clockOf(lost.at)}, but it should have kept serving on the old revision${probe ? `; its readiness probe then: "${probe.message}"` : ''}`, seqs: [lost.seq, ...(probe ? [probe.seq] : [])] });
    }
  }
  if (opts.toRevision) {
    for (const o of opts.allowed) {
      const l = ls.filter((x) => x.ordinal === o && x.created!.seq <= opts.toSeq && !(x.gone && x.gone.seq <= opts.toSeq)).at(-1);
      if (!l || revisionOf(l) !== opts.toRevision) violations.push({ text: `${l?.pod ?? `pod ordinal ${o}`} is on revision ${rev(l)}, expected the update revision ${shortRevision(opts.toRevision)}`, seqs: l ? [l.created!.seq] : [] });
    }
  }
  const kept = opts.ordinals.filter((x) => !opts.allowed.includes(x));
  return verdict(entries, violations, `only ordinal${opts.allowed.length === 1 ? '' : 's'} ${opts.allowed.join(', ') || 'none'} moved${opts.toRevision ? ` to revision ${shortRevision(opts.toRevision)}` : ''}; ${kept.length ? `ordinals ${kept.join(', ')} kept their pods` : 'no other ordinal'}`);
}

/** The pod's Unhealthy event (a failed readiness probe) nearest to `seq` after `fromSeq`: the kubelet's reason for it. */
function unhealthyNear(entries: readonly Entry[], pod: string, seq: number, fromSeq: number): EventEntry | undefined {
  const events = entries.filter((e): e is EventEntry => e.kind === 'event' && e.reason === 'Unhealthy' && e.object === `Pod/${pod}` && e.seq > fromSeq);
  return events.sort((a, b) => Math.abs(a.seq - seq) - Math.abs(b.seq - seq))[0];
}

/**
 * minReadySeconds: each time the StatefulSet's readyReplicas rose after `afterSeq`, its
 * availableReplicas followed no sooner than `minReadyMs` (less MIN_READY_SLACK_MS). Returns the lags.
 */
export function availabilityLag(all: readonly Entry[], opts: { afterSeq: number; toSeq?: number; minReadyMs: number }): Verdict & { lagsMs: number[] } {
  const entries = opts.toSeq === undefined ? all : all.filter((e) => e.seq <= opts.toSeq!);
  const violations: Violation[] = [];
  const lags: number[] = [];
  const pending = new Map<number, StatefulSetEntry>();
  let prevReady: number | undefined;
  // judge from the first status computed for the spec with minReadySeconds (earlier entries are the old generation's)
  const statuses = stsEntries(entries, opts.afterSeq);
  const from = statuses.findIndex((e) => e.observedGeneration >= e.generation && e.minReadySeconds * 1000 >= opts.minReadyMs);
  for (const e of from < 0 ? [] : statuses.slice(from)) {
    if (prevReady !== undefined && e.readyReplicas > prevReady) {
      for (let v = prevReady + 1; v <= e.readyReplicas; v++) {
        if (e.availableReplicas >= v) violations.push({ text: `availableReplicas reached ${v} at ${clockOf(e.at)}, together with readyReplicas, although minReadySeconds is ${opts.minReadyMs / 1000} s`, seqs: [e.seq] });
        else pending.set(v, e);
      }
    }
    for (const [v, since] of pending) {
      if (e.availableReplicas >= v) {
        const lag = Date.parse(e.at) - Date.parse(since.at);
        lags.push(lag);
        if (lag < opts.minReadyMs - MIN_READY_SLACK_MS) violations.push({ text: `availableReplicas reached ${v} ${lag} ms after readyReplicas did, sooner than minReadySeconds (${opts.minReadyMs / 1000} s)`, seqs: [since.seq, e.seq] });
        pending.delete(v);
      }
    }
    prevReady = e.readyReplicas;
  }
  if (lags.length === 0 && violations.length === 0) violations.push({ text: 'readyReplicas never rose ahead of availableReplicas after the update, so the lag minReadySeconds promises was not seen', seqs: [] });
  const max = lags.length ? Math.max(...lags) : 0;
  return { ...verdict(entries, violations, `availableReplicas followed readyReplicas by ${lags.map((l) => `${(l / 1000).toFixed(1)} s`).join(', ')} (minReadySeconds ${opts.minReadyMs / 1000} s; longest ${(max / 1000).toFixed(1)} s)`), lagsMs: lags };
}

/**
 * The most ordinals of `ordinals` that were unavailable (absent, not Ready, or terminating) at the
 * same moment after `afterSeq`, and whether two replacements overlapped (a pod started
 * terminating while an earlier replacement was not yet Ready again).
 */
export function concurrentUnavailability(entries: readonly Entry[], opts: { afterSeq: number; ordinals: number[] }): { max: number; overlapped: boolean; at?: Entry } {
  const ready = new Map<number, boolean>();
  for (const e of entries) {
    if (e.kind !== 'pod' || e.seq > opts.afterSeq) continue;
    ready.set(e.ordinal, e.type !== 'DELETED' && e.ready && !e.terminating);
  }
  let max = 0;
  let at: Entry | undefined;
  for (const e of entries) {
    if (e.kind !== 'pod' || e.seq <= opts.afterSeq || !opts.ordinals.includes(e.ordinal)) continue;
    ready.set(e.ordinal, e.type !== 'DELETED' && e.ready && !e.terminating);
    const down = opts.ordinals.filter((o) => !ready.get(o)).length;
    if (down > max) {
      max = down;
      at = e;
    }
  }
  return { max, overlapped: max > 1, at };
}

