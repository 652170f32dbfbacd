// `ordinal gate`: two runs' results compared check by check. Pure, so it is tested on recorded
// results files. A regression is one of:
//  - a verdict that got worse: anything → failed; passed or not applicable → blocked;
//  - a check that passed and became not applicable (a cluster that drops a feature the baseline had);
//  - a check that passed and is missing from the candidate (the candidate ran less);
//  - a measurement of a check that passed in both, worse by more than its tolerance (./tolerances.ts).
// A check that failed in both is "still failing", not a regression: the gate asks whether the
// candidate is worse than the baseline, not whether it is good (each run's own exit code says that).
import type { CheckVerdict, Measurement } from '../suite/check.ts';
import type { CheckResult, RunResults } from '../report/results.ts';
import { formatMs } from '../errors.ts';
import { toleranceFor, type Tolerance } from './tolerances.ts';

export const CHANGES = ['same', 'regressed', 'not-applicable-now', 'missing', 'slower', 'improved', 'still-failing', 'new'] as const;
export type Change = (typeof CHANGES)[number];

export interface MeasurementDelta {
  name: string;
  unit: string;
  baseline: number;
  candidate: number;
  /** the tolerance row that gates it; none: shown, not gated */
  tolerance?: Tolerance;
  regressed: boolean;
}

export interface GateRow {
  /** the check's id, prefixed by its fixture when the runs cover several */
  id: string;
  fixture: string;
  title: string;
  baseline?: CheckVerdict;
  candidate?: CheckVerdict;
  change: Change;
  measurements: MeasurementDelta[];
  /** one line: why this row is a regression (or what changed) */
  summary?: string;
}

export interface RunRef {
  runId: string;
  startedAt: string;
  clusterVersion?: string;
  file: string;
}

export interface GateResult {
  schema: 'ordinal.gate/v1';
  baseline: RunRef;
  candidate: RunRef;
  rows: GateRow[];
  /** one line per regression, in check order */
  regressions: string[];
  counts: Record<Change, number>;
  passed: boolean;
}

const REGRESSIONS: ReadonlySet<Change> = new Set(['regressed', 'not-applicable-now', 'missing', 'slower']);

export function isRegression(c: Change): boolean {
  return REGRESSIONS.has(c);
}

function verdictChange(b: CheckVerdict | undefined, c: CheckVerdict | undefined): Change {
  if (b === undefined) return 'new';
  if (c === undefined) return b === 'passed' ? 'missing' : 'same';
  if (b === c) return b === 'failed' || b === 'blocked' ? 'still-failing' : 'same';
  if (c === 'failed') return 'regressed';
  if (c === 'blocked') return b === 'failed' ? 'still-failing' : 'regressed';
  if (c === 'not-applicable') return b === 'passed' ? 'not-applicable-now' : 'improved';
  return 'improved'; // c === 'passed'
}

/** A measurement worse than the baseline by more than both slacks of its tolerance row. */
export function measurementRegressed(t: Tolerance, baseline: number, candidate: number): boolean {
  const worseBy = t.worse === 'higher' ? candidate - baseline : baseline - candidate;
  return worseBy > t.absolute && worseBy > t.relative * Math.abs(baseline);
}

export function formatValue(v: number, unit: string): string {
  if (unit === 'ms') return formatMs(v);
  if (unit === 'ratio') return `${+(v * 100).toFixed(2)} %`;
  if (unit === 'count') return String(v);
  return `${v} ${unit}`;
}

function slackText(t: Tolerance, unit: string): string {
  const rel = t.relative ? `${Math.round(t.relative * 100)} % and ` : '';
  return `${t.what}: ${rel}${formatValue(t.absolute, unit)} allowed`;
}

function deltas(b: Record<string, Measurement>, c: Record<string, Measurement>): MeasurementDelta[] {
  const out: MeasurementDelta[] = [];
  for (const [name, bm] of Object.entries(b)) {
    const cm = c[name];
    if (!cm || cm.unit !== bm.unit || !Number.isFinite(bm.value) || !Number.isFinite(cm.value)) continue;
    // a value of -1 is "not measured" (a k6 percentile with no samples, an unconfigured limit)
    const tolerance = bm.value < 0 || cm.value < 0 ? undefined : toleranceFor(name);
    out.push({ name, unit: bm.unit, baseline: bm.value, candidate: cm.value, tolerance, regressed: tolerance ? measurementRegressed(tolerance, bm.value, cm.value) : false });
  }
  return out;
}

const fixturesOf = (r: RunResults) => [...new Set(r.checks.map((c) => c.fixture))].sort();

/** The fixtures two runs covered, when they differ: the one-line cause of refusing to compare them. */
export function fixtureMismatch(baseline: RunResults, candidate: RunResults): string | undefined {
  const b = fixturesOf(baseline);
  const c = fixturesOf(candidate);
  if (b.join(',') === c.join(',')) return undefined;
  return `the runs are of different fixtures: the baseline ran ${b.join(', ') || 'no check'}, the candidate ${c.join(', ') || 'no check'}`;
}

export function compareRuns(baseline: RunResults, candidate: RunResults, files: { baseline: string; candidate: string }): GateResult {
  const several = fixturesOf(baseline).length > 1 || fixturesOf(candidate).length > 1;
  const keyOf = (c: CheckResult) => `${c.fixture}\u0000${c.id}`;
  const cand = new Map(candidate.checks.map((c) => [keyOf(c), c]));
  const base = new Map(baseline.checks.map((c) => [keyOf(c), c]));
  const rows: GateRow[] = [];
  const order = [...baseline.checks, ...candidate.checks.filter((c) => !base.has(keyOf(c)))];
  for (const check of order) {
    const b = base.get(keyOf(check));
    const c = cand.get(keyOf(check));
    let change = verdictChange(b?.verdict, c?.verdict);
    const ms = b && c ? deltas(b.measurements, c.measurements) : [];
    const slower = ms.filter((m) => m.regressed);
    if (change === 'same' && b?.verdict === 'passed' && slower.length) change = 'slower';
    rows.push({
      id: several ? `${check.fixture}: ${check.id}` : check.id,
      fixture: check.fixture,
      title: check.title,
      baseline: b?.verdict,
      candidate: c?.verdict,
      change,
      measurements: ms,
      summary: rowSummary(change, b, c, slower),
    });
  }
  const regressions = rows.filter((r) => isRegression(r.change)).map((r) => `${r.id}: ${r.summary}`);
  const counts = Object.fromEntries(CHANGES.map((k) => [k, rows.filter((r) => r.change === k).length])) as Record<Change, number>;
  const ref = (r: RunResults, file: string): RunRef => ({ runId: r.runId, startedAt: r.startedAt, clusterVersion: r.cluster.version, file });
  return { schema: 'ordinal.gate/v1', baseline: ref(baseline, files.baseline), candidate: ref(candidate, files.candidate), rows, regressions, counts, passed: regressions.length === 0 };
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0]!.slice(0, 300);
}

function rowSummary(change: Change, b: CheckResult | undefined, c: CheckResult | undefined, slower: MeasurementDelta[]): string | undefined {
  switch (change) {
    case 'regressed':
      return `${b!.verdict} → ${c!.verdict}${c!.verdict === 'failed' ? `: ${firstLine(c!.diagnosis)}` : c!.reason ? `: ${firstLine(c!.reason)}` : ''}`;
    case 'not-applicable-now':
      return `passed → not applicable: ${firstLine(c!.reason)}`;
    case 'missing':
      return 'passed in the baseline, not run in the candidate';
    case 'slower':
      return slower.map((m) => `${m.name} ${formatValue(m.baseline, m.unit)} → ${formatValue(m.candidate, m.unit)} (${slackText(m.tolerance!, m.unit)})`).join('; ');
    case 'improved':
      return `${b!.verdict} → ${c!.verdict}`;
    case 'still-failing':
      return `${b!.verdict} in both${c!.diagnosis ? `: ${firstLine(c!.diagnosis)}` : ''}`;
    case 'new':
      return `not in the baseline; ${c!.verdict} in the candidate`;
    default:
      return undefined;
  }
}
