import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../report/results.ts';
import { PROMISES, formatSideBySide, parseGinkgoReport, sideBySide } from './e2e-promises.ts';

// e2e.test v1.34.4's --ginkgo.json-report of the 8 StatefulSet [Conformance] specs on ordinal's
// kind cluster (2026-12-03), trimmed to the spec fields and two of the 7136 skipped specs
const report = JSON.parse(readFileSync(new URL('./testdata/ginkgo-report-v1.34.4.json', import.meta.url), 'utf8'));

const check = (id: string, durationMs: number, verdict: CheckResult['verdict'] = 'passed'): CheckResult =>
  ({ id, suite: id.split('/')[0]!, title: id, verdict, durationMs, clusterWaitMs: 0, fixture: 'web', measurements: {}, notes: [] }) as CheckResult;

const ALL = [...new Set(PROMISES.flatMap((p) => p.checks))].map((id, i) => check(id, 5000 + i * 1000));

describe('parseGinkgoReport', () => {
  it('reads the leaf specs with their state and run time, setup nodes left out', () => {
    const specs = parseGinkgoReport(report);
    const ran = specs.filter((s) => s.state !== 'skipped');
    expect(ran).toHaveLength(8);
    expect(specs.filter((s) => s.state === 'skipped')).toHaveLength(2);
    expect(ran.find((s) => s.name.startsWith('should perform rolling updates'))).toEqual({
      name: 'should perform rolling updates and roll backs of template modifications [Conformance]',
      state: 'passed',
      ms: 80831,
    });
  });

  it('refuses what is not a Ginkgo report', () => {
    expect(() => parseGinkgoReport({ checks: [] })).toThrow(/not a Ginkgo JSON report/);
  });
});

describe('sideBySide', () => {
  const specs = parseGinkgoReport(report).filter((s) => s.state !== 'skipped');

  it('has a row for every upstream spec, and every spec of the recorded run has its promise', () => {
    const rows = sideBySide(specs, ALL);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.e2e?.state === 'passed')).toBe(true);
  });

  it("gives the ratio of the spec's time to the sum of ordinal's checks for it", () => {
    const rows = sideBySide(specs, [check('updates/rolling-update', 20_000), check('updates/rollback', 20_331)]);
    const rolling = rows.find((r) => r.promise.label === 'rolling update and roll back')!;
    expect(rolling.ratio).toBeCloseTo(80831 / 40331, 5);
  });

  it('gives no ratio when a side failed or did not run, or ordinal has no check for it', () => {
    const failed = sideBySide(specs, [check('updates/rolling-update', 20_000, 'failed'), check('updates/rollback', 20_000)]);
    expect(failed.find((r) => r.promise.label === 'rolling update and roll back')!.ratio).toBeUndefined();
    const missing = sideBySide(specs, [check('updates/rolling-update', 20_000)]);
    expect(missing.find((r) => r.promise.label === 'rolling update and roll back')!.ratio).toBeUndefined();
    const e2eFailed = sideBySide(specs.map((s) => ({ ...s, state: 'failed' })), ALL);
    expect(e2eFailed.every((r) => r.ratio === undefined)).toBe(true);
    expect(sideBySide(specs, ALL).find((r) => r.promise.label === 'burst (Parallel) scaling')!.ratio).toBeUndefined();
  });
});

describe('formatSideBySide', () => {
  const specs = parseGinkgoReport(report).filter((s) => s.state !== 'skipped');
  const text = formatSideBySide(sideBySide(specs, ALL), { e2eMs: 360_419, ordinalMs: 200_000, ordinalChecks: 19 });

  it('prints each promise both check with both times and the ratio, and the upstream-only ones apart', () => {
    expect(text).toMatch(/rolling update and roll back\s+1m21s passed\s+\S+ passed \(2 checks\)\s+\d+\.\d×/);
    expect(text).toMatch(/these 5 together\s+4m17s\s+\S+ \(9 distinct checks\)\s+\d+\.\d×/);
    expect(text).toMatch(/checked by the upstream specs only:\n {2}burst \(Parallel\) scaling: 1m1s passed/);
    expect(text).toMatch(/whole runs: e2e.test 6m \(8 specs and its suite setup\); ordinal 3m20s/);
  });

  it("names a failed check of ordinal's instead of a ratio", () => {
    const t = formatSideBySide(sideBySide(specs, ALL.map((c) => (c.id === 'updates/partition' ? { ...c, verdict: 'failed' as const } : c))), { e2eMs: 1, ordinalMs: 1, ordinalChecks: 19 });
    expect(t).toMatch(/canary and phased update \(partition\)\s+1m10s passed\s+\S+ updates\/partition failed \(1 check\)\s+—/);
  });
});
