import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResults } from '../report/results.ts';
import { compareRuns, fixtureMismatch, measurementRegressed } from './compare.ts';
import { gateJunit, gateTable } from './report.ts';
import { toleranceFor } from './tolerances.ts';

function check(id: string, verdict: CheckResult['verdict'], measurements: Record<string, number> = {}, extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    suite: id.split('/')[0]!,
    title: id,
    verdict,
    durationMs: 1000,
    clusterWaitMs: 900,
    fixture: 'web',
    measurements: Object.fromEntries(Object.entries(measurements).map(([k, v]) => [k, { value: v, unit: /Ratio$|Rate$/.test(k) ? 'ratio' : /^recoveredBy|Seen$/.test(k) ? 'count' : 'ms' }])),
    notes: [],
    ...extra,
  };
}

function run(checks: CheckResult[], version = 'v1.34.4'): RunResults {
  return {
    schema: 'ordinal.results/v1',
    runId: `r-${version}`,
    startedAt: '2026-12-01T20:00:00.000Z',
    finishedAt: '2026-12-01T20:10:00.000Z',
    wallMs: 600_000,
    clusterWaitMs: 590_000,
    overheadMs: 10_000,
    overheadPercent: 1.7,
    cluster: { kubeconfig: 'k', version },
    summary: { total: checks.length, passed: 0, failed: 0, notApplicable: 0, blocked: 0 },
    checks,
    errors: [],
    clusterFaults: [],
    extras: {},
  };
}

const files = { baseline: 'a/results.json', candidate: 'b/results.json' };

describe('ordinal gate: comparing two runs', () => {
  it('passes on identical runs and on changes within tolerance', () => {
    const base = run([check('ordering/scale-up', 'passed', { scaleUpToReadyMs: 30_000 }), check('kafka/acked', 'passed', { p99Ms: 40 })]);
    const cand = run([check('ordering/scale-up', 'passed', { scaleUpToReadyMs: 40_000 }), check('kafka/acked', 'passed', { p99Ms: 200 })], 'v1.35.4');
    const g = compareRuns(base, cand, files);
    expect(g.regressions).toEqual([]);
    expect(g.passed).toBe(true);
    expect(g.rows.map((r) => r.change)).toEqual(['same', 'same']);
  });

  it('names verdict regressions, checks that became not applicable and checks not run', () => {
    const base = run([check('identity/dns', 'passed'), check('updates/max-unavailable', 'passed'), check('storage/retain', 'passed'), check('ordering/halt', 'failed', {}, { diagnosis: 'old' })]);
    const cand = run([
      check('identity/dns', 'failed', {}, { diagnosis: 'web-1.nginx did not resolve within 30s\nmore' }),
      check('updates/max-unavailable', 'not-applicable', {}, { reason: 'the API server dropped spec.updateStrategy.rollingUpdate.maxUnavailable' }),
      check('ordering/halt', 'failed', {}, { diagnosis: 'still' }),
      check('durability/new', 'passed'),
    ]);
    const g = compareRuns(base, cand, files);
    expect(g.passed).toBe(false);
    expect(g.regressions).toEqual([
      'identity/dns: passed → failed: web-1.nginx did not resolve within 30s',
      'updates/max-unavailable: passed → not applicable: the API server dropped spec.updateStrategy.rollingUpdate.maxUnavailable',
      'storage/retain: passed in the baseline, not run in the candidate',
    ]);
    expect(g.counts['still-failing']).toBe(1);
    expect(g.counts.new).toBe(1);
  });

  it('blocked counts against a check that passed, and an improvement is not a regression', () => {
    const g = compareRuns(run([check('a/x', 'passed'), check('a/y', 'failed')]), run([check('a/x', 'blocked', {}, { reason: 'node not Ready' }), check('a/y', 'passed')]), files);
    expect(g.rows.map((r) => r.change)).toEqual(['regressed', 'improved']);
    expect(g.regressions).toEqual(['a/x: passed → blocked: node not Ready']);
  });

  it('a measurement regresses only beyond both its relative and its absolute slack', () => {
    const t = toleranceFor('leaderElectionMs')!;
    expect(t.what).toBe('leader election');
    expect(measurementRegressed(t, 1000, 3900)).toBe(false); // +2.9 s: under the 3 s absolute slack
    expect(measurementRegressed(t, 10_000, 14_000)).toBe(false); // +4 s: under 50 %
    expect(measurementRegressed(t, 4000, 9000)).toBe(true);
    expect(measurementRegressed(toleranceFor('graceful-leader-loss.ackedRatio')!, 0.999, 0.995)).toBe(false);
    expect(measurementRegressed(toleranceFor('graceful-leader-loss.ackedRatio')!, 0.999, 0.97)).toBe(true);
    expect(toleranceFor('web-2.replacedMs')?.what).toBe('rollout');
    expect(toleranceFor('brokers')).toBeUndefined();
  });

  it('names a slower measurement with both values and the tolerance, only for checks passed in both', () => {
    const base = run([check('zookeeper/leader-failover', 'passed', { leaderElectionMs: 1500, samples: 10 }), check('a/failed', 'failed', { recoveryMs: 1000 })]);
    const cand = run([check('zookeeper/leader-failover', 'passed', { leaderElectionMs: 9000, samples: 30 }), check('a/failed', 'failed', { recoveryMs: 90_000 })]);
    const g = compareRuns(base, cand, files);
    expect(g.regressions).toEqual(['zookeeper/leader-failover: leaderElectionMs 1.5s → 9s (leader election: 50 % and 3s allowed)']);
    expect(g.rows[1]!.change).toBe('still-failing');
  });

  it('a controller that stops recovering by itself from a broken update is a regression', () => {
    const g = compareRuns(run([check('updates/broken-update', 'passed', { recoveredByController: 1 })]), run([check('updates/broken-update', 'passed', { recoveredByController: 0 })]), files);
    expect(g.regressions).toEqual(['updates/broken-update: recoveredByController 1 → 0 (self-recovery: 0.5 allowed)']);
  });

  it('refuses runs of different fixtures, and prefixes ids with the fixture when a run covers several', () => {
    const web = run([check('identity/dns', 'passed')]);
    const zk = run([check('zookeeper/quorum', 'passed', {}, { fixture: 'zookeeper' })]);
    expect(fixtureMismatch(web, zk)).toBe('the runs are of different fixtures: the baseline ran web, the candidate zookeeper');
    const both = run([check('identity/dns', 'passed'), check('zookeeper/quorum', 'passed', {}, { fixture: 'zookeeper' })]);
    expect(fixtureMismatch(both, both)).toBeUndefined();
    expect(compareRuns(both, both, files).rows.map((r) => r.id)).toEqual(['web: identity/dns', 'zookeeper: zookeeper/quorum']);
  });

  it('prints a side-by-side table and JUnit with one failure per regression', () => {
    const g = compareRuns(run([check('a/x', 'passed'), check('a/y', 'passed')]), run([check('a/x', 'failed', {}, { diagnosis: 'broke <here>' }), check('a/y', 'passed')], 'v1.35.4'), files);
    const t = gateTable(g);
    expect(t).toMatch(/^baseline  r-v1\.34\.4  Kubernetes v1\.34\.4/);
    expect(t).toMatch(/\na\/x\s+passed\s+failed\s+REGRESSED\n {4}passed → failed: broke <here>\n/);
    expect(t).toMatch(/2 checks: 1 regression, 0 improved, 0 still failing, 0 new$/);
    const x = gateJunit(g);
    expect(x).toMatch(/<testsuite name="ordinal.gate" tests="2" failures="1"/);
    expect(x).toContain('message="passed → failed: broke &lt;here&gt;"');
    expect(x.match(/<failure /g)).toHaveLength(1);
  });
});

describe('ordinal gate on recorded runs', () => {
  const load = (f: string) => JSON.parse(readFileSync(path.join(import.meta.dirname, 'testdata', f), 'utf8')) as RunResults;
  // a healthy kafka suite run, and the kafka-tcp-readiness control's run (brokers Ready on an open port)
  const healthy = load('kafka.results.json');
  const control = load('kafka-tcp-readiness.results.json');

  it('a run against itself: no regression', () => {
    const g = compareRuns(healthy, healthy, files);
    expect(g.passed).toBe(true);
    expect(g.counts.same).toBe(healthy.checks.length);
  });

  it('refuses to compare a run with the control: different fixtures', () => {
    expect(fixtureMismatch(healthy, control)).toBe('the runs are of different fixtures: the baseline ran kafka, the candidate kafka-tcp-readiness');
  });

  it("names the regression when the candidate's write availability is the control's", () => {
    const bad = control.checks.find((c) => c.id === 'kafka/write-availability')!;
    const cand: RunResults = { ...healthy, checks: healthy.checks.map((c) => (c.id === bad.id ? { ...bad, fixture: c.fixture } : c)) };
    const g = compareRuns(healthy, cand, files);
    expect(g.regressions).toHaveLength(1);
    expect(g.regressions[0]).toMatch(/^kafka\/write-availability: passed → failed: StatefulSet \S+, topic \S+ \(acks=all\): rolling restart: 1369\/1494 acknowledged \(91\.6 %\)/);
  });

  it('a slower leader failover beyond its tolerance is named with both values', () => {
    const slower: RunResults = { ...healthy, checks: healthy.checks.map((c) => (c.id === 'kafka/acked-messages-kept' ? { ...c, measurements: { ...c.measurements, p99Ms: { value: (c.measurements.p99Ms?.value ?? 0) * 3 + 1000, unit: 'ms' } } } : c)) };
    const g = compareRuns(healthy, slower, files);
    expect(g.regressions).toEqual([expect.stringMatching(/^kafka\/acked-messages-kept: p99Ms \S+ → \S+ \(p99 produce latency: 100 % and 250ms allowed\)$/)]);
  });
});
