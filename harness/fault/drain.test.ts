import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { drainable, evictionOutcome } from './drain.ts';

// the body the API server answers when a PodDisruptionBudget refuses an eviction (policy/v1)
const refusal = new ApiException(429, 'Unknown API Status Code!', JSON.stringify({
  kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'TooManyRequests', code: 429,
  message: "Cannot evict pod as it would violate the pod's disruption budget.",
  details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget zk-pdb needs 2 healthy pods and has 2 currently' }] },
}), {});

describe('drain: which pods, and what an eviction answer means', () => {
  it('leaves DaemonSet, mirror and finished pods', () => {
    expect(drainable({ metadata: { name: 'zk-0', ownerReferences: [{ kind: 'StatefulSet', name: 'zk', apiVersion: 'apps/v1', uid: 'u' }] }, status: { phase: 'Running' } })).toBe(true);
    expect(drainable({ metadata: { name: 'kube-proxy-x', ownerReferences: [{ kind: 'DaemonSet', name: 'kube-proxy', apiVersion: 'apps/v1', uid: 'u' }] } })).toBe(false);
    expect(drainable({ metadata: { name: 'etcd', annotations: { 'kubernetes.io/config.mirror': 'abc' } } })).toBe(false);
    expect(drainable({ metadata: { name: 'job-x' }, status: { phase: 'Succeeded' } })).toBe(false);
  });

  it('201 evicted, 404 gone, 429 refused with the budget message; anything else ends the drain', () => {
    expect(evictionOutcome(undefined)).toEqual({ outcome: 'evicted' });
    expect(evictionOutcome(new ApiException(404, 'nf', '{"kind":"Status","code":404,"message":"pods \\"zk-0\\" not found"}', {}))).toEqual({ outcome: 'gone' });
    expect(evictionOutcome(refusal)).toEqual({ outcome: 'refused', message: "Cannot evict pod as it would violate the pod's disruption budget." });
    const several = new ApiException(500, 'x', '{"kind":"Status","code":500,"message":"This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."}', {});
    expect(() => evictionOutcome(several)).toThrow();
  });
});
