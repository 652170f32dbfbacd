// The connection-limit probe (fixtures/k6/zk-probe.js) against one real ZooKeeper container.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { parseMarker } from '../load/k6.ts';
import { logsOf, Network, runK6Container, startKafka, startZooKeeper, stopAll } from '../testing/containers.ts';
import { run } from '../proc/command.ts';
import { judgeEffectiveLimit, type ProbeResult } from './connection-limits.ts';
import { parseRejections } from './zookeeper.ts';

describe('ZooKeeper connection-limit probe', () => {
  let net: StartedNetwork;
  let zk: StartedTestContainer;

  beforeAll(async () => {
    net = await new Network().start();
    zk = await startZooKeeper(net, { maxClientCnxns: 4 });
  });
  afterAll(async () => {
    await stopAll(zk);
    await stopAll(net);
  });

  it('measures the configured maxClientCnxns as the effective limit and ZooKeeper logs the refusal', async () => {
    const r = await runK6Container(net, 'zk-probe.js', { ZK_SERVERS: 'zk-0.zk-hs.it:2181', CAP: '20' });
    const [p] = parseMarker<ProbeResult[]>(r.logs) ?? [];
    expect(p, r.logs).toMatchObject({ configured: 4, established: 4, refused: true, cap: 6 });
    expect(judgeEffectiveLimit(p!).ok).toBe(true);
    const rejected = parseRejections(await logsOf(zk));
    expect(rejected.map((x) => [x.ip, x.max])).toContainEqual([p!.probeAddress, 4]);
  });

  it('lists the sessions other clients hold, by source address, and not its own', async () => {
    const kafka = await startKafka(net);
    try {
      const kafkaIp = (await run(['docker', 'inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', kafka.getId()])).stdout.trim().split(' ');
      const r = await runK6Container(net, 'zk-probe.js', { ZK_SERVERS: 'zk-0.zk-hs.it:2181', CAP: '20' });
      const [p] = parseMarker<ProbeResult[]>(r.logs) ?? [];
      expect(p!.clients.map((c) => c.ip)).toEqual([expect.toBeOneOf(kafkaIp)]);
      expect(p!.established).toBe(4);
    } finally {
      await kafka.stop();
    }
  });
});
