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
    expect(v.message).toMatch(/^the ensemble had no serving quorum for 13\.0 s from 12:00:00\.0 to 12:00:13\.0 \(bound 10 s, one election\); e\.g\. zk-0=follower, zk-1=unreachable \(connection refused\), zk-2=unreachable \(connection refused\)$/);
  });

  it('fails when the quorum is still lost at the end', () => {
    expect(quorumThroughout(samples('FFL', 'N--'), { size: 3, maxNoQuorumMs: 10_000 }).message).toContain('no serving quorum at the end');
  });
});

describe('samples the API server could not serve', () => {
  const down = (at: number): QuorumSample => ({ at, members: ['zk-0', 'zk-1', 'zk-2'].map((pod) => ({ pod, error: 'Unexpected server response: 403' })) });
  it('an API server restart is unobserved, not a lost quorum; members down while the API answers are', async () => {
    const { apiOutages, splitObserved } = await import('./zookeeper-quorum.ts');
    const probes = [true, true, false, false, true, true, true, true].map((ok, i) => ({ at: T0 + i * 1000, ok }));
    const outages = apiOutages(probes);
    expect(outages).toEqual([{ from: T0 + 2000, to: T0 + 4000 }]);
    const ok = samples('FLF')[0]!;
    const xs = [{ ...ok, at: T0 }, down(T0 + 1500), down(T0 + 3000), { ...ok, at: T0 + 4500 }, down(T0 + 6000), { ...ok, at: T0 + 7000 }];
    const { observed, unobserved } = splitObserved(xs, outages);
    // 1.5 s lasts until 3.0 s and overlaps the outage; 6.0 s is all unreachable with the API answering: the members are down
    expect(unobserved.map((x) => x.at - T0)).toEqual([1500, 3000]);
    expect(observed.map((x) => x.at - T0)).toEqual([0, 4500, 6000, 7000]);
    // one member unreachable during the outage while the others answer: kept
    const partly: QuorumSample = { at: T0 + 3000, members: [m('zk-0', 'leader'), { pod: 'zk-1', error: 'x' }, m('zk-2', 'follower')] };
    expect(splitObserved([partly], outages).observed).toHaveLength(1);
  });

  it('at an outage\'s edge, a sample against the quorum only by unreachable members is unobserved; one with a member not serving is kept', async () => {
    const { apiOutages, quorumThroughout, splitObserved } = await import('./zookeeper-quorum.ts');
    // as recorded in a rehearsal: the sample 1.1 s before the first failed probe reached one follower only
    const probes = [true, false, false, false, true].map((ok, i) => ({ at: T0 + 1100 + i * 10_000, ok }));
    const outages = apiOutages(probes);
    const ok = samples('FLF')[0]!;
    const edge: QuorumSample = { at: T0, members: [{ pod: 'zk-0', error: 'Unexpected server response: 500' }, m('zk-1', 'follower'), { pod: 'zk-2', error: 'Unexpected server response: 500' }] };
    const xs = [{ ...ok, at: T0 - 1000 }, edge, down(T0 + 12_000), down(T0 + 25_000), { ...ok, at: T0 + 41_500 }];
    const { observed, unobserved } = splitObserved(xs, outages);
    expect(unobserved.map((x) => x.at - T0)).toEqual([0, 12_000, 25_000]);
    expect(quorumThroughout(observed, { size: 3, maxNoQuorumMs: 10_000 }).ok).toBe(true);
    // a member that answers "not serving" is ZooKeeper's own word: kept, and the stretch counts
    const looking: QuorumSample = { ...edge, members: [edge.members[0]!, m('zk-1', 'none'), edge.members[2]!] };
    expect(splitObserved([looking], outages).observed).toHaveLength(1);
  });
});

describe('inconclusive samples (a member\'s exec hung past the sample bound)', () => {
  const hung = (pod: string): Member => ({ pod, error: 'no answer within 15 s (the exec hung)', unanswered: true });
  it('are skipped when only hung members stand against the quorum: a 60 s hang is not 60 s without quorum', () => {
    const ok = samples('FLF');
    const xs: QuorumSample[] = [ok[0]!, ...Array.from({ length: 4 }, (_, i) => ({ at: T0 + 15_000 * (i + 1), members: [hung('zk-0'), m('zk-1', 'leader'), hung('zk-2')] })), { ...ok[0]!, at: T0 + 75_000 }];
    const v = quorumThroughout(xs, { size: 3, maxNoQuorumMs: 10_000 });
    expect(v.ok).toBe(true);
    expect(v.inconclusive).toBe(4);
    expect(v.message).toContain('4 samples skipped: the exec path failed');
  });
  it('are kept when a member that answered was not serving, or a member was unreachable for a reason of its own', () => {
    const looking: QuorumSample = { at: T0 + 500, members: [hung('zk-0'), m('zk-1', 'none'), hung('zk-2')] };
    const refused: QuorumSample = { at: T0 + 500, members: [hung('zk-0'), m('zk-1', 'leader'), m('zk-2')] };
    for (const bad of [looking, refused]) {
      const xs = [samples('FLF')[0]!, bad, ...Array.from({ length: 30 }, (_, i) => ({ ...bad, at: T0 + 1000 + i * 500 }))];
      const v = quorumThroughout(xs, { size: 3, maxNoQuorumMs: 10_000 });
      expect(v.ok).toBe(false);
      expect(v.inconclusive).toBe(0);
    }
  });
});
