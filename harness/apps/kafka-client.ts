// The Kafka fixture as the suites talk to it: its settings (app.kafka in fixture.yaml), the
// bootstrap list, the topic created through k6 (kafka-admin.js), a topic's partition metadata
// from a k6 pod, and the waits on it (every partition in sync, a producer making progress).
import { Impossible, lastLines } from '../errors.ts';
import { K6Job, parseMarker, runK6 } from '../load/k6.ts';
import type { SuiteSession } from '../suite/session.ts';
import { poll } from '../wait/poll.ts';
import type { PartitionState } from './kafka-isr.ts';
import { parseRecords, type Ack } from './kafka-verify.ts';
import { memberNames, waitForQuorum, zkSettings, type ZkSettings } from './zookeeper-ensemble.ts';

export interface KafkaSettings { statefulSet: string; service: string; port: number; acks: string; partitions: number; replicationFactor: number }

export interface KafkaTarget extends KafkaSettings {
  /** bootstrap list: every broker by its stable name */
  brokers: string;
  topic: string;
}

/** The fixture's Kafka (defaults for what app.kafka leaves out) and this run's topic. */
export function kafkaTarget(session: SuiteSession): KafkaTarget {
  const a = (session.fixture.app.kafka ?? {}) as Partial<KafkaSettings>;
  const k: KafkaSettings = { statefulSet: a.statefulSet ?? session.sts, service: a.service ?? 'kafka-hs', port: a.port ?? 9092, acks: String(a.acks ?? 'all'), partitions: a.partitions ?? 3, replicationFactor: a.replicationFactor ?? 3 };
  const brokers = Array.from({ length: session.replicas }, (_, i) => `${k.statefulSet}-${session.firstOrdinal + i}.${k.service}:${k.port}`).join(',');
  const topic = `ordinal-${session.ctx.runId.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}${session.suite === 'kafka' ? '' : `-${session.suite}`}`;
  return { ...k, brokers, topic };
}

export interface TopicCreated {
  exitCode: number;
  outcome: string;
  logs: string;
  result?: { metadata: PartitionState[]; config: Record<string, string> };
}

/** Creates the topic (k6 kafka-admin.js, waiting until the brokers serve it) and returns its metadata and effective config. */
export async function createTopic(session: SuiteSession, k: KafkaTarget): Promise<TopicCreated> {
  const T = session.cfg.timeouts;
  const r = await runK6(session, 'kafka-admin.js', { BROKERS: k.brokers, TOPIC: k.topic, PARTITIONS: String(k.partitions), REPLICATION_FACTOR: String(k.replicationFactor), WAIT_S: String(Math.ceil(T.quorum / 1000)) }, T.quorum + T.load);
  const result = parseMarker<{ metadata: PartitionState[]; config: Record<string, string> }>(r.logs);
  return { exitCode: r.exitCode, outcome: r.outcome, logs: r.logs, ...(result ? { result } : {}) };
}

/**
 * The ZooKeeper + Kafka fixture made ready for a fault under load: deployed, the ensemble in
 * quorum, this run's topic created; returns both apps' settings and the topic's min.insync.replicas.
 */
export async function deployZkKafka(session: SuiteSession): Promise<{ z: ZkSettings; k: KafkaTarget; minIsr: number }> {
  await session.deploy();
  const z = zkSettings(session);
  await waitForQuorum(session, z, memberNames(z), session.cfg.timeouts.quorum);
  const k = kafkaTarget(session);
  const t = await createTopic(session, k);
  if (t.exitCode !== 0 || !t.result) throw new Error(`creating topic ${k.topic} failed (k6 ${t.outcome}): ${lastLines(t.logs)}`);
  return { z, k, minIsr: Number(t.result.config['min.insync.replicas'] ?? '1') };
}

/** Reads the whole topic back (k6 kafka-verify.js, every partition from its first offset to its high watermark). */
export async function readTopicBack(session: SuiteSession, k: KafkaTarget): Promise<{ exitCode: number; outcome: string; logs: string; records: Ack[] }> {
  const T = session.cfg.timeouts;
  const r = await runK6(session, 'kafka-verify.js', { BROKERS: k.brokers, TOPIC: k.topic, TIMEOUT_MS: String(T.load) }, T.load * 2);
  return { exitCode: r.exitCode, outcome: r.outcome, logs: r.logs, records: parseRecords(r.logs) };
}

/** The topic's partitions as the brokers report them now, from a k6 pod (empty: no answer). */
export async function topicMetadata(job: K6Job, k: KafkaTarget): Promise<PartitionState[]> {
  return parseMarker<PartitionState[]>(await job.execScript('kafka-meta.js', { BROKERS: k.brokers, TOPIC: k.topic })) ?? [];
}

/** Waits until every partition has a leader and all its replicas in sync. */
export async function waitForIsr(session: SuiteSession, job: K6Job, k: KafkaTarget, what: string): Promise<void> {
  await poll(`topic ${k.topic}`, `every partition led and fully in sync (${what})`, async () => {
    const m = await topicMetadata(job, k);
    return { done: m.length === k.partitions && m.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length), observed: m.map((p) => `p${p.partition} leader ${p.leader} isr [${p.isr}]`).join('; ') || 'no metadata' };
  }, { timeoutMs: session.cfg.timeouts.faultRecovery, intervalMs: 1000 });
}

/** Waits until k6 has logged `n` more acknowledgements since `since` (the producer is making progress); a producer whose setup gave up ends the wait with its reason. */
export async function waitForAcks(session: SuiteSession, job: K6Job, since: Date, n: number): Promise<void> {
  await poll(`producer ${job.pod}`, `${n} acknowledged messages since ${since.toISOString().slice(11, 19)}`, async () => {
    const sinceSeconds = Math.max(1, Math.ceil((Date.now() - since.getTime()) / 1000));
    const log = await session.kube.core.readNamespacedPodLog({ name: job.pod, namespace: session.namespace, container: 'k6', sinceSeconds });
    const gaveUp = /topic \S+ not writable within \d+s: [^\n"]*/.exec(log);
    if (gaveUp) throw new Impossible(`the producer never started its load: ${gaveUp[0]}`);
    const acks = log.split('\n').filter((l) => l.startsWith('ACK ')).length;
    return { done: acks >= n, observed: `${acks} acks` };
  }, { timeoutMs: session.cfg.timeouts.faultRecovery, intervalMs: 1000 });
}
