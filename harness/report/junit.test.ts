import { describe, expect, it } from 'vitest';
import { junitXml, xmlEscape } from './junit.ts';
import { checkResult, runPassed, summarize, timeAccounting, type RunResults } from './results.ts';

function run(checks: RunResults['checks'], errors: string[] = []): RunResults {
  return { schema: 'ordinal.results/v1', runId: 'r1', startedAt: '2026-11-22T12:00:00.000Z', finishedAt: '2026-11-22T12:01:00.000Z', ...timeAccounting(60_000, 54_000), cluster: { kubeconfig: 'k' }, summary: summarize(checks), checks, errors, clusterFaults: [], extras: {} };
}

const base = { suite: 'ordering', fixture: 'web', durationMs: 1200, clusterWaitMs: 1100, measurements: {}, notes: [] };

describe('junitXml', () => {
  it('writes failures with the diagnosis and the timeline excerpt', () => {
    const xml = junitXml(run([{ ...base, id: 'ordering/creation-order', title: 'creates pods in order', verdict: 'failed', diagnosis: 'web-1 was created at 12:00:03.1 while web-0 was not Ready until 12:00:05.8', excerpt: '12:00:03.1  #4  ADDED web-1' }]));
    expect(xml).toContain('<testsuite name="ordinal.ordering" tests="1" failures="1"');
    expect(xml).toContain('<failure type="Failure" message="web-1 was created at 12:00:03.1 while web-0 was not Ready until 12:00:05.8">');
    expect(xml).toContain('timeline:\n12:00:03.1  #4  ADDED web-1');
  });

  it('reports not-applicable and blocked checks as skipped with the reason', () => {
    const xml = junitXml(run([
      { ...base, id: 'ordering/scale-up-order', title: 'scale-up', verdict: 'not-applicable', reason: 'podManagementPolicy is Parallel' },
      { ...base, id: 'ordering/halt', title: 'halt', verdict: 'blocked', reason: 'needs ordering/scale-down-order (failed)' },
    ]));
    expect(xml).toContain('skipped="2"');
    expect(xml).toContain('<skipped message="not-applicable: podManagementPolicy is Parallel"/>');
    expect(xml).toContain('<skipped message="blocked: needs ordering/scale-down-order (failed)"/>');
  });

  it('puts measurements in system-out and escapes XML', () => {
    const xml = junitXml(run([{ ...base, id: 'identity/dns', title: 'a <b> & "c"', verdict: 'passed', measurements: { dnsFollowMs: { value: 830, unit: 'ms' } } }]));
    expect(xml).toContain('name="[ordinal] ordering: a &lt;b&gt; &amp; &quot;c&quot; [identity/dns]"');
    expect(xml).toContain('<system-out>dnsFollowMs=830ms</system-out>');
    expect(xmlEscape('\u0001x')).toBe('x');
  });

  it('adds run errors as an errored testsuite', () => {
    const xml = junitXml(run([], ['suite storage could not start: timeout']));
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('<error message="suite storage could not start: timeout">');
  });
});

describe('results', () => {
  it('derives verdicts when a check has no metadata (its setup failed)', () => {
    const r = checkResult('t', undefined, { state: 'failed', durationMs: 5, error: 'StatefulSet x: expected 2 pods Ready within 6m', suite: 'storage' });
    expect(r.verdict).toBe('failed');
    expect(r.diagnosis).toContain('expected 2 pods Ready');
  });

  it('reports a check the interrupt cut off as blocked, not failed, and an interrupted run as not passed', () => {
    const r = checkResult('t', undefined, { state: 'failed', durationMs: 5, error: 'Worker exited unexpectedly', suite: 'ordering', interrupted: 'not finished: interrupted by SIGINT' });
    expect(r.verdict).toBe('blocked');
    expect(r.reason).toBe('not finished: interrupted by SIGINT');
    expect(r.diagnosis).toBeUndefined();
    const done = checkResult('t', undefined, { state: 'passed', durationMs: 5, suite: 'ordering', interrupted: 'not finished: interrupted by SIGINT' });
    expect(done.verdict).toBe('passed');
    const ok = [{ ...base, id: 'a', title: 'a', verdict: 'passed' as const }];
    expect(runPassed({ ...run(ok), interrupted: 'interrupted by SIGINT' })).toBe(false);
    // started (metadata written) but cut off: blocked when interrupted, failed with vitest's error otherwise
    const started = { id: 'ordering/scale-up-order', suite: 'ordering' as const, verdict: 'passed' as const, measurements: {}, notes: [], clusterWaitMs: 0, fixture: 'web' };
    expect(checkResult('t', started, { state: 'passed', durationMs: 0, suite: 'ordering', interrupted: 'not finished: interrupted by SIGTERM' }).verdict).toBe('blocked');
    const backstop = checkResult('t', started, { state: 'failed', durationMs: 9, suite: 'ordering', error: 'Test timed out in 90000ms.' });
    expect([backstop.verdict, backstop.diagnosis]).toEqual(['failed', 'Test timed out in 90000ms.']);
    expect(checkResult('t', { ...started, finished: true }, { state: 'passed', durationMs: 9, suite: 'ordering', interrupted: 'x' }).verdict).toBe('passed');
  });

  it('passes a run only when every applicable check passed', () => {
    const ok = [{ ...base, id: 'a', title: 'a', verdict: 'passed' as const }, { ...base, id: 'b', title: 'b', verdict: 'not-applicable' as const }];
    expect(runPassed(run(ok))).toBe(true);
    expect(runPassed(run([...ok, { ...base, id: 'c', title: 'c', verdict: 'blocked' as const }]))).toBe(false);
    expect(runPassed(run(ok, ['boom']))).toBe(false);
    expect(runPassed(run([]))).toBe(false);
  });

  it('accounts overhead as wall time minus cluster wait', () => {
    expect(timeAccounting(60_000, 54_000)).toEqual({ wallMs: 60000, clusterWaitMs: 54000, overheadMs: 6000, overheadPercent: 10 });
    expect(timeAccounting(1000, 5000).overheadMs).toBe(0);
  });
});
