// Negative controls: every broken fixture under fixtures/negative runs through the real
// `ordinal run`, which must exit 1 with exactly the intended checks failed, a diagnosis matching
// the fixture's expectation, and no other check failed (a check that cannot fail is a defect).
// A control may name checks that are allowed, not required, to fail as well (mayFail), and checks
// that must be blocked by a fault of the cluster (blocked, blockedReason).
// One control's report.html is also read in headless Chromium, as its reader would see it
// (REPORT_READ): every check listed, a timeline per suite with one row per ordinal, the fault
// markers, the failure's text; the screenshot is saved beside it (report.png).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../harness/config.ts';
import { loadFixture } from '../harness/fixture/fixture.ts';
import { parseJsonl, suiteFiles } from '../harness/report/html/read-run.ts';
import { seeRunReport } from '../harness/testing/browser.ts';
import { assertControl, runControl, type ControlRun } from '../harness/testing/control.ts';

const negDir = path.join(PROJECT_ROOT, 'fixtures/negative');
// an upgrade control needs a cluster still on the first release and a whole upgrade (≈ 12 min)
// each: it is run by hand on a fresh cluster (docs/upgrade.md, "Negative control"), not here
const cases = readdirSync(negDir).sort().flatMap((name) => {
  const f = loadFixture(path.join(negDir, name));
  return f.controls.map((c) => ({ dir: f.dir, name: f.name, description: f.description, control: c, suite: c.suite, fails: c.fails }));
}).filter((c) => c.suite !== 'upgrade');

/** the control whose report is read in Chromium: a suite that scales and deletes pods, and a failure */
const REPORT_READ = 'web-scaled-delete';

async function assertReportReadable({ dir, results, output }: ControlRun): Promise<void> {
  const seen = await seeRunReport(dir);
  const context = `${dir}/report.html\n${output}`;
  expect(seen.requests, context).toEqual([]);
  expect(seen.checks, context).toEqual(results.checks.map((c) => c.id));
  expect(seen.summary, context).toContain(`${results.summary.total} checks: ${results.summary.passed} passed, ${results.summary.failed} failed`);
  for (const suite of new Set(results.checks.map((c) => c.suite))) {
    const files = suiteFiles(readdirSync(path.join(dir, 'timelines')), suite, '.jsonl');
    const pods = [...new Set(files.flatMap((f) => parseJsonl(readFileSync(path.join(dir, 'timelines', f), 'utf8'))).flatMap((e) => (e.kind === 'pod' && e.ordinal >= 0 ? [e.pod] : [])))].sort();
    expect(pods.length, `${suite}: recorded pods\n${context}`).toBeGreaterThan(0);
    expect([...(seen.timelines[suite]?.rows ?? [])].sort(), `${suite}: one timeline row per ordinal\n${context}`).toEqual(pods);
    expect(seen.timelines[suite]!.faults, `${suite}: fault markers\n${context}`).toBeGreaterThan(0);
  }
  for (const c of results.checks.filter((x) => x.verdict === 'failed')) expect(seen.failures[c.id], `${c.id}: failure text\n${context}`).toContain(c.diagnosis!.split('\n')[0]!.slice(0, 120));
  expect(existsSync(seen.screenshot), context).toBe(true);
}

describe('negative controls', () => {
  // two at a time (the controls project's maxConcurrency); those whose suite drains or restarts
  // nodes run alone on the cluster (the suite's session holds its lock exclusively)
  it.concurrent.each(cases)('$name ($description): suite $suite fails $fails and nothing else', async (c) => {
    const r = await runControl(c.name, c.control, c.dir);
    assertControl(c.control, r);
    if (c.name === REPORT_READ) await assertReportReadable(r);
  });
});
