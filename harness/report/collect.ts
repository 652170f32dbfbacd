// What a failed check leaves behind for an operator: every object in the namespace described as YAML,
// events in time order, pod logs (current and previous containers), the PVs behind the PVCs, and the
// recorded timeline so far.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { Kube } from '../kube/client.ts';
import { timeoutMs } from '../config.ts';
import { describeEntry } from '../timeline/model.ts';
import type { TimelineRecorder } from '../timeline/recorder.ts';

async function safe<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch {
    return undefined;
  }
}

export async function collectDiagnostics(kube: Kube, namespace: string, dir: string, recorder?: TimelineRecorder): Promise<void> {
  await mkdir(dir, { recursive: true });
  const [pods, sts, pvcs, svcs, events, cms, eps] = await Promise.all([
    safe(() => kube.core.listNamespacedPod({ namespace })),
    safe(() => kube.apps.listNamespacedStatefulSet({ namespace })),
    safe(() => kube.core.listNamespacedPersistentVolumeClaim({ namespace })),
    safe(() => kube.core.listNamespacedService({ namespace })),
    safe(() => kube.core.listNamespacedEvent({ namespace })),
    safe(() => kube.core.listNamespacedConfigMap({ namespace })),
    safe(() => kube.core.listNamespacedEndpoints({ namespace })),
  ]);
  const pvNames = (pvcs?.items ?? []).map((c) => c.spec?.volumeName).filter(Boolean) as string[];
  const pvs = await Promise.all(pvNames.map((name) => safe(() => kube.core.readPersistentVolume({ name }))));
  const dump = (items: unknown[]) => items.map((o) => k8s.dumpYaml(o)).join('---\n');
  await writeFile(path.join(dir, 'pods.yaml'), dump(pods?.items ?? []));
  await writeFile(path.join(dir, 'statefulsets.yaml'), dump(sts?.items ?? []));
  await writeFile(path.join(dir, 'pvcs.yaml'), dump(pvcs?.items ?? []));
  await writeFile(path.join(dir, 'pvs.yaml'), dump(pvs.filter(Boolean)));
  await writeFile(path.join(dir, 'services.yaml'), dump([...(svcs?.items ?? []), ...(eps?.items ?? [])]));
  await writeFile(path.join(dir, 'configmaps.yaml'), dump(cms?.items ?? []));
  const evLines = (events?.items ?? [])
    .map((e) => ({ t: String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? ''), e }))
    .sort((a, b) => a.t.localeCompare(b.t))
    .map(({ t, e }) => `${t}  ${e.type}  ${e.involvedObject?.kind}/${e.involvedObject?.name}  ${e.reason}: ${(e.message ?? '').trim()}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`);
  await writeFile(path.join(dir, 'events.txt'), evLines.join('\n') + '\n');
  for (const pod of pods?.items ?? []) {
    for (const c of pod.spec?.containers ?? []) {
      for (const previous of [false, true]) {
        const log = await safe(() => kube.core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace, container: c.name, previous, tailLines: 500 }));
        if (log) await writeFile(path.join(dir, `log-${pod.metadata!.name}-${c.name}${previous ? '-previous' : ''}.txt`), log);
      }
    }
  }
  if (recorder) await writeFile(path.join(dir, 'timeline.txt'), recorder.entries().map(describeEntry).join('\n') + '\n');
}

/** The pods in `namespace` (on the field selector's node, when given) that these StatefulSets own; none when the list fails. */
async function memberPods(kube: Kube, namespace: string, statefulSets: string[], fieldSelector?: string): Promise<k8s.V1Pod[]> {
  const pods = (await safe(() => kube.core.listNamespacedPod({ namespace, ...(fieldSelector ? { fieldSelector } : {}) })))?.items ?? [];
  return pods.filter((p) => statefulSets.includes(p.metadata?.ownerReferences?.find((o) => o.kind === 'StatefulSet')?.name ?? ''));
}

/**
 * The whole current log of each pod of `statefulSets` in the namespace, written as
 * `<prefix><pod>.log` in `dir`: taken before a fault replaces the pods (a drain), so the members'
 * own account of that time survives their eviction. Best effort: a log that cannot be read is skipped.
 */
export async function savePodLogs(kube: Kube, namespace: string, statefulSets: string[], dir: string, prefix: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  let saved = 0;
  for (const pod of await memberPods(kube, namespace, statefulSets)) {
    const c = pod.spec?.containers?.[0]?.name;
    const log = c && (await safe(() => kube.core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace, container: c })));
    if (!log) continue;
    await writeFile(path.join(dir, `${prefix}${pod.metadata!.name}.log`), log);
    saved++;
  }
  return saved;
}

/**
 * Follows, from now, the logs of the StatefulSets' pods on `node` into `<prefix><pod>.log` in `dir`,
 * for a drain: a member's own account of its shutdown (a broker's controlled shutdown, a ZooKeeper
 * server leaving) is gone with its container, and savePodLogs before the drain is too early for it.
 * Each stream ends when its container exits; `stop` ends those still open. Best effort.
 */
export async function followPodLogs(kube: Kube, namespace: string, statefulSets: string[], node: string, dir: string, prefix: string): Promise<{ stop: () => Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const pods = await memberPods(kube, namespace, statefulSets, `spec.nodeName=${node}`);
  const log = new k8s.Log(kube.kc);
  const open: Array<{ abort: AbortController | undefined; out: NodeJS.WritableStream; closed: Promise<void> }> = [];
  for (const pod of pods) {
    const c = pod.spec?.containers?.[0]?.name;
    if (!c) continue;
    const out = createWriteStream(path.join(dir, `${prefix}${pod.metadata!.name}.log`));
    const closed = new Promise<void>((resolve) => out.on('close', () => resolve()));
    const abort = await safe(() => log.log(namespace, pod.metadata!.name!, c, out, { follow: true, sinceSeconds: 1 }));
    if (!abort) out.end();
    open.push({ abort, out, closed });
  }
  return {
    stop: async () => {
      for (const o of open) o.abort?.abort();
      for (const o of open) o.out.end();
      const bound = timeoutMs('logCollect');
      await Promise.race([Promise.all(open.map((o) => o.closed)), new Promise((r) => setTimeout(r, bound).unref())]);
    },
  };
}
