// What `ordinal gate` prints and writes: a side-by-side table, and the comparison as JUnit XML
// (one testcase per check, a failure per regression) for the CI that runs the gate.
import { xmlEscape } from '../report/junit.ts';
import { formatValue, isRegression, type GateResult, type GateRow } from './compare.ts';

const LABEL: Record<GateRow['change'], string> = {
  same: '',
  regressed: 'REGRESSED',
  'not-applicable-now': 'REGRESSED (now not applicable)',
  missing: 'REGRESSED (missing)',
  slower: 'REGRESSED (slower)',
  improved: 'improved',
  'still-failing': 'still failing',
  new: 'new',
};

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function gateTable(g: GateResult): string {
  const head = ['CHECK', 'BASELINE', 'CANDIDATE', 'CHANGE'];
  const cells = g.rows.map((r) => [r.id, r.baseline ?? '-', r.candidate ?? '-', LABEL[r.change]]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : pad(x, w[i]!))).join('  ').trimEnd();
  const out = [
    `baseline  ${g.baseline.runId}  Kubernetes ${g.baseline.clusterVersion ?? '?'}  ${g.baseline.file}`,
    `candidate ${g.candidate.runId}  Kubernetes ${g.candidate.clusterVersion ?? '?'}  ${g.candidate.file}`,
    '',
    line(head),
  ];
  g.rows.forEach((r, i) => {
    out.push(line(cells[i]!));
    if (r.change !== 'same' && r.summary) out.push(`    ${r.summary}`);
  });
  const n = g.counts;
  out.push('', `${g.rows.length} checks: ${g.regressions.length} regression${g.regressions.length === 1 ? '' : 's'}, ${n.improved} improved, ${n['still-failing']} still failing, ${n.new} new`);
  return out.join('\n');
}

export function gateJunit(g: GateResult): string {
  const cases = g.rows.map((r) => {
    const name = `[ordinal gate] ${r.id}`;
    const head = `    <testcase name="${xmlEscape(name)}" classname="ordinal.gate" time="0">`;
    const body: string[] = [];
    if (isRegression(r.change)) body.push(`      <failure type="Regression" message="${xmlEscape((r.summary ?? r.change).slice(0, 500))}">${xmlEscape(`${r.baseline ?? '-'} → ${r.candidate ?? '-'}: ${r.summary ?? ''}`)}</failure>`);
    const out = [
      `baseline ${r.baseline ?? '-'}, candidate ${r.candidate ?? '-'}${r.summary ? `: ${r.summary}` : ''}`,
      ...r.measurements.map((m) => `${m.name}: ${formatValue(m.baseline, m.unit)} → ${formatValue(m.candidate, m.unit)}${m.tolerance ? ` (${m.tolerance.what}${m.regressed ? ', regressed' : ''})` : ''}`),
    ];
    body.push(`      <system-out>${xmlEscape(out.join('\n'))}</system-out>`);
    return `${head}\n${body.join('\n')}\n    </testcase>`;
  });
  const failures = g.rows.filter((r) => isRegression(r.change)).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ordinal gate" tests="${g.rows.length}" failures="${failures}" errors="0" time="0">`,
    `  <testsuite name="ordinal.gate" tests="${g.rows.length}" failures="${failures}" errors="0" skipped="0" time="0" timestamp="${xmlEscape(g.candidate.startedAt)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
