// disruption: a rolling node upgrade as drains do it, under load. On the ZooKeeper + Kafka fixture,
// with k6 producing to Kafka (acks=all) from the control-plane node, each worker that holds a
// member is cordoned and drained through the Eviction API, restarted (the kind node container) and
// uncordoned, then the next. The next node's drain starts while the previous node's members are
// still out, as a node pool upgrading two nodes at a time does: its evictions must be refused
// (429) by the PodDisruptionBudgets until those members are back, and then go through. Meanwhile
// `srvr` on every ZooKeeper member and the topic's metadata are sampled (paced, each bounded): ZooKeeper
// must keep one serving quorum and every partition ≥ min.insync.replicas in sync, or the suite says
// for how long they did not. At the end every acknowledged message and every znode is read back.
// A member whose local volume pins it to the cordoned node cannot come back until the uncordon:
// that is reported with the volume's node affinity, not waited on as a timeout.
import type * as k8s from '@kubernetes/client-node';
import { defineSuite } from '../../harness/suite/check.ts';
import { memberNames, waitForQuorum, type ZkSettings } from '../../harness/apps/zookeeper-ensemble.ts';
import { quorumThroughout, type QuorumSample } from '../../harness/apps/zookeeper-quorum.ts';
import { deployZkKafka, waitForAcks, waitForIsr, type KafkaTarget } from '../../harness/apps/kafka-client.ts';
import { expectAllZnodes, startLoadWatch } from '../../harness/apps/stateful-load.ts';
import { isrThroughout, type IsrSample } from '../../harness/apps/kafka-isr.ts';
import { describeLoss, failureReasons, type ProducerLog, type Verification } from '../../harness/apps/kafka-verify.ts';
import { baselinePhase, writeAvailability, type Phase } from '../../harness/apps/write-availability.ts';
import { AVAILABILITY_BOUNDS } from '../../harness/apps/availability-bounds.ts';
import { drainNode, waitForEvictedBack, type Drain, type EvictionAttempt } from '../../harness/fault/drain.ts';
import { restartNode } from '../../harness/cluster/node-restart.ts';
import { podVolumePins, type VolumePin } from '../../harness/kube/volume-pins.ts';
import { describeBudget } from '../../harness/kube/budgets.ts';
import { templateLabels } from '../../harness/fixture/fixture.ts';
import { budgetHeld, type Attempt, type Outage } from '../../harness/timeline/disruption-verdicts.ts';
import { clockOf } from '../../harness/timeline/model.ts';
import { api } from '../../harness/kube/client.ts';
import { OrdinalError, formatMs } from '../../harness/errors.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';

let z: ZkSettings;
let k: KafkaTarget;
let minIsr = 2;
let controlPlane: string | undefined;

async function setup(session: SuiteSession): Promise<void> {
  ({ z, k, minIsr } = await deployZkKafka(session));
  const nodes = await api('list nodes', () => session.kube.core.listNode());
  controlPlane = nodes.items.find((n) => n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined)?.metadata?.name;
}

const s = defineSuite('disruption', { setup });

/** What the rolling drain recorded, for the checks that judge it. */
interface Recorded {
  attempts: Attempt[];
  outages: Outage[];
  zk: QuorumSample[];
  isr: IsrSample[];
  phases: Phase[];
  log: ProducerLog;
  verification: Verification;
  readBackOk: boolean;
  znodes: Map<string, string>;
  pdbs: k8s.V1PodDisruptionBudget[];
  latency: Record<string, number>;
}
let recorded: Recorded | undefined;

const appOf = (pod: string) => pod.slice(0, pod.lastIndexOf('-'));
const t = (ms: number) => clockOf(new Date(ms).toISOString());

/** The budgets of both StatefulSets, as a sentence of its own. */
function budgets(session: SuiteSession, pdbs: k8s.V1PodDisruptionBudget[]): string {
  const text = `${describeBudget(pdbs, templateLabels(session.fixture, z.statefulSet), z.replicas, z.statefulSet)}; ${describeBudget(pdbs, templateLabels(session.fixture, k.statefulSet), session.replicas, k.statefulSet)}`;
  return text[0]!.toUpperCase() + text.slice(1);
}

s.check('rolling-drain', 'each node holding a member is cordoned, drained through the Eviction API, restarted and uncordoned in turn under load; every member comes back (a member pinned to its node by a local volume is reported with the affinity)', async (c) => {
  const { session } = c;
  const T = session.cfg.timeouts;
  const rec = session.recorder!;
  const ns = session.namespace;
  const apps = new Set([z.statefulSet, k.statefulSet]);
  const member = (p: k8s.V1Pod) => p.metadata?.namespace === ns && (p.metadata?.ownerReferences ?? []).some((o) => o.kind === 'StatefulSet' && apps.has(o.name));
  const pods = (await api(`list pods in ${ns}`, () => session.kube.core.listNamespacedPod({ namespace: ns }))).items.filter(member);
  const nodes = [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n && n !== controlPlane))].sort();
  if (nodes.length < 2) c.notApplicable(`the members run on ${nodes.length} worker node(s) (${nodes.join(', ') || 'none'}): a rolling drain needs at least two`);
  const perNode = nodes.map((n) => `${n}: ${pods.filter((p) => p.spec?.nodeName === n).map((p) => p.metadata!.name).sort().join(', ')}`);
  const twoOnOne = nodes.find((n) => pods.filter((p) => p.spec?.nodeName === n && appOf(p.metadata!.name!) === z.statefulSet).length > 1);
  if (twoOnOne) c.note(`node ${twoOnOne} holds two ZooKeeper members: draining it cannot keep a quorum (the budget refuses the second while the first, pinned to that node, is out)`);

  const budgetMs = nodes.length * (T.drain + T.nodeRestart + T.faultRecovery) + T.quorum + T.load;
  const load = await startLoadWatch(session, z, k, { budgetMs, onNode: controlPlane, label: 'drains' });
  const { started, probe, producer, znodes, zk, isr } = load;

  const attempts: Attempt[] = [];
  const outages: Outage[] = [];
  const phases: Phase[] = [];
  const pins: Array<VolumePin & { backAfterMs?: number }> = [];
  const abort = new AbortController();
  const drains: Drain[] = [];
  /** every answer is kept; the timeline gets each eviction and the first refusal of each pod in a drain */
  const recordAttempts = () => {
    const refusedOnce = new Set<string>();
    return (a: EvictionAttempt) => {
      const at = Date.parse(a.at);
      attempts.push({ pod: a.pod, app: appOf(a.pod), at, outcome: a.outcome, ...(a.message ? { message: a.message } : {}) });
      if (a.outcome === 'evicted') outages.push({ pod: a.pod, app: appOf(a.pod), from: at });
      if (a.outcome !== 'refused' || !refusedOnce.has(a.pod)) rec.action(`eviction of ${a.pod}: ${a.outcome === 'refused' ? `refused, 429 "${a.message}" (retried every second)` : a.outcome}`);
      if (a.outcome === 'refused') refusedOnce.add(a.pod);
    };
  };
  const startDrain = async (node: string, timeoutMs: number) => {
    const on = (await api(`list pods on ${node}`, () => session.kube.core.listNamespacedPod({ namespace: ns, fieldSelector: `spec.nodeName=${node}` }))).items.filter(member);
    const nodePins = (await Promise.all(on.map((p) => podVolumePins(session.kube, ns, p.metadata!.name!)))).flat().filter((p) => p.node === node);
    abort.signal.throwIfAborted();
    rec.action(`cordon and drain node ${node} (${on.map((p) => p.metadata!.name).sort().join(', ')})`);
    const from = Date.now();
    const d = await drainNode(session.kube, node, { timeoutMs, onAttempt: recordAttempts(), only: member, signal: abort.signal });
    drains.push(d);
    // the members this drain evicted (not a list from before its cordon)
    return { d, from, uids: new Map(d.evictedPods.map((p) => [p.name, p.uid])), nodePins };
  };
  // an overlapped drain waits on the budget through the previous node's restart and recovery too
  const overlappedMs = T.drain + T.nodeRestart + T.podReady + T.faultRecovery;
  let finished = false;
  let pending: ReturnType<typeof startDrain> | undefined = startDrain(nodes[0]!, T.drain);
  pending.catch(() => undefined);
  try {
    for (const [i, node] of nodes.entries()) {
      const step = await pending!;
      pending = undefined;
      const evictedAt = Date.now();
      // the next node's drain now, while this node's members are out: its budget must hold it back
      if (i + 1 < nodes.length) {
        pending = startDrain(nodes[i + 1]!, overlappedMs);
        pending.catch(() => undefined);
      }
      if (session.ctx.kindCluster) {
        rec.action(`restart kind node ${node} (drained)`);
        await restartNode(session.ctx.kindCluster, node);
      }
      await step.d.undo();
      rec.action(`uncordon node ${node}`);
      const back = await waitForEvictedBack(session.kube, ns, step.uids, T.podReady + T.faultRecovery, `evicted from ${node}, which is uncordoned`);
      for (const [pod, at] of back) for (const o of outages.filter((x) => x.pod === pod && x.to === undefined)) o.to = Math.max(o.from, at);
      for (const p of step.nodePins) pins.push({ ...p, ...(back.has(p.pod) ? { backAfterMs: back.get(p.pod)! - evictedAt } : {}) });
      phases.push({ name: `drain ${node}`, from: step.from, to: Math.max(...back.values(), Date.now()), graceful: true, bounds: AVAILABILITY_BOUNDS.kafka.drain });
      c.measure(`${node}.drainToBackMs`, Math.max(...back.values()) - step.from);
    }
    await waitForQuorum(session, z, memberNames(z), T.quorum);
    await waitForIsr(session, probe, k, 'after the last node was uncordoned');
    await waitForAcks(session, producer, new Date(), 50);
    finished = true;
  } finally {
    // every path: no drain goes on after the check, every node is uncordoned, the samplers end
    abort.abort();
    await pending?.catch(() => undefined);
    const undone = await Promise.allSettled(drains.map((d) => d.undo()));
    await load.stopSampling();
    const failed = undone.filter((u): u is PromiseRejectedResult => u.status === 'rejected');
    if (failed.length) {
      const why = failed.map((f) => (f.reason as Error).message).join('; ');
      rec.action(`could not uncordon: ${why}`);
      // not over the error already on its way out; that one names what went wrong first
      if (finished) throw new OrdinalError(`the drains ended but a node could not be uncordoned: ${why}`, 'uncordon it by hand (kubectl uncordon NODE)');
    }
  }
  const { log, verification, readBackOk, latency } = await load.finish();
  const baseline = phases[0] && baselinePhase(log, phases[0].from);
  if (baseline) phases.unshift(baseline);
  const pdbs = (await api(`list PodDisruptionBudgets in ${ns}`, () => session.kube.policy.listNamespacedPodDisruptionBudget({ namespace: ns }))).items;
  recorded = { attempts, outages, zk, isr, phases, log, verification, readBackOk, znodes, pdbs, latency };
  c.measure('nodes', nodes.length, 'count');
  c.measure('evictions', attempts.filter((a) => a.outcome === 'evicted').length, 'count');
  c.measure('refusals', attempts.filter((a) => a.outcome === 'refused').length, 'count');
  c.measure('pinnedPods', pins.length, 'count');
  c.measure('durationMs', Date.now() - started.getTime());
  session.writeExtra({ nodes: perNode, pins, attempts, phases: phases.map((p) => ({ ...p, from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString() })) });
  c.note(`drained in turn: ${perNode.join('; ')}`);
  for (const p of pins) c.note(`${p.pod} was pinned to ${p.node} by volume ${p.volume} (claim ${p.claim}, node affinity ${p.affinity}): evicted while ${p.node} was cordoned, it could only come back there after the uncordon${p.backAfterMs !== undefined ? `, ${formatMs(p.backAfterMs)} after its node was drained` : ''}`);
});

s.check('budget-refuses', "an eviction that would take a second member of ZooKeeper's or Kafka's quorum down is refused by its PodDisruptionBudget (429), and the drain proceeds once the member before it is back", async (c) => {
  const { session } = c;
  const r = recorded!;
  const tolerates = { [z.statefulSet]: Math.floor((z.replicas - 1) / 2), [k.statefulSet]: Math.max(0, k.replicationFactor - minIsr) };
  const v = budgetHeld(r.attempts, r.outages, tolerates);
  c.measure('refusals', v.refusals, 'count');
  c.measure('violations', v.violations.length, 'count');
  for (const p of v.proceeded) c.measure(`${p.pod}.refusedForMs`, p.evictedAt - p.firstRefusal);
  if (!v.ok) {
    const q = quorumThroughout(r.zk, { size: z.replicas, maxNoQuorumMs: AVAILABILITY_BOUNDS.zookeeper.maxNoQuorumMs });
    c.fail(`${v.message}. ${budgets(session, r.pdbs)}; meanwhile ${q.message}. Give each StatefulSet a PodDisruptionBudget that lets only as many members down as its quorum tolerates: maxUnavailable 1 for three ZooKeeper members, and for Kafka replication factor − min.insync.replicas (1 for RF 3, min.insync.replicas 2)`);
  }
  c.note(`${v.message}; ${budgets(session, r.pdbs)}`);
}, { needs: ['rolling-drain'] });

s.check('zookeeper-quorum', 'ZooKeeper keeps one serving quorum through the drains (no stretch without one longer than an election)', async (c) => {
  const { session } = c;
  const r = recorded!;
  const v = quorumThroughout(r.zk, { size: z.replicas, maxNoQuorumMs: AVAILABILITY_BOUNDS.zookeeper.maxNoQuorumMs });
  c.measure('longestNoQuorumMs', v.longestNoQuorumMs);
  c.measure('samples', v.samples, 'count');
  c.measure('leaderChanges', Math.max(0, v.leaders.length - 1), 'count');
  if (!v.ok) c.fail(`ZooKeeper ensemble ${session.namespace}/${z.statefulSet} through the node drains: ${v.message}. ${budgets(session, r.pdbs)}: a drain took a majority down. Let the budget allow one member down for three (maxUnavailable 1), so a drain waits for each member to be back`);
  c.note(v.message);
}, { needs: ['rolling-drain'] });

s.check('kafka-isr', 'every partition keeps a leader and ≥ min.insync.replicas in sync through the drains, or the suite says for how long it did not', async (c) => {
  const { session } = c;
  const r = recorded!;
  const v = isrThroughout(r.isr, { minIsr, partitions: k.partitions, topic: k.topic });
  c.measure('longestUnderMinIsrMs', v.longestUnderMs);
  c.measure('smallestIsr', v.minIsrSeen, 'count');
  c.measure('samples', v.samples, 'count');
  if (!v.ok) c.fail(`StatefulSet ${session.namespace}/${k.statefulSet}: ${v.message}; acks=all writes to such a partition are refused (Not Enough Replicas) until its brokers are back. ${budgets(session, r.pdbs)}: let the budget allow only replication factor − min.insync.replicas brokers down`);
  c.note(v.message);
}, { needs: ['rolling-drain'] });

s.check('write-availability', 'under load through each drain ≥ 99 % of sends are acknowledged (error rate, the longest stretch without an acknowledgement and p99 latency measured)', async (c) => {
  const { session } = c;
  const r = recorded!;
  const v = writeAvailability(r.log, r.phases, AVAILABILITY_BOUNDS.kafka.drain);
  for (const p of v.phases) {
    const key = p.name.replace(/[^\w]+(\w)/g, (_, x: string) => x.toUpperCase());
    c.measure(`${key}.ackedRatio`, Math.round(p.ackedRatio * 10000) / 10000, 'ratio');
    c.measure(`${key}.longestGapMs`, p.longestGapMs);
  }
  const sent = r.log.acks.length + r.log.nacks.length;
  c.measure('errorRate', sent ? Math.round((r.log.nacks.length / sent) * 10000) / 10000 : 0, 'ratio');
  c.measure('longestGapMs', Math.max(0, ...v.phases.map((p) => p.longestGapMs)));
  if (r.latency['p(99)'] !== undefined) c.measure('p99Ms', r.latency['p(99)']);
  if (!v.ok) c.fail(`topic ${k.topic} (acks=${k.acks}) through the node drains: ${v.message}. ${budgets(session, r.pdbs)}. Not Enough Replicas means a drain took more brokers down than min.insync.replicas spares`);
  c.note(`${v.message}; failed sends: ${Object.entries(failureReasons(r.log.nacks.map((n) => n.error))).map(([w, n]) => `${n}× ${w}`).join('; ') || 'none'}`);
}, { needs: ['rolling-drain'] });

s.check('nothing-lost', 'every acknowledged message reads back from the topic and every znode from every member after the drains', async (c) => {
  const { session } = c;
  const r = recorded!;
  const v = r.verification;
  c.measure('acknowledged', v.acknowledged, 'count');
  c.measure('lost', v.lost.length, 'count');
  if (!r.readBackOk) c.fail(`reading topic ${k.topic} back failed after the drains`);
  if (v.acknowledged === 0) c.fail(`the producer got no message acknowledged through the drains`);
  if (v.lost.length || v.moved.length) c.fail(`${describeLoss(v)}; produced with acks=${k.acks} through the node drains`);
  await expectAllZnodes(session, z, r.znodes, 'the node drains', c.fail);
  c.note(`all ${v.acknowledged} acknowledged messages read back (${v.failed} sends failed, never acknowledged); ${r.znodes.size} znode read back through ${memberNames(z).length} members; drains from ${t(r.phases[0]?.from ?? 0)}`);
}, { needs: ['rolling-drain'] });
