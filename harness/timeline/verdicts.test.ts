import { describe, expect, it } from 'vitest';
import { haltedWhileUnready, orderedCreation, orderedTermination } from './verdicts.ts';
import { lifecycles } from './model.ts';
import { timeline } from './testing.ts';

describe('orderedCreation', () => {
  it('passes when each pod is created after its predecessor is Running and Ready', () => {
    const t = timeline('web', [{ add: 'web-0' }, { run: 'web-0' }, { ready: 'web-0' }, { add: 'web-1' }, { ready: 'web-1' }]);
    const v = orderedCreation(t);
    expect(v.ok).toBe(true);
    expect(v.message).toContain('web-0, web-1');
  });

  it('fails, naming both pods and times, when a pod is created before its predecessor is Ready', () => {
    const t = timeline('web', [{ add: 'web-0' }, { add: 'web-1' }, { ready: 'web-0' }, { ready: 'web-1' }]);
    const v = orderedCreation(t);
    expect(v.ok).toBe(false);
    expect(v.message).toBe('web-1 was created at 12:00:00.7 while web-0 was not Running and Ready until 12:00:01.4');
    expect(v.excerpt).toContain('ADDED    web-1');
  });

  it('fails when a pod is created while its predecessor does not exist', () => {
    const t = timeline('web', [{ add: 'web-0' }, { ready: 'web-0' }, { add: 'web-2' }]);
    expect(orderedCreation(t).message).toContain('web-2 was created at 12:00:01.4 while pod ordinal 1 did not exist');
  });

  it('only judges pods created after the given action', () => {
    const t = timeline('web', [{ add: 'web-0' }, { add: 'web-1' }, { ready: 'web-0' }, { ready: 'web-1' }, { action: 'scale to 3' }, { add: 'web-2' }]);
    const v = orderedCreation(t, { afterSeq: 5 });
    expect(v.ok).toBe(true);
    expect(v.message).toContain('web-2');
  });

  it('fails when the predecessor was Ready once but had become unready', () => {
    const t = timeline('web', [{ add: 'web-0' }, { ready: 'web-0' }, { add: 'web-1' }, { ready: 'web-1' }, { unready: 'web-1' }, { add: 'web-2' }, { ready: 'web-1' }]);
    const v = orderedCreation(t);
    expect(v.ok).toBe(false);
    expect(v.message).toContain('web-2 was created at 12:00:03.5 while web-1 was not Ready until 12:00:04.2');
  });
});

describe('orderedTermination', () => {
  const ready3 = [{ add: 'web-0' }, { ready: 'web-0' }, { add: 'web-1' }, { ready: 'web-1' }, { add: 'web-2' }, { ready: 'web-2' }, { action: 'scale to 1' }] as const;

  it('passes when pods terminate from the top, each gone before the next', () => {
    const t = timeline('web', [...ready3, { terminate: 'web-2' }, { gone: 'web-2' }, { terminate: 'web-1' }, { gone: 'web-1' }]);
    const v = orderedTermination(t, { afterSeq: 7 });
    expect(v.ok).toBe(true);
    expect(v.message).toContain('web-2, web-1');
  });

  it('fails when the next pod starts terminating before the previous is gone', () => {
    const t = timeline('web', [...ready3, { terminate: 'web-2' }, { terminate: 'web-1' }, { gone: 'web-2' }, { gone: 'web-1' }]);
    const v = orderedTermination(t, { afterSeq: 7 });
    expect(v.ok).toBe(false);
    expect(v.message).toContain('web-1 started terminating at 12:00:05.6 while web-2 was not gone until 12:00:06.3');
  });

  it('fails when a lower ordinal terminates first', () => {
    const t = timeline('web', [...ready3, { terminate: 'web-1' }, { gone: 'web-1' }, { terminate: 'web-2' }, { gone: 'web-2' }]);
    expect(orderedTermination(t, { afterSeq: 7 }).message).toContain('web-2 started terminating after web-1');
  });
});

describe('haltedWhileUnready', () => {
  it('fails when a higher ordinal is created inside the unready window', () => {
    const t = timeline('web', [{ add: 'web-0' }, { ready: 'web-0' }, { add: 'web-1' }, { ready: 'web-1' }, { unready: 'web-1' }, { action: 'scale to 3' }, { add: 'web-2' }, { ready: 'web-1' }]);
    const v = haltedWhileUnready(t, { fromSeq: 6, toSeq: 8, unreadyPod: 'web-1', unreadyOrdinal: 1 });
    expect(v.ok).toBe(false);
    expect(v.message).toBe('web-2 was created at 12:00:04.2 while web-1 was not Ready');
  });

  it('passes when nothing above the unready pod is created in the window', () => {
    const t = timeline('web', [{ add: 'web-0' }, { ready: 'web-0' }, { add: 'web-1' }, { ready: 'web-1' }, { unready: 'web-1' }, { action: 'scale to 3' }, { ready: 'web-1' }, { add: 'web-2' }]);
    expect(haltedWhileUnready(t, { fromSeq: 6, toSeq: 7, unreadyPod: 'web-1', unreadyOrdinal: 1 }).ok).toBe(true);
  });
});

describe('lifecycles', () => {
  it('separates incarnations of the same pod name by UID', () => {
    const t = timeline('web', [{ add: 'web-0', uid: 'a' }, { ready: 'web-0' }, { terminate: 'web-0' }, { gone: 'web-0' }, { add: 'web-0', uid: 'b' }, { ready: 'web-0' }]);
    const ls = lifecycles(t);
    expect(ls.map((l) => [l.uid, !!l.gone, !!l.ready])).toEqual([['a', true, true], ['b', false, true]]);
  });
});
