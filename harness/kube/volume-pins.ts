// Which node a pod's volumes pin it to: a local PersistentVolume (local-path, `local`, hostPath
// provisioners) carries a required node affinity, so a pod re-created while that node is cordoned
// stays Pending until the node is schedulable again. A drain must report that as what it is (the
// volume's affinity), not wait on it as if the pod were slow.
import type * as k8s from '@kubernetes/client-node';
import { api, isNotFound, type Kube } from './client.ts';

export interface VolumePin {
  pod: string;
  claim: string;
  volume: string;
  /** the node every term of the volume's required affinity allows (the one it lives on) */
  node: string;
  /** the affinity as `kubectl describe pv` shows it, e.g. "kubernetes.io/hostname in [ordinal-worker]" */
  affinity: string;
}

const HOSTNAME = 'kubernetes.io/hostname';

/** The node a PV's required node affinity confines it to, if it names exactly one by hostname. Pure. */
export function pvNode(pv: k8s.V1PersistentVolume): { node: string; affinity: string } | undefined {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  const nodes = new Set<string>();
  const text: string[] = [];
  for (const t of terms) {
    const exprs = t.matchExpressions ?? [];
    const host = exprs.find((e) => e.key === HOSTNAME && e.operator === 'In');
    text.push(exprs.map((e) => `${e.key} ${e.operator.toLowerCase()} [${(e.values ?? []).join(', ')}]`).join(' and '));
    // a term that does not name hosts allows any node: the volume is not pinned
    if (!host || (host.values ?? []).length !== 1) return undefined;
    nodes.add(host.values![0]!);
  }
  return nodes.size === 1 ? { node: [...nodes][0]!, affinity: text.join(' or ') } : undefined;
}

/** The pins of a pod's claims (the pod read fresh, its claims' volumes read from the API). */
export async function podVolumePins(kube: Kube, namespace: string, pod: string): Promise<VolumePin[]> {
  let p: k8s.V1Pod;
  try {
    p = await kube.core.readNamespacedPod({ name: pod, namespace });
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const pins: VolumePin[] = [];
  for (const v of p.spec?.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (!claim) continue;
    const pvc = await api(`read claim ${namespace}/${claim}`, () => kube.core.readNamespacedPersistentVolumeClaim({ name: claim, namespace }));
    const volume = pvc.spec?.volumeName;
    if (!volume) continue;
    const pv = await api(`read volume ${volume}`, () => kube.core.readPersistentVolume({ name: volume }));
    const pin = pvNode(pv);
    if (pin) pins.push({ pod, claim, volume, ...pin });
  }
  return pins;
}
