// The side-by-side benchmark's table: which of ordinal's checks hold the promise each upstream
// StatefulSet [Conformance] spec holds, and the times both took in one run on the same cluster.
// Pure: tested on a recorded Ginkgo report and results.json (e2e-promises.test.ts).
import { formatMs } from '../errors.ts';
import type { CheckResult } from '../report/results.ts';

/** One spec of e2e.test's Ginkgo JSON report (--ginkgo.json-report), as far as the table needs it. */
export interface E2eSpec {
  /** the leaf text ("should perform rolling updates … [Conformance]") */
  name: string;
  state: string;
  ms: number;
  /** the first line of its failure message, when it failed */
  failure?: string;
}

export interface E2ePromise {
  /** the leaf text of the upstream spec, without its container texts */
  spec: string;
  /** the table's row name */
  label: string;
  /** what both promise, in a sentence */
  promise: string;
  /** ordinal's checks that hold it (empty: ordinal does not check it, and why) */
  checks: string[];
  /** why ordinal has no check for it, or how its checks differ */
  note?: string;
}

/** The focus that selects exactly the 8 StatefulSet [Conformance] specs of e2e.test v1.34 */
export const E2E_FOCUS = String.raw`\[sig-apps\] StatefulSet Basic StatefulSet functionality \[StatefulSetBasic\] .*\[Conformance\]`;

/** ordinal's suites that hold the promises below (run on the built-in web fixture) */
export const ORDINAL_SUITES = ['ordering', 'identity', 'updates'] as const;

export const PROMISES: readonly E2ePromise[] = [
  {
    spec: 'should perform rolling updates and roll backs of template modifications [Conformance]',
    label: 'rolling update and roll back',
    promise: 'a template change rolls out, and rolling it back restores the previous revision',
    checks: ['updates/rolling-update', 'updates/rollback'],
  },
  {
    spec: 'should perform canary updates and phased rolling updates of template modifications [Conformance]',
    label: 'canary and phased update (partition)',
    promise: 'a partition keeps ordinals below it on the old revision; lowering it phases them in',
    checks: ['updates/partition'],
  },
  {
    spec: 'Scaling should happen in predictable order and halt if any stateful pod is unhealthy [Slow] [Conformance]',
    label: 'ordered scaling, halt while unready',
    promise: 'OrderedReady scales up and down in order and halts while a pod is unready',
    // creation-order judges the deploy's own watch: the deploy is counted with it
    checks: ['ordering/deploy', 'ordering/creation-order', 'ordering/scale-up-order', 'ordering/scale-down-order', 'ordering/halt-while-unready'],
    note: "ordinal's time includes the suite's deploy, whose watch creation-order judges; the other rows count only their checks (each suite deploys once for all its checks, which the whole-runs line includes)",
  },
  {
    spec: 'Burst scaling should run to completion even with unhealthy pods [Slow] [Conformance]',
    label: 'burst (Parallel) scaling',
    promise: 'Parallel pod management scales despite unready pods',
    checks: [],
    note: "ordinal's ordering suite holds OrderedReady's promises; on a Parallel StatefulSet it reports them not applicable rather than checking Parallel's",
  },
  {
    spec: 'Should recreate evicted statefulset [Conformance]',
    label: 'a lost pod is recreated under its name',
    promise: 'a StatefulSet pod that is gone comes back under the same name',
    checks: ['identity/dns-follows-reschedule'],
    note: 'upstream: the pod fails on a host-port conflict and is recreated; ordinal: the pod is deleted, returns under its name, and DNS follows its new IP',
  },
  {
    spec: 'should have a working scale subresource [Conformance]',
    label: 'scale subresource',
    promise: 'the scale subresource reads and changes the replica count',
    checks: ['ordering/scale-up-order', 'ordering/scale-down-order'],
    note: "ordinal scales through the scale subresource and checks what follows; upstream reads and updates /scale and checks spec.replicas",
  },
  {
    spec: 'should list, patch and delete a collection of StatefulSets [Conformance]',
    label: 'list, patch, delete a collection',
    promise: 'the API lists, patches and deletes StatefulSets by label',
    checks: [],
    note: "an API-verb test: ordinal checks the workload's behaviour, not the API server's verbs",
  },
  {
    spec: 'should validate Statefulset Status endpoints [Conformance]',
    label: 'status subresource',
    promise: 'the /status subresource reads, updates and patches',
    checks: [],
    note: "an API-verb test: ordinal reads status (readyReplicas, currentRevision) in its checks but does not write it",
  },
];

/** The specs of a Ginkgo JSON report (an array of suite reports), leaf specs only. */
export function parseGinkgoReport(json: unknown): E2eSpec[] {
  if (!Array.isArray(json)) throw new Error('not a Ginkgo JSON report (expected an array of suite reports)');
  const out: E2eSpec[] = [];
  for (const suite of json as Array<{ SpecReports?: unknown[] }>) {
    for (const r of (suite.SpecReports ?? []) as Array<Record<string, unknown>>) {
      if (r.LeafNodeType !== 'It') continue;
      const failure = (r.Failure as { Message?: string } | undefined)?.Message?.split('\n')[0];
      out.push({ name: String(r.LeafNodeText ?? ''), state: String(r.State ?? '?'), ms: Math.round(Number(r.RunTime ?? 0) / 1e6), ...(failure ? { failure } : {}) });
    }
  }
  return out;
}

export interface SideBySideRow {
  promise: E2ePromise;
  e2e?: E2eSpec;
  /** ordinal's checks for it, as run */
  ordinal: CheckResult[];
  /** e2e's time over ordinal's, when both ran and passed */
  ratio?: number;
}

/** One row per promise; the ratio only where both sides checked it and both passed. */
export function sideBySide(specs: readonly E2eSpec[], checks: readonly CheckResult[]): SideBySideRow[] {
  return PROMISES.map((p) => {
    const e2e = specs.find((s) => s.name === p.spec);
    const ordinal = p.checks.map((id) => checks.find((c) => c.id === id)).filter((c): c is CheckResult => Boolean(c));
    const ms = ordinalMs({ ordinal });
    const bothPassed = e2e?.state === 'passed' && ordinal.length === p.checks.length && ordinal.length > 0 && ordinal.every((c) => c.verdict === 'passed');
    return { promise: p, ...(e2e ? { e2e } : {}), ordinal, ...(bothPassed && ms > 0 ? { ratio: e2e!.ms / ms } : {}) };
  });
}

/** ordinal's time for a row: its checks' durations summed */
export function ordinalMs(row: Pick<SideBySideRow, 'ordinal'>): number {
  return row.ordinal.reduce((a, c) => a + c.durationMs, 0);
}

/** The printed table: promises both check (with the ratio), then those one side checks, then the totals. */
export function formatSideBySide(rows: readonly SideBySideRow[], walls: { e2eMs: number; ordinalMs: number; ordinalChecks: number }): string {
  const spec = (r: SideBySideRow) => (r.e2e ? `${formatMs(r.e2e.ms)} ${r.e2e.state}` : 'did not run');
  const ours = (r: SideBySideRow) => {
    const failed = r.ordinal.filter((c) => c.verdict !== 'passed');
    const state = r.ordinal.length < r.promise.checks.length ? 'did not run' : failed.length ? failed.map((c) => `${c.id} ${c.verdict}`).join(', ') : 'passed';
    return `${formatMs(ordinalMs(r))} ${state} (${r.promise.checks.length} check${r.promise.checks.length === 1 ? '' : 's'})`;
  };
  const both = rows.filter((r) => r.promise.checks.length);
  const table: string[][] = [['promise (both check it)', 'upstream e2e spec', "ordinal's checks", 'e2e / ordinal']];
  for (const r of both) table.push([r.promise.label, spec(r), ours(r), r.ratio === undefined ? '—' : `${r.ratio.toFixed(1)}×`]);
  const ratios = both.filter((r) => r.ratio !== undefined);
  if (ratios.length) {
    const e2e = ratios.reduce((a, r) => a + r.e2e!.ms, 0);
    // a check serving two promises (the scale checks) counts once
    const distinct = new Map(ratios.flatMap((r) => r.ordinal.map((c) => [c.id, c.durationMs] as const)));
    const ord = [...distinct.values()].reduce((a, b) => a + b, 0);
    table.push([`these ${ratios.length} together`, formatMs(e2e), `${formatMs(ord)} (${distinct.size} distinct checks)`, `${(e2e / ord).toFixed(1)}×`]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (ratios.length) lines.splice(lines.length - 1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push('');
  for (const r of both.filter((x) => x.promise.note)) lines.push(`  ${r.promise.label}: ${r.promise.note}`);
  lines.push('', 'checked by the upstream specs only:');
  for (const r of rows.filter((x) => !x.promise.checks.length)) lines.push(`  ${r.promise.label}: ${spec(r)} — ${r.promise.note ?? ''}`);
  lines.push(
    '',
    `whole runs: e2e.test ${formatMs(walls.e2eMs)} (${rows.filter((r) => r.e2e).length} specs and its suite setup); ordinal ${formatMs(walls.ordinalMs)} (${ORDINAL_SUITES.join(', ')}: ${walls.ordinalChecks} checks, deploys included)`,
  );
  return lines.join('\n');
}
