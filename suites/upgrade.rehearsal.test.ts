// The upgrade rehearsal in its shortest faithful form, the last project of `npm test` (it leaves the
// test cluster on the second release): `ordinal upgrade --to <upgradeTo> --suite identity` on the
// test run's kind cluster. The second release is built (content-addressed, cached after the first
// time), the identity suite runs before, the upgrade suite upgrades the cluster in place under k6
// load (the control plane with kubeadm upgrade apply, then each worker drained through the Eviction
// API, upgraded and uncordoned), the identity suite runs again on the new release, and the gate
// compares the two runs. It must exit 0, report every step with its availability, quorum and ISR,
// read every acknowledged message back, and the gate must find no regression. A full rehearsal
// (every suite before and after) is `ordinal upgrade --to <upgradeTo>`; docs/benchmarks.md has its time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, backstopMs } from '../harness/config.ts';
import { VERSIONS } from '../harness/images/versions.ts';
import { run } from '../harness/proc/command.ts';
import type { RunResults } from '../harness/report/results.ts';
import { runContext } from '../harness/suite/run-context.ts';
import { underClusterLock } from '../harness/testing/control.ts';

const UPGRADE_CHECKS = ['upgrade/rolling-upgrade', 'upgrade/versions', 'upgrade/zookeeper-quorum', 'upgrade/kafka-isr', 'upgrade/write-availability', 'upgrade/nothing-lost'];

describe('upgrade rehearsal', () => {
  const ctx = runContext();
  it.skipIf(!ctx.kindCluster)(`v${VERSIONS.kubernetes} → v${VERSIONS.upgradeTo} in place under load, identity before and after, gated: exit 0, every step reported, nothing lost`, () => underClusterLock('exclusive', 'the upgrade rehearsal', async (lock) => {
    const dir = path.join(ctx.runDir, 'rehearsal');
    const r = await run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'upgrade', '--to', VERSIONS.upgradeTo, '--suite', 'identity', '--name', ctx.kindCluster!, '--report-dir', dir], { allowFailure: true, timeoutMs: backstopMs() * 2, env: lock });
    const output = `${r.stderr}\n${r.stdout}`;
    const results = (part: string) => JSON.parse(readFileSync(path.join(dir, part, 'results.json'), 'utf8')) as RunResults;
    const up = results('upgrade');
    const notPassed = up.checks.filter((c) => c.verdict !== 'passed' && c.id !== 'upgrade/deploy').map((c) => `${c.id}: ${c.verdict} ${c.diagnosis ?? c.reason ?? ''}`);
    expect(notPassed, output).toEqual([]);
    expect(r.exitCode, output).toBe(0);
    expect(up.checks.map((c) => c.id), output).toEqual(expect.arrayContaining(UPGRADE_CHECKS));
    const m = (id: string) => up.checks.find((c) => c.id === id)!.measurements;
    // the control plane and each of the three workers, each with its duration and its availability
    const steps = Object.keys(m('upgrade/rolling-upgrade')).filter((k) => k.endsWith('.stepMs'));
    expect(steps, output).toHaveLength(4);
    const acked = Object.keys(m('upgrade/write-availability')).filter((k) => k.endsWith('.ackedRatio'));
    expect(acked.length, output).toBeGreaterThanOrEqual(4);
    for (const part of ['before', 'after']) expect(results(part).checks.every((c) => c.verdict === 'passed'), `${part}\n${output}`).toBe(true);
    const gate = JSON.parse(readFileSync(path.join(dir, 'gate', 'gate.json'), 'utf8')) as { regressions: string[] };
    expect(gate.regressions, output).toEqual([]);
  }));
});
