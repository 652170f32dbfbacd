// `ordinal run --in-cluster`: the pod's own ServiceAccount credentials, written as a kubeconfig file
// (the suites' workers take a kubeconfig path). The token is read from its file at each request
// (client-node's tokenFile provider), so a rotated projected token keeps working.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { OrdinalError } from '../errors.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The kubeconfig text for the in-cluster API server and ServiceAccount token; throws one line outside a pod. */
export function inClusterKubeconfigText(env: NodeJS.ProcessEnv = process.env, saDir = SERVICE_ACCOUNT_DIR): string {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new OrdinalError('--in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod)', 'run ordinal in a pod, or pass --kubeconfig');
  const token = path.join(saDir, 'token');
  if (!existsSync(token)) throw new OrdinalError(`--in-cluster: no ServiceAccount token at ${token}`, 'give the pod a ServiceAccount with automountServiceAccountToken (see deploy/rbac.yaml)');
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'in-cluster', cluster: { server, 'certificate-authority': path.join(saDir, 'ca.crt') } }],
    users: [{ name: 'service-account', user: { 'auth-provider': { name: 'tokenFile', config: { tokenFile: token } } } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'service-account' } }],
    'current-context': 'in-cluster',
  });
}

export async function writeInClusterKubeconfig(dir: string): Promise<string> {
  const file = path.join(dir, 'in-cluster.kubeconfig');
  await writeFile(file, inClusterKubeconfigText(), { mode: 0o600 });
  return file;
}
