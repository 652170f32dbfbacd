// The read-only snapshot `ordinal diagnose` judges: StatefulSets, their Services, pods, claims,
// PodDisruptionBudgets, events, the ConfigMaps their pod templates reference, and pod log tails
// (the previous container of a crash-looping pod; ZooKeeper's own log). Only get, list and
// pods/log: never exec, create, patch or delete. A missing permission is one line naming the verb
// and the resource.
import type * as k8s from '@kubernetes/client-node';
import { InputError, OrdinalError, apiAnswer } from '../errors.ts';
import type { Kube } from '../kube/client.ts';
import { appOf, type DiagnoseSnapshot } from './statefulset-rules.ts';

const LOG_LINES = 200;
/** how much of a Kafka broker's log, from its start, holds the config it prints ("KafkaConfig values:") */
const HEAD_BYTES = 256 * 1024;

/** What a failed read says: a 403 names the verb and the resource that are missing. */
function readError(kube: Kube, verb: string, resource: string, ns: string | undefined, err: unknown): OrdinalError {
  const a = apiAnswer(err);
  if (a.status === 403) {
    const user = kube.kc.getCurrentUser()?.name;
    return new OrdinalError(
      `permission denied: ${user ? `user ${user} ` : ''}cannot ${verb} ${resource}${ns ? ` in namespace ${ns}` : ' cluster-wide'}`,
      `grant ${verb} on ${resource} (ordinal diagnose needs get, list and watch on statefulsets, services, pods, persistentvolumeclaims, poddisruptionbudgets, events, configmaps, and get on pods/log)`,
    );
  }
  return new OrdinalError(`${verb} ${resource}${ns ? ` in ${ns}` : ''} failed: ${a.text}`);
}

async function read<T>(kube: Kube, verb: string, resource: string, ns: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw readError(kube, verb, resource, ns, err);
  }
}

/** The namespaces to look in and the StatefulSets there (one, when named). */
export async function findStatefulSets(kube: Kube, opts: { namespace?: string; allNamespaces?: boolean; name?: string }): Promise<k8s.V1StatefulSet[]> {
  if (opts.allNamespaces) {
    const all = (await read(kube, 'list', 'statefulsets.apps', undefined, () => kube.apps.listStatefulSetForAllNamespaces())).items;
    const found = opts.name ? all.filter((s) => s.metadata?.name === opts.name) : all;
    if (!found.length) throw new InputError(opts.name ? `no StatefulSet named ${opts.name} in any namespace` : 'no StatefulSets in the cluster', opts.name ? 'check the name (kubectl get statefulsets -A)' : 'nothing to diagnose');
    return found;
  }
  const ns = opts.namespace ?? 'default';
  const all = (await read(kube, 'list', 'statefulsets.apps', ns, () => kube.apps.listNamespacedStatefulSet({ namespace: ns }))).items;
  if (!opts.name) {
    if (!all.length) throw new InputError(`no StatefulSets in namespace ${ns}`, 'pass -n NAMESPACE, or --all-namespaces');
    return all;
  }
  const one = all.find((s) => s.metadata?.name === opts.name);
  if (!one) throw new InputError(`no StatefulSet ${opts.name} in namespace ${ns}`, all.length ? `StatefulSets there: ${all.map((s) => s.metadata!.name).join(', ')}` : 'pass -n NAMESPACE, or --all-namespaces');
  return [one];
}

/** One namespace's snapshot, for the given StatefulSets of it. */
export async function liveSnapshot(kube: Kube, namespace: string, statefulSets: k8s.V1StatefulSet[]): Promise<DiagnoseSnapshot> {
  const ns = namespace;
  const [services, pods, claims, budgets, events] = await Promise.all([
    read(kube, 'list', 'services', ns, () => kube.core.listNamespacedService({ namespace: ns })),
    read(kube, 'list', 'pods', ns, () => kube.core.listNamespacedPod({ namespace: ns })),
    read(kube, 'list', 'persistentvolumeclaims', ns, () => kube.core.listNamespacedPersistentVolumeClaim({ namespace: ns })),
    read(kube, 'list', 'poddisruptionbudgets.policy', ns, () => kube.policy.listNamespacedPodDisruptionBudget({ namespace: ns })),
    read(kube, 'list', 'events', ns, () => kube.core.listNamespacedEvent({ namespace: ns })),
  ]);
  const cmNames = new Set(statefulSets.flatMap((s) => {
    const spec = s.spec?.template.spec;
    return [
      ...(spec?.volumes ?? []).map((v) => v.configMap?.name),
      ...(spec?.containers ?? []).flatMap((c) => [...(c.env ?? []).map((e) => e.valueFrom?.configMapKeyRef?.name), ...(c.envFrom ?? []).map((e) => e.configMapRef?.name)]),
    ].filter((x): x is string => !!x);
  }));
  const configMaps: k8s.V1ConfigMap[] = [];
  for (const name of cmNames) {
    try {
      configMaps.push(await kube.core.readNamespacedConfigMap({ name, namespace: ns }));
    } catch (err) {
      if (apiAnswer(err).status === 404) continue;
      throw readError(kube, 'get', 'configmaps', ns, err);
    }
  }
  const logs: Record<string, string> = {};
  const owned = (p: k8s.V1Pod, s: k8s.V1StatefulSet) => p.metadata?.ownerReferences?.some((o) => o.kind === 'StatefulSet' && o.name === s.metadata?.name);
  for (const s of statefulSets) {
    const zk = appOf(s) === 'zookeeper';
    const kafka = appOf(s) === 'kafka';
    for (const p of pods.items.filter((x) => owned(x, s))) {
      for (const c of p.status?.containerStatuses ?? []) {
        const crashing = c.state?.waiting?.reason === 'CrashLoopBackOff' || (c.restartCount > 0 && !c.ready);
        // the previous container of a restarting pod (its tail); ZooKeeper's log (its tail: refusals);
        // a Kafka broker's log from its start (its head: the effective config it printed)
        const want: Array<[string, Record<string, unknown>]> = [
          ...(crashing ? [[`${p.metadata!.name}/${c.name}/previous`, { previous: true, tailLines: LOG_LINES }] as [string, Record<string, unknown>]] : []),
          ...(zk && c.state?.running ? [[`${p.metadata!.name}/${c.name}`, { tailLines: LOG_LINES * 5 }] as [string, Record<string, unknown>]] : []),
          ...(kafka && c.state?.running ? [[`${p.metadata!.name}/${c.name}/head`, { limitBytes: HEAD_BYTES }] as [string, Record<string, unknown>]] : []),
        ];
        for (const [key, opts] of want) {
          try {
            logs[key] = await kube.core.readNamespacedPodLog({ name: p.metadata!.name!, namespace: ns, container: c.name, ...opts });
          } catch (err) {
            if (apiAnswer(err).status === 403) throw readError(kube, 'get', 'pods/log', ns, err);
            // a previous container that is gone, or a log not there yet: no log, no evidence from it
          }
        }
      }
    }
  }
  return { namespace: ns, takenAt: new Date().toISOString(), statefulSets, services: services.items, pods: pods.items, claims: claims.items, budgets: budgets.items, events: events.items, configMaps, logs };
}
