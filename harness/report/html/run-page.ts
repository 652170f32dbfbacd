// report.html of an `ordinal run`: the summary line, a table of every check, then per suite its
// pods' timeline with ordinal's actions and faults marked, k6's load over time with the same
// markers, and each failure with its diagnosis, its timeline excerpt and links to what it collected.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { formatMs } from '../../errors.ts';
import { formatMeasurement, runPassed, type CheckResult } from '../results.ts';
import { LoadSvg } from './load-svg.ts';
import { page, Verdict } from './page.ts';
import type { RunReport, SuiteReport } from './read-run.ts';
import { clock } from './svg-parts.ts';
import { StateLegend, TimelineSvg } from './timeline-svg.ts';

function measurementText(c: CheckResult, all = false): string {
  return Object.entries(c.measurements)
    .filter(([k]) => all || !k.includes('.'))
    .slice(0, all ? 50 : 4)
    .map(([k, m]) => formatMeasurement(k, m))
    .join(' ');
}

const anchor = (id: string) => `check-${id.replace(/[^\w-]+/g, '-')}`;
/** the table's cell: the first line, cut at 220 characters (the failure block below has all of it) */
const firstLine = (s: string | undefined) => {
  const l = (s ?? '').split('\n')[0]!;
  return l.length > 220 ? `${l.slice(0, 219)}…` : l;
};
const READ_BACK = /^(lost|read|readBack|acknowledged|acked|produced|\w*Lost|znodes\w*)$/i;

function ChecksTable({ checks }: { checks: CheckResult[] }): VNode {
  return html`<table class="checks">
    <thead><tr><th>verdict</th><th>check</th><th>duration</th><th>measurements</th><th>diagnosis or reason</th></tr></thead>
    <tbody>${checks.map((c) => html`<tr class="check" data-verdict=${c.verdict} data-check=${c.id}>
      <td><${Verdict} v=${c.verdict} /></td>
      <td>${c.verdict === 'failed' || c.verdict === 'blocked' ? html`<a href=${`#${anchor(c.id)}`}><code>${c.id}</code></a>` : html`<code>${c.id}</code>`}<div class="muted">${c.title}</div></td>
      <td class="num">${formatMs(c.durationMs)}</td>
      <td class="meas">${measurementText(c)}</td>
      <td>${firstLine(c.diagnosis ?? c.reason)}</td>
    </tr>`)}</tbody>
  </table>` as VNode;
}

function LoadSection({ s }: { s: SuiteReport }): VNode {
  const faults = s.timeline.markers;
  return html`${s.loads.map(({ file, series }) => html`<h3>k6 load: <code>${file}</code></h3>
    <p>${series.acked} sends acknowledged, ${series.failed} failed; longest interval without an acknowledgement ${formatMs(series.longestGapMs)}${series.longestGapFrom ? ` (from ${clock(series.longestGapFrom)})` : ''}; ${series.bucketMs / 1000} s per point.
    ${series.errors.length ? html`<br /><span class="muted">errors: ${series.errors.join(' | ')}</span>` : ''}</p>
    <${LoadSvg} series=${series} markers=${faults} window=${s.timeline.rows.length || faults.length ? s.timeline : series} label=${file} />`)}` as VNode;
}

function SuiteSection({ s, checks }: { s: SuiteReport; checks: CheckResult[] }): VNode {
  const readBack = checks.flatMap((c) => Object.entries(c.measurements).filter(([k]) => READ_BACK.test(k.split('.').pop()!)).map(([k, m]) => `${c.id} ${k}=${m.value}${m.unit === 'count' ? '' : m.unit}`));
  const counts = ['passed', 'failed', 'not-applicable', 'blocked'].map((v) => [v, checks.filter((c) => c.verdict === v).length] as const).filter(([, n]) => n);
  return html`<section class="suite" data-suite=${s.suite}>
    <h2 id=${`suite-${s.suite}`}>${s.suite} <span class="muted">${counts.map(([v, n]) => `${n} ${v}`).join(', ')}${s.wallMs ? `; ${formatMs(s.wallMs)}` : ''}</span></h2>
    ${s.timeline.rows.length
      ? html`<h3>pods over time <span class="muted">(${s.timelineFiles.map((f) => html`<a href=${f}>${f}</a> `)})</span></h3><${StateLegend} /><${TimelineSvg} model=${s.timeline} suite=${s.suite} />`
      : html`<p class="muted">no pod timeline recorded</p>`}
    ${s.timeline.markers.length ? html`<details open=${s.timeline.markers.length <= 30}><summary>${s.timeline.markers.length} actions of ordinal (${s.timeline.markers.filter((m) => m.fault).length} faults or disruptions)</summary>
      <ol class="markers">${s.timeline.markers.map((m) => html`<li class=${m.fault ? 'fault' : ''}><code>${clock(m.at)}</code> ${m.text}</li>`)}</ol></details>` : ''}
    <${LoadSection} s=${s} />
    ${readBack.length ? html`<p class="meas">read back and loss: ${readBack.join('; ')}</p>` : ''}
  </section>` as VNode;
}

function Failure({ c, files }: { c: CheckResult; files: string[] }): VNode {
  return html`<div class="failure" id=${anchor(c.id)} data-failure=${c.id}>
    <h3><${Verdict} v=${c.verdict} /> <code>${c.id}</code> <span class="muted">${c.title}</span></h3>
    <pre class="diagnosis">${c.diagnosis ?? c.reason ?? ''}</pre>
    ${c.clusterFaults?.length ? html`<p><b>fault of the cluster, not of the StatefulSet:</b> ${c.clusterFaults.join('; ')}</p>` : ''}
    ${c.excerpt ? html`<details open><summary>timeline excerpt</summary><pre>${c.excerpt}</pre></details>` : ''}
    ${Object.keys(c.measurements).length ? html`<p class="meas">${measurementText(c, true)}</p>` : ''}
    ${files.length ? html`<p>collected: ${files.map((f) => html`<a href=${f}>${f.split('/').pop()}</a> `)}</p>` : c.artifacts ? html`<p class="muted">diagnostics: ${c.artifacts}</p>` : ''}
  </div>` as VNode;
}

export function runPage(r: RunReport): string {
  const res = r.results;
  const s = res.summary;
  const ok = runPassed(res);
  const verdict = res.interrupted ? 'INTERRUPTED' : ok ? 'PASS' : 'FAIL';
  const failures = res.checks.filter((c) => c.verdict === 'failed' || c.verdict === 'blocked');
  const body = html`<h1>ordinal run <code>${res.runId}</code>: <span class=${`verdict ${ok ? 'passed' : 'failed'}`}>${verdict}</span></h1>
    <p class="summary" data-summary>${s.total} checks: ${s.passed} passed, ${s.failed} failed, ${s.notApplicable} not applicable, ${s.blocked} blocked${res.errors.length ? `, ${res.errors.length} errors` : ''}</p>
    <p class="muted">Kubernetes ${res.cluster.version ?? '?'}${res.cluster.kind ? ` (kind cluster ${res.cluster.kind})` : ''} at ${res.cluster.server ?? '?'}; ${res.startedAt} – ${res.finishedAt}; suites took ${formatMs(res.wallMs)}, of which ${formatMs(res.clusterWaitMs)} waiting on the cluster${res.clusterPrepMs !== undefined ? `; cluster prepared in ${formatMs(res.clusterPrepMs)}` : ''}.
      Files: <a href="junit_01.xml">junit_01.xml</a> <a href="results.json">results.json</a> <a href="e2e.log">e2e.log</a></p>
    ${res.interrupted ? html`<p><b>interrupted:</b> ${res.interrupted}</p>` : ''}
    ${res.clusterFaults.length ? html`<p><b>the cluster is at fault, not the StatefulSet:</b> ${res.clusterFaults.join('; ')}</p>` : ''}
    ${res.errors.length ? html`<h2>errors outside the checks</h2><pre>${res.errors.join('\n')}</pre>` : ''}
    <h2>checks</h2>
    <${ChecksTable} checks=${res.checks} />
    ${failures.length ? html`<h2>failures</h2>${failures.map((c) => html`<${Failure} c=${c} files=${r.artifacts[c.id] ?? []} />`)}` : ''}
    ${r.suites.map((x) => html`<${SuiteSection} s=${x} checks=${res.checks.filter((c) => c.suite === x.suite)} />`)}` as VNode;
  return page(`ordinal ${verdict}: ${res.runId}`, body);
}
