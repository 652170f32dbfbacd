// `ordinal bench`: the figures docs/benchmarks.md quotes, from one command. Times the (warm) image
// build, `cluster up` (reuse, or a fresh create with --cold-cluster), and a full run of every suite,
// then tabulates the run's time accounting and the measurements the suites report. Writes
// reports/bench-<id>.json. Figures live here, not in timed tests.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT, loadConfig, type Config } from '../config.ts';
import { InputError, OrdinalError, formatMs } from '../errors.ts';
import { buildArtifacts } from '../images/builder.ts';
import { ORDINAL_VERSION } from '../images/catalog.ts';
import { clusterDown, clusterUp } from '../cluster/cluster.ts';
import { newRunId, runSuites } from '../run/runner.ts';
import { parse, list } from './args.ts';
import { VERSIONS } from '../images/versions.ts';
import { loadKube, checkReachable } from '../kube/client.ts';
import { acquireClusterLock } from '../run/cluster-lock.ts';
import { interruptSignal } from '../lifecycle.ts';
import { info, yellow } from '../log.ts';
import { ORDINAL_SUITES, formatSideBySide, sideBySide } from '../bench/e2e-promises.ts';
import { prepareE2e, runE2e } from '../bench/e2e-run.ts';

const USAGE = `ordinal bench [--cold-cluster] [--suite a,b]
ordinal bench --against-e2e [--report-dir D]

Times the image build (cached), cluster up (reuse; with --cold-cluster, delete and create), and a
full run of the suites; prints a table and writes reports/bench-<id>.json.

--against-e2e: on the same cluster, one after the other, the upstream StatefulSet [Conformance]
specs (e2e.test v${VERSIONS.kubernetes}, built from the k8s.io/kubernetes module) and ordinal's ordering, identity
and updates suites; prints for each promise both check the time each took and the ratio, and
writes side-by-side.txt and bench-e2e.json to reports/bench-e2e-<id>/ (or D).`;

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
  const { values } = parse(argv, { 'cold-cluster': { type: 'boolean' }, suite: { type: 'string' }, 'against-e2e': { type: 'boolean' }, 'report-dir': { type: 'string' } }, 'ordinal bench --help');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const cfg = loadConfig();
  if (values['against-e2e']) {
    if (values.suite || values['cold-cluster']) throw new InputError('--against-e2e runs its own selection of suites on the reused cluster', 'drop --suite and --cold-cluster (run `ordinal cluster down` first for a fresh cluster)');
    return againstE2e(cfg, values['report-dir']);
  }
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

/** `bench --against-e2e`: the upstream specs, then ordinal's suites, on one cluster; the table. */
async function againstE2e(cfg: Config, reportDir: string | undefined): Promise<number> {
  const dir = path.resolve(reportDir ?? path.join(PROJECT_ROOT, 'reports', `bench-e2e-${newRunId()}`));
  await mkdir(path.join(dir, 'e2e'), { recursive: true });
  const up = await clusterUp(cfg);
  const kube = loadKube(up.kubeconfig);
  const version = await checkReachable(kube);
  const release = version.replace(/^v/, '').split(/[-+]/)[0]!;
  const minorOf = (v: string) => v.split('.').slice(0, 2).join('.');
  if (minorOf(release) !== minorOf(VERSIONS.kubernetes)) {
    throw new OrdinalError(`e2e.test is built at v${VERSIONS.kubernetes}, but cluster "${cfg.clusterName}" runs ${version}: a side-by-side needs the upstream specs of the cluster's release`, `recreate it on v${VERSIONS.kubernetes} (\`ordinal cluster down\`, then \`cluster up\`)`);
  }
  if (release !== VERSIONS.kubernetes) info('bench', yellow(`cluster runs ${version}, e2e.test is v${VERSIONS.kubernetes} (same minor)`));
  const tools = await prepareE2e(cfg);
  // the upstream specs share the cluster like a suite does: a drain or node restart waits for them
  const unlock = await acquireClusterLock(kube.server, 'shared', { who: 'the upstream StatefulSet specs (bench --against-e2e)', timeoutMs: cfg.timeouts.clusterLock, signal: interruptSignal });
  let e2e;
  try {
    e2e = await runE2e(cfg, { ...tools, kubeconfig: up.kubeconfig, dir: path.join(dir, 'e2e') });
  } finally {
    await unlock();
  }
  const t0 = performance.now();
  const out = await runSuites(cfg, { suites: [...ORDINAL_SUITES], kubeconfig: up.kubeconfig, reportDir: path.join(dir, 'ordinal') });
  const ordinalWallMs = performance.now() - t0;
  const rows = sideBySide(e2e.specs, out.results.checks);
  const table = formatSideBySide(rows, { e2eMs: e2e.wallMs, ordinalMs: ordinalWallMs, ordinalChecks: out.results.checks.length });
  const head = `cluster ${cfg.clusterName} (${version}, ${(await kube.core.listNode()).items.length} nodes); e2e.test v${VERSIONS.kubernetes} then ordinal ${ORDINAL_VERSION}, one after the other`;
  console.log(`\n${head}\n\n${table}\n`);
  await writeFile(path.join(dir, 'side-by-side.txt'), `${head}\n\n${table}\n`);
  await writeFile(
    path.join(dir, 'bench-e2e.json'),
    JSON.stringify({ at: new Date().toISOString(), cluster: { name: cfg.clusterName, version }, e2e: { wallMs: Math.round(e2e.wallMs), exitCode: e2e.exitCode, specs: e2e.specs }, ordinal: { wallMs: Math.round(ordinalWallMs), run: out.runDir, summary: out.results.summary }, rows: rows.map((r) => ({ promise: r.promise.label, spec: r.promise.spec, e2eMs: r.e2e?.ms, e2eState: r.e2e?.state, checks: r.ordinal.map((c) => ({ id: c.id, verdict: c.verdict, ms: c.durationMs })), ratio: r.ratio })) }, null, 2) + '\n',
  );
  console.log(`side by side: ${path.join(dir, 'side-by-side.txt')}`);
  const e2ePassed = e2e.exitCode === 0 && e2e.specs.length > 0 && e2e.specs.every((s) => s.state === 'passed');
  if (!e2ePassed) console.log(`the upstream specs did not all pass: ${path.join(dir, 'e2e', 'e2e.test.log')}`);
  return e2ePassed && out.passed ? 0 : 1;
}
