import { describe, expect, it } from 'vitest';
import { quorumThroughout, type QuorumSample } from './zookeeper-quorum.ts';
import type { Member } from './zookeeper-ensemble.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const m = (pod: string, mode?: string): Member => (mode ? { pod, srvr: { serving: mode !== 'none', mode } as Member['srvr'] } : { pod, error: 'connection refused' });
/** one sample per 500 ms; each string is the modes of zk-0, zk-1, zk-2 (L leader, F follower, - down, N not serving) */
const samples = (...rows: string[]): QuorumSample[] =>
  rows.map((r, i) => ({ at: T0 + i * 500, members: [...r].map((c, j) => m(`zk-${j}`, c === 'L' ? 'leader' : c === 'F' ? 'follower' : c === 'N' ? 'none' : undefined)) }));

describe('quorumThroughout', () => {
  it('passes a rolling update where one follower at a time is down', () => {
    const v = quorumThroughout(samples('FLF', 'FL-', 'FLN', 'FLF', '-LF', 'FLF'), { size: 3, maxNoQuorumMs: 10_000 });
    expect(v.ok, v.message).toBe(true);
    expect(v.longestNoQuorumMs).toBe(0);
    expect(v.leaders).toEqual(['zk-1']);
  });

  it('passes one short election and reports the leaders', () => {
    const v = quorumThroughout(samples('FFL', 'FF-', 'NN-', 'LF-', 'LFF'), { size: 3, maxNoQuorumMs: 10_000 });
    expect(v.ok, v.message).toBe(true);
    expect(v.longestNoQuorumMs).toBe(1500);
    expect(v.leaders).toEqual(['zk-2', 'zk-0']);
  });

  it('fails when two members are down at once for longer than one election', () => {
    const v = quorumThroughout(samples('FFL', 'F--', ...Array(24).fill('N--'), 'FFL'), { size: 3, maxNoQuorumMs: 10_000 });
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/^the ensemble had no serving quorum for 13\.0 s from 12:00:00\.0 to 12:00:13\.0 \(bound 10 s, one election\); e\.g\. zk-0=follower, zk-1=unreachable, zk-2=unreachable$/);
  });

  it('fails when the quorum is still lost at the end', () => {
    expect(quorumThroughout(samples('FFL', 'N--'), { size: 3, maxNoQuorumMs: 10_000 }).message).toContain('no serving quorum at the end');
  });
});

describe('samples the API server could not serve', () => {
  const down = (at: number): QuorumSample => ({ at, members: ['zk-0', 'zk-1', 'zk-2'].map((pod) => ({ pod, error: 'connect ECONNREFUSED 127.0.0.1:39145' })) });
  const podGone = (at: number): QuorumSample => ({ at, members: ['zk-0', 'zk-1', 'zk-2'].map((pod) => ({ pod, error: 'HTTP 404: pods "zk-0" not found' })) });
  it('an API server restart is unobserved, not a lost quorum; members really down are', async () => {
    const { apiDown, unobservedSpans } = await import('./zookeeper-quorum.ts');
    const xs = [...samples('FLF'), down(T0 + 1000), down(T0 + 2000), ...samples('FLF').map((x) => ({ ...x, at: T0 + 3000 })), podGone(T0 + 4000), down(T0 + 5000)];
    expect(xs.map(apiDown)).toEqual([false, true, true, false, false, true]);
    expect(unobservedSpans(xs)).toEqual([{ from: T0 + 1000, to: T0 + 2000 }, { from: T0 + 5000, to: T0 + 5000 }]);
    // one member refused while the others answer: that member is down, the API server is not
    expect(apiDown({ at: T0, members: [m('zk-0', 'leader'), { pod: 'zk-1', error: 'connect ECONNREFUSED 127.0.0.1:39145' }, m('zk-2', 'follower')] })).toBe(false);
  });
});
