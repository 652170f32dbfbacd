// ordinal's runner image as a plain Job under deploy/rbac.yaml's ServiceAccount (the narrow
// ClusterRole a Sonobuoy plugin or a user's Job would use), on the test run's kind cluster, images
// pulled from the local registry:
//   1. the storage and kafka suites pass in-cluster with only that role (exec, scale, delete,
//      re-create, k6 Jobs, claims, events, budgets), and the results are tarred with a done file;
//   2. SIGTERM to the runner mid-suite: ordinal asks its namespaces to go, writes its report marked
//      interrupted, and the entrypoint still tars the results and writes done.
// Results are read from a sidecar that shares /tmp/results, as Hydrophone and Sonobuoy do.
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, loadConfig } from '../harness/config.ts';
import { Kind } from '../harness/cluster/kind.ts';
import { localRegistry } from '../harness/cluster/local-registry.ts';
import { RUNNER_IMAGE, SLIM_IMAGE } from '../harness/images/catalog.ts';
import { relocate } from '../harness/images/image-registry.ts';
import { applyObjects } from '../harness/kube/apply.ts';
import { loadKube, type Kube } from '../harness/kube/client.ts';
import { execInPod } from '../harness/kube/exec.ts';
import { readYamlObjects } from '../harness/fixture/fixture.ts';
import { ownedLabels, RUN_ID_KEY } from '../harness/kube/labels.ts';
import { run } from '../harness/proc/command.ts';
import type { RunResults } from '../harness/report/results.ts';
import { runContext } from '../harness/suite/run-context.ts';
import { underClusterLock } from '../harness/testing/control.ts';
import { poll } from '../harness/wait/poll.ts';
import { waitForWatch } from '../harness/wait/watch.ts';

const NS = 'ordinal-conformance';

function job(name: string, image: string, sidecar: string, extraArgs: string): k8s.V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { 'ordinal.dev/runner-job': name } },
        spec: {
          serviceAccountName: 'ordinal',
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 300,
          securityContext: { runAsNonRoot: true, runAsUser: 65534 },
          containers: [
            { name: 'ordinal', image, imagePullPolicy: 'IfNotPresent', env: [{ name: 'E2E_EXTRA_ARGS', value: extraArgs }], volumeMounts: [{ name: 'results', mountPath: '/tmp/results' }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
            { name: 'results', image: sidecar, command: ['sh', '-c', "trap 'exit 0' TERM; sleep infinity & wait"], volumeMounts: [{ name: 'results', mountPath: '/tmp/results' }] },
          ],
          volumes: [{ name: 'results', emptyDir: {} }],
        },
      },
    },
  };
}

/** The runner's pod once its ordinal container has terminated. */
async function runnerPod(kube: Kube, name: string, timeoutMs: number): Promise<k8s.V1Pod> {
  return waitForWatch(
    kube,
    { path: `/api/v1/namespaces/${NS}/pods`, list: () => kube.core.listNamespacedPod({ namespace: NS, labelSelector: `ordinal.dev/runner-job=${name}` }), labelSelector: `ordinal.dev/runner-job=${name}` },
    `runner Job ${NS}/${name}`,
    'its ordinal container to terminate',
    (pods) => {
      const st = pods[0]?.status?.containerStatuses?.find((c) => c.name === 'ordinal')?.state;
      return { done: !!st?.terminated, observed: pods[0] ? JSON.stringify(st ?? {}) : 'no pod yet', value: pods[0] };
    },
    { timeoutMs },
  ) as Promise<k8s.V1Pod>;
}

const cat = async (kube: Kube, pod: string, file: string) => (await execInPod(kube, { namespace: NS, pod, container: 'results' }, ['cat', file], { timeoutMs: 30_000 })).stdout;

describe('in the cluster as a Job, under deploy/rbac.yaml', () => {
  const ctx = runContext();
  it.skipIf(!ctx.kindCluster || !ctx.imageRegistry)('storage and kafka pass with only the narrow role; SIGTERM still leaves a report, a tarball and done', () => underClusterLock('shared', 'the in-cluster control', async () => {
    const cfg = loadConfig();
    const kube = loadKube(ctx.kubeconfig);
    const registry = localRegistry();
    const image = relocate(RUNNER_IMAGE, registry);
    const kind = await Kind.load(cfg);
    for (const n of await kind.nodes(ctx.kindCluster!)) await run(['docker', 'exec', n.name, 'crictl', 'rmi', image], { allowFailure: true });
    // deploy/rbac.yaml as shipped, with the test run's labels so its cleanup removes it
    await applyObjects(kube, readYamlObjects(path.join(PROJECT_ROOT, 'deploy/rbac.yaml')), { labels: ownedLabels(ctx.runId, 'in-cluster'), runDir: ctx.runDir });
    const args = `--image-registry ${registry.name}`;

    // 1. the suites pass with only the narrow role
    await applyObjects(kube, [job('ordinal-suites', image, relocate(SLIM_IMAGE, registry), `--suite storage,kafka ${args}`)], { namespace: NS, labels: ownedLabels(ctx.runId, 'in-cluster') });
    const pod = await runnerPod(kube, 'ordinal-suites', cfg.timeouts.load * 3);
    const name = pod.metadata!.name!;
    const results = JSON.parse(await cat(kube, name, '/tmp/results/results.json')) as RunResults;
    const log = `${await cat(kube, name, '/tmp/results/ordinal.log')}`;
    const exitCode = pod.status!.containerStatuses!.find((c) => c.name === 'ordinal')!.state!.terminated!.exitCode;
    expect(results.errors, log).toEqual([]);
    expect(results.checks.filter((c) => c.verdict === 'failed' || c.verdict === 'blocked').map((c) => `${c.id}: ${c.diagnosis ?? c.reason}`), log).toEqual([]);
    expect(results.checks.filter((c) => c.suite === 'kafka' && c.verdict === 'passed').length, log).toBeGreaterThan(3);
    expect(exitCode, log).toBe(0);
    expect(await cat(kube, name, '/tmp/results/done')).toBe('/tmp/results/ordinal-results.tar.gz');
    const listing = (await execInPod(kube, { namespace: NS, pod: name, container: 'results' }, ['tar', '-tzf', '/tmp/results/ordinal-results.tar.gz'], { timeoutMs: 30_000 })).stdout;
    expect(listing).toMatch(/\.\/junit_01\.xml/);
    expect(listing).toMatch(/\.\/e2e\.log/);
    await kube.batch.deleteNamespacedJob({ name: 'ordinal-suites', namespace: NS, propagationPolicy: 'Background' });

    // 2. SIGTERM mid-suite
    await applyObjects(kube, [job('ordinal-sigterm', image, relocate(SLIM_IMAGE, registry), `--suite kafka ${args}`)], { namespace: NS, labels: ownedLabels(ctx.runId, 'in-cluster') });
    const running = await poll('runner Job ordinal-sigterm', 'its first check to finish (a • line in e2e.log)', async () => {
      const p = (await kube.core.listNamespacedPod({ namespace: NS, labelSelector: 'ordinal.dev/runner-job=ordinal-sigterm' })).items[0];
      const ready = p?.status?.containerStatuses?.find((c) => c.name === 'results')?.state?.running;
      const e2e = ready ? await cat(kube, p!.metadata!.name!, '/tmp/results/e2e.log').catch(() => '') : '';
      return { done: /^• /m.test(e2e), observed: p ? `${p.status?.phase}; e2e.log ${e2e.split('\n').length} lines` : 'no pod yet', value: p?.metadata?.name };
    }, { timeoutMs: cfg.timeouts.load, intervalMs: 2000 });
    await execInPod(kube, { namespace: NS, pod: running!, container: 'ordinal' }, ['kill', '-TERM', '1'], { timeoutMs: 30_000 });
    const stopped = await runnerPod(kube, 'ordinal-sigterm', cfg.timeouts.cleanup);
    const code = stopped.status!.containerStatuses!.find((c) => c.name === 'ordinal')!.state!.terminated!.exitCode;
    const interrupted = JSON.parse(await cat(kube, running!, '/tmp/results/results.json')) as RunResults;
    expect(code).not.toBe(0);
    expect(interrupted.interrupted).toMatch(/SIGTERM/);
    expect(await cat(kube, running!, '/tmp/results/done')).toBe('/tmp/results/ordinal-results.tar.gz');
    // what the interrupted run created is on its way out
    const left = (await kube.core.listNamespace({ labelSelector: `${RUN_ID_KEY}=${interrupted.runId}` })).items.filter((n) => !n.metadata?.deletionTimestamp);
    expect(left.map((n) => n.metadata!.name)).toEqual([]);
    await kube.batch.deleteNamespacedJob({ name: 'ordinal-sigterm', namespace: NS, propagationPolicy: 'Background' });
  }));
});
