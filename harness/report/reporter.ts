// ordinal's vitest reporter: one line per check as it finishes, then reports/<run>/junit_01.xml and
// results.json. Used by `ordinal run`.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import { formatMs } from '../errors.ts';
import { interruption } from '../lifecycle.ts';
import { dim, green, red, yellow } from '../log.ts';
import { junitXml } from './junit.ts';
import { writeRunReport } from './html/write.ts';
import type { E2eLog } from './e2e-log.ts';
import type {} from '../suite/run-context.ts';
import { checkResult, clusterFaultsOf, formatMeasurement, runPassed, summarize, timeAccounting, type CheckResult, type RunResults } from './results.ts';

export interface ReporterOptions {
  runId: string;
  runDir: string;
  cluster: RunResults['cluster'];
  clusterPrepMs?: number;
  /** called with the final results */
  onResults?: (r: RunResults) => void;
  /** print one line per check (default true) */
  print?: boolean;
  /** also write the conformance image's e2e.log (`ordinal run --e2e-log`) */
  e2eLog?: E2eLog;
}

const suiteOf = (t: TestCase) => path.basename(path.dirname(t.module.moduleId));

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

export function formatCheckLine(c: CheckResult): string {
  const t = dim(formatMs(c.durationMs).padStart(6));
  const key = Object.entries(c.measurements).filter(([k]) => !k.includes('.')).slice(0, 3).map(([k, m]) => formatMeasurement(k, m)).join(' ');
  switch (c.verdict) {
    case 'passed':
      return `${green('✓ pass   ')} ${c.id.padEnd(38)} ${t}  ${dim(key)}`;
    case 'failed':
      return `${red('✗ FAIL   ')} ${c.id.padEnd(38)} ${t}\n      ${red((c.diagnosis ?? '').split('\n')[0]!)}${c.artifacts ? `\n      ${dim(`diagnostics: ${c.artifacts}`)}` : ''}`;
    case 'not-applicable':
      return `${yellow('– n/a    ')} ${c.id.padEnd(38)} ${t}  ${dim(c.reason ?? '')}`;
    default:
      return `${yellow('↷ blocked')} ${c.id.padEnd(38)} ${t}  ${dim(c.reason ?? '')}`;
  }
}

/** With suites side by side: the longest suite and the run's wall time against it. */
export function longestLine(r: Pick<RunResults, 'wallMs' | 'suiteWallMs'>): string {
  const times = Object.entries(r.suiteWallMs ?? {});
  const sum = times.reduce((a, [, ms]) => a + ms, 0);
  if (times.length < 2 || sum <= r.wallMs * 1.05) return '';
  const [suite, ms] = times.reduce((a, b) => (b[1] > a[1] ? b : a));
  return `      suites side by side: ${formatMs(sum)} of suites in ${formatMs(r.wallMs)}; the longest, ${suite}, ${formatMs(ms)} (wall ${(r.wallMs / ms).toFixed(2)}× it)\n`;
}

export class OrdinalReporter implements Reporter {
  private started = performance.now();
  private startedAt = new Date().toISOString();

  constructor(private opts: ReporterOptions) {}

  onTestRunStart(): void {
    this.started = performance.now();
    this.startedAt = new Date().toISOString();
  }

  private toResult(t: TestCase): CheckResult {
    const r = t.result();
    const d = t.diagnostic();
    const error = r.state === 'failed' ? r.errors.map((e) => e.message).join('\n') : undefined;
    const by = interruption();
    return checkResult(t.name, t.meta().ordinal, { state: r.state, durationMs: d?.duration ?? 0, error, suite: suiteOf(t), interrupted: by && `not finished: ${by}` });
  }

  onTestCaseResult(t: TestCase): void {
    const c = this.toResult(t);
    const line = `${dim(clock())} | ${c.suite.padEnd(10)} | ${formatCheckLine(c)}`;
    this.opts.e2eLog?.check(line);
    if (this.opts.print !== false) process.stderr.write(`${line}\n`);
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): Promise<void> {
    const wallMs = performance.now() - this.started;
    const checks: CheckResult[] = [];
    const errors: string[] = [];
    for (const m of modules) {
      for (const t of m.children.allTests()) checks.push(this.toResult(t));
      for (const e of m.errors()) errors.push(`${path.basename(path.dirname(m.moduleId))}: ${e.message}`);
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0 && m.errors().length === 0) errors.push(`${m.moduleId}: failed to load`);
    }
    // an interrupt kills the suites' worker: its errors are the interrupt's, not the suites'
    const by = interruption();
    const interrupted = by && `${by}; the checks after it did not run`;
    if (interrupted) errors.push(interrupted);
    else for (const e of unhandled) errors.push(`unhandled: ${e.message}`);
    // each suite's totals come in its module's meta (harness/suite/check.ts)
    const totals = modules.map((m) => m.meta().ordinalSuite).filter((t) => t !== undefined);
    const waits = totals.reduce((sum, t) => sum + t.clusterWaitMs, 0);
    const results: RunResults = {
      schema: 'ordinal.results/v1',
      runId: this.opts.runId,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      ...timeAccounting(wallMs, waits),
      clusterPrepMs: this.opts.clusterPrepMs !== undefined ? Math.round(this.opts.clusterPrepMs) : undefined,
      cluster: this.opts.cluster,
      summary: summarize(checks),
      checks,
      errors,
      clusterFaults: clusterFaultsOf(checks),
      ...(interrupted ? { interrupted } : {}),
      extras: Object.fromEntries(totals.filter((t) => t.extras !== undefined).map((t) => [t.suite, t.extras])),
      suiteWallMs: Object.fromEntries(totals.filter((t) => t.wallMs !== undefined).map((t) => [t.suite, t.wallMs!])),
    };
    await mkdir(this.opts.runDir, { recursive: true });
    await writeFile(path.join(this.opts.runDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    await writeFile(path.join(this.opts.runDir, 'junit_01.xml'), junitXml(results));
    // the page people open; it never fails the run it reports on
    const html = await writeRunReport(this.opts.runDir).then(() => undefined, (e: Error) => `report.html not written: ${e.message.split('\n')[0]}`);
    this.opts.onResults?.(results);
    this.opts.e2eLog?.end(results, runPassed(results));
    if (this.opts.print !== false) {
      const s = results.summary;
      const verdict = interrupted ? yellow('INTERRUPTED') : runPassed(results) ? green('PASS') : red('FAIL');
      process.stderr.write(
        `\n${verdict}  ${s.total} checks: ${s.passed} passed, ${s.failed} failed, ${s.notApplicable} not applicable, ${s.blocked} blocked${errors.length ? `, ${errors.length} errors` : ''}\n` +
          `      suites took ${formatMs(results.wallMs)}, of which ${formatMs(results.clusterWaitMs)} waiting on the cluster; ordinal's own overhead ${formatMs(results.overheadMs)} (${results.overheadPercent}%)\n` +
          longestLine(results) +
          `      reports: ${this.opts.runDir}/{report.html,junit_01.xml,results.json,e2e.log,timelines/}\n`,
      );
      if (results.clusterFaults.length) {
        const lead = s.failed ? 'some checks were blocked by a fault of the cluster, not of the StatefulSet' : 'the cluster is at fault, not the StatefulSet';
        process.stderr.write(`${red(lead)}: ${results.clusterFaults.join('; ')} (see the blocked checks)\n`);
      }
      for (const e of errors) process.stderr.write(`${red('error')}: ${e.split('\n')[0]}\n`);
      if (html) process.stderr.write(`${yellow('warning')}: ${html}\n`);
    }
  }
}
