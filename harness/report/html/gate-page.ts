// report.html of `ordinal gate`: the two runs, the verdict, and the side-by-side table with every
// gated measurement (baseline → candidate, its tolerance), regressions first in colour.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { formatValue, isRegression, type GateResult } from '../../gate/compare.ts';
import { page, Verdict } from './page.ts';

export function gatePage(g: GateResult): string {
  const run = (role: string, r: GateResult['baseline']) => html`<tr><th>${role}</th><td><code>${r.runId}</code></td><td>Kubernetes ${r.clusterVersion ?? '?'}</td><td>${r.startedAt}</td><td><code>${r.file}</code></td></tr>`;
  const body = html`<h1>ordinal gate: <span class=${`verdict ${g.passed ? 'passed' : 'failed'}`}>${g.passed ? 'PASS' : 'REGRESSION'}</span></h1>
    <p class="summary" data-summary>${g.rows.length} checks: ${g.regressions.length} regression${g.regressions.length === 1 ? '' : 's'}, ${g.counts.improved} improved, ${g.counts['still-failing']} still failing, ${g.counts.new} new</p>
    <table>${run('baseline', g.baseline)}${run('candidate', g.candidate)}</table>
    ${g.regressions.length ? html`<h2>regressions</h2><ul>${g.regressions.map((r) => html`<li class="regression">${r}</li>`)}</ul>` : ''}
    <h2>side by side</h2>
    <table class="checks"><thead><tr><th>check</th><th>baseline</th><th>candidate</th><th>change</th><th>measurements (baseline → candidate)</th></tr></thead>
    <tbody>${g.rows.map((r) => html`<tr class="check" data-change=${r.change} data-check=${r.id}>
      <td><code>${r.id}</code><div class="muted">${r.title}</div></td>
      <td>${r.baseline ? html`<${Verdict} v=${r.baseline} />` : '-'}</td>
      <td>${r.candidate ? html`<${Verdict} v=${r.candidate} />` : '-'}</td>
      <td>${r.change === 'same' ? '' : html`<span class=${`verdict ${r.change}`}>${r.change}</span>`}${r.summary && r.change !== 'same' ? html`<div>${r.summary}</div>` : ''}</td>
      <td class="meas">${r.measurements.map((m) => html`<div class=${m.regressed ? 'failed-text' : ''}>${m.regressed ? '✗ ' : ''}${m.name}: ${formatValue(m.baseline, m.unit)} → ${formatValue(m.candidate, m.unit)}${m.tolerance ? html` <span class="muted">(${m.tolerance.what})</span>` : ''}</div>`)}</td>
    </tr>`)}</tbody></table>` as VNode;
  return page(`ordinal gate ${g.passed ? 'PASS' : 'REGRESSION'}: ${g.baseline.runId} → ${g.candidate.runId}`, body);
}
