// testcontainers helpers for the integration tests: ordinal's locally built images (never pulled),
// a network per test file, and k6 runs as one-shot containers.
import path from 'node:path';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { PROJECT_ROOT, timeoutMs } from '../config.ts';
import { run } from '../proc/command.ts';
import { K6_IMAGE, KAFKA_IMAGE, ZOOKEEPER_IMAGE } from '../images/catalog.ts';
import { MANAGED_BY_KEY, MANAGED_BY_VALUE } from '../kube/labels.ts';
import { K6_RUN } from '../load/k6.ts';

export const LABELS = { [MANAGED_BY_KEY]: MANAGED_BY_VALUE, 'ordinal.dev/kind': 'integration-test' };

async function logsOf(c: StartedTestContainer): Promise<string> {
  const stream = await c.logs();
  const chunks: string[] = [];
  return new Promise((resolve) => {
    stream.on('data', (d: Buffer | string) => chunks.push(d.toString()));
    stream.on('end', () => resolve(chunks.join('')));
    // a running container's stream never ends: take what arrived within the bound
    setTimeout(() => resolve(chunks.join('')), timeoutMs('logCollect')).unref();
  });
}

export async function startZooKeeper(net: StartedNetwork, opts: { maxClientCnxns: number }): Promise<StartedTestContainer> {
  return new GenericContainer(ZOOKEEPER_IMAGE)
    .withNetwork(net)
    .withHostname('zk-0.zk-hs.it')
    .withNetworkAliases('zk-0.zk-hs.it')
    .withEnvironment({ ZK_REPLICAS: '1', ZK_MAX_CLIENT_CNXNS: String(opts.maxClientCnxns) })
    .withLabels(LABELS)
    .withWaitStrategy(Wait.forSuccessfulCommand('zk-ready'))
    .withStartupTimeout(timeoutMs('containerStart'))
    .start();
}

export async function startKafka(net: StartedNetwork): Promise<StartedTestContainer> {
  return new GenericContainer(KAFKA_IMAGE)
    .withNetwork(net)
    .withHostname('kafka-0.kafka-hs.it')
    .withNetworkAliases('kafka-0.kafka-hs.it')
    .withEnvironment({ KAFKA_OVERRIDES: 'zookeeper.connect=zk-0.zk-hs.it:2181/kafka min.insync.replicas=1' })
    .withCopyContentToContainer([{ content: 'offsets.topic.replication.factor=1\nauto.create.topics.enable=false\ngroup.initial.rebalance.delay.ms=0\n', target: '/etc/kafka/server.properties' }])
    .withLabels(LABELS)
    .withWaitStrategy(Wait.forLogMessage(/started \(kafka\.server\.KafkaServer\)/))
    .withStartupTimeout(timeoutMs('containerStart'))
    .start();
}

/** Runs a script of fixtures/k6 in a one-shot k6 container; returns its exit code and output. */
export async function runK6Container(net: StartedNetwork, script: string, env: Record<string, string>): Promise<{ exitCode: number; logs: string }> {
  const c = await new GenericContainer(K6_IMAGE)
    .withNetwork(net)
    .withBindMounts([{ source: path.join(PROJECT_ROOT, 'fixtures/k6'), target: '/scripts', mode: 'ro' }])
    .withEnvironment(env)
    .withCommand([...K6_RUN, `/scripts/${script}`])
    .withLabels(LABELS)
    .withWaitStrategy(Wait.forOneShotStartup())
    // a one-shot container's startup is the whole k6 run
    .withStartupTimeout(timeoutMs('load'))
    .start();
  try {
    const logs = await logsOf(c);
    const exitCode = Number((await run(['docker', 'inspect', '-f', '{{.State.ExitCode}}', c.getId()])).stdout.trim());
    return { exitCode, logs };
  } finally {
    await c.stop();
  }
}

export { logsOf, Network };

/** Stops everything given, even when one stop fails; reports the failures together. */
export async function stopAll(...items: Array<{ stop(): Promise<unknown> } | undefined>): Promise<void> {
  const results = await Promise.allSettled(items.filter(Boolean).map((i) => i!.stop()));
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  if (errors.length) throw new AggregateError(errors, `${errors.length} container(s) or network(s) did not stop`);
}

/** Removes containers left by an earlier, interrupted integration run (by label). */
export async function sweepLeftovers(): Promise<void> {
  const filter = `label=ordinal.dev/kind=${LABELS['ordinal.dev/kind']}`;
  const ids = (await run(['docker', 'ps', '-aq', '--filter', filter])).stdout.split('\n').filter(Boolean);
  if (ids.length) await run(['docker', 'rm', '-f', '-v', ...ids]);
}
