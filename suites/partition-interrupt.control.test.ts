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
import { SUITE_KEY } from '../harness/kube/labels.ts';
import { runContext } from '../harness/suite/run-context.ts';
import { poll, withDeadline } from '../harness/wait/poll.ts';

describe('partition, interrupted', () => {
  const ctx = runContext();
  it.skipIf(!ctx.kindCluster)('SIGINT while the ZooKeeper leader is cut off: the run exits and no partition rule is left in the pod', async () => {
    const cfg = loadConfig();
    const T = cfg.timeouts;
    const kube = loadKube(ctx.kubeconfig);
    const t0 = Date.now();
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'run', '--suite', 'partition', '--focus', 'partition/zookeeper-leader$', '--keep', '--kubeconfig', ctx.kubeconfig, '--report-dir', path.join(ctx.runDir, 'controls', 'partition-interrupted')], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let ns: string | undefined;
    try {
      // the partition in effect: one of the suite's ZooKeeper members has ordinal's rules
      const cut = await poll('the partition suite of the interrupted run', 'to have cut a ZooKeeper member off', async () => {
        ns ??= (await kube.core.listNamespace({ labelSelector: `${SUITE_KEY}=partition` })).items.find((n) => Date.parse(String(n.metadata?.creationTimestamp)) >= t0 - 1000)?.metadata?.name;
        if (!ns) return { done: false, observed: 'no namespace yet' };
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
      expect(await partitionRulesLeft(kube, ctx.kindCluster!, ns!, cut!), `${cut} after the interrupt\n${output}`).toEqual([]);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      if (ns) await kube.core.deleteNamespace({ name: ns }).catch(() => undefined);
    }
  });
});
