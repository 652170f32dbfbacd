// partition: network partitions inside the fixture's own pods, on the ZooKeeper + Kafka fixture.
// iptables in one pod's network namespace (harness/fault/partition.ts, from its kind node) drops
// its traffic to and from its peers' pod IPs; clients outside the partition (k6, exec) still reach
// it, as clients on the minority side of a real partition do. Always healed, also on failure,
// Ctrl-C and SIGTERM.
//   1. The ZooKeeper leader is cut off from the other members: the majority must elect a new leader
//      within a bound (measured), no write may succeed through the isolated member, and after the
//      heal there is one leader and every member holds the same znodes (the majority's write, not
//      the minority's attempt).
//   2. Under k6 load (acks from the fixture), the leader of one of the topic's partitions is cut off
//      from the other brokers and from ZooKeeper: a new leader must be elected on the majority side
//      within a bound (measured), the isolated broker must acknowledge no write meanwhile (with
//      acks=all it cannot: its followers cannot fetch), and after the heal every acknowledged
//      message reads back.
// Only on a kind cluster ordinal can reach the nodes of (docker exec): elsewhere not applicable.
import { randomBytes } from 'node:crypto';
import { defineSuite, type CheckContext } from '../../harness/suite/check.ts';
import { expectZnodes, memberNames, quorumOf, readZnode, waitForQuorum, zkCli, type ZkSettings } from '../../harness/apps/zookeeper-ensemble.ts';
import { deployZkKafka, readTopicBack, topicMetadata, waitForAcks, waitForIsr, type KafkaTarget } from '../../harness/apps/kafka-client.ts';
import { describeLoss, parseProducerLog, verify } from '../../harness/apps/kafka-verify.ts';
import { AVAILABILITY_BOUNDS } from '../../harness/apps/availability-bounds.ts';
import { K6Job, k6Duration, parseMarker } from '../../harness/load/k6.ts';
import { isolatePod } from '../../harness/fault/partition.ts';
import { minorityAcks } from '../../harness/apps/partition-verdicts.ts';
import { api } from '../../harness/kube/client.ts';
import { execInPod } from '../../harness/kube/exec.ts';
import { poll } from '../../harness/wait/poll.ts';
import { formatMs } from '../../harness/errors.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';

let z: ZkSettings;
let k: KafkaTarget;

async function setup(session: SuiteSession): Promise<void> {
  ({ z, k } = await deployZkKafka(session));
}

const s = defineSuite('partition', { setup });

function kindOnly(c: CheckContext): string {
  return c.session.kindCluster('a partition (iptables in the pod\'s network namespace, entered from its node)');
}

async function podIps(session: SuiteSession, pods: string[]): Promise<Map<string, string>> {
  const list = (await api(`list pods in ${session.namespace}`, () => session.kube.core.listNamespacedPod({ namespace: session.namespace }))).items;
  const ips = new Map<string, string>();
  for (const p of pods) {
    const ip = list.find((x) => x.metadata?.name === p && !x.metadata?.deletionTimestamp)?.status?.podIP;
    if (!ip) throw new Error(`pod ${session.namespace}/${p} has no IP to partition it by`);
    ips.set(p, ip);
  }
  return ips;
}

/** tickTime × syncLimit of the member's zoo.cfg: how long a follower waits on a leader it cannot hear. */
async function syncWindow(session: SuiteSession, pod: string): Promise<string> {
  const r = await execInPod(session.kube, { namespace: session.namespace, pod, container: z.container }, ['cat', z.configFile], { timeoutMs: session.cfg.timeouts.exec }).catch(() => undefined);
  const cfg = r?.exitCode === 0 ? r.stdout : '';
  const tick = Number(/^tickTime=(\d+)/m.exec(cfg)?.[1] ?? NaN);
  const sync = Number(/^syncLimit=(\d+)/m.exec(cfg)?.[1] ?? NaN);
  return Number.isFinite(tick * sync) ? `zoo.cfg has syncLimit=${sync} × tickTime=${tick} ms = ${formatMs(tick * sync)}, how long a follower waits on a leader it cannot hear before it looks for another` : `${z.configFile} could not be read`;
}

s.check('zookeeper-leader', 'the ZooKeeper leader cut off from the other members: a new leader on the majority side within the bound, no write through the isolated member, and after healing one leader and the same znodes on every member', async (c) => {
  const { session } = c;
  const cluster = kindOnly(c);
  const T = session.cfg.timeouts;
  const rec = session.recorder!;
  const members = memberNames(z);
  const leader = quorumOf(await waitForQuorum(session, z, members, T.quorum)).leader!;
  const others = members.filter((m) => m !== leader);
  const ips = await podIps(session, others);
  const id = randomBytes(4).toString('hex');
  const majorityPath = `/ordinal-partition-majority-${id}`;
  const minorityPath = `/ordinal-partition-minority-${id}`;
  rec.action(`partition ZooKeeper leader ${leader} from ${others.join(', ')}`);
  const part = await isolatePod(session.kube, cluster, { namespace: session.namespace, pod: leader, peers: [...ips.values()], runId: session.ctx.runId });
  const cutAt = Date.now();
  let electedMs: number | undefined;
  let newLeader: string | undefined;
  let minority: string;
  let lastSeen = '';
  try {
    // the majority side: one of the others leads, the other follows (sampled every 250 ms)
    const ms = await waitForQuorum(session, z, others, T.quorum, 250).catch((e: Error) => ((lastSeen = e.message), undefined));
    if (ms) {
      electedMs = Date.now() - cutAt;
      newLeader = quorumOf(ms).leader;
      rec.action(`new ZooKeeper leader ${newLeader} on the majority side, ${formatMs(electedMs)} after the partition`);
      await zkCli(session, z, newLeader!, ['create', majorityPath, 'majority']);
    }
    // the minority side: a write through the isolated member must not succeed
    minority = await zkCli(session, z, leader, ['create', minorityPath, 'minority']).then(
      (out) => (/Created/.test(out) ? 'accepted' : `not created: ${out.trim().split('\n').at(-1)}`),
      (e: Error) => `refused: ${e.message.split('\n')[0]}`,
    );
    rec.action(`write through isolated ${leader}: ${minority}`);
  } finally {
    await part.undo();
    rec.action(`heal the partition of ${leader}`);
  }
  const healedAt = Date.now();
  let rejoinError = '';
  const after = await waitForQuorum(session, z, members, T.quorum, 250).catch((e: Error) => ((rejoinError = e.message), undefined));
  if (after) c.measure('rejoinedMs', Date.now() - healedAt);
  if (electedMs !== undefined) c.measure('newLeaderMs', electedMs);
  const bound = AVAILABILITY_BOUNDS.zookeeper.partitionNewLeaderMs;
  if (electedMs === undefined || electedMs > bound) {
    c.fail(`ZooKeeper ensemble ${session.namespace}/${z.statefulSet}: with leader ${leader} cut off from ${others.join(', ')}, the majority side ${electedMs === undefined ? `elected no leader within ${formatMs(T.quorum)} (${lastSeen})` : `took ${formatMs(electedMs)} to elect ${newLeader}`}, over the ${formatMs(bound)} bound: the ensemble served no writes that long. ${await syncWindow(session, others[0]!)}; keep it near ZooKeeper's default (syncLimit 5 × tickTime 2000 ms)`);
  }
  if (minority === 'accepted') c.fail(`ZooKeeper member ${leader}, cut off from the majority, accepted a write (create ${minorityPath}): a minority must serve no writes`);
  // one leader again, and the same znodes everywhere: the majority's write, not the minority's attempt
  if (!after) c.fail(`after healing, ZooKeeper ensemble ${session.namespace}/${z.statefulSet} has no single leader: ${rejoinError}`);
  const q = quorumOf(after!);
  for (const p of members) {
    await expectZnodes(session, z, new Map([[majorityPath, 'majority']]), p, `the partition of ${leader}`, c.fail);
    const stray = await readZnode(session, z, p, minorityPath);
    if (stray !== undefined) c.fail(`znode ${minorityPath}, attempted through isolated ${leader}, reads "${stray}" through ${p} after the heal: the ensemble diverged`);
  }
  c.note(`leader ${leader} cut off; ${newLeader} led the majority after ${formatMs(electedMs!)} (bound ${formatMs(bound)}); the write through ${leader}: ${minority}; healed, ${q.leader} leads all ${members.length}, the same znodes on each`);
});

s.check('kafka-leader', "under load, one partition's leader cut off from the other brokers and ZooKeeper: a new leader on the majority side within the bound, no write acknowledged by the isolated broker, and after healing every acknowledged message reads back", async (c) => {
  const { session } = c;
  const cluster = kindOnly(c);
  const T = session.cfg.timeouts;
  const rec = session.recorder!;
  const brokerPods = session.podNames();
  const budgetMs = T.quorum * 2 + T.load;
  const started = new Date();
  const probe = await K6Job.start(session, 'idle.js', { DURATION: k6Duration(budgetMs + T.load) }, { deadlineMs: budgetMs + 2 * T.load });
  let producer: K6Job | undefined;
  let interrupted = false;
  try {
    producer = await K6Job.start(session, 'kafka-produce.js', { BROKERS: k.brokers, TOPIC: k.topic, ACKS: k.acks, RUN_ID: session.ctx.runId, RATE: '40', DURATION: k6Duration(budgetMs), WAIT_S: String(Math.ceil(T.quorum / 1000)) }, { deadlineMs: budgetMs + T.load });
    await waitForAcks(session, producer, started, 50);
    // every replica in sync first (the ZooKeeper check before moved the ensemble), so a leader can be elected cleanly
    await waitForIsr(session, probe, k, 'before the partition');
    const before = await topicMetadata(probe, k);
    const target = before.find((p) => p.leader >= 0) ?? c.fail(`topic ${k.topic} has no led partition to partition the leader of: ${JSON.stringify(before)}`);
    const list = parseMarker<{ brokers: Array<{ id: number; host: string }> }>(await probe.execScript('kafka-brokers.js', { BROKERS: k.brokers }));
    const host = list?.brokers.find((b) => b.id === target.leader)?.host ?? '';
    const isolated = brokerPods.find((p) => host.split('.')[0] === p) ?? c.fail(`broker ${target.leader}, leader of ${k.topic}-${target.partition}, advertises ${host || 'nothing'}, which names none of ${brokerPods.join(', ')}`);
    const peers = [...brokerPods.filter((p) => p !== isolated), ...memberNames(z)];
    const ips = await podIps(session, peers);
    const majority = brokerPods.filter((p) => p !== isolated).map((p) => `${p}.${k.service}:${k.port}`).join(',');
    const led = before.filter((p) => p.leader === target.leader).map((p) => p.partition);
    rec.action(`partition Kafka broker ${isolated} (leader of ${led.map((p) => `${k.topic}-${p}`).join(', ')}) from ${peers.join(', ')}`);
    const part = await isolatePod(session.kube, cluster, { namespace: session.namespace, pod: isolated, peers: [...ips.values()], runId: session.ctx.runId });
    const cutAt = Date.now();
    let movedAt: number | undefined;
    let healedAt: number;
    let lastSeen = '';
    try {
      // leadership as the majority side's brokers report it
      await poll(`partition ${k.topic}-${target.partition}`, `a leader other than isolated broker ${target.leader}`, async () => {
        const ps = parseMarker<typeof before>(await probe.execScript('kafka-meta.js', { BROKERS: majority, TOPIC: k.topic })) ?? [];
        const p = ps.find((x) => x.partition === target.partition);
        lastSeen = p ? `leader ${p.leader}, ISR [${p.isr.join(',')}]` : 'no metadata';
        return { done: !!p && p.leader >= 0 && p.leader !== target.leader, observed: lastSeen };
      }, { timeoutMs: T.quorum, intervalMs: 500 }).then(() => (movedAt = Date.now()), () => undefined);
      if (movedAt) rec.action(`${k.topic}-${target.partition} led by another broker (${lastSeen}), ${formatMs(movedAt - cutAt)} after the partition`);
      // writes go on against the majority for a while
      if (movedAt) await waitForAcks(session, producer!, new Date(), 40).catch(() => undefined);
    } finally {
      await part.undo();
      healedAt = Date.now();
      rec.action(`heal the partition of ${isolated}`);
    }
    await waitForIsr(session, probe, k, `after healing ${isolated}`);
    await waitForAcks(session, producer, new Date(), 40);
    await producer.interrupt();
    interrupted = true;
    const done = await producer.wait(T.load);
    const log = parseProducerLog(done.logs);
    const readBack = await readTopicBack(session, k);
    const v = verify(log, readBack.records);
    const minorityAcked = minorityAcks(log.acks, { partitions: led, cutAt, movedAt: movedAt ?? healedAt });
    c.measure('acknowledged', v.acknowledged, 'count');
    c.measure('lost', v.lost.length, 'count');
    c.measure('ackedByIsolated', minorityAcked.length, 'count');
    c.measure('nacked', log.nacks.length, 'count');
    if (movedAt) c.measure('newLeaderMs', movedAt - cutAt);
    const bound = AVAILABILITY_BOUNDS.kafka.partitionNewLeaderMs;
    const lossText = v.lost.length || v.moved.length ? `; after the heal ${describeLoss(v)}` : '';
    if (minorityAcked.length) {
      c.fail(`Kafka broker ${isolated}, cut off from the other brokers and ZooKeeper, acknowledged ${minorityAcked.length} write(s) to ${led.map((p) => `${k.topic}-${p}`).join(', ')} meanwhile (the first: ${minorityAcked[0]!.key}) with acks=${k.acks}${lossText}: a leader that cannot reach its followers must not acknowledge alone. Produce with acks=all and set min.insync.replicas ≥ 2`);
    }
    if (readBack.exitCode !== 0) c.fail(`reading topic ${k.topic} back failed after the heal`);
    if (v.lost.length || v.moved.length) c.fail(`${describeLoss(v)}; produced with acks=${k.acks} through the partition of ${isolated}`);
    if (movedAt === undefined || movedAt - cutAt > bound) {
      c.fail(`with broker ${isolated} (leader of ${k.topic}-${target.partition}) cut off, ${movedAt === undefined ? `no other broker took the lead within ${formatMs(T.quorum)} (last: ${lastSeen})` : `another broker took the lead after ${formatMs(movedAt - cutAt)}`}, over the ${formatMs(bound)} bound: the controller moves leadership once the broker's ZooKeeper session expires (zookeeper.session.timeout.ms)`);
    }
    c.note(`${isolated} cut off from ${peers.join(', ')}; ${k.topic}-${target.partition} led elsewhere after ${formatMs(movedAt! - cutAt)} (bound ${formatMs(bound)}); ${minorityAcked.length} writes acknowledged by the isolated broker; ${v.acknowledged} acknowledged messages read back, ${log.nacks.length} sends failed (never acknowledged)`);
  } finally {
    if (!interrupted) await producer?.interrupt().catch(() => undefined);
    await probe.interrupt().catch(() => undefined);
  }
});
