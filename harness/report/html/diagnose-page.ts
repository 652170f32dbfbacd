// report.html of `ordinal diagnose`: per StatefulSet its findings, errors first, each with its
// evidence and its fix.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Diagnosed } from '../../diagnose/report.ts';
import { page, Verdict } from './page.ts';

export function diagnosePage(d: { at: string; server?: string; results: readonly Diagnosed[] }): string {
  const errors = d.results.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'error').length, 0);
  const warnings = d.results.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'warning').length, 0);
  const body = html`<h1>ordinal diagnose: <span class=${`verdict ${errors ? 'failed' : 'passed'}`}>${errors ? 'PROBLEMS FOUND' : 'NO ERRORS'}</span></h1>
    <p class="summary" data-summary>${d.results.length} StatefulSets: ${errors} errors, ${warnings} warnings</p>
    <p class="muted">${d.server ?? ''} at ${d.at}; read-only: nothing was changed</p>
    ${d.results.map((r) => html`<section data-statefulset=${r.statefulSet}>
      <h2><code>${r.statefulSet}</code> <span class="muted">${r.findings.length ? `${r.findings.length} findings` : 'no findings'}</span></h2>
      ${r.findings.length ? html`<table><thead><tr><th>severity</th><th>rule</th><th>object</th><th>what is wrong</th><th>fix</th></tr></thead><tbody>
      ${[...r.findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1)).map((f) => html`<tr class="finding" data-rule=${f.rule}>
        <td><${Verdict} v=${f.severity} /></td><td><code>${f.rule}</code></td><td><code>${f.object}</code></td>
        <td>${f.message}${f.evidence.length ? html`<details><summary>evidence</summary><pre>${f.evidence.join('\n')}</pre></details>` : ''}</td><td>${f.fix}</td>
      </tr>`)}</tbody></table>` : ''}
    </section>`)}` as VNode;
  return page(`ordinal diagnose: ${errors} errors, ${warnings} warnings`, body);
}
