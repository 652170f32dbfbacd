import { describe, expect, it } from 'vitest';
import { judgeBrokerIds, judgeListeners, type BrokerPod, type ListedBroker } from './kafka-identity.ts';

const n = { statefulSet: 'kafka', service: 'kafka-hs', namespace: 'ordinal-kafka-x', domain: 'cluster.local' };
const pods: BrokerPod[] = [0, 1, 2].map((i) => ({ pod: `kafka-${i}`, ordinal: i, ip: `10.244.${i}.7` }));
const fqdn = (i: number) => `kafka-${i}.kafka-hs.ordinal-kafka-x.svc.cluster.local`;
const healthy: ListedBroker[] = [0, 1, 2].map((i) => ({ id: i, host: fqdn(i), port: 9092, reachable: true }));

describe('kafka identity', () => {
  it('accepts ids from the ordinal and stable DNS listeners', () => {
    expect(judgeBrokerIds(healthy, pods, n)).toEqual([]);
    expect(judgeListeners(healthy, pods, n)).toEqual([]);
    expect(judgeListeners(healthy.map((b) => ({ ...b, host: `${b.host}.` })), pods, n)).toEqual([]);
  });

  it('names a broker whose id is off by one', () => {
    const off = healthy.map((b) => ({ ...b, id: b.id + 1 }));
    expect(judgeBrokerIds(off, pods, n)[0]).toBe(`kafka-0 (advertised as ${fqdn(0)}:9092) has broker id 1, expected 0 (its ordinal)`);
    expect(judgeListeners(off, pods, n)).toEqual([]);
  });

  it('names an IP listener and still maps it to its pod', () => {
    const ip = healthy.map((b, i) => ({ ...b, host: pods[i]!.ip! }));
    expect(judgeBrokerIds(ip, pods, n)).toEqual([]);
    expect(judgeListeners(ip, pods, n)[1]).toBe(`kafka-1 advertises 10.244.1.7:9092, an IP address, not its stable DNS name ${fqdn(1)}:9092`);
  });

  it('names a missing broker and a short name', () => {
    expect(judgeBrokerIds(healthy.slice(0, 2), pods, n)).toEqual([expect.stringMatching(/^kafka-2 is not among the brokers/)]);
    expect(judgeListeners([{ ...healthy[0]!, host: 'kafka-0.kafka-hs' }], pods, n)).toEqual([`kafka-0 advertises kafka-0.kafka-hs:9092, expected its stable DNS name ${fqdn(0)}:9092`]);
  });
});
