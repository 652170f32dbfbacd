// vitest globalSetup for the `suites` and `controls` projects when they are run by the test
// command rather than by `ordinal run`: creates or reuses the kind cluster, loads the built-in
// fixtures' images, and hands the cluster to the workers through ORDINAL_* variables.
import path from 'node:path';
import { PROJECT_ROOT, loadConfig } from '../config.ts';
import { KNOWN_SUITES } from '../fixture/fixture.ts';
import { builtinFixtures, cleanupRun, newRunId, prepareCluster } from '../run/runner.ts';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env.ORDINAL_KUBECONFIG) return;
  const cfg = loadConfig();
  const images = [...new Set(builtinFixtures(KNOWN_SUITES).flatMap((f) => f.images))];
  const prep = await prepareCluster(cfg, { images });
  const runId = `test-${newRunId()}`;
  Object.assign(process.env, {
    ORDINAL_KUBECONFIG: prep.kubeconfig,
    ORDINAL_KIND_CLUSTER: prep.kindCluster ?? '',
    ORDINAL_RUN_ID: runId,
    ORDINAL_RUN_DIR: path.join(PROJECT_ROOT, 'reports', runId),
  });
  return async () => {
    if (process.env.ORDINAL_KEEP !== '1') await cleanupRun(prep.kube, runId, process.env.ORDINAL_RUN_DIR!, cfg.timeouts.cleanup);
  };
}
