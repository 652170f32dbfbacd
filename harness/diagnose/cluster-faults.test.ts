import { describe, expect, it } from 'vitest';
import { clusterFaults as judge, describeFaults, type ClusterSnapshot } from './cluster-faults.ts';

// the timeout table's default provisioning bound (30s)
const clusterFaults = (s: ClusterSnapshot) => judge(s, { provisioningMs: 30_000 });

const ready = (name: string) => ({ name, conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] });
const healthy: ClusterSnapshot = {
  nodes: [ready('ordinal-control-plane'), ready('ordinal-worker')],
  dns: { pods: [{ name: 'coredns-1', ready: true, phase: 'Running' }, { name: 'coredns-2', ready: true, phase: 'Running' }], readyEndpoints: 2, deployment: { name: 'coredns', replicas: 2, ready: 2 } },
  pullErrors: [],
  pendingClaims: [],
  defaultStorageClass: 'standard',
  evictions: [],
};

describe('cluster faults', () => {
  it('finds none on a healthy cluster', () => {
    expect(clusterFaults(healthy)).toEqual([]);
    expect(clusterFaults({ ...healthy, dns: undefined })).toEqual([]);
    expect(clusterFaults({ ...healthy, lookup: { pod: 'web-0', name: 'kubernetes.default', ok: true, detail: '10.96.0.1' } })).toEqual([]);
  });

  it('names cluster DNS unavailable when CoreDNS is scaled to 0', () => {
    const f = clusterFaults({ ...healthy, dns: { pods: [], readyEndpoints: 0, deployment: { name: 'coredns', replicas: 0, ready: 0 } } });
    expect(f.map((x) => x.summary)).toEqual(['cluster DNS unavailable']);
    expect(f[0]!.evidence).toBe('Deployment kube-system/coredns has 0/0 ready replicas; no CoreDNS pods; Service kube-system/kube-dns has 0 ready endpoints');
    expect(describeFaults(f)).toMatch(/^cluster fault, not the StatefulSet's: cluster DNS unavailable \(Deployment/);
  });

  it('names cluster DNS unavailable when a lookup from a pod fails although CoreDNS looks ready', () => {
    const f = clusterFaults({ ...healthy, lookup: { pod: 'web-0', name: 'kubernetes.default', ok: false, detail: 'no answer within 3s' } });
    expect(f[0]!.evidence).toBe('kubernetes.default does not resolve from pod web-0: no answer within 3s (CoreDNS pods ready: 2/2)');
  });

  it('names an image that cannot be pulled, once per image', () => {
    const e = { container: 'nginx', image: 'ordinal.local/x:1', reason: 'ErrImagePull', message: 'failed to resolve reference', node: 'ordinal-worker' };
    const f = clusterFaults({ ...healthy, pullErrors: [{ pod: 'web-0', ...e }, { pod: 'web-1', ...e, reason: 'ImagePullBackOff' }] });
    expect(f).toHaveLength(1);
    expect(f[0]!.summary).toBe('image ordinal.local/x:1 cannot be pulled');
    expect(f[0]!.evidence).toBe('web-0, web-1 ErrImagePull on node ordinal-worker: failed to resolve reference');
  });

  it('blames a provisioner that fails, not a StorageClass the fixture names and the cluster lacks', () => {
    const claim = { name: 'www-web-0', storageClass: 'standard', storageClassExists: true, provisioner: 'rancher.io/local-path', ageMs: 5000, events: ['ProvisioningFailed: failed to provision volume: no space'] };
    expect(clusterFaults({ ...healthy, pendingClaims: [claim] })[0]!.summary).toBe('StorageClass standard does not provision');
    expect(clusterFaults({ ...healthy, pendingClaims: [{ ...claim, events: [] }] })).toEqual([]);
    expect(clusterFaults({ ...healthy, pendingClaims: [{ ...claim, events: [], ageMs: 60_000 }] })).toHaveLength(1);
    expect(clusterFaults({ ...healthy, pendingClaims: [{ ...claim, storageClass: 'fast', storageClassExists: false }] })).toEqual([]);
    expect(clusterFaults({ ...healthy, defaultStorageClass: undefined, pendingClaims: [{ ...claim, storageClass: undefined }] })[0]!.summary).toBe('no default StorageClass');
  });

  it('names nodes NotReady or under pressure, and evictions', () => {
    const f = clusterFaults({
      ...healthy,
      nodes: [{ name: 'w1', conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] }, { name: 'w2', conditions: [{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'True', message: 'kubelet has disk pressure' }] }],
      evictions: [{ pod: 'web-1', message: 'The node was low on resource: memory.' }],
    });
    expect(f.map((x) => x.summary)).toEqual(['node w1 NotReady', 'node w2 under DiskPressure', 'pod web-1 evicted by its node']);
  });

  it("leaves the fixture's own faults to the fixture: a malformed image, an unschedulable consumer, its own storage limit", () => {
    const e = { pod: 'web-0', container: 'nginx', image: 'ordinal.local/X:1', reason: 'InvalidImageName', message: 'invalid reference format' };
    expect(clusterFaults({ ...healthy, pullErrors: [e] })).toEqual([]);
    const claim = { name: 'www-web-0', storageClass: 'standard', storageClassExists: true, ageMs: 120_000, events: ['WaitForFirstConsumer: waiting for first consumer to be created before binding'], consumerUnscheduled: true };
    expect(clusterFaults({ ...healthy, pendingClaims: [claim] })).toEqual([]);
    expect(clusterFaults({ ...healthy, evictions: [{ pod: 'web-1', message: 'Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.' }] })).toEqual([]);
  });

  it('judges only the nodes the suite runs on, once it runs somewhere', () => {
    const sick = { name: 'ordinal-worker2', conditions: [{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'True' }] };
    expect(clusterFaults({ ...healthy, nodes: [...healthy.nodes, sick], podNodes: ['ordinal-worker'] })).toEqual([]);
    expect(clusterFaults({ ...healthy, nodes: [...healthy.nodes, sick], podNodes: ['ordinal-worker2'] })[0]!.summary).toBe('node ordinal-worker2 under DiskPressure');
    expect(clusterFaults({ ...healthy, nodes: [...healthy.nodes, sick] })).toHaveLength(1);
  });
});
