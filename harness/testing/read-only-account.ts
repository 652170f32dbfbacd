// A ServiceAccount bound only to get, list and watch (and pods/log), with a kubeconfig that uses its
// token: what `ordinal diagnose` is proven read-only with. Its objects carry the test run's labels,
// so the run's cleanup deletes them (the cluster-scoped ones are recorded in the run directory).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { applyObjects } from '../kube/apply.ts';
import type { Kube } from '../kube/client.ts';
import { ownedLabels } from '../kube/labels.ts';
import { createNamespace } from '../kube/namespace.ts';

export const READ_ONLY_RULES: k8s.V1PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'services', 'persistentvolumeclaims', 'events', 'configmaps', 'namespaces'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
];

/** Creates the account and returns a kubeconfig file for it (token valid for an hour). */
export async function readOnlyKubeconfig(kube: Kube, runId: string, runDir: string, rules = READ_ONLY_RULES): Promise<string> {
  const labels = ownedLabels(runId, 'diagnose');
  const ns = await createNamespace(kube, 'ordinal-diagnose-ro', labels);
  const name = `ordinal-diagnose-ro-${ns.split('-').at(-1)}`;
  await applyObjects(kube, [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: ns } } as k8s.V1ServiceAccount,
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules } as k8s.V1ClusterRole,
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }] } as k8s.V1ClusterRoleBinding,
  ], { namespace: ns, labels, runDir });
  const token = (await kube.core.createNamespacedServiceAccountToken({ name: 'reader', namespace: ns, body: { spec: { audiences: [], expirationSeconds: 3600 } } as k8s.AuthenticationV1TokenRequest })).status!.token;
  const cluster = kube.kc.getCurrentCluster()!;
  await mkdir(runDir, { recursive: true });
  const file = path.join(runDir, `${name}.kubeconfig`);
  await writeFile(file, stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: cluster.server, ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : { 'certificate-authority': cluster.caFile }) } }],
    users: [{ name: `system:serviceaccount:${ns}:reader`, user: { token } }],
    contexts: [{ name: 'ro', context: { cluster: 'c', user: `system:serviceaccount:${ns}:reader` } }],
    'current-context': 'ro',
  }), { mode: 0o600 });
  return file;
}
