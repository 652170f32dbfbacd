import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonl } from './read-run.ts';
import { isFault, mergeTimelines, timelineModel } from './pod-timeline.ts';

const recorded = (name: string) => parseJsonl(readFileSync(path.join(import.meta.dirname, '../../timeline/testdata', name), 'utf8'));

describe('pod timeline model', () => {
  it('a rolling update recorded on a real cluster: one row per ordinal, every incarnation, the actions as markers', () => {
    const m = timelineModel(recorded('updates-web.jsonl'));
    expect(m.rows.map((r) => r.pod)).toEqual(['web-0', 'web-1', 'web-2']);
    for (const r of m.rows) {
      expect(r.incarnations).toBeGreaterThan(1);
      // segments in time order, inside the timeline, each ending where the next begins or later
      for (const [i, s] of r.segments.entries()) {
        expect(s.from).toBeGreaterThanOrEqual(m.start);
        expect(s.to).toBeLessThanOrEqual(m.end);
        expect(s.to).toBeGreaterThanOrEqual(s.from);
        if (i > 0) expect(s.from).toBeGreaterThanOrEqual(r.segments[i - 1]!.from);
      }
      expect(r.segments.map((s) => s.state)).toContain('ready');
      expect(r.segments.map((s) => s.state)).toContain('terminating');
    }
    expect(m.markers).toHaveLength(16);
    expect(m.markers.find((x) => x.text === 'lower partition to 1')?.fault).toBe(false);
    expect(m.markers.find((x) => x.text.startsWith('rolling update'))?.fault).toBe(true);
  });

  it('ordered creation: each pod pending, then running, then ready, and no segment after a deletion', () => {
    const m = timelineModel(recorded('ordered-ready.jsonl'));
    const web0 = m.rows.find((r) => r.pod === 'web-0')!;
    expect(web0.segments[0]!.state).toBe('pending');
    expect(web0.segments.findIndex((s) => s.state === 'ready')).toBeGreaterThan(0);
  });

  it('faults are what ordinal does to pods, nodes and the network', () => {
    for (const t of ['delete pod web-1 (ip 10.244.1.5)', 'scale web 3 → 4', 'cordon and drain node ordinal-worker (zk-0)', 'restart kind node ordinal-worker2 (drained)', 'partition ZooKeeper leader zk-1 from zk-0, zk-2', 'eviction of zk-0: refused', 'kubeadm upgrade apply v1.35.4 on ordinal-control-plane']) expect(isFault(t), t).toBe(true);
    for (const t of ['lower partition to 1', 'uncordon node ordinal-worker', 'heal the partition of zk-1', 'apply StatefulSet web (replicas 3)', 'new ZooKeeper leader zk-2 on the majority side, 10.0 s after the partition']) expect(isFault(t), t).toBe(false);
  });

  it('timelines of one suite share one axis', () => {
    const a = timelineModel(recorded('ordered-ready.jsonl'));
    const b = timelineModel(recorded('parallel-creation.jsonl'));
    const m = mergeTimelines([a, b]);
    expect(m.start).toBe(Math.min(a.start, b.start));
    expect(m.end).toBe(Math.max(a.end, b.end));
    expect(m.rows).toHaveLength(a.rows.length + b.rows.length);
  });
});
