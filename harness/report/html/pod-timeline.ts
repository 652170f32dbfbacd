// A suite's recorded timeline as the report draws it: one row per pod name (one per ordinal of each
// StatefulSet), each a run of segments in the states a reader follows (pending, scheduled, running,
// ready, terminating; nothing while gone), and ordinal's actions as markers, faults told apart.
// Pure: the report's SVG is drawn from this, and it is tested on recorded timelines.
import type { ActionEntry, Entry, PodEntry } from '../../timeline/model.ts';

export type PodState = 'pending' | 'scheduled' | 'running' | 'ready' | 'terminating';
export const POD_STATES: readonly PodState[] = ['pending', 'scheduled', 'running', 'ready', 'terminating'];

export interface Segment {
  /** epoch ms */
  from: number;
  to: number;
  state: PodState;
  uid: string;
  /** the last entry's state in words, for the tooltip */
  detail: string;
}

export interface PodRow {
  pod: string;
  statefulSet: string;
  ordinal: number;
  segments: Segment[];
  /** how many pods (UIDs) had this name */
  incarnations: number;
}

export interface Marker {
  at: number;
  seq: number;
  text: string;
  /** something done to the workload or the cluster (delete, drain, restart, partition, scale …) */
  fault: boolean;
}

export interface TimelineModel {
  start: number;
  end: number;
  rows: PodRow[];
  markers: Marker[];
}

// what ordinal does to the pods, the nodes or the network (an update's "lower partition to 1" is not one)
const FAULT = /^(delete|scale|cordon|restart|rolling restart|partition \S+ \S+|make \S+ unready|eviction of|kubeadm upgrade|new kubelet|configuration change|rolling update|canary)\b/i;

export function isFault(text: string): boolean {
  return FAULT.test(text);
}

export function podState(e: PodEntry): PodState {
  if (e.terminating) return 'terminating';
  if (e.ready) return 'ready';
  if (e.running) return 'running';
  if (e.scheduled) return 'scheduled';
  return 'pending';
}

const t = (iso: string) => Date.parse(iso);

function detailOf(e: PodEntry): string {
  return [e.phase ?? 'Pending', e.ready ? 'Ready' : 'not Ready', e.terminating ? 'Terminating' : '', e.waiting ?? '', e.restarts ? `${e.restarts} restarts` : '', e.node ? `on ${e.node}` : ''].filter(Boolean).join(', ');
}

export function timelineModel(entries: readonly Entry[]): TimelineModel {
  const times = entries.map((e) => t(e.at)).filter(Number.isFinite);
  const start = times.length ? Math.min(...times) : 0;
  const end = times.length ? Math.max(...times) : 0;
  const rows = new Map<string, PodRow>();
  const open = new Map<string, Segment>();
  const uids = new Map<string, Set<string>>();
  for (const e of entries) {
    if (e.kind !== 'pod' || e.ordinal < 0) continue;
    const at = t(e.at);
    let row = rows.get(e.pod);
    if (!row) {
      row = { pod: e.pod, statefulSet: e.pod.replace(/-\d+$/, ''), ordinal: e.ordinal, segments: [], incarnations: 0 };
      rows.set(e.pod, row);
      uids.set(e.pod, new Set());
    }
    uids.get(e.pod)!.add(e.uid);
    const cur = open.get(e.pod);
    if (e.type === 'DELETED') {
      // another incarnation's deletion does not close this one's segment
      if (cur && cur.uid === e.uid) {
        cur.to = at;
        open.delete(e.pod);
      }
      continue;
    }
    const state = podState(e);
    if (cur && cur.uid === e.uid && cur.state === state) {
      cur.detail = detailOf(e);
      continue;
    }
    if (cur) cur.to = at;
    const seg: Segment = { from: at, to: at, state, uid: e.uid, detail: detailOf(e) };
    row.segments.push(seg);
    open.set(e.pod, seg);
  }
  for (const seg of open.values()) seg.to = end;
  for (const [pod, row] of rows) row.incarnations = uids.get(pod)!.size;
  const markers = entries
    .filter((e): e is ActionEntry => e.kind === 'action')
    .map((e) => ({ at: t(e.at), seq: e.seq, text: e.text, fault: isFault(e.text) }));
  return {
    start,
    end,
    rows: [...rows.values()].sort((a, b) => a.statefulSet.localeCompare(b.statefulSet) || a.ordinal - b.ordinal),
    markers,
  };
}

/** The timelines of one suite (several StatefulSets, several files) on one axis. */
export function mergeTimelines(models: readonly TimelineModel[]): TimelineModel {
  const some = models.filter((m) => m.rows.length || m.markers.length);
  if (some.length === 0) return { start: 0, end: 0, rows: [], markers: [] };
  return {
    start: Math.min(...some.map((m) => m.start)),
    end: Math.max(...some.map((m) => m.end)),
    rows: some.flatMap((m) => m.rows),
    markers: some.flatMap((m) => m.markers).sort((a, b) => a.at - b.at),
  };
}
