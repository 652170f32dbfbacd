// `ordinal gate BASELINE CANDIDATE`: is the candidate run worse than the baseline? (harness/gate)
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { ensureWritableDir } from '../report/report-dir.ts';
import { newRunId } from '../run/runner.ts';
import { PROJECT_ROOT } from '../config.ts';
import { compareRuns, fixtureMismatch } from '../gate/compare.ts';
import { readResults } from '../gate/results-file.ts';
import { gateJunit, gateTable } from '../gate/report.ts';
import { gatePage } from '../report/html/gate-page.ts';
import { writeHtml } from '../report/html/write.ts';
import { parse } from './args.ts';

const USAGE = `ordinal gate BASELINE CANDIDATE [--report-dir DIR]

Compares two runs' results.json (or their report folders), check by check: before and after an
upgrade, vendor A and vendor B, yesterday and today. A regression is a verdict that got worse
(→ failed, passed → blocked), a check that passed and became not applicable or was not run, or a
measurement of a check that passed in both that got worse by more than its tolerance (leader
election, DNS follow, rollout, recovery, p99 produce latency, write availability: the table in
harness/gate/tolerances.ts, relative and absolute slack both). Prints a side-by-side table, writes
junit_01.xml, gate.json and report.html, and exits 1 on a regression, 0 otherwise.

  --report-dir DIR   where to write junit_01.xml, gate.json and report.html (default: reports/gate-<id>)`;

export async function gateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'report-dir': { type: 'string' } }, 'ordinal gate --help');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 2) throw new InputError(`gate compares two runs, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`, 'run `ordinal gate BASELINE CANDIDATE` with two results.json files or report folders');
  const baseline = readResults(positionals[0]!, 'baseline');
  const candidate = readResults(positionals[1]!, 'candidate');
  const mismatch = fixtureMismatch(baseline.results, candidate.results);
  if (mismatch) throw new InputError(mismatch, 'gate two runs of the same fixtures (the same --fixture, or both with the built-in ones)');
  const dir = await ensureWritableDir(values['report-dir'] ?? path.join(PROJECT_ROOT, 'reports', `gate-${newRunId()}`), 'report folder');
  const g = compareRuns(baseline.results, candidate.results, { baseline: baseline.file, candidate: candidate.file });
  console.log(gateTable(g));
  await writeFile(path.join(dir, 'gate.json'), JSON.stringify(g, (k, v) => (v instanceof RegExp ? String(v) : v), 2) + '\n');
  await writeFile(path.join(dir, 'junit_01.xml'), gateJunit(g));
  await writeHtml(dir, gatePage(g));
  console.error(g.passed ? `gate passed: no regression (${dir})` : `gate failed: ${g.regressions.length} regression${g.regressions.length === 1 ? '' : 's'}:\n${g.regressions.map((r) => `  ${r}`).join('\n')}\n(${dir})`);
  return g.passed ? 0 : 1;
}
