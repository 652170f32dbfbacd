// `ordinal bench`: the figures docs/benchmarks.md quotes, from one command. Times the (warm) image
// build, `cluster up` (reuse, or a fresh create with --cold-cluster), and a full run of every suite,
// then tabulates the run's time accounting and the measurements the suites report. Writes
// reports/bench-<id>.json. Figures live here, not in timed tests.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT, loadConfig } from '../config.ts';
import { formatMs } from '../errors.ts';
import { buildArtifacts } from '../images/builder.ts';
import { clusterDown, clusterUp } from '../cluster/cluster.ts';
import { newRunId, runSuites } from '../run/runner.ts';
import { parse, list } from './args.ts';

const USAGE = `ordinal bench [--cold-cluster] [--suite a,b]

Times the image build (cached), cluster up (reuse; with --cold-cluster, delete and create), and a
full run of the suites; prints a table and writes reports/bench-<id>.json.`;

const KEY_MEASUREMENTS = [
  'identity/dns-follows-reschedule:dnsFollowMs',
  'zookeeper/leader-failover:leaderElectionMs',
  'zookeeper/quorum:quorumWaitMs',
  'durability/node-restart:recoveryMs',
  'connection-limits/effective-limit:probeMs',
  'kafka/acked-messages-kept:graceful.leaderFailoverMs',
  'kafka/acked-messages-kept:forced.leaderFailoverMs',
  'kafka/acked-messages-kept:rollingRestartMs',
  'kafka/acked-messages-kept:throughputPerSec',
  'kafka/acked-messages-kept:p95Ms',
  'kafka/acked-messages-kept:p99Ms',
];

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'cold-cluster': { type: 'boolean' }, suite: { type: 'string' } }, 'ordinal bench --help');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const cfg = loadConfig();
  const rows: Array<[string, string]> = [];
  const t = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    rows.push([label, formatMs(performance.now() - t0)]);
    return r;
  };
  const built = await t('images build (all groups, content-addressed)', () => buildArtifacts(cfg));
  rows[rows.length - 1]![0] += ` — ${built.filter((b) => b.status === 'built').length} of ${built.length} rebuilt`;
  if (values['cold-cluster']) await t('cluster down', () => clusterDown(cfg));
  const up = await t(values['cold-cluster'] ? 'cluster up (create: 4 nodes Ready, DNS, PV)' : 'cluster up (reuse)', () => clusterUp(cfg));
  const out = await runSuites(cfg, { suites: list(values.suite), kubeconfig: up.kubeconfig });
  const r = out.results;
  rows.push(['suites wall time', formatMs(r.wallMs)]);
  rows.push(['  of which waiting on the cluster', formatMs(r.clusterWaitMs)]);
  rows.push(["  ordinal's own overhead", `${formatMs(r.overheadMs)} (${r.overheadPercent}%)`]);
  const bySuite = new Map<string, number>();
  for (const c of r.checks) bySuite.set(c.suite, (bySuite.get(c.suite) ?? 0) + c.durationMs);
  for (const [s, ms] of bySuite) rows.push([`  suite ${s} (checks)`, formatMs(ms)]);
  for (const key of KEY_MEASUREMENTS) {
    const [id, name] = key.split(':') as [string, string];
    const m = r.checks.find((c) => c.id === id)?.measurements[name];
    if (m) rows.push([`${id} ${name}`, m.unit === 'ms' ? formatMs(m.value) : `${m.value} ${m.unit}`]);
  }
  const width = Math.max(...rows.map(([a]) => a.length));
  for (const [a, b] of rows) console.log(`${a.padEnd(width)}  ${b}`);
  const file = path.join(PROJECT_ROOT, 'reports', `bench-${newRunId()}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ at: new Date().toISOString(), rows, run: out.runDir, summary: r.summary }, null, 2) + '\n');
  console.log(`\n${r.summary.passed}/${r.summary.total} checks passed; ${file}`);
  return out.passed ? 0 : 1;
}
