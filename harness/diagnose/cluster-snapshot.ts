// Reads what cluster-faults.ts judges, read-only: node conditions, the cluster DNS (Service
// kube-system/kube-dns, its EndpointSlices and pods), and in the suite's namespace the pods waiting
// on image pulls, claims not Bound (with their events) and evictions. Optionally a lookup of
// kubernetes.default from a fixture pod. What the credentials may not read is left out (unknown),
// never taken for a fault.
import * as k8s from '@kubernetes/client-node';
import type { Kube } from '../kube/client.ts';
import { execInPod } from '../kube/exec.ts';
import { parseAddresses } from '../kube/dns.ts';
import { TimeoutError } from '../errors.ts';
import { isPodReady, podPullErrors } from '../timeline/model.ts';
import type { ClusterSnapshot } from './cluster-faults.ts';

async function maybe<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch {
    // forbidden or unreachable: unknown, not a fault
    return undefined;
  }
}

export interface LookupTarget {
  pod: string;
  container: string;
  /** the fixture's resolver argv with {name} */
  resolve: string[];
  timeoutMs: number;
}

async function readDns(kube: Kube): Promise<ClusterSnapshot['dns']> {
  const svc = await maybe(() => kube.core.readNamespacedService({ name: 'kube-dns', namespace: 'kube-system' }));
  if (!svc) return undefined;
  const selector = Object.entries(svc.spec?.selector ?? { 'k8s-app': 'kube-dns' }).map(([k, v]) => `${k}=${v}`).join(',');
  const discovery = kube.kc.makeApiClient(k8s.DiscoveryV1Api);
  const [pods, slices, deps] = await Promise.all([
    maybe(() => kube.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: selector })),
    maybe(() => discovery.listNamespacedEndpointSlice({ namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' })),
    maybe(() => kube.apps.listNamespacedDeployment({ namespace: 'kube-system', labelSelector: selector })),
  ]);
  if (!pods || !slices) return undefined;
  const readyEndpoints = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length;
  const dep = deps?.items[0];
  return {
    pods: pods.items.map((p) => ({ name: p.metadata!.name!, phase: p.status?.phase, ready: isPodReady(p) })),
    readyEndpoints,
    ...(dep ? { deployment: { name: dep.metadata!.name!, replicas: dep.spec?.replicas ?? 0, ready: dep.status?.readyReplicas ?? 0 } } : {}),
  };
}

async function lookup(kube: Kube, namespace: string, t: LookupTarget): Promise<ClusterSnapshot['lookup']> {
  const pod = await maybe(() => kube.core.readNamespacedPod({ name: t.pod, namespace }));
  // a pod with its own resolver settings says nothing about the cluster DNS
  if (!pod || pod.status?.phase !== 'Running' || !['ClusterFirst', 'ClusterFirstWithHostNet', undefined].includes(pod.spec?.dnsPolicy)) return undefined;
  const name = 'kubernetes.default';
  const argv = t.resolve.map((a) => a.replaceAll('{name}', name));
  // a lookup with no answer is asked once more (a busy node, a lost packet); two in a row, or a
  // resolver that answers "no such name", is a DNS fault
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const r = await execInPod(kube, { namespace, pod: t.pod, container: t.container }, argv, { timeoutMs: t.timeoutMs });
      if (r.exitCode === 0 && parseAddresses(r.stdout).length) return { pod: t.pod, name, ok: true, detail: parseAddresses(r.stdout).join(', ') };
      // exit 1/2: the resolver answered "no such name"; anything else: the command is not there, unknown
      if (r.exitCode === 1 || r.exitCode === 2) return { pod: t.pod, name, ok: false, detail: `\`${argv.join(' ')}\` found no address (exit ${r.exitCode})` };
      return undefined;
    } catch (err) {
      if (!(err instanceof TimeoutError)) return undefined;
    }
  }
  return { pod: t.pod, name, ok: false, detail: `no answer within ${t.timeoutMs / 1000}s, twice` };
}

/** Whether the pods that mount a claim are all unscheduled (WaitForFirstConsumer then waits on them, not on the provisioner). */
function consumerUnscheduled(pods: k8s.V1Pod[], claim: string): boolean {
  const users = pods.filter((p) => (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim));
  return users.length > 0 && users.every((p) => !p.spec?.nodeName);
}

export async function clusterSnapshot(kube: Kube, opts: { namespace?: string; lookup?: LookupTarget; now?: number } = {}): Promise<ClusterSnapshot> {
  const ns = opts.namespace;
  const now = opts.now ?? Date.now();
  const [nodes, dns, pods, claims, events, classes] = await Promise.all([
    maybe(() => kube.core.listNode()),
    readDns(kube),
    ns ? maybe(() => kube.core.listNamespacedPod({ namespace: ns })) : undefined,
    ns ? maybe(() => kube.core.listNamespacedPersistentVolumeClaim({ namespace: ns })) : undefined,
    ns ? maybe(() => kube.core.listNamespacedEvent({ namespace: ns })) : undefined,
    maybe(() => kube.storage.listStorageClass()),
  ]);
  const evs = events?.items ?? [];
  const eventsOf = (kind: string, name: string) => evs
    .filter((e) => e.involvedObject?.kind === kind && e.involvedObject?.name === name)
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')))
    .map((e) => `${e.reason}: ${(e.message ?? '').trim()}`);
  const isDefault = (c: k8s.V1StorageClass) => ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'].some((a) => c.metadata?.annotations?.[a] === 'true');
  const snap: ClusterSnapshot = {
    nodes: (nodes?.items ?? []).map((n) => ({ name: n.metadata!.name!, unschedulable: n.spec?.unschedulable, conditions: (n.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })) })),
    dns,
    pullErrors: (pods?.items ?? []).flatMap((p) => podPullErrors(p).map((e) => ({ pod: p.metadata!.name!, ...e, node: p.spec?.nodeName }))),
    podNodes: [...new Set((pods?.items ?? []).map((p) => p.spec?.nodeName).filter((n): n is string => !!n))],
    pendingClaims: (claims?.items ?? []).filter((c) => c.status?.phase === 'Pending').map((c) => {
      const cls = c.spec?.storageClassName ?? undefined;
      const sc = classes?.items.find((x) => x.metadata?.name === (cls ?? classes.items.find(isDefault)?.metadata?.name));
      return {
        name: c.metadata!.name!,
        storageClass: cls,
        // unknown (no read access to StorageClasses) counts as existing: the fixture is not blamed on a guess
        storageClassExists: !classes || !cls || !!sc,
        provisioner: sc?.provisioner,
        ageMs: now - new Date(c.metadata?.creationTimestamp ?? now).getTime(),
        events: eventsOf('PersistentVolumeClaim', c.metadata!.name!),
        consumerUnscheduled: consumerUnscheduled(pods?.items ?? [], c.metadata!.name!),
      };
    }),
    defaultStorageClass: classes ? classes.items.find(isDefault)?.metadata?.name : 'unknown',
    evictions: evs.filter((e) => e.reason === 'Evicted').map((e) => ({ pod: e.involvedObject?.name ?? '?', message: (e.message ?? '').trim() })),
  };
  if (ns && opts.lookup) snap.lookup = await lookup(kube, ns, opts.lookup);
  return snap;
}
