// Server-side apply of manifests, with ordinal's labels added so cleanup can find them.
import * as k8s from '@kubernetes/client-node';
import { api, type Kube } from './client.ts';

const CLUSTER_SCOPED = new Set(['Namespace', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'Node', 'PriorityClass']);

export function withLabels<T extends k8s.KubernetesObject>(obj: T, labels: Record<string, string>): T {
  const copy = structuredClone(obj);
  copy.metadata = { ...copy.metadata, labels: { ...copy.metadata?.labels, ...labels } };
  return copy;
}

export async function applyObjects(
  kube: Kube,
  objects: k8s.KubernetesObject[],
  opts: { namespace?: string; labels?: Record<string, string> } = {},
): Promise<k8s.KubernetesObject[]> {
  const out: k8s.KubernetesObject[] = [];
  for (const o of objects) {
    const obj = withLabels(o, opts.labels ?? {});
    if (opts.namespace && !CLUSTER_SCOPED.has(obj.kind ?? '')) obj.metadata!.namespace = opts.namespace;
    const what = `apply ${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
    out.push(await api(what, () => kube.objects.patch(obj, undefined, undefined, 'ordinal', true, k8s.PatchStrategy.ServerSideApply)));
  }
  return out;
}
