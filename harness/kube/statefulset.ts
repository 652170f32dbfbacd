// StatefulSet actions and waits. Waits read the suite's timeline recorder, so what they saw is what
// the verdicts judge.
import * as k8s from '@kubernetes/client-node';
import { Impossible, TimeoutError } from '../errors.ts';
import { explainNotReady } from '../diagnose/not-ready.ts';
import type { TimelineRecorder } from '../timeline/recorder.ts';
import type { PodEntry } from '../timeline/model.ts';
import { api, isNotFound, type Kube } from './client.ts';
import { waitForWatch } from '../wait/watch.ts';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const JSON_PATCH = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);

/** A JSON merge patch (RFC 7386) of a StatefulSet; `what` names the change in errors. */
export async function patchStatefulSet(kube: Kube, namespace: string, name: string, body: object, what: string): Promise<k8s.V1StatefulSet> {
  return api(`${what} (StatefulSet ${namespace}/${name})`, () => kube.apps.patchNamespacedStatefulSet({ name, namespace, body }, MERGE));
}

/** A JSON patch (RFC 6902) of a StatefulSet, e.g. replacing its whole pod template. */
export async function jsonPatchStatefulSet(kube: Kube, namespace: string, name: string, ops: object[], what: string): Promise<k8s.V1StatefulSet> {
  return api(`${what} (StatefulSet ${namespace}/${name})`, () => kube.apps.patchNamespacedStatefulSet({ name, namespace, body: ops }, JSON_PATCH));
}

/**
 * Changes the pod template as `mutate` says (read, change, replace /spec/template with a JSON
 * patch, so nothing else of the spec is touched) and returns the StatefulSet as applied.
 */
export async function changePodTemplate(kube: Kube, namespace: string, name: string, what: string, mutate: (t: k8s.V1PodTemplateSpec) => void): Promise<k8s.V1StatefulSet> {
  const cur = await readStatefulSet(kube, namespace, name);
  const template = structuredClone(cur.spec!.template);
  mutate(template);
  return jsonPatchStatefulSet(kube, namespace, name, [{ op: 'replace', path: '/spec/template', value: template }], what);
}

/** Sets (or adds) environment variable `key` on container `container` of a pod template. */
export function setTemplateEnv(t: k8s.V1PodTemplateSpec, container: string, key: string, value: string): void {
  const ct = t.spec!.containers.find((c) => c.name === container);
  if (!ct) throw new Error(`the pod template has no container ${container}`);
  ct.env = [...(ct.env ?? []).filter((e) => e.name !== key), { name: key, value }];
}

/** The StatefulSet's ControllerRevisions (owned by it), oldest revision first. */
export async function controllerRevisions(kube: Kube, namespace: string, sts: k8s.V1StatefulSet): Promise<Array<{ name: string; revision: number }>> {
  const list = await api(`list ControllerRevisions in ${namespace}`, () => kube.apps.listNamespacedControllerRevision({ namespace }));
  return list.items
    .filter((r) => r.metadata?.ownerReferences?.some((o) => o.uid === sts.metadata?.uid))
    .map((r) => ({ name: r.metadata!.name!, revision: r.revision }))
    .sort((a, b) => a.revision - b.revision);
}

export async function scaleStatefulSet(kube: Kube, namespace: string, name: string, replicas: number): Promise<void> {
  await api(`scale StatefulSet ${namespace}/${name} to ${replicas}`, () =>
    kube.apps.patchNamespacedStatefulSetScale({ name, namespace, body: { spec: { replicas } } }, MERGE),
  );
}

export async function readStatefulSet(kube: Kube, namespace: string, name: string): Promise<k8s.V1StatefulSet> {
  return api(`read StatefulSet ${namespace}/${name}`, () => kube.apps.readNamespacedStatefulSet({ name, namespace }));
}

/** Deletes the StatefulSet and (cascade) its pods; PVCs follow persistentVolumeClaimRetentionPolicy. */
export async function deleteStatefulSet(kube: Kube, namespace: string, name: string): Promise<void> {
  try {
    await kube.apps.deleteNamespacedStatefulSet({ name, namespace, propagationPolicy: 'Background' });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export async function deletePod(kube: Kube, namespace: string, name: string, opts: { force?: boolean } = {}): Promise<string> {
  const pod = await api(`read Pod ${namespace}/${name}`, () => kube.core.readNamespacedPod({ name, namespace }));
  await api(`delete Pod ${namespace}/${name}`, () =>
    kube.core.deleteNamespacedPod({ name, namespace, ...(opts.force ? { gracePeriodSeconds: 0 } : {}) }),
  );
  return pod.metadata!.uid!;
}

export function describePods(pods: PodEntry[]): string {
  if (pods.length === 0) return 'no pods';
  return pods
    .map((p) => `${p.pod}=${p.terminating ? 'Terminating' : (p.phase ?? 'Pending')}${p.ready ? '/Ready' : '/NotReady'}${p.waiting ? `/${p.waiting}` : ''}${p.restarts ? `/restarts=${p.restarts}` : ''}`)
    .join(', ');
}

/** A wait for pods to become Ready that ran out, with why they are not (explainNotReady). */
export class NotReadyError extends TimeoutError {
  constructor(t: TimeoutError, readonly explanation: string) {
    super(t.expectation, t.subject, t.boundMs, explanation ? `${t.lastObservation}. ${explanation}` : t.lastObservation);
  }
}

/**
 * A pod of the StatefulSet whose image cannot be pulled: the wait cannot succeed. Only once the
 * kubelet backs off (a first ErrImagePull may be a registry's passing hiccup), or at once for an
 * image reference that can never work (InvalidImageName, ErrImageNeverPull: the fixture's fault).
 */
export function pullFailure(pods: PodEntry[]): string | undefined {
  const final = (r: string) => /^(ImagePullBackOff|InvalidImageName|ErrImageNeverPull)$/.test(r);
  const p = pods.find((x) => !x.terminating && x.pullErrors?.some((e) => final(e.reason)));
  const e = p?.pullErrors?.find((x) => final(x.reason));
  return p && e ? `${p.pod} cannot pull image ${e.image} (${e.reason}${p.node ? ` on node ${p.node}` : ''}: ${e.message || 'no message'})` : undefined;
}

/**
 * Waits until exactly the pods <sts>-K … <sts>-(K+n-1) exist (K: spec.ordinals.start), each Running and Ready and not
 * terminating; returns them. `notUids` requires fresh pods (e.g. after a deletion). A pod that
 * Failed, or whose image cannot be pulled, makes the wait impossible; a timeout says why the pods
 * are not Ready.
 */
export async function waitForRunningAndReady(
  rec: TimelineRecorder,
  n: number,
  timeoutMs: number,
  opts: { notUids?: Set<string>; subject?: string } = {},
): Promise<PodEntry[]> {
  const sts = rec.statefulSet;
  const k = rec.firstOrdinal;
  try {
    return await rec.waitUntil(
      opts.subject ?? `StatefulSet ${rec.namespace}/${sts}`,
      `${n} pods ${sts}-${k}…${sts}-${k + n - 1} Running and Ready${opts.notUids ? ' (re-created)' : ''}`,
      (pods) => {
        // a pod being deleted may end Failed (its containers exit non-zero on SIGTERM); that is not final
        const failed = pods.find((p) => p.phase === 'Failed' && !p.terminating && !(opts.notUids?.has(p.uid) ?? false));
        if (failed) throw new Impossible(`${failed.pod} is Failed`);
        const pull = pullFailure(pods);
        if (pull) throw new Impossible(pull);
        const want = pods.filter((p) => p.ordinal >= k && p.ordinal < k + n);
        const extra = pods.filter((p) => p.ordinal >= k + n || (p.ordinal >= 0 && p.ordinal < k));
        const done =
          want.length === n &&
          extra.length === 0 &&
          want.every((p) => p.ready && p.running && !p.terminating && !(opts.notUids?.has(p.uid) ?? false));
        return { done, observed: `ready ${want.filter((p) => p.ready && !p.terminating).length}/${n}: ${describePods(pods)}`, value: want };
      },
      timeoutMs,
    );
  } catch (err) {
    if (err instanceof TimeoutError) throw new NotReadyError(err, explainNotReady(rec.pods(), rec.entries(), sts, n, k));
    throw err;
  }
}

/** Waits until the pods <sts>-K … <sts>-(K+n-1) exist and their containers run (Ready or not). */
export async function waitForRunning(rec: TimelineRecorder, n: number, timeoutMs: number): Promise<PodEntry[]> {
  const k = rec.firstOrdinal;
  return rec.waitUntil(`StatefulSet ${rec.namespace}/${rec.statefulSet}`, `${n} pods running`, (pods) => {
    const want = pods.filter((p) => p.ordinal >= k && p.ordinal < k + n && p.running && !p.terminating);
    return { done: want.length === n, observed: describePods(pods), value: want };
  }, timeoutMs);
}

/** Waits until no pod of the StatefulSet exists. */
export async function waitForNoPods(rec: TimelineRecorder, timeoutMs: number): Promise<void> {
  await rec.waitUntil(`StatefulSet ${rec.namespace}/${rec.statefulSet}`, 'no pods', (pods) => ({ done: pods.length === 0, observed: describePods(pods) }), timeoutMs);
}

/** Waits until exactly `n` pods exist and the higher ordinals are gone (after a scale-down). */
export async function waitForScaledDown(rec: TimelineRecorder, n: number, timeoutMs: number): Promise<PodEntry[]> {
  return rec.waitUntil(
    `StatefulSet ${rec.namespace}/${rec.statefulSet}`,
    `pods with ordinal ≥ ${rec.firstOrdinal + n} gone and ${n} Ready`,
    (pods) => ({
      done: pods.every((p) => p.ordinal < rec.firstOrdinal + n) && pods.filter((p) => p.ready && !p.terminating).length === n,
      observed: describePods(pods),
      value: pods,
    }),
    timeoutMs,
  );
}

/**
 * Waits for a StatefulSet (not necessarily the recorded one) to finish its rollout: observed the
 * newest generation, every replica updated and Ready, and current revision = update revision.
 */
export async function waitForRollout(kube: Kube, namespace: string, name: string, timeoutMs: number): Promise<k8s.V1StatefulSet> {
  return waitForWatch(
    kube,
    { path: `/apis/apps/v1/namespaces/${namespace}/statefulsets`, list: () => kube.apps.listNamespacedStatefulSet({ namespace, fieldSelector: `metadata.name=${name}` }), fieldSelector: `metadata.name=${name}` },
    `StatefulSet ${namespace}/${name}`,
    'every replica updated and Ready',
    (items) => {
      const s = items[0];
      const st = s?.status;
      const want = s?.spec?.replicas ?? 1;
      const fresh = (st?.observedGeneration ?? 0) >= (s?.metadata?.generation ?? 1);
      const done = !!s && fresh && st?.readyReplicas === want && st?.updatedReplicas === want && st?.currentRevision === st?.updateRevision;
      return { done, observed: s ? `ready=${st?.readyReplicas ?? 0}/${want} updated=${st?.updatedReplicas ?? 0} (observedGeneration ${st?.observedGeneration ?? 0}/${s.metadata?.generation})` : 'absent', value: s };
    },
    { timeoutMs },
  ) as Promise<k8s.V1StatefulSet>;
}

/** Triggers a rolling restart, as `kubectl rollout restart` does (a template annotation). */
export async function restartStatefulSet(kube: Kube, namespace: string, name: string): Promise<void> {
  await api(`restart StatefulSet ${namespace}/${name}`, () =>
    kube.apps.patchNamespacedStatefulSet({ name, namespace, body: { spec: { template: { metadata: { annotations: { 'ordinal.dev/restartedAt': new Date().toISOString() } } } } } }, MERGE),
  );
}
