// vitest globalSetup for the `suites` and `controls` projects when they are run by the test
// command rather than by `ordinal run`: creates or reuses the kind cluster, loads the built-in
// fixtures' images, and provides the run's context to the workers (inject('ordinal')).
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT, loadConfig } from '../config.ts';
import { KNOWN_SUITES } from '../fixture/fixture.ts';
import { builtinFixtures, cleanupRun, newRunId, prepareCluster } from '../run/runner.ts';
import type {} from '../suite/run-context.ts';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // `ordinal run`, or this setup for the other project, provided the context already
  if (project.getProvidedContext().ordinal) return;
  const cfg = loadConfig();
  const images = [...new Set(builtinFixtures(KNOWN_SUITES).flatMap((f) => f.images))];
  const prep = await prepareCluster(cfg, { images });
  const runId = `test-${newRunId()}`;
  const runDir = path.join(PROJECT_ROOT, 'reports', runId);
  const keep = process.env.ORDINAL_KEEP === '1';
  // to the root project, so the other project with this setup (suites, controls) finds it and reuses it
  project.vitest.provide('ordinal', { kubeconfig: prep.kubeconfig, kindCluster: prep.kindCluster, runId, runDir, keep });
  return async () => {
    if (keep) return;
    const left = await cleanupRun(prep.kube, runId, runDir, cfg.timeouts.cleanup);
    if (left.length) throw new Error(`cleanup of run ${runId} left: ${left.join(', ')}`);
  };
}
