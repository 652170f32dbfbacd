// Faults of the cluster, not of the StatefulSet under test: cluster DNS down, an image the nodes
// cannot pull, a storage provisioner that does not bind a claim, a node NotReady or under pressure,
// a pod evicted by its kubelet. Pure: judged from a ClusterSnapshot (cluster-snapshot.ts), so the
// rules are unit-tested on recorded snapshots. A check whose failure one of these explains is
// reported *blocked* by that fault, never failed as the user's fault.

export interface ClusterFault {
  /** the part of the cluster at fault: dns, image-pull, storage, node, eviction */
  component: 'dns' | 'image-pull' | 'storage' | 'node' | 'eviction';
  /** one line: "cluster DNS unavailable", "image X cannot be pulled", … */
  summary: string;
  /** what was observed */
  evidence: string;
  /** what an operator does about it */
  fix: string;
}

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ClusterSnapshot {
  nodes: Array<{ name: string; conditions: NodeCondition[]; unschedulable?: boolean }>;
  /** the nodes the namespace's pods are scheduled on (empty before anything is deployed) */
  podNodes?: string[];
  /** the cluster DNS (Service kube-system/kube-dns and its pods); undefined when the cluster has no kube-dns Service */
  dns?: { pods: Array<{ name: string; ready: boolean; phase?: string }>; readyEndpoints: number; deployment?: { name: string; replicas: number; ready: number } };
  /** a lookup of kubernetes.default from a pod of the fixture (undefined: not tried) */
  lookup?: { pod: string; name: string; ok: boolean; detail: string };
  /** the namespace's pods that wait on an image pull */
  pullErrors: Array<{ pod: string; container: string; image: string; reason: string; message: string; node?: string }>;
  /** the namespace's claims that are not Bound */
  pendingClaims: Array<{ name: string; storageClass?: string; storageClassExists: boolean; provisioner?: string; ageMs: number; events: string[]; consumerUnscheduled?: boolean }>;
  /** the cluster's default StorageClass, if any */
  defaultStorageClass?: string;
  /** Evicted events in the namespace */
  evictions: Array<{ pod: string; message: string }>;
}

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

export function dnsFaults(s: ClusterSnapshot): ClusterFault[] {
  const fix = 'restore the cluster DNS: `kubectl -n kube-system get deploy,pods -l k8s-app=kube-dns`, scale CoreDNS back up (`kubectl -n kube-system scale deploy coredns --replicas=2`) and check its logs';
  const d = s.dns;
  if (d) {
    const ready = d.pods.filter((p) => p.ready).length;
    if (ready === 0 || d.readyEndpoints === 0) {
      const dep = d.deployment ? `Deployment kube-system/${d.deployment.name} has ${d.deployment.ready}/${d.deployment.replicas} ready replicas; ` : '';
      const pods = d.pods.length ? d.pods.map((p) => `${p.name} ${p.phase ?? '?'}${p.ready ? ' Ready' : ' NotReady'}`).join(', ') : 'no CoreDNS pods';
      return [{ component: 'dns', summary: 'cluster DNS unavailable', evidence: `${dep}${pods}; Service kube-system/kube-dns has ${d.readyEndpoints} ready endpoints`, fix }];
    }
  }
  if (s.lookup && !s.lookup.ok) {
    return [{ component: 'dns', summary: 'cluster DNS unavailable', evidence: `${s.lookup.name} does not resolve from pod ${s.lookup.pod}: ${s.lookup.detail}${d ? ` (CoreDNS pods ready: ${d.pods.filter((p) => p.ready).length}/${d.pods.length})` : ''}`, fix }];
  }
  return [];
}

/** Nodes NotReady or under pressure: those the suite's pods run on, or every node before anything is deployed. */
export function nodeFaults(s: ClusterSnapshot): ClusterFault[] {
  const out: ClusterFault[] = [];
  const relevant = s.podNodes?.length ? s.nodes.filter((n) => s.podNodes!.includes(n.name)) : s.nodes;
  for (const n of relevant) {
    const ready = n.conditions.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') {
      out.push({ component: 'node', summary: `node ${n.name} NotReady`, evidence: `condition Ready=${ready.status}${ready.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : ''}`, fix: `check the node's kubelet and container runtime (\`kubectl describe node ${n.name}\`); on kind, \`docker logs ${n.name}\`` });
    }
    for (const c of n.conditions.filter((c) => PRESSURE.includes(c.type) && c.status === 'True')) {
      out.push({ component: 'node', summary: `node ${n.name} under ${c.type}`, evidence: `condition ${c.type}=True${c.message ? ` (${c.message})` : ''}`, fix: `free ${c.type === 'DiskPressure' ? 'disk space' : c.type === 'MemoryPressure' ? 'memory' : c.type === 'PIDPressure' ? 'process slots' : 'the node network'} on ${n.name}, or run on a larger node` });
    }
  }
  return out;
}

/** An image reference that can never be pulled (malformed, or pullPolicy Never) is the fixture's fault, not the cluster's. */
const FIXTURE_IMAGE_ERRORS = /^(InvalidImageName|ErrImageNeverPull)$/;

export function imagePullFaults(s: ClusterSnapshot): ClusterFault[] {
  const byImage = new Map<string, typeof s.pullErrors>();
  for (const e of s.pullErrors.filter((x) => !FIXTURE_IMAGE_ERRORS.test(x.reason))) byImage.set(e.image, [...(byImage.get(e.image) ?? []), e]);
  return [...byImage].map(([image, errs]) => {
    const e = errs[0]!;
    const pods = [...new Set(errs.map((x) => x.pod))];
    return {
      component: 'image-pull' as const,
      summary: `image ${image} cannot be pulled`,
      evidence: `${pods.join(', ')} ${e.reason}${e.node ? ` on node ${e.node}` : ''}: ${e.message || 'no message from the kubelet'}`,
      fix: `make ${image} pullable by the nodes: push it to a registry they reach (and pass --image-registry), load it into the nodes (\`kind load docker-image ${image}\`), or fix the image name in the fixture`,
    };
  });
}

/** A claim that stays Pending although its StorageClass exists (or a default one does): the provisioner's fault. */
export function storageFaults(s: ClusterSnapshot, pendingForMs: number): ClusterFault[] {
  const out: ClusterFault[] = [];
  for (const c of s.pendingClaims) {
    const cls = c.storageClass ?? s.defaultStorageClass;
    if (!cls) {
      out.push({ component: 'storage', summary: 'no default StorageClass', evidence: `PVC ${c.name} names no storageClassName and the cluster has no default StorageClass; it stays Pending${c.events.length ? ` (${c.events.at(-1)})` : ''}`, fix: 'install a dynamic provisioner and mark its StorageClass default (annotation storageclass.kubernetes.io/is-default-class=true), or name a StorageClass in the fixture' });
      continue;
    }
    // a StorageClass the fixture names and the cluster lacks is the fixture's fault, not the cluster's
    if (c.storageClass && !c.storageClassExists) continue;
    // WaitForFirstConsumer: the claim waits for its pod to be scheduled; an unschedulable pod is not the provisioner's fault
    if (c.consumerUnscheduled) continue;
    const failed = c.events.filter((e) => /ProvisioningFailed|failed to provision/i.test(e));
    if (failed.length === 0 && c.ageMs < pendingForMs) continue;
    out.push({
      component: 'storage',
      summary: `StorageClass ${cls} does not provision`,
      evidence: `PVC ${c.name} Pending for ${Math.round(c.ageMs / 1000)}s${c.provisioner ? ` (provisioner ${c.provisioner})` : ''}${c.events.length ? `: ${(failed.at(-1) ?? c.events.at(-1))}` : ', no provisioning events'}`,
      fix: `check the provisioner of StorageClass ${cls}${c.provisioner ? ` (${c.provisioner})` : ''}: its pods and logs (on kind: \`kubectl -n local-path-storage logs deploy/local-path-provisioner\`)`,
    });
  }
  return out;
}

/** Evictions for exceeding the pod's own ephemeral-storage limits are the pod's fault, not the node's. */
const OWN_LIMIT = /exceed(s|ed) (the total limit of containers|its local ephemeral storage limit)|ephemeral local storage usage exceeds/i;

export function evictionFaults(s: ClusterSnapshot): ClusterFault[] {
  return s.evictions.filter((e) => !OWN_LIMIT.test(e.message)).map((e) => ({ component: 'eviction' as const, summary: `pod ${e.pod} evicted by its node`, evidence: e.message, fix: 'give the node more of the resource named above, or lower the fixture\'s requests' }));
}

/** Every cluster fault the snapshot shows, most fundamental first (nodes, DNS, storage, images, evictions). */
export function clusterFaults(s: ClusterSnapshot, opts: { provisioningMs: number }): ClusterFault[] {
  return [...nodeFaults(s), ...dnsFaults(s), ...storageFaults(s, opts.provisioningMs), ...imagePullFaults(s), ...evictionFaults(s)];
}

/** One line for a blocked check: "cluster fault (not your StatefulSet): … — evidence; fix: …". */
export function describeFaults(faults: ClusterFault[]): string {
  return `cluster fault, not the StatefulSet's: ${faults.map((f) => `${f.summary} (${f.evidence}); fix: ${f.fix}`).join(' — and ')}`;
}
