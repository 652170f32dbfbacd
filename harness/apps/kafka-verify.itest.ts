// The Kafka producer and read-back verifier (fixtures/k6/kafka-*.js + harness/apps/kafka-verify.ts)
// against one real broker: nothing lost normally, and records deleted behind the producer's back
// are reported as lost acknowledged messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { parseMarker } from '../load/k6.ts';
import { Network, runK6Container, startKafka, startZooKeeper, stopAll } from '../testing/containers.ts';
import { parseProducerLog, parseRecords, verify } from './kafka-verify.ts';

const BROKERS = 'kafka-0.kafka-hs.it:9092';

describe('Kafka producer and read-back verifier', () => {
  let net: StartedNetwork;
  let zk: StartedTestContainer;
  let kafka: StartedTestContainer;

  beforeAll(async () => {
    net = await new Network().start();
    zk = await startZooKeeper(net, { maxClientCnxns: 60 });
    kafka = await startKafka(net);
  });
  afterAll(async () => {
    await stopAll(kafka, zk);
    await stopAll(net);
  });

  it('reads back every acknowledged message, then reports deleted ones as lost', async () => {
    const env = { BROKERS, TOPIC: 'it-verify' };
    const admin = await runK6Container(net, 'kafka-admin.js', { ...env, PARTITIONS: '2', REPLICATION_FACTOR: '1' });
    expect(parseMarker<{ metadata: unknown[] }>(admin.logs)?.metadata, admin.logs).toHaveLength(2);
    const produced = await runK6Container(net, 'kafka-produce.js', { ...env, ACKS: 'all', RATE: '50', DURATION: '4s', RUN_ID: 'it' });
    const log = parseProducerLog(produced.logs);
    expect(log.acks.length, produced.logs.slice(-500)).toBeGreaterThan(100);
    expect(parseMarker(produced.logs, 'ORDINAL-K6-SUMMARY')).toBeDefined();

    const first = verify(log, parseRecords((await runK6Container(net, 'kafka-verify.js', env)).logs));
    expect(first).toMatchObject({ lost: [], moved: [], acknowledged: log.acks.length, read: log.acks.length });

    // delete the first 5 records of partition 0 with Kafka's own tool: acknowledged, now gone
    const offsets = JSON.stringify({ version: 1, partitions: [{ topic: 'it-verify', partition: 0, offset: 5 }] });
    const del = await kafka.exec(['bash', '-c', `echo '${offsets}' > /tmp/del.json && java -cp '/opt/kafka/lib/*' org.apache.kafka.tools.DeleteRecordsCommand --bootstrap-server localhost:9092 --offset-json-file /tmp/del.json`]);
    expect(del.exitCode, del.output).toBe(0);
    const second = verify(log, parseRecords((await runK6Container(net, 'kafka-verify.js', env)).logs));
    expect(second.lost.map((a) => `${a.partition}:${a.offset}`).sort()).toEqual(['0:0', '0:1', '0:2', '0:3', '0:4']);
  });
});
