// Verdicts on timelines recorded from real runs on a kind cluster (harness/timeline/testdata).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ActionEntry, Entry, StatefulSetEntry } from './model.ts';
import { availabilityLag, onlyReplaced, rollingUpdate } from './update-verdicts.ts';
import { orderedCreation, orderedTermination } from './verdicts.ts';

const load = (name: string): Entry[] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry);
const action = (t: Entry[], text: string) => t.find((e): e is ActionEntry => e.kind === 'action' && e.text.startsWith(text))!;

describe('recorded OrderedReady run of the web fixture', () => {
  const t = load('ordered-ready.jsonl');
  it('passes creation, scale-up and scale-down ordering', () => {
    expect(orderedCreation(t).ok).toBe(true);
    expect(orderedCreation(t, { afterSeq: action(t, 'scale web 2 → 3').seq }).ok).toBe(true);
    const down = orderedTermination(t, { afterSeq: action(t, 'scale web 3 → 1').seq });
    expect(down.ok).toBe(true);
    expect(down.message).toContain('web-2, web-1');
  });
});

describe('recorded run of the Parallel negative control', () => {
  const t = load('parallel-creation.jsonl');
  it('fails the creation-order verdict with both pods and times', () => {
    const v = orderedCreation(t);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/^web-1 was created at \d\d:\d\d:\d\d\.\d while web-0 was not Running and Ready until \d\d:\d\d:\d\d\.\d$/);
    expect(v.excerpt).toContain('ADDED    web-1');
  });
});

describe('recorded run of the updates suite on web (3 replicas, Kubernetes 1.34)', () => {
  const t = load('updates-web.jsonl');
  /** the update revision the StatefulSet moved to after the action */
  const revisionAfter = (text: string) => {
    const a = action(t, text);
    const before = t.filter((e): e is StatefulSetEntry => e.kind === 'statefulset' && e.seq < a.seq).at(-1)!.updateRevision;
    return t.find((e): e is StatefulSetEntry => e.kind === 'statefulset' && e.seq > a.seq && e.updateRevision !== before)!.updateRevision!;
  };
  const all = [0, 1, 2];

  it('passes the rolling update, the canary, the broken update halt, minReadySeconds and OnDelete', () => {
    const roll = rollingUpdate(t, { afterSeq: action(t, 'rolling update:').seq, toSeq: action(t, 'canary').seq, toRevision: revisionAfter('rolling update:'), ordinals: all });
    expect(roll.ok, roll.message).toBe(true);
    expect(roll.replaced.map((r) => r.pod)).toEqual(['web-2', 'web-1', 'web-0']);
    const canary = onlyReplaced(t, { fromSeq: action(t, 'canary').seq, toSeq: action(t, 'lower partition to 1').seq, allowed: [2], ordinals: all, toRevision: revisionAfter('canary'), keepReady: true, why: 'partition 2' });
    expect(canary.ok, canary.message).toBe(true);
    const broken = onlyReplaced(t, { fromSeq: action(t, 'broken update').seq, toSeq: action(t, 'revert the broken').seq, allowed: [2], ordinals: all, keepReady: true, why: 'the update halts' });
    expect(broken.ok, broken.message).toBe(true);
    const mrs = action(t, 'rolling update with minReadySeconds');
    const lag = availabilityLag(t, { afterSeq: mrs.seq, toSeq: action(t, 'rolling update with maxUnavailable').seq, minReadyMs: 6000 });
    expect(lag.ok, lag.message).toBe(true);
    expect(Math.min(...lag.lagsMs)).toBeGreaterThan(6000);
    expect(rollingUpdate(t, { afterSeq: mrs.seq, toSeq: action(t, 'rolling update with maxUnavailable').seq, toRevision: revisionAfter('rolling update with minReadySeconds'), ordinals: all, minReadyMs: 6000 }).ok).toBe(true);
    const od = onlyReplaced(t, { fromSeq: action(t, 'template change under OnDelete').seq, toSeq: action(t, 'delete web-1 under OnDelete').seq, allowed: [], ordinals: all, keepReady: true, why: 'OnDelete' });
    expect(od.ok, od.message).toBe(true);
  });

  it('fails the same rolling update held to a minReadySeconds it did not have', () => {
    const v = rollingUpdate(t, { afterSeq: action(t, 'rolling update:').seq, toSeq: action(t, 'canary').seq, toRevision: revisionAfter('rolling update:'), ordinals: all, minReadyMs: 20_000 });
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/^web-1 started terminating \d+ ms after the new web-2 was Ready, before minReadySeconds \(20 s\)/);
  });
});

describe('recorded run of the web-partition-leftover control (partition 1)', () => {
  const t = load('updates-partition-leftover.jsonl');
  it('fails the rolling update: web-0 is never replaced and currentRevision stays behind', () => {
    const a = action(t, 'rolling update:');
    const to = t.find((e): e is StatefulSetEntry => e.kind === 'statefulset' && e.seq > a.seq && e.currentRevision !== e.updateRevision)!.updateRevision!;
    const v = rollingUpdate(t, { afterSeq: a.seq, toSeq: action(t, 'canary').seq, toRevision: to, ordinals: [0, 1, 2] });
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/^web-0 is still on revision \w+, not the update revision \w+ \(never replaced\); the StatefulSet's currentRevision is \w+/);
    expect(v.replaced.map((r) => r.pod)).toEqual(['web-2', 'web-1']);
  });
});
