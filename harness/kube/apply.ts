// Server-side apply of manifests, with ordinal's labels added so cleanup can find them. Whether an
// object is namespaced comes from API discovery. A cluster-scoped object is applied only if it does
// not exist yet or was created by ordinal; those ordinal creates are recorded so that cleanup (also
// on Ctrl-C) deletes them.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { InputError } from '../errors.ts';
import { api, apiMessage, isNotFound, type Kube } from './client.ts';
import { MANAGED_BY_KEY, MANAGED_BY_VALUE } from './labels.ts';

export function withLabels<T extends k8s.KubernetesObject>(obj: T, labels: Record<string, string>): T {
  const copy = structuredClone(obj);
  copy.metadata = { ...copy.metadata, labels: { ...copy.metadata?.labels, ...labels } };
  return copy;
}

/** Whether the API serves this kind in namespaces (API discovery, cached by client-node). */
export async function isNamespaced(kube: Kube, obj: k8s.KubernetesObject): Promise<boolean> {
  // KubernetesObjectApi.resource() is the library's own discovery lookup (protected in its typings)
  const lookup = (kube.objects as unknown as { resource(v: string, k: string): Promise<k8s.V1APIResource | undefined> }).resource.bind(kube.objects);
  const r = await api(`look up ${obj.apiVersion} ${obj.kind}`, () => lookup(obj.apiVersion!, obj.kind!));
  if (!r) throw new InputError(`the cluster does not serve ${obj.kind} in ${obj.apiVersion} (object ${obj.metadata?.name})`, 'install the CRD it needs first, or remove the object from the fixture');
  return r.namespaced;
}

/** The file where a run records the cluster-scoped objects it created (see cleanupClusterObjects). */
export function clusterObjectsFile(runDir: string): string {
  return path.join(runDir, '.cluster-objects.jsonl');
}

export async function applyObjects(
  kube: Kube,
  objects: k8s.KubernetesObject[],
  opts: { namespace?: string; labels?: Record<string, string>; runDir?: string } = {},
): Promise<k8s.KubernetesObject[]> {
  const out: k8s.KubernetesObject[] = [];
  for (const o of objects) {
    const obj = withLabels(o, opts.labels ?? {});
    const namespaced = await isNamespaced(kube, obj);
    if (namespaced && opts.namespace) obj.metadata!.namespace = opts.namespace;
    if (!namespaced) {
      delete obj.metadata!.namespace;
      const existing = await kube.objects.read({ apiVersion: obj.apiVersion!, kind: obj.kind!, metadata: { name: obj.metadata!.name! } }).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
      if (existing && existing.metadata?.labels?.[MANAGED_BY_KEY] !== MANAGED_BY_VALUE) {
        throw new InputError(`${obj.kind} ${obj.metadata!.name} already exists in the cluster and was not created by ordinal; refusing to change it`, `rename it in the fixture, or run on a cluster without it`);
      }
      if (!existing && opts.runDir) {
        mkdirSync(opts.runDir, { recursive: true });
        appendFileSync(clusterObjectsFile(opts.runDir), JSON.stringify({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata!.name }) + '\n');
      }
    }
    const what = `apply ${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
    out.push(await api(what, () => kube.objects.patch(obj, undefined, undefined, 'ordinal', true, k8s.PatchStrategy.ServerSideApply)));
  }
  return out;
}

/** Deletes the cluster-scoped objects a run recorded, when they still carry ordinal's label; returns those not deleted, each with its cause (NotFound counts as deleted). */
export async function cleanupClusterObjects(kube: Kube, runDir: string): Promise<string[]> {
  const file = clusterObjectsFile(runDir);
  if (!existsSync(file)) return [];
  const left: string[] = [];
  for (const line of readFileSync(file, 'utf8').trim().split('\n').filter(Boolean)) {
    const ref = JSON.parse(line) as { apiVersion: string; kind: string; name: string };
    const spec = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } };
    try {
      const cur = await kube.objects.read(spec);
      if (cur.metadata?.labels?.[MANAGED_BY_KEY] === MANAGED_BY_VALUE) await kube.objects.delete(spec);
    } catch (err) {
      if (!isNotFound(err)) left.push(`${ref.kind} ${ref.name}: ${apiMessage(err)}`);
    }
  }
  return left;
}
