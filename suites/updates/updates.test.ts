// updates: what a StatefulSet promises when its template changes. A RollingUpdate replaces pods
// from the highest ordinal down, each Running and Ready before the next goes; a partition holds the
// lower ordinals back and lowering it phases them in; restoring the previous template returns to
// the same ControllerRevision; OnDelete touches nothing until a pod is deleted; a broken template
// halts at the highest ordinal while the others keep serving; minReadySeconds makes the update wait
// for availability; maxUnavailable (where the cluster keeps it) replaces more than one at a time;
// ordinals start where spec.ordinals.start says. Verdicts come from the recorded timeline (pods
// with their controller-revision-hash, the StatefulSet's status): harness/timeline/update-verdicts.ts.
import type * as k8s from '@kubernetes/client-node';
import { defineSuite, type CheckContext } from '../../harness/suite/check.ts';
import { statefulSetOf } from '../../harness/fixture/fixture.ts';
import { changePodTemplate, controllerRevisions, deletePod, jsonPatchStatefulSet, patchStatefulSet, readStatefulSet, scaleStatefulSet, waitForRunningAndReady, waitForScaledDown } from '../../harness/kube/statefulset.ts';
import { describeSts, waitForObserved, waitForPodOnRevision, waitForSettled } from '../../harness/kube/rollout.ts';
import { checkReachable } from '../../harness/kube/client.ts';
import { availabilityLag, concurrentUnavailability, onlyReplaced, rollingUpdate } from '../../harness/timeline/update-verdicts.ts';
import { orderedTermination } from '../../harness/timeline/verdicts.ts';
import { clockOf, shortRevision } from '../../harness/timeline/model.ts';
import { TimeoutError, formatMs } from '../../harness/errors.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';

/** The pod-template annotation ordinal changes to make a new revision (any template change would do). */
const MARK = 'ordinal.dev/template';
/** minReadySeconds the min-ready-seconds check sets: long enough to see, short enough to keep the suite quick */
const MIN_READY_SECONDS = 6;
/** maxUnavailable the max-unavailable check asks for */
const MAX_UNAVAILABLE = 2;
/** a readiness probe no container can pass: exec of a file that does not exist (any image) */
const NEVER_READY: k8s.V1Probe = { exec: { command: ['/ordinal-update-never-ready'] }, periodSeconds: 1, failureThreshold: 1 };

let replicas = 3;
let strategy = 'RollingUpdate';
/** the revision and template after the rolling-update check (rollback returns to them) */
let updated: { revision: string; template: k8s.V1PodTemplateSpec } | undefined;

const where = (s: SuiteSession) => `StatefulSet ${s.namespace}/${s.sts}`;
const onDelete = (s: SuiteSession) =>
  `updateStrategy is OnDelete: the controller replaces no pod when the template changes, so ${s.sts}'s pods move only when deleted (updates/on-delete judges that); rolling-update guarantees are not applicable`;
const top = (s: SuiteSession) => s.firstOrdinal + replicas - 1;

async function setup(session: SuiteSession): Promise<void> {
  const spec = statefulSetOf(session.fixture).spec;
  strategy = spec?.updateStrategy?.type ?? 'RollingUpdate';
  replicas = Math.max(session.replicas, 3);
  const rec = await session.record();
  await session.applySupporting();
  await session.applyStatefulSet(replicas);
  await waitForRunningAndReady(rec, replicas, session.cfg.timeouts.rollout);
  await waitForSettled(rec, replicas, session.cfg.timeouts.rollout);
}

const s = defineSuite('updates', { setup });

/** Changes the template (annotation MARK = value, plus `extra` on the spec) and waits until the status has a new update revision. */
async function changeTemplate(c: CheckContext, value: string, what: string, extra: Record<string, unknown> = {}, containerPatch?: (ct: k8s.V1Container) => void) {
  const { session } = c;
  const rec = session.recorder!;
  const before = rec.statefulSetState()!;
  const act = rec.action(`${what}: template ${MARK}=${value}`);
  // the settings first: the controller must not replace a pod under the old ones
  if (Object.keys(extra).length) await patchStatefulSet(session.kube, session.namespace, session.sts, { spec: extra }, what);
  const applied = await changePodTemplate(session.kube, session.namespace, session.sts, what, (template) => {
    template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [MARK]: value } };
    if (containerPatch) containerPatch(template.spec!.containers.find((x) => x.name === session.fixture.container)!);
  });
  const gen = applied.metadata!.generation!;
  const st = await waitForObserved(rec, gen, session.cfg.timeouts.apply);
  if (st.updateRevision === before.updateRevision) c.fail(`${where(session)}: changing the pod template (${what}) did not create a new update revision (still ${shortRevision(st.updateRevision)})`);
  return { act, from: before.updateRevision!, to: st.updateRevision!, template: applied.spec!.template, t0: performance.now() };
}

/** Restores `template` exactly (a JSON patch replacing /spec/template). */
async function restoreTemplate(c: CheckContext, template: k8s.V1PodTemplateSpec, what: string) {
  const { session } = c;
  const rec = session.recorder!;
  const act = rec.action(what);
  const applied = await jsonPatchStatefulSet(session.kube, session.namespace, session.sts, [{ op: 'replace', path: '/spec/template', value: template }], what);
  const st = await waitForObserved(rec, applied.metadata!.generation!, session.cfg.timeouts.apply);
  return { act, to: st.updateRevision!, t0: performance.now() };
}

const ordinals = (session: SuiteSession) => session.ordinals(replicas);

s.check('rolling-update', 'a template change replaces pods from the highest ordinal down, each Running and Ready before the next is deleted; currentRevision follows', async (c) => {
  const { session } = c;
  if (strategy === 'OnDelete') c.notApplicable(onDelete(session));
  const rec = session.recorder!;
  const partition = rec.statefulSetState()?.partition ?? 0;
  const ch = await changeTemplate(c, 'rolling-update', 'rolling update');
  const st = await waitForSettled(rec, replicas, session.cfg.timeouts.rollout);
  c.measure('rolloutMs', performance.now() - ch.t0);
  const v = rollingUpdate(rec.entries(), { afterSeq: ch.act.seq, toRevision: ch.to, ordinals: ordinals(session) });
  for (const r of v.replaced) if (r.replacedMs !== undefined) c.measure(`${r.pod}.replacedMs`, r.replacedMs);
  if (!v.ok) {
    const held = partition > 0
      ? `. spec.updateStrategy.rollingUpdate.partition is ${partition}: the controller updates only ordinals ≥ ${session.firstOrdinal + partition}, so ${session.podNames(Math.min(partition, replicas)).join(', ')} never ${Math.min(partition, replicas) === 1 ? 'gets' : 'get'} the new template; a partition left over from a canary holds every later update back. Lower it step by step to 0 when the canary is done (kubectl patch statefulset ${session.sts} -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}')`
      : '';
    c.fail(`${where(session)}: ${v.message}${held}`, v.excerpt);
  }
  updated = { revision: ch.to, template: ch.template };
  c.note(`${v.message} (${shortRevision(ch.from)} → ${shortRevision(ch.to)}; ${describeSts(st)})`);
});

s.check('partition', 'with partition P only ordinals ≥ P move (a canary); lowering P step by step phases the rest in, in order', async (c) => {
  const { session } = c;
  if (strategy === 'OnDelete') c.notApplicable(onDelete(session));
  const rec = session.recorder!;
  const T = session.cfg.timeouts;
  const k = session.firstOrdinal;
  const canary = replicas - 1;
  let lowered = false;
  try {
    await patchStatefulSet(session.kube, session.namespace, session.sts, { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: canary } } } }, `set partition ${canary}`);
    const ch = await changeTemplate(c, 'partition', `canary with partition ${canary}`);
    await waitForPodOnRevision(rec, k + canary, ch.to, T.rollout);
    const late = await rec.observeAbsence(T.haltObservation, (e) => e.kind === 'pod' && e.terminating && e.ordinal < k + canary);
    const held = onlyReplaced(rec.entries(), { fromSeq: ch.act.seq, toSeq: rec.lastSeq(), allowed: [k + canary], ordinals: ordinals(session), toRevision: ch.to, keepReady: true, why: `partition ${canary} holds ordinals below ${k + canary} on revision ${shortRevision(ch.from)}` });
    if (late || !held.ok) c.fail(`${where(session)}: the canary did not hold: ${held.message}`, held.excerpt);
    c.note(`canary: ${held.message}, watched for ${formatMs(T.haltObservation)}`);
    let gen = 0;
    for (let p = canary - 1; p >= 0; p--) {
      const step = rec.action(`lower partition to ${p}`);
      const t0 = performance.now();
      gen = (await patchStatefulSet(session.kube, session.namespace, session.sts, { spec: { updateStrategy: { rollingUpdate: { partition: p } } } }, `lower partition to ${p}`)).metadata!.generation!;
      if (p === 0) lowered = true;
      await waitForPodOnRevision(rec, k + p, ch.to, T.rollout);
      c.measure(`phase${p}Ms`, performance.now() - t0);
      const v = onlyReplaced(rec.entries(), { fromSeq: step.seq, toSeq: rec.lastSeq(), allowed: [k + p], ordinals: ordinals(session), toRevision: ch.to, why: `partition ${p} moves only ordinal ${k + p} after ${k + p + 1}` });
      if (!v.ok) c.fail(`${where(session)}: lowering the partition to ${p}: ${v.message}`, v.excerpt);
    }
    await waitForSettled(rec, replicas, T.rollout, { generation: gen });
    const order = rollingUpdate(rec.entries(), { afterSeq: ch.act.seq, toRevision: ch.to, ordinals: ordinals(session) });
    if (!order.ok) c.fail(`${where(session)}: the phased update: ${order.message}`, order.excerpt);
    c.note(`phased in ${order.replaced.map((r) => r.pod).join(', ')} as the partition went ${canary} → 0; currentRevision is ${shortRevision(ch.to)}`);
  } finally {
    // a failed step must not leave a partition holding the later checks' updates back
    if (!lowered) await patchStatefulSet(session.kube, session.namespace, session.sts, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, 'reset partition to 0').catch(() => undefined);
  }
});

s.check('rollback', 'restoring the previous template returns every pod to the previous ControllerRevision (same hash), in order', async (c) => {
  const { session } = c;
  if (strategy === 'OnDelete') c.notApplicable(onDelete(session));
  const rec = session.recorder!;
  const prev = updated!;
  const from = rec.statefulSetState()!.updateRevision!;
  const r = await restoreTemplate(c, prev.template, `roll back to the template of revision ${shortRevision(prev.revision)}`);
  if (r.to !== prev.revision) {
    c.fail(`${where(session)}: restoring the template of revision ${shortRevision(prev.revision)} made the update revision ${shortRevision(r.to)}, a new ControllerRevision instead of the previous one: the controller did not recognise the template it had run, so rollback history (kubectl rollout undo) cannot return to it`);
  }
  await waitForSettled(rec, replicas, session.cfg.timeouts.rollout);
  c.measure('rollbackMs', performance.now() - r.t0);
  const v = rollingUpdate(rec.entries(), { afterSeq: r.act.seq, toRevision: prev.revision, ordinals: ordinals(session) });
  if (!v.ok) c.fail(`${where(session)}: the rollback: ${v.message}`, v.excerpt);
  const sts = await readStatefulSet(session.kube, session.namespace, session.sts);
  const revs = await controllerRevisions(session.kube, session.namespace, sts);
  const back = revs.find((x) => x.name === prev.revision);
  const newer = revs.find((x) => x.name === from);
  if (!back || (newer && back.revision <= newer.revision)) {
    c.fail(`${where(session)}: ControllerRevision ${prev.revision} should be the newest after the rollback, but the revisions are ${revs.map((x) => `${shortRevision(x.name)}=${x.revision}`).join(', ')}`);
  }
  c.note(`${shortRevision(from)} → ${shortRevision(prev.revision)} (ControllerRevision ${prev.revision} now revision ${back!.revision}): ${v.message}`);
}, { needs: ['rolling-update'] });

s.check('broken-update', 'a template whose pods never get Ready halts the rollout at the highest ordinal while the others keep serving; recovery after reverting is measured', async (c) => {
  const { session } = c;
  if (strategy === 'OnDelete') c.notApplicable(onDelete(session));
  const rec = session.recorder!;
  const T = session.cfg.timeouts;
  const good = (await readStatefulSet(session.kube, session.namespace, session.sts)).spec!.template;
  const goodRev = rec.statefulSetState()!.updateRevision!;
  const ch = await changeTemplate(c, 'broken', 'broken update (readiness probe that never passes)', {}, (ct) => {
    ct.readinessProbe = NEVER_READY;
  });
  const topPod = `${session.sts}-${top(session)}`;
  let r: Awaited<ReturnType<typeof restoreTemplate>> | undefined;
  try {
    const broken = await waitForPodOnRevision(rec, top(session), ch.to, T.rollout, { ready: false });
    await rec.observeAbsence(T.haltObservation, (e) => e.kind === 'pod' && e.terminating && e.ordinal < top(session));
    const halted = onlyReplaced(rec.entries(), { fromSeq: ch.act.seq, toSeq: rec.lastSeq(), allowed: [top(session)], ordinals: ordinals(session), keepReady: true, why: `the update must halt at ${broken.pod}, which never became Ready` });
    if (!halted.ok) c.fail(`${where(session)}: the broken update did not halt: ${halted.message}`, halted.excerpt);
    c.note(`halted: ${broken.pod} on the broken revision ${shortRevision(ch.to)} stayed unready for ${formatMs(T.haltObservation)} and ${halted.message}`);
    r = await restoreTemplate(c, good, `revert the broken template (back to revision ${shortRevision(goodRev)})`);
  } finally {
    // on a failure before the revert, the later checks must not inherit the broken template
    if (!r) {
      await restoreTemplate(c, good, 'revert the broken template after a failure').catch(() => undefined);
      await deletePod(session.kube, session.namespace, topPod).catch(() => undefined);
    }
  }
  if (r.to !== goodRev) c.fail(`${where(session)}: restoring the template of revision ${shortRevision(goodRev)} made the update revision ${shortRevision(r.to)}, not ${shortRevision(goodRev)}: the controller did not recognise the template it had run`);
  const broken = { pod: topPod };
  let by = 'the controller by itself';
  try {
    await waitForPodOnRevision(rec, top(session), goodRev, T.selfRecovery);
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    by = `deleting ${broken.pod} (the controller had not replaced it ${formatMs(T.selfRecovery)} after the revert: under OrderedReady it waits for the unready pod to become Ready before it updates anything, so the broken pod must be deleted, the documented "forced rollback")`;
    rec.action(`delete the broken pod ${broken.pod} (forced rollback)`);
    await deletePod(session.kube, session.namespace, broken.pod);
    await waitForPodOnRevision(rec, top(session), goodRev, T.rollout);
  }
  await waitForSettled(rec, replicas, T.rollout);
  const recoveryMs = performance.now() - r.t0;
  c.measure('recoveryMs', recoveryMs);
  c.measure('recoveredByController', by.startsWith('the controller') ? 1 : 0, 'count');
  c.note(`after reverting at ${clockOf(r.act.at)}, recovered in ${formatMs(recoveryMs)} by ${by}`);
});

s.check('min-ready-seconds', `with minReadySeconds, availableReplicas lags readyReplicas by it and the rolling update waits for availability`, async (c) => {
  const { session } = c;
  if (strategy === 'OnDelete') c.notApplicable(onDelete(session));
  const rec = session.recorder!;
  const declared = statefulSetOf(session.fixture).spec?.minReadySeconds ?? 0;
  const minReadyMs = MIN_READY_SECONDS * 1000;
  let lag: ReturnType<typeof availabilityLag>;
  let order: ReturnType<typeof rollingUpdate>;
  try {
    const ch = await changeTemplate(c, 'min-ready-seconds', `rolling update with minReadySeconds ${MIN_READY_SECONDS}`, { minReadySeconds: MIN_READY_SECONDS });
    await waitForSettled(rec, replicas, session.cfg.timeouts.rollout, { available: true });
    c.measure('rolloutMs', performance.now() - ch.t0);
    lag = availabilityLag(rec.entries(), { afterSeq: ch.act.seq, minReadyMs });
    order = rollingUpdate(rec.entries(), { afterSeq: ch.act.seq, toRevision: ch.to, ordinals: ordinals(session), minReadyMs });
  } finally {
    await patchStatefulSet(session.kube, session.namespace, session.sts, { spec: { minReadySeconds: declared } }, `restore minReadySeconds ${declared}`);
  }
  if (!lag.ok || !order.ok) c.fail(`${where(session)} with minReadySeconds ${MIN_READY_SECONDS}: ${[lag, order].filter((v) => !v.ok).map((v) => v.message).join('; ')}`, [lag.excerpt, order.excerpt].filter(Boolean).join('\n'));
  if (lag.lagsMs.length) c.measure('availabilityLagMs', Math.min(...lag.lagsMs));
  c.note(`${lag.message}; ${order.message}`);
});

s.check('max-unavailable', `with rollingUpdate.maxUnavailable ${MAX_UNAVAILABLE}, at most that many pods are unavailable at once and more than one is replaced at a time (where the cluster keeps the field)`, async (c) => {
  const { session } = c;
  if (strategy === 'OnDelete') c.notApplicable(onDelete(session));
  const rec = session.recorder!;
  let kept: number | string | undefined;
  let seen: ReturnType<typeof concurrentUnavailability>;
  try {
    const ch = await changeTemplate(c, 'max-unavailable', `rolling update with maxUnavailable ${MAX_UNAVAILABLE}`, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: MAX_UNAVAILABLE } } });
    kept = (await readStatefulSet(session.kube, session.namespace, session.sts)).spec?.updateStrategy?.rollingUpdate?.maxUnavailable;
    await waitForSettled(rec, replicas, session.cfg.timeouts.rollout);
    c.measure('rolloutMs', performance.now() - ch.t0);
    seen = concurrentUnavailability(rec.entries(), { afterSeq: ch.act.seq, ordinals: ordinals(session) });
  } finally {
    await jsonPatchStatefulSet(session.kube, session.namespace, session.sts, [{ op: 'remove', path: '/spec/updateStrategy/rollingUpdate/maxUnavailable' }], 'remove maxUnavailable').catch(() => undefined);
  }
  c.measure('maxUnavailableSeen', seen.max, 'count');
  if (kept === undefined) {
    const version = await checkReachable(session.kube).catch(() => 'unknown');
    c.notApplicable(`the API server (${version}) dropped spec.updateStrategy.rollingUpdate.maxUnavailable when it was set: the MaxUnavailableStatefulSet feature is off on this cluster, so the controller replaces one pod at a time (seen: at most ${seen.max} unavailable)`);
  }
  if (seen.max > MAX_UNAVAILABLE) c.fail(`${where(session)}: ${seen.max} pods were unavailable at once during the update, more than maxUnavailable ${MAX_UNAVAILABLE}`);
  if (!seen.overlapped) c.fail(`${where(session)}: the API server kept maxUnavailable ${MAX_UNAVAILABLE}, but the controller replaced one pod at a time (at most ${seen.max} unavailable): the feature is enabled in the API server but not honoured by the controller-manager`);
  c.note(`maxUnavailable ${MAX_UNAVAILABLE} kept by the API server; up to ${seen.max} pods unavailable at once`);
});

s.check('on-delete', 'with updateStrategy OnDelete a template change touches no pod; a deleted pod comes back on the new revision, and only that one', async (c) => {
  const { session } = c;
  const rec = session.recorder!;
  const T = session.cfg.timeouts;
  const k = session.firstOrdinal;
  if (strategy !== 'OnDelete') await jsonPatchStatefulSet(session.kube, session.namespace, session.sts, [{ op: 'replace', path: '/spec/updateStrategy', value: { type: 'OnDelete' } }], 'switch to OnDelete');
  try {
    const ch = await changeTemplate(c, 'on-delete', 'template change under OnDelete');
    await rec.observeAbsence(T.haltObservation, (e) => e.kind === 'pod' && e.terminating);
    const untouched = onlyReplaced(rec.entries(), { fromSeq: ch.act.seq, toSeq: rec.lastSeq(), allowed: [], ordinals: ordinals(session), keepReady: true, why: 'OnDelete replaces a pod only when it is deleted' });
    if (!untouched.ok) c.fail(`${where(session)}: ${untouched.message}`, untouched.excerpt);
    const victim = `${session.sts}-${k + 1}`;
    const del = rec.action(`delete ${victim} under OnDelete`);
    await deletePod(session.kube, session.namespace, victim);
    await waitForPodOnRevision(rec, k + 1, ch.to, T.podReady);
    await waitForRunningAndReady(rec, replicas, T.rollout);
    const only = onlyReplaced(rec.entries(), { fromSeq: del.seq, toSeq: rec.lastSeq(), allowed: [k + 1], ordinals: ordinals(session), toRevision: ch.to, why: `only ${victim} was deleted` });
    const others = rec.pods().filter((p) => p.ordinal !== k + 1 && p.revision === ch.to);
    if (!only.ok || others.length) c.fail(`${where(session)} under OnDelete: ${only.ok ? '' : only.message}${others.length ? `${others.map((p) => p.pod).join(', ')} moved to the new revision without being deleted` : ''}`, only.excerpt);
    c.note(`no pod moved for ${formatMs(T.haltObservation)} after the template change; ${victim} came back on ${shortRevision(ch.to)}, the others stayed on ${shortRevision(ch.from)}`);
  } finally {
    if (strategy !== 'OnDelete') {
      rec.action('restore updateStrategy RollingUpdate');
      const restored = await jsonPatchStatefulSet(session.kube, session.namespace, session.sts, [{ op: 'replace', path: '/spec/updateStrategy', value: statefulSetOf(session.fixture).spec?.updateStrategy ?? { type: 'RollingUpdate' } }], 'restore the update strategy');
      // the generation just written: the recorded StatefulSet may still show OnDelete, which counts as settled
      await waitForSettled(rec, replicas, T.rollout, { generation: restored.metadata!.generation! });
    }
  }
});

s.check('start-ordinals', 'pods are <sts>-K … <sts>-(K+N-1) for spec.ordinals.start K; scale-down removes the highest and scale-up brings it back', async (c) => {
  const { session } = c;
  const rec = session.recorder!;
  const T = session.cfg.timeouts;
  const k = session.firstOrdinal;
  const want = session.podNames(replicas);
  const got = rec.pods().map((p) => p.pod);
  const startText = `spec.ordinals.start ${k}${k === 0 ? ' (unset: the default)' : ''}`;
  if (got.join(',') !== want.join(',')) c.fail(`${where(session)} with ${startText}: expected pods ${want.join(', ')}, found ${got.join(', ')}`);
  const act = rec.action(`scale ${session.sts} ${replicas} → ${replicas - 1}`);
  await scaleStatefulSet(session.kube, session.namespace, session.sts, replicas - 1);
  await waitForScaledDown(rec, replicas - 1, T.rollout);
  const down = orderedTermination(rec.entries(), { afterSeq: act.seq });
  const removed = rec.entries().filter((e) => e.kind === 'pod' && e.seq > act.seq && e.type === 'DELETED').map((e) => (e as { pod: string }).pod);
  if (!down.ok || removed.join(',') !== want.at(-1)) c.fail(`${where(session)} with ${startText}: scaling ${replicas} → ${replicas - 1} removed ${removed.join(', ') || 'nothing'}, expected ${want.at(-1)}`, down.excerpt);
  rec.action(`scale ${session.sts} ${replicas - 1} → ${replicas}`);
  await scaleStatefulSet(session.kube, session.namespace, session.sts, replicas);
  await waitForRunningAndReady(rec, replicas, T.rollout);
  c.note(`${startText}: pods ${want.join(', ')}; scale-down removed ${removed.join(', ')}, scale-up re-created it`);
});
