// JUnit XML in the layout Sonobuoy and Hydrophone produce for e2e runs (junit_01.xml): one
// <testsuite> per ordinal suite, one <testcase> per check; failures carry the diagnosis, not
// applicable and blocked checks are <skipped> with their reason, measurements go to system-out.
import type { CheckResult, RunResults } from './results.ts';

export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function testcase(c: CheckResult): string {
  const name = `[ordinal] ${c.suite}: ${c.title} [${c.id}]`;
  const head = `    <testcase name="${xmlEscape(name)}" classname="ordinal.${xmlEscape(c.suite)}" time="${secs(c.durationMs)}">`;
  const body: string[] = [];
  if (c.verdict === 'failed') {
    const text = [c.diagnosis ?? 'failed', c.excerpt ? `\ntimeline:\n${c.excerpt}` : '', c.artifacts ? `\ndiagnostics: ${c.artifacts}` : ''].join('');
    body.push(`      <failure type="Failure" message="${xmlEscape((c.diagnosis ?? 'failed').split('\n')[0]!.slice(0, 500))}">${xmlEscape(text)}</failure>`);
  } else if (c.verdict === 'not-applicable' || c.verdict === 'blocked') {
    body.push(`      <skipped message="${xmlEscape(`${c.verdict}: ${c.reason ?? ''}`)}"/>`);
  }
  const out = [
    ...Object.entries(c.measurements).map(([k, m]) => `${k}=${m.value}${m.unit === 'count' ? '' : m.unit}`),
    ...c.notes,
  ];
  if (out.length) body.push(`      <system-out>${xmlEscape(out.join('\n'))}</system-out>`);
  return body.length ? `${head}\n${body.join('\n')}\n    </testcase>` : `${head}</testcase>`;
}

export function junitXml(r: RunResults): string {
  const suites = [...new Set(r.checks.map((c) => c.suite))];
  const parts = suites.map((s) => {
    const cs = r.checks.filter((c) => c.suite === s);
    const failures = cs.filter((c) => c.verdict === 'failed').length;
    const skipped = cs.filter((c) => c.verdict === 'not-applicable' || c.verdict === 'blocked').length;
    const time = cs.reduce((a, c) => a + c.durationMs, 0);
    return [
      `  <testsuite name="ordinal.${xmlEscape(s)}" tests="${cs.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${secs(time)}" timestamp="${r.startedAt}">`,
      ...cs.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  const errors = r.errors.length
    ? [`  <testsuite name="ordinal.run" tests="${r.errors.length}" failures="0" errors="${r.errors.length}" skipped="0" time="0">`, ...r.errors.map((e, i) => `    <testcase name="run error ${i + 1}" classname="ordinal.run" time="0">\n      <error message="${xmlEscape(e.split('\n')[0]!.slice(0, 500))}">${xmlEscape(e)}</error>\n    </testcase>`), '  </testsuite>']
    : [];
  const { total, failed } = r.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ordinal" tests="${total + r.errors.length}" failures="${failed}" errors="${r.errors.length}" time="${secs(r.wallMs)}">`,
    ...parts,
    ...errors,
    '</testsuites>',
    '',
  ].join('\n');
}
