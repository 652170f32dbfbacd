// A partition is healed on every path: `ordinal run --suite partition` is interrupted (SIGINT to its
// process group, as Ctrl-C in a terminal sends it) while the ZooKeeper leader is cut off; the run
// must exit, and the isolated pod's network namespace must hold no rule of ordinal's partition.
// The run keeps its namespace (--keep) so the pod is still there to look into; the test deletes it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, loadConfig } from '../harness/config.ts';
import { partitionRulesLeft } from '../harness/fault/partition.ts';
import { loadKube } from '../harness/kube/client.ts';
import { RUN_ID_KEY, SUITE_KEY } from '../harness/kube/labels.ts';
import { underClusterLock } from '../harness/testing/control.ts';
import { runContext } from '../harness/suite/run-context.ts';
import { poll, withDeadline } from '../harness/wait/poll.ts';

describe('partition, interrupted', () => {
  const ctx = runContext();
  // a shared hold over the run and the look afterwards: no node restart re-creates the kept pod meanwhile
  it.skipIf(!ctx.kindCluster)('SIGINT while the ZooKeeper leader is cut off: the run exits and no partition rule is left in the pod', () => underClusterLock('shared', 'the interrupted-partition control', async (lock) => {
    const cfg = loadConfig();
    const T = cfg.timeouts;
    const kube = loadKube(ctx.kubeconfig);
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'run', '--suite', 'partition', '--focus', 'partition/zookeeper-leader$', '--keep', '--kubeconfig', ctx.kubeconfig, '--report-dir', path.join(ctx.runDir, 'controls', 'partition-interrupted')], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...lock } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let ns: string | undefined;
    try {
      // the partition in effect: one of the suite's ZooKeeper members has ordinal's rules
      const cut = await poll('the partition suite of the interrupted run', 'to have cut a ZooKeeper member off', async () => {
        // this run's own namespace (other runs of the partition suite may be going on beside it)
        const runId = /run (\S+): partition/.exec(output)?.[1];
        if (!runId) return { done: false, observed: 'the run has not started its suites yet' };
        ns ??= (await kube.core.listNamespace({ labelSelector: `${RUN_ID_KEY}=${runId},${SUITE_KEY}=partition` })).items[0]?.metadata?.name;
        if (!ns) return { done: false, observed: `run ${runId}: no namespace yet` };
        const pods = (await kube.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=zk' })).items.filter((p) => p.status?.phase === 'Running').map((p) => p.metadata!.name!);
        for (const pod of pods) {
          const rules = await partitionRulesLeft(kube, ctx.kindCluster!, ns, pod).catch(() => []);
          if (rules.length) return { done: true, observed: `${pod}: ${rules.length} rules`, value: pod };
        }
        return { done: false, observed: `${ns}: ${pods.length} members running, none cut off` };
      }, { timeoutMs: T.rollout + T.quorum, intervalMs: 1000 });
      process.kill(-child.pid!, 'SIGINT');
      const code = await withDeadline(exited, T.cleanup, 'the interrupted run did not exit');
      expect(code, output).not.toBe(0);
      expect(output).toMatch(/INTERRUPTED|interrupted by SIGINT/);
      // the heal is one command on the node, started at the interrupt; it may end just after the run does
      const left = await poll(`pod ${ns}/${cut}`, 'no partition rule left after the interrupt', async () => {
        const rules = await partitionRulesLeft(kube, ctx.kindCluster!, ns!, cut!);
        return { done: rules.length === 0, observed: rules.join('; ') || 'none', value: rules };
      }, { timeoutMs: T.api, intervalMs: 500 }).catch((e: Error) => e.message);
      expect(left, `${cut} after the interrupt\n${output}`).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      if (ns) await kube.core.deleteNamespace({ name: ns }).catch(() => undefined);
    }
  }));
});
