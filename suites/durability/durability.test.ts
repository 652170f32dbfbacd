// durability: a unique, fsynced marker on each pod's volume survives deleting that pod, deleting all
// pods, re-creating the StatefulSet, and restarting the kind node container the pod runs on.
import { randomBytes } from 'node:crypto';
import { defineSuite, type CheckContext } from '../../harness/suite/check.ts';
import { markerArgv, markerFile } from '../../harness/fixture/fixture.ts';
import { deletePod, deleteStatefulSet, waitForNoPods, waitForRunningAndReady } from '../../harness/kube/statefulset.ts';
import { dataVolume } from '../../harness/kube/volumes.ts';
import { restartNode } from '../../harness/cluster/node-restart.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';

const s = defineSuite('durability', { setup: (session) => session.deploy() });

type Markers = Map<string, string>;

async function writeMarkers(session: SuiteSession, label: string): Promise<Markers> {
  const markers: Markers = new Map();
  for (const p of session.recorder!.pods()) {
    const marker = `ordinal:${session.ctx.runId}:${label}:${p.pod}:${randomBytes(6).toString('hex')}`;
    await session.execOk(p.pod, markerArgv(session.fixture.marker.write, { marker, dataPath: session.fixture.dataPath }));
    markers.set(p.pod, marker);
  }
  session.recorder!.action(`wrote fsynced markers (${label}) to ${[...markers.keys()].join(', ')}`);
  return markers;
}

async function verifyMarkers(c: CheckContext, markers: Markers, after: string): Promise<void> {
  const { session } = c;
  const file = markerFile(session.fixture.dataPath);
  const dv = dataVolume(session.fixture);
  const lost: string[] = [];
  for (const [pod, want] of markers) {
    const r = await session.exec(pod, markerArgv(session.fixture.marker.read, { dataPath: session.fixture.dataPath }));
    const got = r.stdout.trim();
    if (r.exitCode !== 0 || got !== want) {
      lost.push(`${pod}'s marker at ${file} is ${r.exitCode !== 0 ? 'gone' : `changed to "${got.slice(0, 60)}"`} after ${after} (${r.exitCode !== 0 ? (r.stderr || r.message || '').trim().split('\n')[0] : `expected "${want}"`})`);
    }
  }
  if (lost.length) {
    const cause = dv.kind === 'claim'
      ? `the data path is on ${dv.describe}; check the claim's PV and storage class (reclaim policy, node-local volumes moving nodes)`
      : `the data path ${session.fixture.dataPath} is on ${dv.describe}, which is deleted with the pod; put it on a volumeClaimTemplate`;
    c.fail(`${lost.join('; ')}; ${cause}`);
  }
  c.note(`${markers.size} markers intact after ${after}`);
}

s.check('pod-deletion', "a pod's marker survives deleting that pod", async (c) => {
  const { session } = c;
  const markers = await writeMarkers(session, 'pod-deletion');
  const victim = session.recorder!.pods().at(-1)!.pod;
  session.recorder!.action(`delete pod ${victim}`);
  const t0 = performance.now();
  const uid = await deletePod(session.kube, session.namespace, victim);
  await waitForRunningAndReady(session.recorder!, session.replicas, session.cfg.timeouts.rollout, { notUids: new Set([uid]) });
  c.measure('recoveryMs', performance.now() - t0);
  await verifyMarkers(c, markers, `${victim} was deleted and re-created`);
});

s.check('all-pods-deletion', 'every marker survives deleting all pods at once', async (c) => {
  const { session } = c;
  const markers = await writeMarkers(session, 'all-pods');
  const pods = session.recorder!.pods().map((p) => p.pod);
  session.recorder!.action(`delete pods ${pods.join(', ')}`);
  const t0 = performance.now();
  const uids = await Promise.all(pods.map((p) => deletePod(session.kube, session.namespace, p)));
  await waitForRunningAndReady(session.recorder!, session.replicas, session.cfg.timeouts.rollout, { notUids: new Set(uids) });
  c.measure('recoveryMs', performance.now() - t0);
  await verifyMarkers(c, markers, 'all pods were deleted and re-created');
}, { needs: ['pod-deletion'] });

s.check('statefulset-recreation', 'every marker survives deleting and re-creating the StatefulSet', async (c) => {
  const { session } = c;
  const markers = await writeMarkers(session, 'recreate');
  const t0 = performance.now();
  session.recorder!.action(`delete StatefulSet ${session.sts}`);
  await deleteStatefulSet(session.kube, session.namespace, session.sts);
  await waitForNoPods(session.recorder!, session.cfg.timeouts.rollout);
  await session.applyStatefulSet();
  await waitForRunningAndReady(session.recorder!, session.replicas, session.cfg.timeouts.rollout);
  c.measure('recoveryMs', performance.now() - t0);
  await verifyMarkers(c, markers, `StatefulSet ${session.sts} was deleted and re-created`);
}, { needs: ['pod-deletion'] });

s.check('node-restart', 'every marker survives restarting the kind node container a pod runs on', async (c) => {
  const { session } = c;
  const cluster = session.kindCluster('restarting a node');
  const markers = await writeMarkers(session, 'node-restart');
  const pods = session.recorder!.pods();
  const nodes = await session.kube.core.listNode();
  const isControlPlane = (name?: string) => nodes.items.find((n) => n.metadata?.name === name)?.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined;
  const target = pods.find((p) => p.node && !isControlPlane(p.node)) ?? pods[0]!;
  const node = target.node!;
  const onNode = pods.filter((p) => p.node === node);
  const startedBefore = new Map(onNode.map((p) => [p.pod, p.api.started]));
  session.recorder!.action(`restart kind node ${node} (runs ${onNode.map((p) => p.pod).join(', ')})`);
  const t0 = performance.now();
  await restartNode(cluster, node);
  await session.recorder!.waitUntil(`pods on node ${node}`, 'containers restarted after the node restart and Ready', (now) => {
    const these = now.filter((p) => startedBefore.has(p.pod));
    const done = these.length === onNode.length && these.every((p) => p.ready && !p.terminating && p.api.started !== startedBefore.get(p.pod));
    return { done, observed: these.map((p) => `${p.pod} Ready=${p.ready} started=${p.api.started ?? '?'}`).join(', ') || 'none' };
  }, session.cfg.timeouts.faultRecovery);
  await waitForRunningAndReady(session.recorder!, session.replicas, session.cfg.timeouts.rollout);
  c.measure('recoveryMs', performance.now() - t0);
  await verifyMarkers(c, markers, `node ${node} was restarted`);
}, { needs: ['pod-deletion'] });
