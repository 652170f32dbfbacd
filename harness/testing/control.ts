// Runs one negative control through the real CLI (`ordinal run --fixture … --suite …` on the
// test run's cluster) and asserts what it must show: exit 1, exactly the intended checks failed
// with the intended diagnosis, the intended checks blocked by the named cluster fault, nothing
// else failed and no error outside the checks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { PROJECT_ROOT, backstopMs, loadConfig } from '../config.ts';
import type { Control } from '../fixture/fixture.ts';
import { run } from '../proc/command.ts';
import { loadKube } from '../kube/client.ts';
import { acquireClusterLock, heldEnv, type LockMode } from '../run/cluster-lock.ts';
import type { RunResults } from '../report/results.ts';
import { runContext } from '../suite/run-context.ts';

export interface ControlRun {
  results: RunResults;
  output: string;
  /** its report folder */
  dir: string;
}

/**
 * Holds the test run's cluster lock around `fn` (harness/run/cluster-lock.ts), for a test that
 * changes the cluster itself (exclusive: CoreDNS scaled down, images removed from the nodes) or
 * whose pods must outlive its `ordinal run` children (shared: a kept namespace, an in-cluster Job);
 * `fn` gets the environment that hands the lock to those children.
 */
export async function underClusterLock<T>(mode: LockMode, who: string, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const kube = loadKube(runContext().kubeconfig);
  const server = kube.server;
  const release = await acquireClusterLock(server, mode, { who, timeoutMs: loadConfig().timeouts.clusterLock });
  try {
    return await fn(heldEnv(server, mode));
  } finally {
    await release();
  }
}

export async function runControl(name: string, c: Control, fixtureDir?: string, env: Record<string, string> = {}): Promise<ControlRun> {
  const { kubeconfig, runDir } = runContext();
  const reportDir = path.join(runDir, 'controls', `${name}-${c.suite}`);
  const argv = ['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'run', ...(fixtureDir ? ['--fixture', fixtureDir] : []), '--suite', c.suite, ...(c.focus ? ['--focus', c.focus] : []), '--kubeconfig', kubeconfig, '--report-dir', reportDir];
  const r = await run(argv, { allowFailure: true, timeoutMs: backstopMs(), env: { ...c.env, ...env } });
  const output = `${r.stderr}\n${r.stdout}`;
  // a control made only of not-applicable verdicts (and passes) is a run that succeeds
  expect(r.exitCode, output).toBe(c.fails.length || c.blocked?.length ? 1 : 0);
  const results = JSON.parse(readFileSync(path.join(reportDir, 'results.json'), 'utf8')) as RunResults;
  return { results, output, dir: reportDir };
}

export function assertControl(c: Control, { results: res, output }: ControlRun): void {
  expect(res.errors, output).toEqual([]);
  // mayFail: checks allowed to fail too (e.g. a weak Kafka guarantee may or may not lose data in one run)
  const failed = res.checks.filter((x) => x.verdict === 'failed' && !(c.mayFail ?? []).includes(x.id)).map((x) => x.id).sort();
  expect(failed, output).toEqual([...c.fails].sort());
  for (const id of c.fails) expect(res.checks.find((x) => x.id === id)!.diagnosis, output).toMatch(new RegExp(c.diagnosis));
  for (const id of c.notApplicable ?? []) {
    const got = res.checks.find((x) => x.id === id);
    expect(got?.verdict, `${id} must be not-applicable\n${output}`).toBe('not-applicable');
    if (c.notApplicableReason) expect(got?.reason, output).toMatch(new RegExp(c.notApplicableReason));
  }
  for (const id of c.passes ?? []) expect(res.checks.find((x) => x.id === id)?.verdict, `${id} must pass\n${output}`).toBe('passed');
  for (const id of c.blocked ?? []) {
    const got = res.checks.find((x) => x.id === id);
    expect(got?.verdict, `${id} must be blocked\n${output}`).toBe('blocked');
    expect(got?.reason, output).toMatch(new RegExp(c.blockedReason!));
  }
  // nothing failed, yet checks were blocked: only a fault of the cluster explains that, and the run must name it
  if (c.blocked?.length && c.fails.length === 0) expect(res.clusterFaults.length, `the run must name the cluster fault\n${output}`).toBeGreaterThan(0);
}
