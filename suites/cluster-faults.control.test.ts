// Negative controls for faults of the cluster, not of a fixture: with cluster DNS down (CoreDNS
// scaled to 0, always restored) the identity suite must block its checks with "cluster DNS
// unavailable" and fail none. Only on a kind cluster ordinal created: it changes kube-system.
import { describe, it } from 'vitest';
import { loadConfig } from '../harness/config.ts';
import { injectDnsOutage } from '../harness/fault/dns-outage.ts';
import type { Control } from '../harness/fixture/fixture.ts';
import { loadKube } from '../harness/kube/client.ts';
import { assertControl, runControl, underClusterLock } from '../harness/testing/control.ts';
import { runContext } from '../harness/suite/run-context.ts';

const IDENTITY = ['deploy', 'governing-service', 'pod-names', 'hostname', 'peer-dns', 'service-records', 'dns-follows-reschedule'].map((c) => `identity/${c}`);

describe('cluster faults', () => {
  it.skipIf(!runContext().kindCluster)('cluster DNS unavailable (CoreDNS scaled to 0): identity checks blocked by it, none failed', async () => {
    const kube = loadKube(runContext().kubeconfig);
    // every pod on the cluster loses DNS: nothing else runs meanwhile
    await underClusterLock('exclusive', 'the cluster-DNS control', async (env) => {
      const outage = await injectDnsOutage(kube, loadConfig().timeouts.rollout);
      const control: Control = { suite: 'identity', fails: [], diagnosis: '', blocked: IDENTITY, blockedReason: 'cluster DNS unavailable' };
      try {
        assertControl(control, await runControl('cluster-dns-down', control, undefined, env));
      } finally {
        await outage.undo();
      }
    });
  });
});
