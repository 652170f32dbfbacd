// A namespace per suite, created from a generateName and deleted by the name the API returned.
import type * as k8s from '@kubernetes/client-node';
import { OrdinalError } from '../errors.ts';
import { waitForWatch } from '../wait/watch.ts';
import { api, isNotFound, type Kube } from './client.ts';
import { MANAGED_BY_KEY, MANAGED_BY_VALUE } from './labels.ts';

export async function createNamespace(kube: Kube, prefix: string, labels: Record<string, string>): Promise<string> {
  const ns = await api(`create namespace ${prefix}*`, () =>
    kube.core.createNamespace({
      body: {
        metadata: {
          generateName: `${prefix}-`,
          labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'privileged' },
        },
      },
    }),
  );
  return ns.metadata!.name!;
}

/** Deletes a namespace ordinal created (refuses others); optionally waits until it is gone. */
export async function deleteNamespace(kube: Kube, name: string, opts: { waitMs?: number } = {}): Promise<void> {
  let ns: k8s.V1Namespace;
  try {
    ns = await kube.core.readNamespace({ name });
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (ns.metadata?.labels?.[MANAGED_BY_KEY] !== MANAGED_BY_VALUE) {
    throw new OrdinalError(`namespace ${name} was not created by ordinal (no ${MANAGED_BY_KEY}=${MANAGED_BY_VALUE} label); not deleting it`);
  }
  try {
    await kube.core.deleteNamespace({ name, propagationPolicy: 'Background' });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (opts.waitMs) {
    await waitForWatch(
      kube,
      { path: '/api/v1/namespaces', list: () => kube.core.listNamespace({ fieldSelector: `metadata.name=${name}` }), fieldSelector: `metadata.name=${name}` },
      `Namespace ${name}`,
      'to be deleted',
      (items) => ({ done: items.length === 0, observed: items.length ? `phase=${items[0]!.status?.phase}` : 'gone' }),
      { timeoutMs: opts.waitMs },
    );
  }
}
