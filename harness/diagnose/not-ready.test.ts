import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Entry, PodEntry } from '../timeline/model.ts';
import { explainNotReady } from './not-ready.ts';

const pod = (ordinal: number, over: Partial<PodEntry> = {}): PodEntry => ({
  kind: 'pod', seq: ordinal + 1, at: '2026-12-01T10:00:00.000Z', type: 'MODIFIED', pod: `web-${ordinal}`, ordinal, uid: `u${ordinal}`, resourceVersion: '1',
  phase: 'Running', ready: false, scheduled: true, running: true, terminating: false, node: 'ordinal-worker', restarts: 0, api: {}, ...over,
});

describe('explainNotReady', () => {
  it('names the readiness probe failure and the ordinals OrderedReady held back', () => {
    const p = pod(0, { containers: 'nginx running, restarts 0' });
    const entries: Entry[] = [p, { kind: 'event', seq: 9, at: p.at, reason: 'Unhealthy', type: 'Warning', object: 'Pod/web-0', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404' }];
    expect(explainNotReady([p], entries, 'web', 3)).toBe(
      'web-0 is Running and not Ready; last readiness probe failure: "Readiness probe failed: HTTP probe failed with statuscode: 404"; containers: nginx running, restarts 0; on node ordinal-worker. ' +
        'web-1, web-2 were not created, as OrderedReady requires while web-0 is not Ready (correct, not a second fault)',
    );
  });

  it('says a crash loop and an unscheduled pod', () => {
    const a = pod(0, { ready: true });
    const b = pod(1, { containers: 'app waiting CrashLoopBackOff, restarts 4 (last exit 1 Error)' });
    const c = pod(2, { phase: 'Pending', scheduled: false, running: false, node: undefined });
    const entries: Entry[] = [a, b, c, { kind: 'event', seq: 10, at: a.at, reason: 'FailedScheduling', type: 'Warning', object: 'Pod/web-2', message: '0/3 nodes are available: 3 Insufficient memory.' }];
    const text = explainNotReady([a, b, c], entries, 'web', 3);
    expect(text).toContain('web-1 is Running and not Ready; containers: app waiting CrashLoopBackOff, restarts 4 (last exit 1 Error)');
    expect(text).toContain('web-2 is Pending and not Ready; not scheduled: 0/3 nodes are available: 3 Insufficient memory.');
  });
});

describe('explainNotReady on the timeline recorded from the web-never-ready control', () => {
  const entries = readFileSync(new URL('./testdata/never-ready.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry);
  // the last state of each pod, as the recorder's pods() would give it at the timeout
  const last = new Map<string, PodEntry>();
  for (const e of entries) if (e.kind === 'pod') last.set(e.pod, e);
  it('names the 404 probe, the running container and web-1 held back by OrderedReady', () => {
    const text = explainNotReady([...last.values()], entries, 'web', 2);
    expect(text).toMatch(/^web-0 is Running and not Ready; last readiness probe failure: "Readiness probe failed: HTTP probe failed with statuscode: 404"; containers: nginx running, restarts 0; on node /);
    expect(text).toMatch(/web-1 was not created, as OrderedReady requires while web-0 is not Ready \(correct, not a second fault\)$/);
  });
});
