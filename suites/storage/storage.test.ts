// storage: one PVC per ordinal named <template>-<sts>-<ordinal>; scale-down keeps the PVCs, or
// deletes them where persistentVolumeClaimRetentionPolicy.whenScaled says so (declared = observed);
// scale-up re-binds the same PVC and PV (UIDs compared); deleting and re-creating the StatefulSet
// re-binds every PVC. whenScaled and whenDeleted are judged alike: a declared Delete that is
// honoured is said to be honoured, and the re-bind check it defeats fails, naming the policy and the
// data it deletes (a certification verdict is about whether pods get their data back; see
// docs/suites.md).
import { defineSuite } from '../../harness/suite/check.ts';
import { statefulSetOf } from '../../harness/fixture/fixture.ts';
import { deleteStatefulSet, readStatefulSet, scaleStatefulSet, waitForNoPods, waitForRunningAndReady, waitForScaledDown } from '../../harness/kube/statefulset.ts';
import { claimName, dataVolume, describeClaim, listClaims, type ClaimRecord } from '../../harness/kube/volumes.ts';
import { poll } from '../../harness/wait/poll.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';

const s = defineSuite('storage', { setup: (session) => session.deploy() });

const templates = (session: SuiteSession) => (statefulSetOf(session.fixture).spec?.volumeClaimTemplates ?? []).map((t) => t.metadata!.name!);
const claimsOf = (session: SuiteSession, ordinal: number) => templates(session).map((t) => claimName(t, session.sts, ordinal));
/** Every claim the fixture's replicas own, in ordinal order. */
const allClaims = (session: SuiteSession) => session.ordinals().flatMap((i) => claimsOf(session, i));
let retention = { whenScaled: 'Retain', whenDeleted: 'Retain' };
const DELETE_FIX = (field: string) => `Declared data loss is still data loss: use ${field}: Retain (the default) where pods must get their data back, or leave the storage suite out for a StatefulSet whose data is disposable`;

async function mountedClaims(session: SuiteSession, pod: string): Promise<string[]> {
  const p = await session.kube.core.readNamespacedPod({ name: pod, namespace: session.namespace });
  return (p.spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean) as string[];
}

/** Same claim bound to the same volume; unknown PV identities never compare equal. */
function sameVolume(a: ClaimRecord | undefined, b: ClaimRecord | undefined): boolean {
  return !!a && !!b && a.uid === b.uid && !!a.pv && a.pv === b.pv && !!a.pvUid && a.pvUid === b.pvUid;
}

s.check('pvc-per-ordinal', 'one PVC per ordinal, named <template>-<statefulset>-<ordinal>, Bound and mounted by its pod', async (c) => {
  const { session } = c;
  const dv = dataVolume(session.fixture);
  const where = `StatefulSet ${session.namespace}/${session.sts}`;
  if (templates(session).length === 0) {
    c.fail(`${where} has no volumeClaimTemplates; its data path ${session.fixture.dataPath} is on ${dv.describe}, which is created empty with each pod and deleted with it, so no pod keeps its data. Add a volumeClaimTemplate${dv.volume ? ` named "${dv.volume}"` : ''} and remove the pod volume`);
  }
  if (dv.kind !== 'claim') c.fail(`${where}: the data path ${session.fixture.dataPath} is on ${dv.describe}, not on a volumeClaimTemplate (${templates(session).join(', ')}); mount a claim there`);
  const claims = await listClaims(session.kube, session.namespace);
  for (const i of session.ordinals()) {
    const pod = `${session.sts}-${i}`;
    const mounted = await mountedClaims(session, pod);
    for (const name of claimsOf(session, i)) {
      const cl = claims.get(name);
      if (!cl) return c.fail(`${pod}: PVC ${name} does not exist (PVCs: ${[...claims.keys()].join(', ') || 'none'})`);
      if (cl.phase !== 'Bound') c.fail(`${pod}: PVC ${name} is ${cl.phase}, expected Bound`);
      if (!mounted.includes(name)) c.fail(`${pod} does not mount PVC ${name} (mounts ${mounted.join(', ') || 'no claims'})`);
    }
  }
  const extra = [...claims.keys()].filter((n) => !allClaims(session).includes(n));
  if (extra.length) c.note(`other PVCs in the namespace: ${extra.join(', ')}`);
  c.measure('claims', claims.size, 'count');
});

let before = new Map<string, ClaimRecord>();

s.check('scale-down-retention', 'scale-down keeps the PVCs, or deletes them exactly when whenScaled: Delete is declared', async (c) => {
  const { session } = c;
  const T = session.cfg.timeouts;
  const applied = await readStatefulSet(session.kube, session.namespace, session.sts);
  retention = { whenScaled: applied.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain', whenDeleted: applied.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain' };
  const n = session.replicas;
  const top = session.firstOrdinal + n - 1;
  before = await listClaims(session.kube, session.namespace);
  session.recorder!.action(`scale ${session.sts} ${n} → ${n - 1} (whenScaled: ${retention.whenScaled})`);
  await scaleStatefulSet(session.kube, session.namespace, session.sts, n - 1);
  await waitForScaledDown(session.recorder!, n - 1, T.rollout);
  const names = claimsOf(session, top);
  if (retention.whenScaled === 'Delete') {
    const t0 = performance.now();
    await poll(`PVCs ${names.join(', ')}`, 'to be deleted (whenScaled: Delete)', async () => {
      const now = await listClaims(session.kube, session.namespace);
      const left = names.filter((x) => now.has(x) && now.get(x)!.uid === before.get(x)?.uid);
      return { done: left.length === 0, observed: left.length ? left.map((x) => `${x} ${describeClaim(now.get(x))}`).join('; ') : 'deleted' };
    }, { timeoutMs: T.pvcBound, intervalMs: 500 });
    c.measure('claimDeletedMs', performance.now() - t0);
    c.note(`whenScaled: Delete declared and honoured: ${names.join(', ')} deleted on scale-down, with the data on them (storage/scale-up-rebind judges the consequence)`);
    return;
  }
  const now = await listClaims(session.kube, session.namespace);
  for (const x of names) {
    const b = before.get(x);
    const a = now.get(x);
    if (!a || a.terminating || !sameVolume(a, b)) {
      c.fail(`PVC ${x} of removed pod ${session.sts}-${top} is ${describeClaim(a)} after scale-down (before: ${describeClaim(b)}), but whenScaled is ${retention.whenScaled}: the claim must be kept, Bound to the same PV`);
    }
  }
  c.note(`whenScaled: Retain; ${names.join(', ')} kept (${names.map((x) => describeClaim(now.get(x))).join('; ')})`);
}, { needs: ['pvc-per-ordinal'] });

s.check('scale-up-rebind', 'scale-up re-binds the same PVC and the same PV (UIDs compared)', async (c) => {
  const { session } = c;
  const n = session.replicas;
  const top = session.firstOrdinal + n - 1;
  session.recorder!.action(`scale ${session.sts} ${n - 1} → ${n}`);
  await scaleStatefulSet(session.kube, session.namespace, session.sts, n);
  await waitForRunningAndReady(session.recorder!, n, session.cfg.timeouts.rollout);
  const now = await listClaims(session.kube, session.namespace);
  const mounted = await mountedClaims(session, `${session.sts}-${top}`);
  for (const x of claimsOf(session, top)) {
    const b = before.get(x);
    const a = now.get(x);
    if (!sameVolume(a, b)) {
      const why = retention.whenScaled === 'Delete'
        ? `the StatefulSet declares persistentVolumeClaimRetentionPolicy whenScaled: Delete, which the cluster honoured: the scale-down deleted the claim and the data on it, and the scaled-up pod started on an empty volume. ${DELETE_FIX('whenScaled')}`
        : `although whenScaled is ${retention.whenScaled}`;
      c.fail(`${session.sts}-${top} came back on scale-up with PVC ${x} ${describeClaim(a)}, not the claim it had (${describeClaim(b)}): ${why}`);
    }
    if (!mounted.includes(x)) c.fail(`${session.sts}-${top} does not mount ${x} after scale-up (mounts ${mounted.join(', ')})`);
  }
  c.note(`${claimsOf(session, top).map((x) => `${x} → ${now.get(x)?.pv}`).join(', ')}: same PVC and PV UIDs as before the scale-down`);
}, { needs: ['scale-down-retention'] });

let prior = new Map<string, ClaimRecord>();

s.check('delete-retention', 'deleting the StatefulSet keeps the PVCs, or deletes them exactly when whenDeleted: Delete is declared', async (c) => {
  const { session } = c;
  const T = session.cfg.timeouts;
  const all = allClaims(session);
  prior = await listClaims(session.kube, session.namespace);
  const declared = (await readStatefulSet(session.kube, session.namespace, session.sts)).spec?.persistentVolumeClaimRetentionPolicy;
  retention = { whenScaled: declared?.whenScaled ?? 'Retain', whenDeleted: declared?.whenDeleted ?? 'Retain' };
  session.recorder!.action(`delete StatefulSet ${session.sts} (whenDeleted: ${retention.whenDeleted})`);
  await deleteStatefulSet(session.kube, session.namespace, session.sts);
  await waitForNoPods(session.recorder!, T.rollout);
  if (retention.whenDeleted === 'Delete') {
    const t0 = performance.now();
    await poll(`PVCs ${all.join(', ')}`, 'to be deleted (whenDeleted: Delete)', async () => {
      const now = await listClaims(session.kube, session.namespace);
      const left = all.filter((x) => now.has(x) && now.get(x)!.uid === prior.get(x)?.uid);
      return { done: left.length === 0, observed: left.length ? left.map((x) => `${x} ${describeClaim(now.get(x))}`).join('; ') : 'deleted' };
    }, { timeoutMs: T.pvcBound, intervalMs: 500 });
    c.measure('claimsDeletedMs', performance.now() - t0);
    c.note(`whenDeleted: Delete declared and honoured: ${all.join(', ')} deleted with the StatefulSet, with the data on them (storage/recreate-rebind judges the consequence)`);
    return;
  }
  const now = await listClaims(session.kube, session.namespace);
  const lost = all.filter((x) => !now.get(x) || now.get(x)!.terminating || now.get(x)!.uid !== prior.get(x)?.uid);
  if (lost.length) {
    c.fail(`after deleting StatefulSet ${session.sts}, ${lost.map((x) => `PVC ${x} is ${describeClaim(now.get(x))} (before: ${describeClaim(prior.get(x))})`).join('; ')}, but whenDeleted is ${retention.whenDeleted}: the claims must be kept`);
  }
  c.note(`whenDeleted: ${retention.whenDeleted}; all ${all.length} claims kept`);
}, { needs: ['pvc-per-ordinal'] });

s.check('recreate-rebind', 're-creating the StatefulSet re-binds every PVC and PV (UIDs compared)', async (c) => {
  const { session } = c;
  const T = session.cfg.timeouts;
  const n = session.replicas;
  const all = allClaims(session);
  const t0 = performance.now();
  session.recorder!.action(`re-create StatefulSet ${session.sts}`);
  await session.applyStatefulSet();
  await waitForRunningAndReady(session.recorder!, n, T.rollout);
  c.measure('recreateToReadyMs', performance.now() - t0);
  const now = await listClaims(session.kube, session.namespace);
  const changed = all.filter((x) => !sameVolume(now.get(x), prior.get(x)));
  if (changed.length) {
    const what = changed.map((x) => `${x} is ${describeClaim(now.get(x))} (was ${describeClaim(prior.get(x))})`).join('; ');
    if (retention.whenDeleted === 'Delete') {
      c.fail(`StatefulSet ${session.sts} declares persistentVolumeClaimRetentionPolicy whenDeleted: Delete, which the cluster honoured: deleting the StatefulSet deleted ${changed.join(', ')} and the data on them, and the re-created pods started on new, empty claims (${what}). ${DELETE_FIX('whenDeleted')}`);
    }
    c.fail(`after deleting and re-creating StatefulSet ${session.sts}, ${what}; with whenDeleted: ${retention.whenDeleted} every pod must get its old claim back`);
  }
  for (const i of session.ordinals()) {
    const mounted = await mountedClaims(session, `${session.sts}-${i}`);
    for (const x of claimsOf(session, i)) if (!mounted.includes(x)) c.fail(`${session.sts}-${i} does not mount ${x} after re-creation`);
  }
  c.note(`all ${all.length} claims re-bound with the same PVC and PV UIDs`);
}, { needs: ['delete-retention'] });
