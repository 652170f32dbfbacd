import { describe, expect, it } from 'vitest';
import { availabilityLag, concurrentUnavailability, onlyReplaced, rollingUpdate } from './update-verdicts.ts';
import { timeline } from './testing.ts';

const A = 'web-aaaa';
const B = 'web-bbbb';
/** three pods Ready on revision A, then an update action (seq 10) */
const start = [
  { add: 'web-0', rev: A }, { ready: 'web-0' }, { add: 'web-1', rev: A }, { ready: 'web-1' }, { add: 'web-2', rev: A }, { ready: 'web-2' },
  { sts: { currentRevision: A, updateRevision: A } }, { action: 'x' }, { action: 'x' }, { action: 'patch template' },
] as const;
const replace = (pod: string) => [{ terminate: pod }, { gone: pod }, { add: pod, rev: B }, { run: pod }, { ready: pod }] as const;

describe('rollingUpdate', () => {
  it('passes a replacement from the highest ordinal down, each Ready before the next, currentRevision following', () => {
    const t = timeline('web', [...start, ...replace('web-2'), ...replace('web-1'), ...replace('web-0'), { sts: { currentRevision: B, updateRevision: B } }]);
    const v = rollingUpdate(t, { afterSeq: 10, toRevision: B, ordinals: [0, 1, 2] });
    expect(v.ok, v.message).toBe(true);
    expect(v.message).toContain('replaced web-2, web-1, web-0 in that order');
    expect(v.replaced.map((r) => r.replacedMs)).toEqual([2800, 2800, 2800]);
  });

  it('fails when the next pod is deleted before the previous replacement is Ready', () => {
    const t = timeline('web', [...start, { terminate: 'web-2' }, { gone: 'web-2' }, { add: 'web-2', rev: B }, { terminate: 'web-1' }, { ready: 'web-2' }, { gone: 'web-1' }, { add: 'web-1', rev: B }, { ready: 'web-1' }, ...replace('web-0'), { sts: { currentRevision: B } }]);
    const v = rollingUpdate(t, { afterSeq: 10, toRevision: B, ordinals: [0, 1, 2] });
    expect(v.ok).toBe(false);
    expect(v.message).toContain('web-1 started terminating at 12:00:09.1 while its predecessor in the update, web-2, was not yet Running and Ready on the new revision');
  });

  it('fails on ascending order and names pods left on the old revision (a leftover partition)', () => {
    const t = timeline('web', [...start, ...replace('web-2'), { sts: { currentRevision: A, updateRevision: B, partition: 2 } }]);
    const v = rollingUpdate(t, { afterSeq: 10, toRevision: B, ordinals: [0, 1, 2] });
    expect(v.ok).toBe(false);
    expect(v.message).toContain('web-0 is still on revision aaaa, not the update revision bbbb (never replaced)');
    expect(v.message).toContain("currentRevision is aaaa");
    const up = timeline('web', [...start, ...replace('web-0'), ...replace('web-1'), ...replace('web-2'), { sts: { currentRevision: B } }]);
    expect(rollingUpdate(up, { afterSeq: 10, toRevision: B, ordinals: [0, 1, 2] }).message).toContain('web-1 was replaced after web-0, but a rolling update goes from the highest ordinal down');
  });

  it('with minReadySeconds, fails when the next pod goes before the previous one was available', () => {
    const t = timeline('web', [...start, ...replace('web-2'), ...replace('web-1'), ...replace('web-0'), { sts: { currentRevision: B } }]);
    expect(rollingUpdate(t, { afterSeq: 10, toRevision: B, ordinals: [0, 1, 2], minReadyMs: 10_000 }).message).toContain('web-1 started terminating 700 ms after the new web-2 was Ready, before minReadySeconds (10 s)');
    expect(rollingUpdate(t, { afterSeq: 10, toRevision: B, ordinals: [0, 1, 2], minReadyMs: 2000 }).ok).toBe(true);
  });
});

describe('onlyReplaced', () => {
  it('passes when only the partition moved and the others kept their pods and readiness', () => {
    const t = timeline('web', [...start, ...replace('web-2'), { action: 'end' }]);
    const v = onlyReplaced(t, { fromSeq: 10, toSeq: 16, allowed: [2], ordinals: [0, 1, 2], toRevision: B, keepReady: true, why: 'partition is 2' });
    expect(v.ok, v.message).toBe(true);
    expect(v.message).toBe('only ordinal 2 moved to revision bbbb; ordinals 0, 1 kept their pods');
  });

  it('fails naming the pod below the partition that was deleted, and one that lost readiness', () => {
    const t = timeline('web', [...start, ...replace('web-2'), { unready: 'web-0' }, ...replace('web-1')]);
    const v = onlyReplaced(t, { fromSeq: 10, toSeq: 30, allowed: [2], ordinals: [0, 1, 2], toRevision: B, keepReady: true, why: 'the partition is 2' });
    expect(v.ok).toBe(false);
    expect(v.message).toContain('web-1 (revision aaaa) was deleted at');
    expect(v.message).toContain('but the partition is 2');
    expect(v.message).toContain('web-0 (revision aaaa) was not Ready at');
  });

  it('names the readiness probe failure that took a kept pod out (here a probe timed out on a loaded node)', () => {
    const message = 'Readiness probe failed: command timed out: "sh -c test ! -e /tmp/ordinal-unready" timed out after 1s';
    const t = timeline('web', [...start, ...replace('web-2'), { unready: 'web-0' }, { event: { object: 'Pod/web-0', reason: 'Unhealthy', message } }, { ready: 'web-0' }]);
    const v = onlyReplaced(t, { fromSeq: 10, toSeq: 30, allowed: [2], ordinals: [0, 1, 2], toRevision: B, keepReady: true, why: 'the partition is 2' });
    expect(v.ok).toBe(false);
    expect(v.message).toContain(`web-0 (revision aaaa) was not Ready at 12:00:10.5, but it should have kept serving on the old revision; its readiness probe then: "${message}"`);
  });
});

describe('availabilityLag', () => {
  it('measures how long availableReplicas trails readyReplicas', () => {
    const t = timeline('web', [{ sts: { readyReplicas: 3, availableReplicas: 3, minReadySeconds: 10 } }, { sts: { readyReplicas: 2, availableReplicas: 2 } }, { sts: { readyReplicas: 3 } }, ...Array(15).fill({ action: 'wait' }), { sts: { availableReplicas: 3 } }]);
    const v = availabilityLag(t, { afterSeq: 0, minReadyMs: 10_000 });
    expect(v.ok, v.message).toBe(true);
    expect(v.lagsMs).toEqual([11200]);
  });

  it('fails when a pod counts as available as soon as it is Ready', () => {
    const t = timeline('web', [{ sts: { readyReplicas: 3, availableReplicas: 3, minReadySeconds: 10 } }, { sts: { readyReplicas: 2, availableReplicas: 2 } }, { sts: { readyReplicas: 3, availableReplicas: 3 } }]);
    const v = availabilityLag(t, { afterSeq: 0, minReadyMs: 10_000 });
    expect(v.ok).toBe(false);
    expect(v.message).toContain('availableReplicas reached 3 at 12:00:01.4, together with readyReplicas, although minReadySeconds is 10 s');
  });

  it('ignores the status of the generation before minReadySeconds was set', () => {
    const t = timeline('web', [
      { sts: { readyReplicas: 2, availableReplicas: 2, generation: 11, observedGeneration: 9 } },
      { sts: { readyReplicas: 3, availableReplicas: 3 } },
      { sts: { readyReplicas: 3, availableReplicas: 2, observedGeneration: 11, minReadySeconds: 10 } },
      { sts: { readyReplicas: 2, availableReplicas: 2 } },
      { sts: { readyReplicas: 3 } },
      ...Array(15).fill({ action: 'wait' }),
      { sts: { availableReplicas: 3 } },
    ]);
    const v = availabilityLag(t, { afterSeq: 0, minReadyMs: 10_000 });
    expect(v.ok, v.message).toBe(true);
    expect(v.lagsMs).toEqual([11200]);
  });

  it('fails when no lag was seen at all', () => {
    expect(availabilityLag(timeline('web', [{ sts: {} }]), { afterSeq: 0, minReadyMs: 5000 }).message).toContain('never rose ahead');
  });
});

describe('concurrentUnavailability', () => {
  it('counts one at a time for a one-by-one update and two for overlapping replacements', () => {
    const one = timeline('web', [...start, ...replace('web-2'), ...replace('web-1')]);
    expect(concurrentUnavailability(one, { afterSeq: 10, ordinals: [0, 1, 2] })).toMatchObject({ max: 1, overlapped: false });
    const two = timeline('web', [...start, { terminate: 'web-2' }, { terminate: 'web-1' }, { gone: 'web-2' }, { gone: 'web-1' }]);
    expect(concurrentUnavailability(two, { afterSeq: 10, ordinals: [0, 1, 2] })).toMatchObject({ max: 2, overlapped: true });
  });
});
