// A node drain as `kubectl drain` and managed node-pool upgrades do it: cordon the node, then evict
// every pod on it through the Eviction API (policy/v1), so PodDisruptionBudgets are honoured. An
// eviction the budget refuses is answered 429 TooManyRequests: each refusal is kept (with the time
// and the API's message) for the timeline, and the eviction is tried again every second until the
// drain's bound, as kubectl retries every 5 s. DaemonSet and mirror pods stay (kubectl drain
// --ignore-daemonsets), finished pods are skipped. The returned handle uncordons (unless the node
// was cordoned before); it is registered for Ctrl-C and SIGTERM too, so every path undoes it. Only
// for a cluster ordinal created: a drain moves every pod of the node, not only ordinal's.
import * as k8s from '@kubernetes/client-node';
import { api, apiMessage, type Kube } from '../kube/client.ts';
import { undoOnce } from '../lifecycle.ts';
import { apiStatus } from '../wait/retryable.ts';
import { poll } from '../wait/poll.ts';
import { waitForWatch } from '../wait/watch.ts';
import { KubeApiError, OrdinalError } from '../errors.ts';
import { timeoutMs } from '../config.ts';
import type { ActiveFault } from './dns-outage.ts';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export interface EvictionAttempt {
  pod: string;
  namespace: string;
  /** ISO time of the API's answer */
  at: string;
  outcome: 'evicted' | 'refused' | 'gone';
  /** the API's message for a refusal ("Cannot evict pod as it would violate the pod's disruption budget.") */
  message?: string;
}

export interface Drain extends ActiveFault {
  node: string;
  /** every eviction request and its answer, in order */
  attempts: EvictionAttempt[];
  /** the pods evicted, with the UID each had (its StatefulSet re-creates it under the same name, with another) */
  evictedPods: Array<{ namespace: string; name: string; uid: string }>;
}

/** Whether a drain evicts this pod: not a DaemonSet's, not a mirror pod, not finished. */
export function drainable(p: k8s.V1Pod): boolean {
  if (p.metadata?.annotations?.['kubernetes.io/config.mirror']) return false;
  if ((p.metadata?.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet')) return false;
  return p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

/**
 * What an eviction's answer means: 201 evicted; 404 the pod is already gone; 429 the budget refused
 * (try again); anything else (500 when several budgets select the pod, 403) ends the drain.
 */
export function evictionOutcome(err: unknown): { outcome: EvictionAttempt['outcome']; message?: string } {
  if (err === undefined) return { outcome: 'evicted' };
  const status = apiStatus(err);
  if (status === 404) return { outcome: 'gone' };
  if (status === 429) return { outcome: 'refused', message: apiMessage(err).replace(/^HTTP 429: /, '') };
  throw err;
}

async function setUnschedulable(kube: Kube, node: string, unschedulable: boolean): Promise<void> {
  const what = `${unschedulable ? 'cordon' : 'uncordon'} node ${node}`;
  if (unschedulable) return void (await api(what, () => kube.core.patchNode({ name: node, body: { spec: { unschedulable } } }, MERGE)));
  // an uncordon must happen on every path: it is retried on any error within one API bound (an API
  // server that just restarted refuses with 403 until its RBAC is loaded), and the last error ends it
  await poll(`node ${node}`, 'to be uncordoned', async () => {
    try {
      await api(what, () => kube.core.patchNode({ name: node, body: { spec: { unschedulable } } }, MERGE));
      return { done: true, observed: 'uncordoned' };
    } catch (err) {
      return { done: false, observed: (err as Error).message };
    }
  }, { timeoutMs: timeoutMs('api'), intervalMs: 1000 });
}

async function evict(kube: Kube, pod: k8s.V1Pod, attempts: EvictionAttempt[], timeoutMs: number, onAttempt?: (a: EvictionAttempt) => void, signal?: AbortSignal): Promise<EvictionAttempt> {
  const name = pod.metadata!.name!;
  const namespace = pod.metadata!.namespace!;
  let lastRefusal = '';
  return poll(`eviction of pod ${namespace}/${name}`, 'to be allowed by its PodDisruptionBudget', async () => {
    let err: unknown;
    try {
      await kube.core.createNamespacedPodEviction({ name, namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } } });
    } catch (e) {
      err = e;
    }
    let r: ReturnType<typeof evictionOutcome>;
    try {
      r = evictionOutcome(err);
    } catch (e) {
      throw KubeApiError.from(`evict pod ${namespace}/${name}`, e);
    }
    const a: EvictionAttempt = { pod: name, namespace, at: new Date().toISOString(), ...r };
    attempts.push(a);
    onAttempt?.(a);
    if (r.outcome === 'refused') lastRefusal = r.message ?? 'refused';
    return { done: r.outcome !== 'refused', observed: r.outcome === 'refused' ? `429: ${lastRefusal}` : r.outcome, value: a };
  }, { timeoutMs, intervalMs: 1000, signal });
}

/** Waits until the pods evicted from `node` are gone from it (a StatefulSet's come back elsewhere or later, with a new UID). */
async function waitForGone(kube: Kube, node: string, uids: Set<string>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const selector = `spec.nodeName=${node}`;
  await waitForWatch(
    kube,
    { path: '/api/v1/pods', list: () => kube.core.listPodForAllNamespaces({ fieldSelector: selector }), fieldSelector: selector },
    `node ${node}`,
    `the ${uids.size} evicted pod${uids.size === 1 ? '' : 's'} gone`,
    (pods) => {
      const left = pods.filter((p) => uids.has(p.metadata!.uid!));
      return { done: left.length === 0, observed: left.length ? `still there: ${left.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`).join(', ')}` : 'all gone' };
    },
    { timeoutMs, signal },
  );
}

/**
 * Cordons `node` and evicts its pods (those `only` accepts, when given), retrying refusals until
 * `timeoutMs`; resolves once they are gone. On any failure the node is uncordoned before the error is rethrown.
 */
export async function drainNode(kube: Kube, node: string, opts: { timeoutMs: number; onAttempt?: (a: EvictionAttempt) => void; only?: (p: k8s.V1Pod) => boolean; signal?: AbortSignal }): Promise<Drain> {
  const before = await api(`read node ${node}`, () => kube.core.readNode({ name: node }));
  const wasCordoned = Boolean(before.spec?.unschedulable);
  const undo = undoOnce(`uncordon node ${node}`, async () => {
    if (!wasCordoned) await setUnschedulable(kube, node, false);
  });
  const attempts: EvictionAttempt[] = [];
  try {
    if (!wasCordoned) await setUnschedulable(kube, node, true);
    const pods = (await api(`list pods on node ${node}`, () => kube.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }))).items.filter((p) => drainable(p) && (opts.only?.(p) ?? true));
    const done = await Promise.all(pods.map((p) => evict(kube, p, attempts, opts.timeoutMs, opts.onAttempt, opts.signal)));
    await waitForGone(kube, node, new Set(pods.map((p) => p.metadata!.uid!)), opts.timeoutMs, opts.signal);
    // done[i] is pods[i]'s last answer
    const evictedPods = pods.filter((_, i) => done[i]!.outcome === 'evicted').map((p) => ({ namespace: p.metadata!.namespace!, name: p.metadata!.name!, uid: p.metadata!.uid! }));
    return { node, attempts, evictedPods, description: `node ${node} cordoned and drained (${evictedPods.length} evicted, ${attempts.filter((a) => a.outcome === 'refused').length} refusals)`, undo };
  } catch (err) {
    // the drain's own error comes first; an uncordon that failed as well is named with it
    await undo().catch((u: Error) => {
      throw new OrdinalError(`${(err as Error).message}; and node ${node} could not be uncordoned: ${u.message}`, `uncordon it by hand: kubectl uncordon ${node}`);
    });
    throw err;
  }
}

/**
 * Waits until these pods (name → the evicted UID) in `ns` exist with a UID other than the evicted one, Running and Ready; returns
 * when each became Ready as the API recorded it (the Ready condition's lastTransitionTime, which is
 * never later than an eviction the budget allowed because of it), or when the watch saw it.
 */
export async function waitForEvictedBack(kube: Kube, ns: string, pods: Map<string, string>, timeoutMs: number, why: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  await waitForWatch(
    kube,
    { path: `/api/v1/namespaces/${ns}/pods`, list: () => kube.core.listNamespacedPod({ namespace: ns }) },
    `pods ${[...pods.keys()].join(', ')} in ${ns}`,
    `back Running and Ready (${why})`,
    (now) => {
      const state: string[] = [];
      for (const [name, oldUid] of pods) {
        const p = now.find((x) => x.metadata?.name === name && x.metadata?.uid !== oldUid && !x.metadata?.deletionTimestamp);
        const ready = p?.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
        if (ready && !seen.has(name)) seen.set(name, Math.min(Date.now(), Date.parse(String(ready.lastTransitionTime ?? '')) || Date.now()));
        state.push(`${name} ${p ? `${p.status?.phase}${ready ? ' Ready' : ''} on ${p.spec?.nodeName ?? 'no node'}` : 'not re-created yet'}`);
      }
      return { done: seen.size === pods.size, observed: state.join(', ') };
    },
    { timeoutMs },
  );
  return seen;
}
