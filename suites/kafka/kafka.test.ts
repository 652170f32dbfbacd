// kafka: brokers keep the identity a StatefulSet gives them, and no acknowledged message is lost
// when a broker pod dies. Identity comes from the cluster's metadata: each broker's id is its
// ordinal, each advertises its stable DNS name (never an IP), and a broker re-created on a new IP is
// reached again through that name. k6 (a Job in the cluster) produces
// uniquely keyed messages with the fixture's acks while the suite deletes the partition leader's
// broker pod (once gracefully, once forced) and then rolls the StatefulSet; afterwards every
// acknowledged message must read back where it was acknowledged. The topic's effective settings
// are judged first: anything weaker than RF 3, min.insync.replicas 2, acks=all and no unclean
// leader election is flagged. Write availability is measured per phase of that run (baseline,
// graceful leader loss, forced leader loss, rolling restart) and the graceful ones are held to the
// bounds in harness/apps/availability-bounds.ts.
import { defineSuite, type CheckContext } from '../../harness/suite/check.ts';
import { memberNames, waitForQuorum, zkSettings } from '../../harness/apps/zookeeper-ensemble.ts';
import { describeLoss, failureReasons, parseProducerLog, verify } from '../../harness/apps/kafka-verify.ts';
import { K6Job, k6Duration, parseMarker } from '../../harness/load/k6.ts';
import { loadSettings, producerEnv } from '../../harness/apps/load-settings.ts';
import { createTopic, kafkaTarget, readTopicBack, topicMetadata, waitForAcks, waitForIsr, type KafkaTarget } from '../../harness/apps/kafka-client.ts';
import { judgeBrokerIds, judgeListeners, stableName, type BrokerPod, type ListedBroker, type Naming } from '../../harness/apps/kafka-identity.ts';
import { clusterDomainFrom } from '../../harness/kube/dns.ts';
import { deletePod, restartStatefulSet, waitForRollout, waitForRunningAndReady } from '../../harness/kube/statefulset.ts';
import { poll } from '../../harness/wait/poll.ts';
import { baselinePhase, writeAvailability, type Phase } from '../../harness/apps/write-availability.ts';
import { AVAILABILITY_BOUNDS } from '../../harness/apps/availability-bounds.ts';
import type { ProducerLog } from '../../harness/apps/kafka-verify.ts';
import { Impossible, TimeoutError, formatMs, lastLines } from '../../harness/errors.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';

let k: KafkaTarget;
let brokers = '';
let topic = '';
let producerAcks = 'all';

async function setup(session: SuiteSession): Promise<void> {
  await session.deploy();
  const z = zkSettings(session);
  await waitForQuorum(session, z, memberNames(z), session.cfg.timeouts.quorum);
  k = kafkaTarget(session);
  brokers = k.brokers;
  topic = k.topic;
  producerAcks = k.acks;
}

const s = defineSuite('kafka', { setup });

interface BrokerList { controller: number; brokers: ListedBroker[] }
let probeJob: K6Job | undefined;

/** A k6 pod to query metadata from (one Job for the identity checks, not one per query). */
async function probePod(session: SuiteSession): Promise<K6Job> {
  const T = session.cfg.timeouts;
  const life = T.quorum + T.podReady + T.faultRecovery + T.load;
  probeJob ??= await K6Job.start(session, 'idle.js', { DURATION: k6Duration(life) }, { deadlineMs: life + T.load });
  return probeJob;
}

async function listBrokers(job: K6Job): Promise<BrokerList | undefined> {
  return parseMarker<BrokerList>(await job.execScript('kafka-brokers.js', { BROKERS: brokers }));
}

const brokerPods = (session: SuiteSession): BrokerPod[] => session.recorder!.pods().filter((p) => !p.terminating).map((p) => ({ pod: p.pod, ordinal: p.ordinal, ip: p.ip }));
const describeList = (l: BrokerList | undefined) => (l ? l.brokers.map((b) => `id ${b.id} at ${b.host}:${b.port}${b.reachable ? '' : ` (unreachable: ${b.error})`}`).join(', ') : 'no answer');

/** Waits until the metadata lists one broker per pod (registration lags pod readiness) and `until` holds. */
async function waitForBrokers(session: SuiteSession, what: string, until: (l: BrokerList) => boolean = () => true): Promise<BrokerList> {
  const job = await probePod(session);
  return poll(`brokers of StatefulSet ${session.namespace}/${k.statefulSet}`, `${session.replicas} brokers listed in the cluster's metadata (${what})`, async () => {
    const l = await listBrokers(job);
    const done = !!l && l.brokers.length === session.replicas && until(l);
    return { done, observed: describeList(l), value: l };
  }, { timeoutMs: session.cfg.timeouts.quorum, intervalMs: 1000 });
}

let naming: Naming | undefined;

/** The pods' DNS naming: service, namespace, and the cluster domain from a broker pod's resolv.conf. */
async function namingOf(session: SuiteSession): Promise<Naming> {
  if (!naming) {
    const resolv = await session.execOk(`${k.statefulSet}-0`, ['cat', '/etc/resolv.conf']);
    naming = { statefulSet: k.statefulSet, service: k.service, namespace: session.namespace, domain: clusterDomainFrom(resolv, session.namespace) ?? 'cluster.local' };
  }
  return naming;
}

let listed: BrokerList | undefined;

/** The brokers after deployment: once every one is reachable at its address, or, past the bound, as they are (the checks name the unreachable). */
async function listedOnce(session: SuiteSession): Promise<BrokerList> {
  if (listed) return listed;
  try {
    listed = await waitForBrokers(session, 'after deployment, each reachable at its advertised address', (l) => l.brokers.every((b) => b.reachable));
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    listed = await waitForBrokers(session, 'after deployment');
  }
  return listed;
}

s.check('broker-ids', "each broker's id, as the cluster's metadata lists it, is its pod's ordinal", async (c) => {
  const { session } = c;
  const n = await namingOf(session);
  const l = await listedOnce(session);
  const problems = judgeBrokerIds(l.brokers, brokerPods(session), n);
  if (problems.length) {
    c.fail(`${problems.join('; ')}. A broker id that does not follow the ordinal is not tied to the pod's claim and name: after a re-creation or a scale change a broker can come back under another id and own no replicas. Derive broker.id from the pod's ordinal (the number after the last "-" of the hostname)`);
  }
  c.measure('brokers', l.brokers.length, 'count');
  c.note(`metadata: ${describeList(l)}; controller ${l.controller}`);
});

s.check('advertised-listeners', "each broker advertises its stable DNS name <pod>.<svc>.<ns>.svc.<domain>, never an IP, and is reached there", async (c) => {
  const { session } = c;
  const n = await namingOf(session);
  const l = await listedOnce(session);
  const problems = judgeListeners(l.brokers, brokerPods(session), n);
  const unreachable = l.brokers.filter((b) => !b.reachable).map((b) => `broker ${b.id} advertises ${b.host}:${b.port}, which a client pod cannot reach (${b.error ?? 'no answer'})`);
  if (problems.length || unreachable.length) {
    c.fail(`${[...problems, ...unreachable].join('; ')}. Clients and peers bootstrap from these addresses: a pod IP changes whenever the pod is re-created, so after any restart they dial an address that is gone or someone else's. Advertise the pod's DNS name through the headless Service: advertised.listeners=PLAINTEXT://$(hostname -f):${k.port}`);
  }
  c.note(`every broker advertises ${stableName(n, '<pod>')}:${k.port} and answers there`);
});

s.check('reachable-after-reschedule', 'a broker re-created on a new IP is listed under the same id and name and reached there (delay measured)', async (c) => {
  const { session } = c;
  const T = session.cfg.timeouts;
  const rec = session.recorder!;
  const n = await namingOf(session);
  const victim = rec.pods().at(-1)!;
  const id = victim.ordinal;
  const host = stableName(n, victim.pod);
  rec.action(`delete broker pod ${victim.pod} (ip ${victim.ip}), broker ${id} at ${host}`);
  const uid = await deletePod(session.kube, session.namespace, victim.pod);
  const back = await waitForRunningAndReady(rec, session.replicas, T.podReady + T.faultRecovery, { notUids: new Set([uid]) });
  const reborn = back.find((p) => p.pod === victim.pod)!;
  const readyAt = Date.parse(reborn.at);
  await waitForBrokers(session, `broker ${id} at ${host} again, reachable there`, (l) => {
    const b = l.brokers.find((x) => x.id === id);
    // back, reachable, and somewhere else: a client that knew the broker by its name has lost it
    if (b?.reachable && b.host.replace(/\.$/, '') !== host) throw new Impossible(`broker ${id} came back advertising ${b.host}:${b.port}, not its stable name ${host}:${k.port}: a client that knew it by that name cannot find it again`);
    return !!b?.reachable;
  });
  c.measure('reachableAfterReadyMs', Math.max(0, Date.now() - readyAt));
  if (reborn.ip === victim.ip) c.notApplicable(`${reborn.pod} came back on the same IP ${reborn.ip}, so this run does not show a client following a new IP through the name (it was reached again at ${host})`);
  c.note(`${reborn.pod} came back with ip ${reborn.ip} (was ${victim.ip}); broker ${id} listed at ${host}:${k.port} again and reachable there`);
  await probeJob?.interrupt();
  probeJob = undefined;
}, { needs: ['broker-ids'] });

s.check('guarantee', 'the topic keeps acknowledged writes on a majority: RF ≥ 3, min.insync.replicas ≥ 2, acks=all, no unclean election', async (c) => {
  const { session } = c;
  const T = session.cfg.timeouts;
  const r = await createTopic(session, k);
  const res = r.result;
  if (r.exitCode !== 0 || !res) return c.fail(`creating topic ${topic} failed (k6 ${r.outcome}): ${lastLines(r.logs)}`);
  if (res.metadata.length !== k.partitions) c.fail(`topic ${topic} reports ${res.metadata.length} partitions, expected ${k.partitions}: the brokers did not serve its metadata within ${formatMs(T.quorum)}`);
  const rf = Math.min(...res.metadata.map((p) => p.replicas.length));
  const minIsr = Number(res.config['min.insync.replicas'] ?? '1');
  const unclean = res.config['unclean.leader.election.enable'] === 'true';
  c.measure('replicationFactor', rf, 'count');
  c.measure('minInsyncReplicas', minIsr, 'count');
  const weak: string[] = [];
  if (rf < 3) weak.push(`replication factor ${rf}`);
  if (minIsr < 2) weak.push(`min.insync.replicas=${minIsr}`);
  if (producerAcks !== 'all' && producerAcks !== '-1') weak.push(`the producer uses acks=${producerAcks}`);
  if (unclean) weak.push('unclean.leader.election.enable=true');
  if (weak.length) {
    c.fail(`topic ${topic} (as the brokers report it) has a weaker guarantee than "acknowledged means on a majority": ${weak.join(', ')}; a message can be acknowledged while only ${minIsr < 2 || producerAcks === '1' ? 'the partition leader' : 'a minority'} has it, so losing that broker loses acknowledged messages. Use replication factor 3, min.insync.replicas=2, acks=all and unclean.leader.election.enable=false`);
  }
  c.note(`topic ${topic}: RF ${rf}, min.insync.replicas ${minIsr}, acks ${producerAcks}, unclean election ${unclean}`);
});

async function killLeader(c: CheckContext, job: K6Job, force: boolean): Promise<void> {
  const { session } = c;
  const kind = force ? 'forced' : 'graceful';
  const before = (await topicMetadata(job, k))[0];
  if (!before || before.leader < 0) c.fail(`${topic} partition 0 has no leader to delete (metadata: ${JSON.stringify(before ?? 'none')})`);
  const pod = `${k.statefulSet}-${before.leader}`;
  session.recorder!.action(`delete ${pod}, leader of ${topic} partition 0 (${kind}${force ? ', grace period 0' : ''})`);
  const t0 = performance.now();
  const uid = await deletePod(session.kube, session.namespace, pod, { force });
  await poll(`${topic} partition 0`, `a leader other than broker ${before.leader}`, async () => {
    const p = (await topicMetadata(job, k))[0];
    return { done: !!p && p.leader >= 0 && p.leader !== before.leader, observed: p ? `leader ${p.leader} isr [${p.isr}]` : 'no metadata' };
  }, { timeoutMs: session.cfg.timeouts.quorum, intervalMs: 500 });
  c.measure(`${kind}.leaderFailoverMs`, performance.now() - t0);
  await waitForRunningAndReady(session.recorder!, session.replicas, session.cfg.timeouts.faultRecovery, { notUids: new Set([uid]) });
  await waitForIsr(session, job, k, `after the ${kind} deletion of ${pod}`);
  c.measure(`${kind}.recoveryMs`, performance.now() - t0);
}

type Trend = { values: Record<string, number> };
/** the producer's log and the phases of acked-messages-kept, for write-availability */
let load: { log: ProducerLog; phases: Phase[] } | undefined;
type Summary = { metrics: Record<string, Trend>; state: { testRunDurationMs: number } };

s.check('acked-messages-kept', 'no acknowledged message is lost through leader deletion (graceful, forced) and a rolling restart', async (c) => {
  const { session } = c;
  const T = session.cfg.timeouts;
  // k6 runs until interrupted; its own duration and the Job's deadline are only backstops
  const backstop = T.load + 2 * (T.quorum + T.podReady + T.faultRecovery) + T.rollout + T.faultRecovery;
  const started = new Date();
  // the producer's setup() waits (WAIT_S) until the topic is writable before any load is offered
  const job = await K6Job.start(session, 'kafka-produce.js', { BROKERS: brokers, TOPIC: topic, ACKS: producerAcks, RUN_ID: session.ctx.runId, ...producerEnv(loadSettings(session)), DURATION: k6Duration(backstop), WAIT_S: String(Math.ceil(T.quorum / 1000)) }, { deadlineMs: backstop + T.load });
  await waitForAcks(session, job, started, 50);
  const phases: Phase[] = [];
  const phase = async (name: string, graceful: boolean, bounds: Phase['bounds'], fn: () => Promise<void>) => {
    const from = Date.now();
    await fn();
    phases.push({ name, from, to: Date.now(), graceful, ...(bounds ? { bounds } : {}) });
  };
  const baselineTo = Date.now();
  await phase('graceful leader loss', true, undefined, () => killLeader(c, job, false));
  await phase('forced leader loss', false, undefined, () => killLeader(c, job, true));
  await phase('rolling restart', true, AVAILABILITY_BOUNDS.kafka.rollingRestart, async () => {
    session.recorder!.action(`rolling restart of StatefulSet ${k.statefulSet}`);
    const t0 = performance.now();
    await restartStatefulSet(session.kube, session.namespace, k.statefulSet);
    await waitForRollout(session.kube, session.namespace, k.statefulSet, T.rollout);
    await waitForIsr(session, job, k, 'after the rolling restart');
    c.measure('rollingRestartMs', performance.now() - t0);
  });
  await waitForAcks(session, job, new Date(), 50);
  await job.interrupt();
  const done = await job.wait(T.load);
  const log = parseProducerLog(done.logs);
  const baseline = baselinePhase(log, baselineTo);
  if (baseline) phases.unshift(baseline);
  load = { log, phases };
  const summary = parseMarker<Summary>(done.logs, 'ORDINAL-K6-SUMMARY');
  const readBack = await readTopicBack(session, k);
  const recs = readBack.records;
  if (readBack.exitCode !== 0) c.fail(`reading topic ${topic} back failed (k6 ${readBack.outcome}): ${lastLines(readBack.logs)}`);
  const v = verify(log, recs);
  const lat = summary?.metrics.kafka_produce_ms?.values ?? {};
  const seconds = (summary?.state.testRunDurationMs ?? 1) / 1000;
  const k6 = {
    outcome: done.outcome,
    produced: v.produced,
    acknowledged: v.acknowledged,
    failed: v.failed,
    read: v.read,
    lost: v.lost.length,
    moved: v.moved.length,
    misplaced: v.misplaced.length,
    duplicates: v.duplicates,
    throughputPerSec: Math.round((v.acknowledged / seconds) * 10) / 10,
    errorRate: v.produced ? Math.round((v.failed / v.produced) * 10000) / 10000 : 0,
    latencyMs: { p50: lat.med, p95: lat['p(95)'], p99: lat['p(99)'], max: lat.max },
    droppedIterations: summary?.metrics.dropped_iterations?.values?.count ?? 0,
    failedByReason: failureReasons(log.nacks.map((n) => n.error)),
    durationSec: Math.round(seconds),
  };
  session.writeExtra({ topic, acks: producerAcks, brokers, k6, summary });
  for (const key of ['produced', 'acknowledged', 'failed', 'read', 'lost', 'moved', 'misplaced', 'duplicates'] as const) c.measure(key, k6[key], 'count');
  c.measure('throughputPerSec', k6.throughputPerSec, 'msg/s');
  c.measure('errorRate', k6.errorRate, 'ratio');
  c.measure('p95Ms', k6.latencyMs.p95 ?? -1);
  c.measure('p99Ms', k6.latencyMs.p99 ?? -1);
  if (v.acknowledged === 0) c.fail(`the producer (k6 ${done.outcome}) got no message acknowledged: ${done.logs.split('\n').filter((l) => l.startsWith('NACK')).slice(-2).join(' | ')}`);
  if (v.lost.length || v.moved.length) {
    c.fail(`${describeLoss(v)}; produced with acks=${producerAcks} through a graceful and a forced deletion of partition leaders and a rolling restart of ${k.statefulSet}`);
  }
  if (v.failed) c.note(`failed sends (never acknowledged, so allowed to be missing): ${Object.entries(k6.failedByReason).map(([r, n]) => `${n}× ${r}`).join('; ')}`);
  c.note(`${v.acknowledged} acknowledged of ${v.produced} produced (${v.failed} failed sends) at ${k6.throughputPerSec} msg/s, p95 ${formatMs(k6.latencyMs.p95 ?? 0)}, p99 ${formatMs(k6.latencyMs.p99 ?? 0)}; all ${v.acknowledged} read back (${v.acknowledged - v.misplaced.length} at their acknowledged offsets, ${v.misplaced.length} only at another), ${v.read} records, ${v.duplicates} duplicate keys`);
});

s.check('write-availability', 'in each graceful phase of that run ≥ 99 % of sends are acknowledged with no gap over 5 s (the rolling restart, which restarts the controller too: its gap measured); the forced leader loss is measured', async (c) => {
  const { session } = c;
  const measured = load;
  if (!measured) return c.notApplicable('kafka/acked-messages-kept did not run its load to the end (left out by --focus/--skip, or it ended early: see its result), so there is no load to measure');
  const v = writeAvailability(measured.log, measured.phases, AVAILABILITY_BOUNDS.kafka);
  for (const p of v.phases) {
    const key = p.name.replace(/ (\w)/g, (_, x: string) => x.toUpperCase());
    c.measure(`${key}.ackedRatio`, Math.round(p.ackedRatio * 10000) / 10000, 'ratio');
    c.measure(`${key}.longestGapMs`, p.longestGapMs);
    c.measure(`${key}.sent`, p.sent, 'count');
  }
  const roll = v.phases.find((p) => p.name === 'rolling restart');
  if (roll) {
    c.measure('rollingAckedRatio', Math.round(roll.ackedRatio * 10000) / 10000, 'ratio');
    c.measure('rollingLongestGapMs', roll.longestGapMs);
  }
  session.writeExtra({ ...(session.extras as object), writeAvailability: v.phases });
  if (!v.ok) {
    c.fail(`StatefulSet ${session.namespace}/${k.statefulSet}, topic ${topic} (acks=${producerAcks}): ${v.message}. Refused sends in a graceful phase mean a broker was stopped while the partition could not spare it: make a broker Ready only once it is back in the ISR of every partition it replicates (not when its port opens), so a rolling update waits for it before stopping the next; Not Enough Replicas means the ISR fell below min.insync.replicas`);
  }
  c.note(v.message);
});
