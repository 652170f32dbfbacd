// Records a StatefulSet's pods and the namespace's events from watches, in the order the API server
// delivers them. Suites wait on the recorder (waitUntil), so the wait and the recorded evidence
// come from the same stream.
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { TimeoutError } from '../errors.ts';
import { debug } from '../log.ts';
import type { Kube } from '../kube/client.ts';
import type { ProbeResult } from '../wait/poll.ts';
import { ObjectWatch, waitOnChanges } from '../wait/watch.ts';
import { describeEntry, podEntry, statefulSetEntry, type ActionEntry, type Entry, type EventEntry, type PodEntry, type StatefulSetEntry } from './model.ts';

export class TimelineRecorder {
  private log: Entry[] = [];
  private seq = 0;
  private current = new Map<string, PodEntry>();
  private sts?: StatefulSetEntry;
  private listeners = new Set<() => void>();
  private watches: Array<ObjectWatch<k8s.KubernetesObject>> = [];

  private constructor(
    readonly namespace: string,
    readonly statefulSet: string,
    /** spec.ordinals.start: the pods are <sts>-K … <sts>-(K+N-1) */
    readonly firstOrdinal: number,
  ) {}

  /** Starts watching pods matching `selector`, the StatefulSet and the namespace's events. */
  static async start(kube: Kube, namespace: string, statefulSet: string, selector: Record<string, string>, opts: { firstOrdinal?: number } = {}): Promise<TimelineRecorder> {
    const r = new TimelineRecorder(namespace, statefulSet, opts.firstOrdinal ?? 0);
    const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = new ObjectWatch<k8s.V1Pod>(kube, {
      path: `/api/v1/namespaces/${namespace}/pods`,
      list: () => kube.core.listNamespacedPod({ namespace, labelSelector }),
      labelSelector,
    });
    pods.on((type, pod, at) => r.onPod(type === 'add' ? 'ADDED' : type === 'update' ? 'MODIFIED' : 'DELETED', pod, at));
    const events = new ObjectWatch<k8s.CoreV1Event>(kube, {
      path: `/api/v1/namespaces/${namespace}/events`,
      list: () => kube.core.listNamespacedEvent({ namespace }),
    });
    events.on((type, ev, at) => {
      if (type === 'add') r.onEvent(ev, at);
    });
    const fieldSelector = `metadata.name=${statefulSet}`;
    const sets = new ObjectWatch<k8s.V1StatefulSet>(kube, {
      path: `/apis/apps/v1/namespaces/${namespace}/statefulsets`,
      list: () => kube.apps.listNamespacedStatefulSet({ namespace, fieldSelector }),
      fieldSelector,
    });
    sets.on((type, s, at) => r.onStatefulSet(type, s, at));
    await Promise.all([pods.start(), events.start(), sets.start()]);
    r.watches.push(pods as unknown as ObjectWatch<k8s.KubernetesObject>, events as unknown as ObjectWatch<k8s.KubernetesObject>, sets as unknown as ObjectWatch<k8s.KubernetesObject>);
    return r;
  }

  private push(e: Entry): void {
    this.log.push(e);
    debug('timeline', describeEntry(e));
    for (const l of this.listeners) l();
  }

  private onPod(type: PodEntry['type'], pod: k8s.V1Pod, at: Date): void {
    const e = podEntry(++this.seq, at, type, pod, this.statefulSet);
    if (type === 'DELETED') this.current.delete(e.pod);
    else this.current.set(e.pod, e);
    this.push(e);
  }

  /** Records the StatefulSet when what the verdicts read of it changed (not on every resync). */
  private onStatefulSet(type: string, s: k8s.V1StatefulSet, at: Date): void {
    if (type === 'delete') {
      this.sts = undefined;
      return;
    }
    const e = statefulSetEntry(this.seq + 1, at, s);
    const same = (a: StatefulSetEntry, b: StatefulSetEntry) => JSON.stringify({ ...a, seq: 0, at: '' }) === JSON.stringify({ ...b, seq: 0, at: '' });
    if (this.sts && same(this.sts, e)) return;
    this.seq++;
    this.sts = e;
    this.push(e);
  }

  /** The StatefulSet as last recorded (undefined before it exists or after it is deleted). */
  statefulSetState(): StatefulSetEntry | undefined {
    return this.sts;
  }

  private onEvent(ev: k8s.CoreV1Event, at: Date): void {
    const e: EventEntry = {
      kind: 'event',
      seq: ++this.seq,
      at: at.toISOString(),
      reason: ev.reason ?? '',
      type: ev.type ?? 'Normal',
      object: `${ev.involvedObject?.kind ?? '?'}/${ev.involvedObject?.name ?? '?'}`,
      message: (ev.message ?? '').trim(),
      apiTime: String(ev.eventTime ?? ev.lastTimestamp ?? ev.firstTimestamp ?? ''),
    };
    this.push(e);
  }

  /** Records an action the suite took; verdicts use its seq to scope what came after. */
  action(text: string): ActionEntry {
    const e: ActionEntry = { kind: 'action', seq: ++this.seq, at: new Date().toISOString(), text };
    this.push(e);
    return e;
  }

  entries(): Entry[] {
    return [...this.log];
  }

  /** The newest state of every pod that currently exists, by ordinal. */
  pods(): PodEntry[] {
    return [...this.current.values()].sort((a, b) => a.ordinal - b.ordinal);
  }

  pod(name: string): PodEntry | undefined {
    return this.current.get(name);
  }

  lastSeq(): number {
    return this.seq;
  }

  /**
   * Waits until `evaluate(current pods, all entries)` says done, re-evaluating on every recorded
   * change. Throws TimeoutError with the last observation, or stops early on Impossible.
   */
  async waitUntil<R>(subject: string, expectation: string, evaluate: (pods: PodEntry[], entries: Entry[]) => ProbeResult<R>, timeoutMs: number): Promise<R> {
    return waitOnChanges(subject, expectation, () => evaluate(this.pods(), this.log), (onChange) => {
      this.listeners.add(onChange);
      return () => this.listeners.delete(onChange);
    }, { timeoutMs });
  }

  /**
   * Watches for `windowMs` and returns the first entry matching `violates`, or undefined when the
   * window passed without one (a bounded observation of something that must not happen).
   */
  async observeAbsence(windowMs: number, violates: (e: Entry) => boolean): Promise<Entry | undefined> {
    const from = this.seq;
    try {
      return await this.waitUntil('timeline', 'no violation', (_pods, entries) => {
        const hit = entries.find((e) => e.seq > from && violates(e));
        return { done: !!hit, observed: hit ? describeEntry(hit) : 'no violation yet', value: hit };
      }, windowMs);
    } catch (err) {
      if (err instanceof TimeoutError) return undefined;
      throw err;
    }
  }

  async save(dir: string, name: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${name}.jsonl`);
    await writeFile(file, this.log.map((e) => JSON.stringify(e)).join('\n') + '\n');
    await writeFile(path.join(dir, `${name}.txt`), this.log.map(describeEntry).join('\n') + '\n');
    return file;
  }

  async stop(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.stop()));
  }
}
