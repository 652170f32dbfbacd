// Builds synthetic timelines for unit tests: a compact script of pod state changes.
import type { Entry, PodEntry, StatefulSetEntry } from './model.ts';

type Step =
  | { add: string; uid?: string; rev?: string }
  | { sts: Partial<StatefulSetEntry> }
  | { run: string }
  | { ready: string }
  | { unready: string }
  | { terminate: string }
  | { gone: string }
  | { action: string }
  | { event: { object: string; reason: string; message: string } };

export function timeline(sts: string, steps: Step[], start = Date.parse('2026-11-22T12:00:00Z')): Entry[] {
  const state = new Map<string, PodEntry>();
  const out: Entry[] = [];
  steps.forEach((s, i) => {
    const seq = i + 1;
    const at = new Date(start + i * 700).toISOString();
    if ('action' in s) {
      out.push({ kind: 'action', seq, at, text: s.action });
      return;
    }
    if ('event' in s) {
      out.push({ kind: 'event', seq, at, type: 'Warning', ...s.event });
      return;
    }
    if ('sts' in s) {
      const prev = out.filter((e): e is StatefulSetEntry => e.kind === 'statefulset').at(-1);
      out.push({ kind: 'statefulset', generation: 1, observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3, currentReplicas: 3, strategy: 'RollingUpdate', partition: 0, minReadySeconds: 0, ...prev, ...s.sts, seq, at });
      return;
    }
    const [key, name] = Object.entries(s)[0] as [string, string];
    const prev = state.get(name);
    const base: PodEntry = prev
      ? { ...prev, seq, at, type: 'MODIFIED', api: { ...prev.api } }
      : { kind: 'pod', seq, at, type: 'ADDED', pod: name, ordinal: Number(name.slice(sts.length + 1)), uid: (s as { uid?: string }).uid ?? `${name}-uid-${seq}`, ...((s as { rev?: string }).rev ? { revision: (s as { rev?: string }).rev } : {}), resourceVersion: String(seq), phase: 'Pending', ready: false, scheduled: true, running: false, terminating: false, restarts: 0, api: {} };
    if (key === 'run') Object.assign(base, { phase: 'Running', running: true });
    if (key === 'ready') Object.assign(base, { phase: 'Running', running: true, ready: true });
    if (key === 'unready') Object.assign(base, { ready: false });
    if (key === 'terminate') Object.assign(base, { terminating: true });
    if (key === 'gone') Object.assign(base, { type: 'DELETED', ready: false });
    if (key === 'gone') state.delete(name);
    else state.set(name, base);
    out.push(base);
  });
  return out;
}
