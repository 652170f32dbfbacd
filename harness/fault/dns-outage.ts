// A cluster DNS outage for the negative controls: scales the cluster's CoreDNS Deployment
// (kube-system, k8s-app=kube-dns) to 0 and waits until no CoreDNS pod is left; the returned handle
// scales it back to its replicas and waits until they are Ready. The undo is registered for Ctrl-C
// and SIGTERM too, so every path restores DNS. Only for a kind cluster ordinal created.
import * as k8s from '@kubernetes/client-node';
import { OrdinalError } from '../errors.ts';
import { api, type Kube } from '../kube/client.ts';
import { undoOnce } from '../lifecycle.ts';
import { isPodReady } from '../timeline/model.ts';
import { waitForWatch } from '../wait/watch.ts';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const NS = 'kube-system';
const SELECTOR = 'k8s-app=kube-dns';

export interface ActiveFault {
  description: string;
  undo(): Promise<void>;
}

async function scaleTo(kube: Kube, name: string, replicas: number, timeoutMs: number): Promise<void> {
  await api(`scale Deployment ${NS}/${name} to ${replicas}`, () => kube.apps.patchNamespacedDeploymentScale({ name, namespace: NS, body: { spec: { replicas } } }, MERGE));
  await waitForWatch(
    kube,
    { path: `/api/v1/namespaces/${NS}/pods`, list: () => kube.core.listNamespacedPod({ namespace: NS, labelSelector: SELECTOR }), labelSelector: SELECTOR },
    `CoreDNS pods (${NS}, ${SELECTOR})`,
    replicas ? `${replicas} Ready` : 'none left',
    (pods) => {
      const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
      const ready = live.filter(isPodReady).length;
      return { done: replicas ? ready >= replicas : pods.length === 0, observed: `${pods.length} pods, ${ready} Ready` };
    },
    { timeoutMs },
  );
}

export async function injectDnsOutage(kube: Kube, timeoutMs: number): Promise<ActiveFault> {
  const deps = await api(`list Deployments ${NS} ${SELECTOR}`, () => kube.apps.listNamespacedDeployment({ namespace: NS, labelSelector: SELECTOR }));
  const dep = deps.items[0];
  if (!dep) throw new OrdinalError(`no CoreDNS Deployment (${SELECTOR}) in ${NS}`, 'run the DNS control on the kind cluster ordinal creates');
  const name = dep.metadata!.name!;
  const replicas = dep.spec?.replicas ?? 1;
  const undo = undoOnce(`restore Deployment ${NS}/${name} to ${replicas} replicas`, () => scaleTo(kube, name, replicas, timeoutMs));
  try {
    await scaleTo(kube, name, 0, timeoutMs);
  } catch (err) {
    await undo();
    throw err;
  }
  return { description: `Deployment ${NS}/${name} scaled ${replicas} → 0`, undo };
}
