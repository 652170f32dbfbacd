// Waits on a StatefulSet's rollout, read from the suite's timeline recorder (pods with their
// revision, and the StatefulSet's status), so what a wait saw is what the update verdicts judge.
import { Impossible } from '../errors.ts';
import { shortRevision, type PodEntry, type StatefulSetEntry } from '../timeline/model.ts';
import type { TimelineRecorder } from '../timeline/recorder.ts';
import { describePods, pullFailure } from './statefulset.ts';

const describeRevs = (pods: PodEntry[]) => pods.map((p) => `${p.pod}@${shortRevision(p.revision)}${p.terminating ? '/Terminating' : p.ready ? '/Ready' : '/NotReady'}`).join(', ') || 'no pods';

/** The recorded StatefulSet's rollout state in one line (waits' observations, check notes). */
export function describeSts(s: StatefulSetEntry | undefined): string {
  if (!s) return 'StatefulSet not seen yet';
  return `updated ${s.updatedReplicas}/${s.replicas}, ready ${s.readyReplicas}, available ${s.availableReplicas}, current ${shortRevision(s.currentRevision)}, update ${shortRevision(s.updateRevision)}${s.partition ? `, partition ${s.partition}` : ''} (generation ${s.observedGeneration}/${s.generation})`;
}

/** The StatefulSet's status has caught up with its newest spec (observedGeneration), with an update revision. */
export async function waitForObserved(rec: TimelineRecorder, generation: number, timeoutMs: number): Promise<StatefulSetEntry> {
  return rec.waitUntil(`StatefulSet ${rec.namespace}/${rec.statefulSet}`, `status to observe generation ${generation}`, () => {
    const s = rec.statefulSetState();
    return { done: !!s && s.observedGeneration >= generation && !!s.updateRevision, observed: describeSts(s), value: s! };
  }, timeoutMs);
}

/**
 * Waits until the rollout is as far as the strategy lets it go: the status observed the newest
 * generation; every pod of the ordinals at or above the partition is on updateRevision, Running
 * and Ready (available, with minReadySeconds); the others are Ready; currentRevision equals
 * updateRevision when nothing is held back. Returns the StatefulSet entry. Pass the `generation`
 * of a spec just written, or the wait may see the rollout before it.
 */
export async function waitForSettled(rec: TimelineRecorder, n: number, timeoutMs: number, opts: { available?: boolean; generation?: number } = {}): Promise<StatefulSetEntry> {
  const k = rec.firstOrdinal;
  return rec.waitUntil(`StatefulSet ${rec.namespace}/${rec.statefulSet}`, `its rollout to settle (pods ${rec.statefulSet}-${k}…${k + n - 1} Ready, those at or above the partition on the update revision)`, (pods) => {
    const s = rec.statefulSetState();
    const pull = pullFailure(pods);
    if (pull) throw new Impossible(pull);
    const observed = `${describeSts(s)}; ${describeRevs(pods)}`;
    // `generation`: the spec just written (the recorded StatefulSet may not have caught up with it yet)
    if (!s || s.observedGeneration < Math.max(s.generation, opts.generation ?? 0) || !s.updateRevision) return { done: false, observed };
    const held = s.strategy === 'OnDelete' ? n : Math.min(s.partition, n);
    const want = pods.filter((p) => p.ordinal >= k && p.ordinal < k + n && !p.terminating);
    const ready = want.length === n && want.every((p) => p.ready && p.running) && pods.every((p) => p.ordinal < k + n);
    const updated = want.filter((p) => p.ordinal >= k + held).every((p) => p.revision === s.updateRevision);
    const current = held > 0 || s.currentRevision === s.updateRevision;
    const available = !opts.available || s.availableReplicas >= n;
    return { done: ready && updated && current && available, observed, value: s };
  }, timeoutMs);
}

/**
 * Waits until the pod of `ordinal` is on `revision` (so a new incarnation, when it was on another), Running,
 * and Ready or, with `ready: false`, merely running (a broken update's pod never gets Ready).
 */
export async function waitForPodOnRevision(rec: TimelineRecorder, ordinal: number, revision: string, timeoutMs: number, opts: { ready?: boolean } = {}): Promise<PodEntry> {
  const pod = `${rec.statefulSet}-${ordinal}`;
  const ready = opts.ready ?? true;
  return rec.waitUntil(`Pod ${rec.namespace}/${pod}`, `to be re-created on revision ${shortRevision(revision)}, Running${ready ? ' and Ready' : ''}`, (pods) => {
    const p = pods.find((x) => x.pod === pod);
    const pull = pullFailure(pods);
    if (pull) throw new Impossible(pull);
    const done = !!p && p.revision === revision && p.running && !p.terminating && (!ready || p.ready);
    return { done, observed: p ? describeRevs([p]) : `absent (${describePods(pods)})`, value: p! };
  }, timeoutMs);
}
