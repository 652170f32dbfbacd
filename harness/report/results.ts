// The run's results: one record per check, a summary, and the time accounting. Pure, so the
// writers can be unit-tested.
import { formatMs } from '../errors.ts';
import type { CheckMeta, CheckVerdict } from '../suite/check.ts';

/** A check as reported: its metadata (harness/suite/check.ts) plus its title and duration. */
export type CheckResult = Omit<CheckMeta, 'suite'> & {
  suite: string;
  title: string;
  durationMs: number;
};

export interface RunResults {
  schema: 'ordinal.results/v1';
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** wall time of the suites phase */
  wallMs: number;
  /** of which waiting on the cluster (pods, watches, exec, DNS, node restarts) */
  clusterWaitMs: number;
  /** wall time minus cluster wait: ordinal's own overhead (vitest, module loading, bookkeeping) */
  overheadMs: number;
  overheadPercent: number;
  /** time to create or reuse the cluster and its images, before the suites */
  clusterPrepMs?: number;
  cluster: { kubeconfig: string; server?: string; version?: string; kind?: string };
  summary: { total: number; passed: number; failed: number; notApplicable: number; blocked: number };
  checks: CheckResult[];
  /** errors outside any check (a suite that could not start, an unhandled error) */
  errors: string[];
  /** faults of the cluster (not of the StatefulSet) that blocked checks, each once */
  clusterFaults: string[];
  /** the run was cut short by Ctrl-C or SIGTERM: checks after it did not run */
  interrupted?: string;
  /** extra per-suite data (e.g. k6 summaries) */
  extras: Record<string, unknown>;
  /** each suite's own wall time, setup and cleanup included (with --parallel, the run's wall time is less than their sum) */
  suiteWallMs?: Record<string, number>;
}

/** One measurement as the check lines and report.html print it: name=value (ms as a duration, counts bare). */
export function formatMeasurement(name: string, m: { value: number; unit: string }): string {
  return `${name}=${m.unit === 'ms' ? formatMs(m.value) : `${m.value}${m.unit === 'count' ? '' : m.unit}`}`;
}

/** A check's record from its metadata and vitest's outcome. */
export function checkResult(
  title: string,
  meta: CheckMeta | undefined,
  outcome: { state: 'passed' | 'failed' | 'skipped' | 'pending'; durationMs: number; error?: string; suite: string; interrupted?: string },
): CheckResult {
  // a check cut off before its verdict: by an interrupt it did not fail, it did not finish; by
  // vitest's backstop it failed with vitest's error
  const unfinished = meta ? !meta.finished : outcome.state !== 'passed';
  const cutOff = Boolean(outcome.interrupted) && unfinished;
  if (meta && !meta.finished && !cutOff) meta = { ...meta, verdict: 'failed', diagnosis: outcome.error ?? 'the check did not finish' };
  const verdict: CheckVerdict = cutOff ? 'blocked' : meta?.verdict ?? (outcome.state === 'passed' ? 'passed' : outcome.state === 'skipped' ? 'blocked' : 'failed');
  return {
    id: meta?.id ?? `${outcome.suite}/${title}`,
    suite: meta?.suite ?? outcome.suite,
    title,
    verdict: outcome.state === 'failed' && verdict === 'passed' ? 'failed' : verdict,
    durationMs: Math.round(outcome.durationMs),
    clusterWaitMs: meta?.clusterWaitMs ?? 0,
    fixture: meta?.fixture ?? '?',
    namespace: meta?.namespace,
    measurements: meta?.measurements ?? {},
    notes: meta?.notes ?? [],
    diagnosis: cutOff ? undefined : meta?.diagnosis ?? (outcome.state === 'failed' ? outcome.error : undefined),
    excerpt: meta?.excerpt,
    reason: cutOff ? outcome.interrupted : meta?.reason,
    artifacts: meta?.artifacts,
    ...(meta?.clusterFaults?.length && !cutOff ? { clusterFaults: meta.clusterFaults } : {}),
  };
}

/** The cluster faults that blocked checks, each once, in the order first seen. */
export function clusterFaultsOf(checks: CheckResult[]): string[] {
  return [...new Set(checks.flatMap((c) => c.clusterFaults ?? []))];
}

export function summarize(checks: CheckResult[]): RunResults['summary'] {
  return {
    total: checks.length,
    passed: checks.filter((c) => c.verdict === 'passed').length,
    failed: checks.filter((c) => c.verdict === 'failed').length,
    notApplicable: checks.filter((c) => c.verdict === 'not-applicable').length,
    blocked: checks.filter((c) => c.verdict === 'blocked').length,
  };
}

/** A run passes when every applicable check passed and nothing errored outside the checks. */
export function runPassed(r: Pick<RunResults, 'summary' | 'errors' | 'interrupted'>): boolean {
  return !r.interrupted && r.summary.failed === 0 && r.summary.blocked === 0 && r.errors.length === 0 && r.summary.total > 0;
}

export function timeAccounting(wallMs: number, clusterWaitMs: number): Pick<RunResults, 'wallMs' | 'clusterWaitMs' | 'overheadMs' | 'overheadPercent'> {
  const wait = Math.min(clusterWaitMs, wallMs);
  const overhead = Math.max(0, wallMs - wait);
  return { wallMs: Math.round(wallMs), clusterWaitMs: Math.round(wait), overheadMs: Math.round(overhead), overheadPercent: wallMs > 0 ? Math.round((overhead / wallMs) * 1000) / 10 : 0 };
}
