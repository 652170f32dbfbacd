// What `ordinal diagnose` prints and writes: one line per finding; findings.json; and junit_01.xml
// with one testcase per rule and StatefulSet (failed on an error finding, warnings as its output).
import { xmlEscape } from '../report/junit.ts';
import { RULES, type Finding } from './statefulset-rules.ts';

export interface Diagnosed {
  /** namespace/name */
  statefulSet: string;
  findings: Finding[];
}

export function findingLine(f: Finding): string {
  return `${f.severity === 'error' ? 'ERROR  ' : 'warning'} ${f.object}  ${f.rule}: ${f.message} — fix: ${f.fix}`;
}

export function diagnoseJunit(results: readonly Diagnosed[]): string {
  const cases: string[] = [];
  let failures = 0;
  for (const r of results) {
    for (const rule of RULES) {
      const fs = r.findings.filter((f) => f.rule === rule);
      const errors = fs.filter((f) => f.severity === 'error');
      failures += errors.length ? 1 : 0;
      const body = [
        ...errors.map((f) => `<failure type="${rule}" message="${xmlEscape(`${f.object}: ${f.message}`)}">${xmlEscape([`${f.object}: ${f.message}`, ...f.evidence.map((e) => `  evidence: ${e}`), `  fix: ${f.fix}`].join('\n'))}</failure>`),
        ...(fs.length > errors.length ? [`<system-out>${xmlEscape(fs.filter((f) => f.severity === 'warning').map(findingLine).join('\n'))}</system-out>`] : []),
      ];
      cases.push(`    <testcase name="[ordinal diagnose] ${xmlEscape(r.statefulSet)}: ${rule}" classname="ordinal.diagnose">${body.length ? `\n      ${body.join('\n      ')}\n    ` : ''}</testcase>`);
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ordinal diagnose" tests="${cases.length}" failures="${failures}">\n  <testsuite name="ordinal.diagnose" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
