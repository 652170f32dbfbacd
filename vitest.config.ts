import { defineConfig } from 'vitest/config';

// Projects:
//   unit         pure logic next to the harness code (no cluster, no Docker)
//   integration  testcontainers tests against locally built images (Docker, no cluster)
//   suites       the conformance suites; normally started by `ordinal run`, which sets the fixture,
//                kubeconfig and report directory through ORDINAL_* variables
//   controls     negative controls: run `ordinal run` on broken fixtures, assert the intended check fails
export default defineConfig({
  test: {
    reporters: ['default'],
    silent: 'passed-only',
    retry: 0,
    projects: [
      { test: { name: 'unit', include: ['harness/**/*.test.ts'], testTimeout: 10_000 } },
      { test: { name: 'integration', include: ['harness/**/*.itest.ts'], testTimeout: 5 * 60_000, hookTimeout: 10 * 60_000, fileParallelism: false } },
      { test: { name: 'suites', include: ['suites/**/*.test.ts'], exclude: ['suites/**/*.control.test.ts'], testTimeout: 15 * 60_000, hookTimeout: 15 * 60_000, fileParallelism: false, sequence: { concurrent: false } } },
      { test: { name: 'controls', include: ['suites/**/*.control.test.ts'], testTimeout: 40 * 60_000, hookTimeout: 20 * 60_000, fileParallelism: false } },
    ],
  },
});
