// Healthy variants of the built-in fixtures (not negative controls): each runs through the real
// `ordinal run` with every suite it declares and must pass them all. web-ordinals-start
// (spec.ordinals.start 5) proves that the suites judge pods web-5… as they judge web-0…; the only
// check allowed not to pass is one the cluster cannot apply (updates/max-unavailable where the
// MaxUnavailableStatefulSet feature is off), never a failure.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, backstopMs } from '../harness/config.ts';
import { loadFixture } from '../harness/fixture/fixture.ts';
import { run } from '../harness/proc/command.ts';
import type { RunResults } from '../harness/report/results.ts';
import { runContext } from '../harness/suite/run-context.ts';

const VARIANTS = ['web-ordinals-start'];
/** checks that may be not applicable on a cluster without the feature they exercise */
const MAY_NOT_APPLY = ['updates/max-unavailable'];
/** and, on a cluster that is not a local kind cluster, the node restart ordinal cannot make */
const MAY_NOT_APPLY_OFF_KIND = ['durability/node-restart'];

describe('healthy fixture variants', () => {
  it.each(VARIANTS)('%s passes every suite it declares', async (name) => {
    const { kubeconfig, runDir } = runContext();
    const fixture = loadFixture(path.join(PROJECT_ROOT, 'fixtures', name));
    const reportDir = path.join(runDir, 'variants', name);
    const r = await run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'run', '--fixture', fixture.dir, '--kubeconfig', kubeconfig, '--report-dir', reportDir], { allowFailure: true, timeoutMs: backstopMs() });
    const output = `${r.stderr}\n${r.stdout}`;
    expect(r.exitCode, output).toBe(0);
    const res = JSON.parse(readFileSync(path.join(reportDir, 'results.json'), 'utf8')) as RunResults;
    expect(res.errors, output).toEqual([]);
    expect([...new Set(res.checks.map((c) => c.suite))].sort(), output).toEqual([...fixture.suites].sort());
    const mayNot = [...MAY_NOT_APPLY, ...(runContext().kindCluster ? [] : MAY_NOT_APPLY_OFF_KIND)];
    const notPassed = res.checks.filter((c) => c.verdict !== 'passed' && !(c.verdict === 'not-applicable' && mayNot.includes(c.id)));
    expect(notPassed.map((c) => `${c.id}: ${c.verdict} ${c.diagnosis ?? c.reason ?? ''}`), output).toEqual([]);
  });
});
