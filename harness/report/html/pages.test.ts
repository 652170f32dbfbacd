import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../gate/compare.ts';
import { diagnose, type DiagnoseSnapshot } from '../../diagnose/statefulset-rules.ts';
import type { RunResults } from '../results.ts';
import { diagnosePage } from './diagnose-page.ts';
import { gatePage } from './gate-page.ts';

const testdata = (dir: string, name: string) => readFileSync(path.join(import.meta.dirname, '../..', dir, 'testdata', name), 'utf8');

describe('report.html of a gate and of a diagnosis', () => {
  it('the gate: every row, the regression named and marked', () => {
    const base = JSON.parse(testdata('gate', 'kafka.results.json')) as RunResults;
    const cand = structuredClone(base);
    cand.checks[2]!.verdict = 'failed';
    cand.checks[2]!.diagnosis = 'a <b>broker</b> advertised 10.244.1.7';
    const g = compareRuns(base, cand, { baseline: 'a/results.json', candidate: 'b/results.json' });
    const html = gatePage(g);
    for (const r of g.rows) expect(html).toContain(`data-check="${r.id}"`);
    expect(html).toContain(`data-change="regressed" data-check="${cand.checks[2]!.id}"`);
    expect(html).toContain('REGRESSION');
    expect(html).not.toContain('<b>broker');
  });

  it('the diagnosis: each StatefulSet with its findings, their evidence and fix', () => {
    const s = JSON.parse(testdata('diagnose', 'web-never-ready.json')) as DiagnoseSnapshot;
    const findings = diagnose(s, { stuckMs: 60_000 });
    expect(findings.length).toBeGreaterThan(0);
    const html = diagnosePage({ at: '2026-12-03T00:00:00Z', results: [{ statefulSet: `${s.namespace}/web`, findings }] });
    expect(html).toContain(`data-statefulset="${s.namespace}/web"`);
    for (const f of findings) expect(html).toContain(`data-rule="${f.rule}"`);
    expect(html).toContain('PROBLEMS FOUND');
  });
});
