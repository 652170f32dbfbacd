// ZooKeeper and Kafka under load, watched: a k6 producer (acks as the fixture says) and an idle k6
// probe pod start, a znode is written, and `srvr` on every ZooKeeper member and the topic's
// metadata are sampled until the caller stops them (wait/sampler.ts: paced, SAMPLE_PACE_MS after
// each sample), each sample bounded (`sample` in the timeout table; a member or a metadata request
// not back by then is recorded as unanswered and the next sample taken). At the end the producer's log is
// parsed and the whole topic read back. The disruption and upgrade suites both do their faults in
// between; each judges the samples with the same verdicts (quorumThroughout, isrThroughout,
// writeAvailability, verify).
import { randomBytes } from 'node:crypto';
import { expectZnodes, memberNames, quorumSample, zkCli, type ZkSettings } from './zookeeper-ensemble.ts';
import type { QuorumSample } from './zookeeper-quorum.ts';
import { readTopicBack, topicMetadata, waitForAcks, type KafkaTarget } from './kafka-client.ts';
import type { IsrSample } from './kafka-isr.ts';
import { parseProducerLog, verify, type ProducerLog, type Verification } from './kafka-verify.ts';
import { K6Job, k6Duration, parseMarker } from '../load/k6.ts';
import { OrdinalError } from '../errors.ts';
import { withDeadline } from '../wait/poll.ts';
import { startSampler } from '../wait/sampler.ts';
import { loadSettings, producerEnv } from './load-settings.ts';
import type { SuiteSession } from '../suite/session.ts';

export interface LoadResult {
  log: ProducerLog;
  verification: Verification;
  readBackOk: boolean;
  /** k6's kafka_produce_ms percentiles (p(99) and the rest) */
  latency: Record<string, number>;
}

export interface LoadWatch {
  started: Date;
  /** the idle k6 pod the topic's metadata is read from (also for waitForIsr) */
  probe: K6Job;
  producer: K6Job;
  /** znodes written before the faults, path → value, read back by `expectZnodes` */
  znodes: Map<string, string>;
  zk: QuorumSample[];
  isr: IsrSample[];
  /** ends the samplers (idempotent; on every path) */
  stopSampling(): Promise<void>;
  /** stops the producer, parses its log, reads the topic back, ends the probe */
  finish(): Promise<LoadResult>;
}

export interface LoadWatchOptions {
  /** how long the faults may take: the producer runs this long, the samplers at most this long */
  budgetMs: number;
  /** the node k6 runs on (one the faults leave alone) */
  onNode?: string;
  /** a name for the znode written before the faults (ordinal-<label>-<random>) */
  label: string;
}

export async function startLoadWatch(session: SuiteSession, z: ZkSettings, k: KafkaTarget, opts: LoadWatchOptions): Promise<LoadWatch> {
  const T = session.cfg.timeouts;
  const { budgetMs } = opts;
  const started = new Date();
  const probe = await K6Job.start(session, 'idle.js', { DURATION: k6Duration(budgetMs + T.load) }, { deadlineMs: budgetMs + 2 * T.load, onNode: opts.onNode });
  const producer = await K6Job.start(session, 'kafka-produce.js', { BROKERS: k.brokers, TOPIC: k.topic, ACKS: k.acks, RUN_ID: session.ctx.runId, ...producerEnv(loadSettings(session)), DURATION: k6Duration(budgetMs), WAIT_S: String(Math.ceil(T.quorum / 1000)) }, { deadlineMs: budgetMs + T.load, onNode: opts.onNode });
  await waitForAcks(session, producer, started, 50);
  const znodes = new Map<string, string>();
  const zpath = `/ordinal-${opts.label}-${randomBytes(4).toString('hex')}`;
  await zkCli(session, z, memberNames(z)[0]!, ['create', zpath, `written-before-the-${opts.label}`]);
  znodes.set(zpath, `written-before-the-${opts.label}`);

  // samplers: paced, each sample bounded, both ended by stopSampling or the budget
  const zk: QuorumSample[] = [];
  const isr: IsrSample[] = [];
  const samplers = [
    startSampler(`ZooKeeper ensemble ${session.namespace}/${z.statefulSet}`, budgetMs, async () => {
      zk.push(await quorumSample(session, z, memberNames(z), T.sample));
    }),
    startSampler(`topic ${k.topic}'s metadata`, budgetMs, async () => {
      const at = Date.now();
      const ps = await withDeadline(topicMetadata(probe, k), T.sample, 'late').catch(() => []);
      isr.push({ at, ...(ps.length ? { partitions: ps } : {}) });
    }),
  ];
  // stopSampling runs on every path (finally blocks) and never throws over the error on its way
  // out; a sampler that a sample's error ended early is thrown by finish(), on the success path
  let samplerFailed: { err: unknown } | undefined;
  const stopSampling = async () => {
    const ended = await Promise.allSettled(samplers.map((x) => x.stop()));
    const failed = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected');
    if (failed && !samplerFailed) samplerFailed = { err: failed.reason };
  };
  return {
    started, probe, producer, znodes, zk, isr, stopSampling,
    async finish() {
      await stopSampling();
      if (samplerFailed) {
        const why = samplerFailed.err instanceof Error ? samplerFailed.err.message : String(samplerFailed.err);
        throw new OrdinalError(`the ZooKeeper or metadata sampler beside the faults ended early, so the quorum and ISR verdicts would judge a stretch nobody saw: ${why}`, 'run again with ORDINAL_DEBUG=1 to see every sample', { cause: samplerFailed.err });
      }
      await producer.interrupt();
      const done = await producer.wait(T.load);
      const log = parseProducerLog(done.logs);
      const readBack = await readTopicBack(session, k);
      const summary = parseMarker<{ metrics?: Record<string, { values: Record<string, number> }> }>(done.logs, 'ORDINAL-K6-SUMMARY');
      await probe.interrupt().catch(() => undefined);
      return { log, verification: verify(log, readBack.records), readBackOk: readBack.exitCode === 0, latency: summary?.metrics?.kafka_produce_ms?.values ?? {} };
    },
  };
}

/** Reads every znode written before the faults back through every member. */
export async function expectAllZnodes(session: SuiteSession, z: ZkSettings, znodes: ReadonlyMap<string, string>, after: string, fail: (d: string) => never): Promise<void> {
  for (const p of memberNames(z)) await expectZnodes(session, z, znodes, p, after, fail);
}
