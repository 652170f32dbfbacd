import { defineConfig } from 'vitest/config';
import { backstopMs } from './harness/config.ts';
import { parallelFromEnv } from './harness/run/parallelism.ts';

// ordinal's own bounds (harness/config.ts) end every wait; vitest's timeouts are only a backstop
// above all of them, so raising an ORDINAL_TIMEOUT_* is never cut short.
const backstop = backstopMs();
// `ordinal run --parallel N`: N suite files at once (one, the default of the config itself, else)
const parallel = parallelFromEnv();

// Projects:
//   unit         pure logic next to the harness code (no cluster, no Docker)
//   integration  testcontainers tests against locally built images (Docker, no cluster)
//   suites       the conformance suites; normally started by `ordinal run`, which provides the run's
//                context (kubeconfig, fixture, report directory) with vitest's provide/inject
//   rehearsal    the upgrade rehearsal (`ordinal upgrade --suite identity`), not in a default test run
//   controls     negative controls: run `ordinal run` on broken fixtures, assert the intended check fails;
//                two files at a time, and in a file the cases marked it.concurrent (the fixture controls,
//                the diagnose control's cases) 2 at a time (more oversubscribes 2 cores: timing bounds fail). They share one cluster: what restarts or
//                drains nodes, takes DNS away or removes images from the nodes holds the cluster's lock
//                exclusively (harness/run/cluster-lock.ts), everything else shared
export default defineConfig({
  test: {
    reporters: ['default'],
    silent: 'passed-only',
    retry: 0,
    passWithNoTests: true,
    // for projects that set none (unit: two files at a time); integration runs one file at a time,
    // the suites project N (--parallel), the controls project two, each by its own setting
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', sequence: { groupOrder: 0 }, include: ['harness/**/*.test.ts'], testTimeout: 10_000 } },
      { test: { name: 'integration', sequence: { groupOrder: 1 }, include: ['harness/**/*.itest.ts'], globalSetup: ['harness/testing/integration-setup.ts'], env: { TESTCONTAINERS_RYUK_DISABLED: 'true' }, testTimeout: backstop, hookTimeout: backstop, fileParallelism: false } },
      { test: { name: 'suites', sequence: { groupOrder: 2, concurrent: false }, include: ['suites/**/*.test.ts'], exclude: ['suites/**/*.control.test.ts', 'suites/**/*.rehearsal.test.ts'], globalSetup: ['harness/testing/global-setup.ts'], testTimeout: backstop, hookTimeout: backstop, fileParallelism: parallel > 1, maxWorkers: parallel } },
      { test: { name: 'controls', sequence: { groupOrder: 3 }, maxConcurrency: 2, include: ['suites/**/*.control.test.ts'], globalSetup: ['harness/testing/global-setup.ts'], testTimeout: backstop * 2, hookTimeout: backstop, fileParallelism: true, maxWorkers: 2 } },
      // the upgrade rehearsal's shortest faithful form: last, alone, and only when asked (`ordinal test
      // --project rehearsal`, .ci/run after npm test): it leaves the cluster on the second release
      { test: { name: 'rehearsal', sequence: { groupOrder: 4 }, include: ['suites/**/*.rehearsal.test.ts'], globalSetup: ['harness/testing/global-setup.ts'], testTimeout: backstop * 2, hookTimeout: backstop, fileParallelism: false } },
    ],
  },
});
