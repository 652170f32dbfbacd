// The diagnose rules on snapshots recorded from live kind namespaces (testdata/*.json, read by
// live-snapshot.ts), and on variations of them for the rules no recorded fixture breaks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose as judge, kafkaSettings, kafkaStartConfig, maxClientCnxns, type DiagnoseSnapshot } from './statefulset-rules.ts';

const diagnose = (s: DiagnoseSnapshot) => judge(s, { stuckMs: 60_000 });

const load = (name: string): DiagnoseSnapshot => JSON.parse(readFileSync(path.join(import.meta.dirname, 'testdata', `${name}.json`), 'utf8')) as DiagnoseSnapshot;
const errors = (s: DiagnoseSnapshot) => diagnose(s).filter((f) => f.severity === 'error');

describe('recorded snapshots', () => {
  it('a healthy ZooKeeper ensemble and Kafka cluster with budgets: no findings once the brokers probe that they are in sync', () => {
    // recorded before the kafka fixture had kafka-ready: its brokers were Ready when port 9092 opened
    const s = load('healthy-kafka');
    const f = diagnose(s);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'readiness', severity: 'warning', statefulSet: 'kafka' });
    expect(f[0]!.message).toMatch(/^container kafka is Ready once port 9092 opens \(tcpSocket readiness probe\): a restarted broker is Ready before it is back in the ISR/);
    for (const sts of s.statefulSets.filter((x) => x.metadata!.name === 'kafka')) sts.spec!.template.spec!.containers[0]!.readinessProbe = { exec: { command: ['kafka-ready'] }, periodSeconds: 2 };
    expect(diagnose(s)).toEqual([]);
    for (const sts of s.statefulSets.filter((x) => x.metadata!.name === 'zk')) delete sts.spec!.template.spec!.containers[0]!.readinessProbe;
    expect(diagnose(s).map((x) => x.message)).toEqual([expect.stringMatching(/^container \S+ has no readiness probe: a restarted member is Ready before it has joined the quorum/)]);
  });

  it("the seed: ZooKeeper's refusals (maxClientCnxns=2 behind one NAT address) tied to the broker that restarts on ZooKeeper timeouts", () => {
    const s = load('seed-zk-limit-2');
    const zk = s.statefulSets.find((x) => x.metadata!.name === 'zk')!;
    expect(maxClientCnxns(s, zk)).toBe(2);
    const f = errors(s);
    const limit = f.find((x) => x.rule === 'zookeeper-connection-limit')!;
    expect(limit.message).toMatch(/maxClientCnxns=2 per source address from 10\.[0-9.]+ \(pod zk-nat-[a-z0-9-]+\); clients failing because of it: kafka-\d/);
    expect(limit.evidence.join('\n')).toMatch(/Too many connections from \/10\.[0-9.]+ - max is 2/);
    const broker = f.find((x) => x.rule === 'pods-ready' && x.statefulSet === 'kafka')!;
    expect(broker.message).toMatch(/timed out on its ZooKeeper session, and ZooKeeper refuses connections: zk-\d "Too many connections/);
    expect(broker.fix).toMatch(/raise ZooKeeper's maxClientCnxns/);
  });

  it('a pod unready for more than a minute, with its readiness probe failure', () => {
    const f = errors(load('web-never-ready'));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'pods-ready', object: expect.stringMatching(/^Pod\/.*\/web-0$/) });
    expect(f[0]!.message).toMatch(/web-0 is Running and not Ready for \d+s; last readiness probe failure: "Readiness probe failed: HTTP probe failed with statuscode: 404"/);
  });

  it('the same pod, seen 10 s after it became unready, is a warning', () => {
    const s = load('web-never-ready');
    const since = s.pods[0]!.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime!;
    const f = diagnose({ ...s, takenAt: new Date(new Date(since).getTime() + 10_000).toISOString() });
    expect(f.map((x) => x.severity)).toEqual(['warning']);
  });
});

describe('variations', () => {
  const healthy = () => structuredClone(load('healthy-kafka'));

  it('budgets: none for a quorum app, one allowing 0 disruptions, one allowing the quorum to go', () => {
    const none = healthy();
    none.budgets = [];
    expect(diagnose(none).filter((f) => f.rule === 'disruption-budget').map((f) => f.message)).toEqual([
      expect.stringMatching(/no PodDisruptionBudget selects the kafka pods/),
      expect.stringMatching(/no PodDisruptionBudget selects the zookeeper pods/),
    ]);
    const zero = healthy();
    for (const b of zero.budgets) b.spec = { ...b.spec, maxUnavailable: 0, minAvailable: undefined };
    expect(errors(zero).map((f) => f.message)).toEqual([expect.stringMatching(/allows 0 disruptions of 3 pods: every node drain/), expect.stringMatching(/allows 0 disruptions/)]);
    const loose = healthy();
    for (const b of loose.budgets) b.spec = { ...b.spec, maxUnavailable: 2, minAvailable: undefined };
    expect(errors(loose)[0]!.message).toMatch(/lets 2 of 3 \w+ pods go at once, leaving 1, below the quorum of 2/);
  });

  it('a rollout stuck on an unready pod of the old revision, and a partition left set', () => {
    const s = healthy();
    const zk = s.statefulSets.find((x) => x.metadata!.name === 'zk')!;
    zk.status = { ...zk.status!, currentRevision: 'zk-old', updateRevision: 'zk-new' };
    zk.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    zk.spec!.podManagementPolicy = 'OrderedReady';
    const zk2 = s.pods.find((p) => p.metadata!.name === 'zk-2')!;
    zk2.metadata!.labels!['controller-revision-hash'] = 'zk-old';
    zk2.status!.conditions = zk2.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    const f = diagnose(s).filter((x) => x.rule === 'rollout');
    expect(f.map((x) => [x.severity, x.message])).toEqual([
      ['error', expect.stringMatching(/rollout to revision zk-new is stuck: zk-2 is on revision zk-old and not Ready/)],
      ['warning', expect.stringMatching(/partition is 1: pod zk-0 is never updated/)],
    ]);
    expect(f[0]!.fix).toMatch(/delete pod zk-2/);
  });

  it('a fixed myid, min.insync.replicas=1 and unclean leader election', () => {
    const s = healthy();
    s.statefulSets.find((x) => x.metadata!.name === 'zk')!.spec!.template.spec!.containers[0]!.env!.push({ name: 'ZK_MYID', value: '1' });
    const kafka = s.statefulSets.find((x) => x.metadata!.name === 'kafka')!;
    kafka.spec!.template.spec!.containers[0]!.env!.push({ name: 'KAFKA_CFG_MIN_INSYNC_REPLICAS', value: '1' }, { name: 'KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE', value: 'true' });
    expect(kafkaSettings(s, kafka).get('min.insync.replicas')).toEqual({ value: '1', from: 'env KAFKA_CFG_MIN_INSYNC_REPLICAS' });
    expect(errors(s).map((f) => f.rule).sort()).toEqual(['kafka-durability', 'kafka-durability', 'zookeeper-myid']);
  });

  it('a Pending pod held by a volume node-affinity conflict, and a Lost claim', () => {
    const s = healthy();
    const p = s.pods.find((x) => x.metadata!.name === 'kafka-0')!;
    p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn\'t match pod anti-affinity rules.' }] };
    s.claims.find((c) => c.metadata!.name === 'data-kafka-1')!.status = { phase: 'Lost' };
    const f = errors(s);
    expect(f.find((x) => x.rule === 'pods-ready')!.fix).toMatch(/bound to a node the pod cannot run on/);
    expect(f.find((x) => x.rule === 'claims')!.message).toMatch(/claim data-kafka-1 is Lost/);
  });

  it("a broker's identity from the config it printed at start: id off its ordinal, a listener on the pod IP, a shared id", () => {
    const config = (id: number, adv: string) => `[2026-12-01 14:00:00,000] INFO KafkaConfig values: \n\tadvertised.listeners = ${adv}\n\tauto.create.topics.enable = true\n\tbroker.id = ${id}\n\tbroker.id.generation.enable = true\n`;
    expect(kafkaStartConfig(config(2, 'PLAINTEXT://kafka-2.kafka-hs.ns.svc.cluster.local:9092'))).toEqual({ brokerId: 2, advertised: 'PLAINTEXT://kafka-2.kafka-hs.ns.svc.cluster.local:9092' });
    const withLogs = (logs: Record<string, string>) => ({ ...healthy(), logs });
    const good = Object.fromEntries([0, 1, 2].map((i) => [`kafka-${i}/kafka/head`, config(i, `PLAINTEXT://kafka-${i}.kafka-hs.ns.svc.cluster.local:9092`)]));
    expect(diagnose(withLogs(good)).filter((f) => f.rule === 'kafka-identity')).toEqual([]);
    const offByOne = Object.fromEntries([0, 1, 2].map((i) => [`kafka-${i}/kafka/head`, config(i + 1, `PLAINTEXT://kafka-${i}.kafka-hs.ns.svc.cluster.local:9092`)]));
    expect(diagnose(withLogs(offByOne)).filter((f) => f.rule === 'kafka-identity').map((f) => f.message)).toEqual([0, 1, 2].map((i) => expect.stringMatching(new RegExp(`^kafka-${i} runs as broker id ${i + 1}, not its ordinal ${i}`))));
    const ip = { ...good, 'kafka-1/kafka/head': config(1, 'PLAINTEXT://10.244.2.7:9092') };
    expect(errors(withLogs(ip)).map((f) => f.message)).toEqual([expect.stringMatching(/^kafka-1 advertises PLAINTEXT:\/\/10\.244\.2\.7:9092, an IP address/)]);
    const shared = { ...good, 'kafka-2/kafka/head': config(1, 'PLAINTEXT://kafka-2.kafka-hs.ns.svc.cluster.local:9092') };
    expect(errors(withLogs(shared)).map((f) => f.message)).toEqual([expect.stringMatching(/kafka-1 and kafka-2 all run as broker id 1/)]);
  });
});
