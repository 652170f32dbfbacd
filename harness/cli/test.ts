// `ordinal test` (npm test): ordinal's own tests, in order: unit, integration (testcontainers),
// the conformance suites on the built-in fixtures, and the negative controls, on a kind cluster it
// creates or reuses. Ends with a plain "N passed, N failed" line (also written to
// reports/<id>/summary.txt for CI).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.ts';
import { InputError, formatMs } from '../errors.ts';
import { newRunId } from '../run/runner.ts';
import { parse, list } from './args.ts';
import { onInterrupt } from '../lifecycle.ts';
import type {} from '../suite/check.ts';
import { PARALLEL_ENV } from '../run/parallelism.ts';

/** suite files at once in the suites project of `ordinal test` (ORDINAL_PARALLEL overrides) */
const TEST_SUITES_PARALLEL = 2;

/** what `ordinal test` runs unless told */
const DEFAULT_PROJECTS = ['unit', 'integration', 'suites', 'controls'];
const PROJECTS = [...DEFAULT_PROJECTS, 'rehearsal'];
const USAGE = `ordinal test [--project unit,integration,suites,controls,rehearsal]

Runs ordinal's tests (${DEFAULT_PROJECTS.join(', ')} by default) and prints "N passed, N failed" last.
  unit         pure logic (verdicts, parsers, report writers, config, CLI input errors)
  integration  testcontainers tests against locally built ZooKeeper/Kafka images
  suites       every conformance suite on the built-in fixtures, on the kind cluster
  controls     every negative control: the intended check fails, and only it
  rehearsal    only when named: the upgrade rehearsal in its shortest form (the second release
               built, \`ordinal upgrade --suite identity\` on the test cluster, which it leaves upgraded)`;

export async function testCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { project: { type: 'string' } }, 'ordinal test --help');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const projects = list(values.project);
  for (const p of projects) if (!PROJECTS.includes(p)) throw new InputError(`unknown test project "${p}"`, `use ${PROJECTS.join(', ')}`);
  const id = `test-${newRunId()}`;
  const dir = path.join(PROJECT_ROOT, 'reports', id);
  await mkdir(dir, { recursive: true });
  const t0 = performance.now();
  // the suites project two files at a time: the exclusive suites still run alone and the
  // timing-bound ones (TIMING_SUITES) never beside each other, each beside a suite that is not
  process.env[PARALLEL_ENV] ??= String(TEST_SUITES_PARALLEL);
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest('test', {
    root: PROJECT_ROOT,
    config: path.join(PROJECT_ROOT, 'vitest.config.ts'),
    project: projects.length ? projects : DEFAULT_PROJECTS,
    watch: false,
    reporters: ['default', ['junit', { outputFile: path.join(dir, 'junit.xml') }], ['json', { outputFile: path.join(dir, 'vitest.json') }]],
  });
  // Ctrl-C or SIGTERM to this process alone: closing vitest ends its workers with SIGTERM, and their
  // own interrupt handlers undo what they injected (the DNS control's CoreDNS scale-down)
  const undo = onInterrupt('stop the tests and their workers', async () => {
    await vitest.cancelCurrentRun('keyboard-input').catch(() => undefined);
    await vitest.close();
  });
  try {
    await vitest.start([]);
  } finally {
    undo();
  }
  let passed = 0;
  let failed = 0;
  for (const m of vitest.state.getTestModules()) {
    for (const t of m.children.allTests()) {
      const s = t.result().state;
      // a conformance check blocked on a built-in fixture (a cluster fault, an unmet need) is a
      // failure of the test run, though vitest records it as skipped
      const blocked = t.meta().ordinal?.verdict === 'blocked';
      if (s === 'passed') passed++;
      else if (s === 'failed' || blocked) failed++;
    }
    if (m.errors().length || (m.state() === 'failed' && [...m.children.allTests()].length === 0)) failed++;
  }
  failed += vitest.state.getUnhandledErrors().length;
  await vitest.close();
  const line = `${passed} passed, ${failed} failed`;
  await writeFile(path.join(dir, 'summary.txt'), `${line}\n`);
  process.stderr.write(`\nordinal test: ${formatMs(performance.now() - t0)}; reports in ${dir}\n`);
  console.log(line);
  return failed === 0 && passed > 0 ? 0 : 1;
}
