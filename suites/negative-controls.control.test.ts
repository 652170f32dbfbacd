// Negative controls: every broken fixture under fixtures/negative runs through the real
// `ordinal run`, which must exit 1 with exactly the intended checks failed, a diagnosis matching
// the fixture's expectation, and no other check failed (a check that cannot fail is a defect).
// A control may name checks that are allowed, not required, to fail as well (mayFail).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, backstopMs } from '../harness/config.ts';
import { loadFixture } from '../harness/fixture/fixture.ts';
import { run } from '../harness/proc/command.ts';
import type { RunResults } from '../harness/report/results.ts';

const negDir = path.join(PROJECT_ROOT, 'fixtures/negative');
const cases = readdirSync(negDir).sort().flatMap((name) => {
  const f = loadFixture(path.join(negDir, name));
  return f.controls.map((c) => ({ dir: f.dir, name: f.name, description: f.description, ...c }));
});

describe('negative controls', () => {
  it.each(cases)('$name ($description): suite $suite fails $fails and nothing else', async (c) => {
    const kubeconfig = process.env.ORDINAL_KUBECONFIG!;
    const reportDir = path.join(process.env.ORDINAL_RUN_DIR!, 'controls', `${c.name}-${c.suite}`);
    const r = await run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'run', '--fixture', c.dir, '--suite', c.suite, '--kubeconfig', kubeconfig, '--report-dir', reportDir], { allowFailure: true, timeoutMs: backstopMs() });
    const output = `${r.stderr}\n${r.stdout}`;
    expect(r.exitCode, output).toBe(1);
    const res = JSON.parse(readFileSync(path.join(reportDir, 'results.json'), 'utf8')) as RunResults;
    expect(res.errors, output).toEqual([]);
    // mayFail: checks allowed to fail too (e.g. a weak Kafka guarantee may or may not lose data in one run)
    const failed = res.checks.filter((x) => x.verdict === 'failed' && !(c.mayFail ?? []).includes(x.id)).map((x) => x.id).sort();
    expect(failed, output).toEqual([...c.fails].sort());
    for (const id of c.fails) expect(res.checks.find((x) => x.id === id)!.diagnosis).toMatch(new RegExp(c.diagnosis));
    for (const id of c.notApplicable ?? []) expect(res.checks.find((x) => x.id === id)?.verdict, `${id} must be not-applicable`).toBe('not-applicable');
  });
});
