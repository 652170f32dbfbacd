// throughput (opt-in, `--suite throughput`): the producer benchmark. On the ZooKeeper + Kafka
// fixture, one after the other on the run's topic (RF 3, min.insync.replicas 2) with acks=all and
// 100-byte records: Kafka's own kafka-producer-perf-test (ProducerPerformance from the kafka-tools
// jar in the broker image, run in the first broker's container, unthrottled, sized by a calibration
// run to about 20 s), then k6 with ordinal's extension (a Job, VUs each sending one batch of 500
// at a time for 20 s; app.kafka.load.vus and .batch in the fixture, or --load-vus, change that). Its one check holds ordinal's load generator to a share of what the cluster
// carries, so the load the other suites apply can be raised that far; both figures and the ratio
// are its measurements (docs/benchmarks.md).
import { defineSuite } from '../../harness/suite/check.ts';
import { deployZkKafka, type KafkaTarget } from '../../harness/apps/kafka-client.ts';
import { PRODUCER_BENCH as B, judgeThroughput, parsePerfTest, sizeRun, sumOffsets, type K6Throughput, type PerfTestSummary } from '../../harness/apps/producer-bench.ts';
import { parseMarker, runK6 } from '../../harness/load/k6.ts';
import { throughputLoad } from '../../harness/apps/load-settings.ts';
import { execInPod } from '../../harness/kube/exec.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';
import { lastLines } from '../../harness/errors.ts';

let k: KafkaTarget;

async function setup(session: SuiteSession): Promise<void> {
  ({ k } = await deployZkKafka(session));
}

const s = defineSuite('throughput', { setup });

/** A Kafka tool (a main class of the kafka-tools jar) in the first broker's container. */
async function kafkaTool(session: SuiteSession, main: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  const pod = `${k.statefulSet}-${session.firstOrdinal}`;
  const r = await execInPod(session.kube, { namespace: session.namespace, pod, container: session.fixture.container }, ['java', '-Xmx256m', '-cp', '/opt/kafka/lib/*', main, ...args], { timeoutMs: session.cfg.timeouts.load });
  return { ok: r.exitCode === 0, out: `${r.stdout}\n${r.stderr}` };
}

/** One unthrottled kafka-producer-perf-test run of `records` records. */
async function perfTest(session: SuiteSession, records: number): Promise<PerfTestSummary> {
  const r = await kafkaTool(session, 'org.apache.kafka.tools.ProducerPerformance', [
    '--topic', k.topic, '--num-records', String(records), '--record-size', String(B.recordBytes), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${k.brokers}`, 'acks=all',
  ]);
  const summary = r.ok ? parsePerfTest(r.out) : undefined;
  if (!summary) throw new Error(`kafka-producer-perf-test (${records} records) printed no summary: ${lastLines(r.out)}`);
  return summary;
}

/** The topic's end offsets summed (GetOffsetShell, Kafka's own count of what it holds). */
async function endOffsets(session: SuiteSession): Promise<number> {
  const r = await kafkaTool(session, 'org.apache.kafka.tools.GetOffsetShell', ['--bootstrap-server', k.brokers, '--topic', k.topic, '--time', '-1']);
  const sum = r.ok ? sumOffsets(r.out, k.topic) : undefined;
  if (sum === undefined) throw new Error(`GetOffsetShell gave no end offsets for ${k.topic}: ${lastLines(r.out)}`);
  return sum;
}

s.check('producer-throughput', `k6 with ordinal's extension produces at least ${B.goal * 100}% of kafka-producer-perf-test's throughput (acks=all, same topic, same cluster)`, async (c) => {
  const session = c.session;
  // the JVM warms up over the first runs: size each run from the one before, until one lasts minSeconds (at most two sized runs)
  let java = await perfTest(session, sizeRun(await perfTest(session, B.calibrationRecords)));
  if (java.records / java.perSec < B.minSeconds) java = await perfTest(session, sizeRun(java));
  const { vus, batch } = throughputLoad(session, B);
  const T = session.cfg.timeouts;
  const before = await endOffsets(session);
  const run = await runK6(session, 'kafka-throughput.js', { BROKERS: k.brokers, TOPIC: k.topic, ACKS: 'all', VUS: String(vus), BATCH: String(batch), SIZE: String(B.recordBytes), DURATION: `${B.seconds}s`, RUN_ID: session.ctx.runId }, T.load);
  const k6 = parseMarker<K6Throughput>(run.logs);
  if (!k6) throw new Error(`k6 kafka-throughput.js ended (${run.outcome}) without its result: ${lastLines(run.logs)}`);
  const written = (await endOffsets(session)) - before;
  // the check line prints the first three: both rates and the ratio
  c.measure('javaPerSec', Math.round(java.perSec), 'count');
  c.measure('k6PerSec', k6.perSec, 'count');
  c.measure('k6PercentOfJava', Math.round((k6.perSec / java.perSec) * 100), '%');
  c.measure('javaRecordP99Ms', java.p99Ms);
  c.measure('k6Vus', vus, 'count');
  c.measure('k6Batch', batch, 'count');
  if (k6.p99BatchMs !== null) c.measure('k6P99BatchMs', Math.round(k6.p99BatchMs));
  c.note(`kafka-producer-perf-test ${java.records} records in ${Math.round(java.records / java.perSec)} s: ${Math.round(java.perSec)}/s (p99 ${java.p99Ms} ms); k6 ${k6.acked} acknowledged in ${Math.round(k6.ms / 1000)} s on ${vus} VUs in batches of ${batch}: ${k6.perSec}/s; the topic's end offsets moved by ${written} meanwhile`);
  const problem = judgeThroughput(java, k6, written, batch);
  if (problem) c.fail(problem);
});
