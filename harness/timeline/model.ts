// A recorded timeline of a StatefulSet's pods: every watch event in the order the API server sent
// it (resourceVersion order), with the time ordinal observed it (ms) and the API's own timestamps
// (which have one-second resolution). Actions the suite took are entries too, so verdicts can be
// scoped to "after the scale-up request".
import type * as k8s from '@kubernetes/client-node';

export interface PodEntry {
  kind: 'pod';
  seq: number;
  /** when ordinal's watch delivered the change, ISO with ms */
  at: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  pod: string;
  ordinal: number;
  uid: string;
  resourceVersion: string;
  phase?: string;
  ready: boolean;
  scheduled: boolean;
  running: boolean;
  terminating: boolean;
  node?: string;
  ip?: string;
  /** container restarts so far (all containers) */
  restarts: number;
  /** the ControllerRevision the pod was created from (label controller-revision-hash) */
  revision?: string;
  /** a waiting container's reason, e.g. CrashLoopBackOff */
  waiting?: string;
  /** each container's state in one line, e.g. "nginx running, restarts 0" or "kafka waiting CrashLoopBackOff (last exit 1 Error)" */
  containers?: string;
  /** the images of the containers that wait on a pull (ErrImagePull, ImagePullBackOff), with the kubelet's message */
  pullErrors?: Array<{ container: string; image: string; reason: string; message: string }>;
  /** API timestamps (second resolution) */
  api: { created?: string; scheduled?: string; started?: string; readySince?: string; deletion?: string };
}

export interface ActionEntry {
  kind: 'action';
  seq: number;
  at: string;
  text: string;
}

export interface EventEntry {
  kind: 'event';
  seq: number;
  at: string;
  reason: string;
  object: string;
  message: string;
  type: string;
  apiTime?: string;
}

/** The StatefulSet's spec and status as its watch delivered them (revisions, counts, strategy). */
export interface StatefulSetEntry {
  kind: 'statefulset';
  seq: number;
  at: string;
  generation: number;
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  updatedReplicas: number;
  currentReplicas: number;
  currentRevision?: string;
  updateRevision?: string;
  strategy: string;
  partition: number;
  maxUnavailable?: number | string;
  minReadySeconds: number;
}

export type Entry = PodEntry | ActionEntry | EventEntry | StatefulSetEntry;

/** Turns a watched StatefulSet into a timeline entry. */
export function statefulSetEntry(seq: number, at: Date, s: k8s.V1StatefulSet): StatefulSetEntry {
  const st = s.status;
  const ru = s.spec?.updateStrategy?.rollingUpdate;
  return {
    kind: 'statefulset',
    seq,
    at: at.toISOString(),
    generation: s.metadata?.generation ?? 0,
    observedGeneration: st?.observedGeneration ?? 0,
    replicas: s.spec?.replicas ?? 1,
    readyReplicas: st?.readyReplicas ?? 0,
    availableReplicas: st?.availableReplicas ?? 0,
    updatedReplicas: st?.updatedReplicas ?? 0,
    currentReplicas: st?.currentReplicas ?? 0,
    currentRevision: st?.currentRevision,
    updateRevision: st?.updateRevision,
    strategy: s.spec?.updateStrategy?.type ?? 'RollingUpdate',
    partition: ru?.partition ?? 0,
    ...(ru?.maxUnavailable !== undefined ? { maxUnavailable: ru.maxUnavailable as number | string } : {}),
    minReadySeconds: s.spec?.minReadySeconds ?? 0,
  };
}

/** The pod name's revision suffix: "web-7b9f6c5d4" → "7b9f6c5d4" (for messages). */
export const shortRevision = (rev: string | undefined): string => rev?.replace(/^.*-/, '') ?? '?';

export function ordinalOf(podName: string, sts: string): number {
  const m = new RegExp(`^${sts.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(podName);
  return m ? Number(m[1]) : -1;
}

function iso(t: unknown): string | undefined {
  if (!t) return undefined;
  return t instanceof Date ? t.toISOString() : String(t);
}

/** Turns a watched pod into a timeline entry. */
export function podEntry(seq: number, at: Date, type: PodEntry['type'], pod: k8s.V1Pod, sts: string): PodEntry {
  const conds = pod.status?.conditions ?? [];
  const cond = (t: string) => conds.find((c) => c.type === t);
  const readyCond = cond('Ready');
  const schedCond = cond('PodScheduled');
  const started = pod.status?.containerStatuses?.map((c) => c.state?.running?.startedAt).filter(Boolean).map(iso).sort()[0];
  const name = pod.metadata!.name!;
  return {
    kind: 'pod',
    seq,
    at: at.toISOString(),
    type,
    pod: name,
    ordinal: ordinalOf(name, sts),
    uid: pod.metadata!.uid!,
    resourceVersion: pod.metadata!.resourceVersion!,
    phase: pod.status?.phase,
    ready: readyCond?.status === 'True',
    scheduled: schedCond?.status === 'True',
    running: pod.status?.phase === 'Running',
    terminating: !!pod.metadata?.deletionTimestamp,
    node: pod.spec?.nodeName,
    ip: pod.status?.podIP,
    restarts: (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
    ...(pod.metadata?.labels?.['controller-revision-hash'] ? { revision: pod.metadata.labels['controller-revision-hash'] } : {}),
    waiting: pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason,
    containers: containerStates(pod),
    ...pullErrorsOf(pod),
    api: {
      created: iso(pod.metadata?.creationTimestamp),
      scheduled: schedCond?.status === 'True' ? iso(schedCond.lastTransitionTime) : undefined,
      started,
      readySince: readyCond?.status === 'True' ? iso(readyCond.lastTransitionTime) : undefined,
      deletion: iso(pod.metadata?.deletionTimestamp),
    },
  };
}

export const PULL_ERRORS = /^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|RegistryUnavailable)$/;

const allStatuses = (pod: k8s.V1Pod) => [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];

/** Ready=True and not being deleted. */
export function isPodReady(pod: k8s.V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function containerStates(pod: k8s.V1Pod): string | undefined {
  const all = allStatuses(pod);
  if (all.length === 0) return undefined;
  return all.map((c) => {
    const st = c.state;
    const last = c.lastState?.terminated;
    const lastText = last ? ` (last exit ${last.exitCode}${last.reason ? ` ${last.reason}` : ''})` : '';
    const now = st?.running ? 'running' : st?.waiting ? `waiting ${st.waiting.reason ?? ''}`.trim() : st?.terminated ? `terminated exit ${st.terminated.exitCode}${st.terminated.reason ? ` ${st.terminated.reason}` : ''}` : 'unknown';
    return `${c.name} ${now}${c.ready ? ' ready' : ''}, restarts ${c.restartCount ?? 0}${lastText}`;
  }).join('; ');
}

/** The pod's containers that wait on an image pull, with the image, the reason and the kubelet's message. */
export function podPullErrors(pod: k8s.V1Pod): NonNullable<PodEntry['pullErrors']> {
  return allStatuses(pod)
    .filter((c) => PULL_ERRORS.test(c.state?.waiting?.reason ?? ''))
    .map((c) => ({ container: c.name, image: c.image ?? '?', reason: c.state!.waiting!.reason!, message: (c.state!.waiting!.message ?? '').trim() }));
}

function pullErrorsOf(pod: k8s.V1Pod): Pick<PodEntry, 'pullErrors'> {
  const errs = podPullErrors(pod);
  return errs.length ? { pullErrors: errs } : {};
}

/** One incarnation (UID) of an ordinal's pod, with the first entry of each milestone. */
export interface Lifecycle {
  pod: string;
  ordinal: number;
  uid: string;
  created?: PodEntry;
  scheduled?: PodEntry;
  running?: PodEntry;
  /** first Ready=True */
  ready?: PodEntry;
  /** first Ready=False after having been Ready */
  unready?: PodEntry;
  terminating?: PodEntry;
  gone?: PodEntry;
  /** Ready intervals as [fromSeq, toSeq) pairs (toSeq Infinity when still Ready) */
  readyIntervals: Array<[number, number]>;
}

export function lifecycles(entries: readonly Entry[]): Lifecycle[] {
  const byUid = new Map<string, Lifecycle>();
  for (const e of entries) {
    if (e.kind !== 'pod') continue;
    let l = byUid.get(e.uid);
    if (!l) {
      l = { pod: e.pod, ordinal: e.ordinal, uid: e.uid, readyIntervals: [] };
      byUid.set(e.uid, l);
    }
    l.created ??= e;
    if (e.scheduled) l.scheduled ??= e;
    if (e.running) l.running ??= e;
    const last = l.readyIntervals.at(-1);
    const isReadyNow = last !== undefined && last[1] === Infinity;
    if (e.ready && e.type !== 'DELETED' && !isReadyNow) {
      l.ready ??= e;
      l.readyIntervals.push([e.seq, Infinity]);
    } else if ((!e.ready || e.type === 'DELETED') && isReadyNow) {
      last[1] = e.seq;
      if (e.type !== 'DELETED' && !e.terminating) l.unready ??= e;
    }
    if (e.terminating) l.terminating ??= e;
    if (e.type === 'DELETED') l.gone ??= e;
  }
  return [...byUid.values()].sort((a, b) => a.created!.seq - b.created!.seq);
}

/** Whether the lifecycle was Ready just before `seq`. */
export function readyAt(l: Lifecycle, seq: number): boolean {
  return l.readyIntervals.some(([from, to]) => from < seq && seq <= to);
}

/** hh:mm:ss.d of an ISO time, for messages. */
export function clockOf(isoTime: string | undefined): string {
  if (!isoTime) return '?';
  const d = new Date(isoTime);
  return `${d.toISOString().slice(11, 19)}.${Math.floor(d.getUTCMilliseconds() / 100)}`;
}

/** A few lines of the timeline around the given sequence numbers, for a failure message. */
export function excerpt(entries: readonly Entry[], seqs: number[], around = 2): string {
  const keep = new Set<number>();
  for (const s of seqs) {
    const i = entries.findIndex((e) => e.seq === s);
    for (let j = Math.max(0, i - around); j <= Math.min(entries.length - 1, i + around); j++) keep.add(j);
  }
  return [...keep].sort((a, b) => a - b).map((i) => describeEntry(entries[i]!)).join('\n');
}

export function describeEntry(e: Entry): string {
  const t = clockOf(e.at);
  if (e.kind === 'action') return `${t}  #${e.seq}  action  ${e.text}`;
  if (e.kind === 'event') return `${t}  #${e.seq}  event   ${e.object} ${e.reason}: ${e.message}`;
  if (e.kind === 'statefulset') {
    const revs = e.currentRevision === e.updateRevision ? `revision ${shortRevision(e.updateRevision)}` : `current ${shortRevision(e.currentRevision)} → update ${shortRevision(e.updateRevision)}`;
    return `${t}  #${e.seq}  sts      ready ${e.readyReplicas} available ${e.availableReplicas} updated ${e.updatedReplicas}/${e.replicas} ${revs}${e.partition ? ` partition ${e.partition}` : ''}${e.strategy !== 'RollingUpdate' ? ` ${e.strategy}` : ''} (gen ${e.observedGeneration}/${e.generation})`;
  }
  const state = [e.phase ?? 'Pending', e.ready ? 'Ready' : 'NotReady', e.terminating ? 'Terminating' : '', e.waiting ?? '', e.restarts ? `restarts=${e.restarts}` : ''].filter(Boolean).join(' ');
  return `${t}  #${e.seq}  ${e.type.padEnd(8)} ${e.pod} ${state}${e.revision ? ` rev ${e.revision.replace(/^.*-/, '')}` : ''}${e.node ? ` on ${e.node}` : ''}${e.ip ? ` ip ${e.ip}` : ''}`;
}
