// vitest globalSetup for the `suites` and `controls` projects when they are run by the test
// command rather than by `ordinal run`: creates or reuses the kind cluster, starts the local
// Distribution registry and pushes the built-in fixtures' images there, and provides the run's
// context to the workers (inject('ordinal')). The suites' nodes pull every fixture image from that
// registry, as a user's cluster does; nothing is loaded into the nodes for them. (The controls
// run `ordinal run`, which loads the images: the other path is tested there.)
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT, loadConfig } from '../config.ts';
import { connectKindCluster, localRegistryUp } from '../cluster/local-registry.ts';
import { pushImages } from '../images/push.ts';
import { cleanupRun, newRunId, prepareCluster, suiteImages } from '../run/runner.ts';
import type {} from '../suite/run-context.ts';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // `ordinal run`, or this setup for the other project, provided the context already
  if (project.getProvidedContext().ordinal) return;
  const cfg = loadConfig();
  const prep = await prepareCluster(cfg, { images: [] });
  const registry = await localRegistryUp(cfg);
  await connectKindCluster(cfg, prep.kindCluster!);
  await pushImages(cfg, registry, suiteImages());
  const runId = `test-${newRunId()}`;
  const runDir = path.join(PROJECT_ROOT, 'reports', runId);
  const keep = process.env.ORDINAL_KEEP === '1';
  // to the root project, so the other project with this setup (suites, controls) finds it and reuses it
  project.vitest.provide('ordinal', { kubeconfig: prep.kubeconfig, kindCluster: prep.kindCluster, runId, runDir, keep, imageRegistry: registry.name });
  return async () => {
    if (keep) return;
    const left = await cleanupRun(prep.kube, runId, runDir, cfg.timeouts.cleanup);
    if (left.length) throw new Error(`cleanup of run ${runId} left: ${left.join(', ')}`);
  };
}
