import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeLoss, parseProducerLog, parseRecords, verify } from './kafka-verify.ts';
import { parseRejections, parseSrvr } from './zookeeper.ts';
import { addressUses, judgeEffectiveLimit, judgeHeadroom, type ProbeResult } from './connection-limits.ts';

describe('kafka read-back verification', () => {
  const log = parseProducerLog(['ACK 0 0 r-1-0', 'ACK 1 0 r-2-0', 'time="x" level=info msg="ignored"', 'ACK 0 1 r-1-1', 'NACK r-2-1 kafka: NOT_ENOUGH_REPLICAS'].join('\n'));

  it('parses acks and nacks', () => {
    expect(log.acks).toHaveLength(3);
    expect(log.nacks).toEqual([{ key: 'r-2-1', error: 'kafka: NOT_ENOUGH_REPLICAS' }]);
  });

  it('passes when every acknowledged message is read back where it was acknowledged', () => {
    const v = verify(log, parseRecords('REC 0:0:r-1-0\nREC 0:1:r-1-1\nREC 1:0:r-2-0\nREC 1:1:r-2-1\n'));
    expect(v).toMatchObject({ produced: 4, acknowledged: 3, failed: 1, read: 4, lost: [], moved: [], misplaced: [], duplicates: 0, unacknowledgedRead: 1 });
  });

  it('finds lost and moved acknowledged messages', () => {
    const v = verify(log, parseRecords('REC 0:0:r-1-0\nREC 0:1:r-9-9\n'));
    expect(v.lost.map((a) => a.key)).toEqual(['r-2-0', 'r-1-1']);
    expect(describeLoss(v)).toContain('2 of 3 acknowledged messages were never read back (e.g. r-2-0 at 1:0, r-1-1 at 0:1)');
    const w = verify(log, parseRecords('REC 0:0:r-1-0\nREC 0:1:r-x\nREC 0:2:r-1-1\nREC 1:0:r-2-0\n'));
    expect(w.lost).toEqual([]);
    expect(describeLoss(w)).toContain('0:1 acknowledged r-1-1, holds r-x');
  });

  it('reports an acknowledged offset that is gone while its key survives elsewhere', () => {
    const v = verify(log, parseRecords('REC 0:0:r-1-0\nREC 0:5:r-1-1\nREC 1:0:r-2-0\n'));
    expect(v.lost).toEqual([]);
    expect(v.misplaced.map((a) => a.key)).toEqual(['r-1-1']);
  });

  it('counts duplicates without failing them', () => {
    const v = verify(log, parseRecords('REC 0:0:r-1-0\nREC 0:1:r-1-1\nREC 0:2:r-1-1\nREC 1:0:r-2-0\n'));
    expect(v.duplicates).toBe(1);
    expect(v.lost).toEqual([]);
  });
});

describe('zookeeper output', () => {
  it('parses srvr of a leader and of a member outside the quorum', () => {
    const s = parseSrvr('Zookeeper version: 3.8.4\nLatency min/avg/max: 0/0.0/0\nReceived: 3\nSent: 2\nConnections: 1\nOutstanding: 0\nZxid: 0x100000002\nMode: leader\nNode count: 5\n');
    expect(s).toMatchObject({ mode: 'leader', zxid: '0x100000002', serving: true, connections: 1 });
    expect(parseSrvr('This ZooKeeper instance is not currently serving requests\n').serving).toBe(false);
  });

  it('sums rejections per address, including the rate limiter\'s [N times] lines seen with 3.8', () => {
    const observed = readFileSync(new URL('./testdata/zookeeper-3.8.0-observed-log-lines.txt', import.meta.url), 'utf8');
    const r = parseRejections(observed);
    expect(r.find((x) => x.ip === '127.0.0.4')).toMatchObject({ max: 2, count: 2 });
    expect(r.find((x) => x.ip === '127.0.0.5')).toMatchObject({ max: 2, count: 15 });
    expect(r.find((x) => x.ip === '127.0.0.1')!.count).toBeGreaterThan(40);
  });
});

const probe = (o: Partial<ProbeResult>): ProbeResult => ({ server: 'zk-0:2181', configured: 60, cap: 62, established: 60, refused: true, refusal: 'closed by server before answering: EOF', probeAddress: '10.244.1.9', probeMs: 80, clients: [], ...o });

describe('connection limits', () => {
  it('judges the effective limit against the configured one', () => {
    expect(judgeEffectiveLimit(probe({})).ok).toBe(true);
    expect(judgeEffectiveLimit(probe({ established: 62, refused: false })).text).toContain('not enforced');
    expect(judgeEffectiveLimit(probe({ established: 58 })).text).toContain('the effective limit is 58');
    expect(judgeEffectiveLimit(probe({ configured: 0, cap: 100, established: 100, refused: false })).ok).toBe(true);
    expect(judgeEffectiveLimit(probe({ established: 3, refused: false, error: 'dial tcp: lookup zk-0: no such host' })).text).toContain('could not be measured');
  });

  it('passes when every address has room for one more client', () => {
    const uses = addressUses([probe({ clients: [{ ip: '10.244.1.3', port: 1 }, { ip: '10.244.2.4', port: 2 }] })], {}, new Map([['10.244.1.3', 'pod kafka-0']]));
    expect(judgeHeadroom(uses, []).ok).toBe(true);
  });

  it("fails on the seed's case with the limit, the address, the log line and the crash-looping clients", () => {
    const results = [probe({ configured: 2, cap: 4, established: 2, clients: [{ ip: '10.244.2.7', port: 1 }, { ip: '10.244.2.7', port: 2 }] }), probe({ server: 'zk-1:2181', configured: 2, cap: 4, established: 2 })];
    const line = 'WARN [NIOServerCxnFactory.AcceptThread:0.0.0.0/0.0.0.0:2181] - [3 times] Message: Error accepting new connection: Too many connections from /10.244.2.7 - max is 2';
    const uses = addressUses(results, { 'zk-0:2181': parseRejections(line) }, new Map([['10.244.2.7', 'pod zk-nat-7d9 (a TCP proxy)']]));
    const j = judgeHeadroom(uses, ['kafka-2 CrashLoopBackOff (3 restarts)']);
    expect(j.ok).toBe(false);
    expect(j.diagnosis).toContain('maxClientCnxns=2 per source address, and 10.244.2.7 (pod zk-nat-7d9 (a TCP proxy)) holds 2 sessions (2 on zk-0:2181)');
    expect(j.diagnosis).toContain('refused it 3 times: "WARN');
    expect(j.diagnosis).toContain('Clients failing because of it: kafka-2 CrashLoopBackOff');
  });

  it('fails when an address is at the limit even before anything was refused', () => {
    const uses = addressUses([probe({ configured: 2, clients: [{ ip: '10.0.0.1', port: 1 }, { ip: '10.0.0.1', port: 2 }] })], {}, new Map());
    expect(judgeHeadroom(uses, []).diagnosis).toContain('leaving no room for one more client or reconnect');
  });
});

describe('failed-send reasons', () => {
  it('groups recorded kafka-go errors by cause, without addresses', async () => {
    const { failureReasons } = await import('./kafka-verify.ts');
    const lines = readFileSync(new URL('./testdata/kafka-nack-errors.txt', import.meta.url), 'utf8').trim().split('\n');
    const reasons = failureReasons(lines);
    for (const r of Object.keys(reasons)) expect(r).not.toMatch(/\d+\.\d+\.\d+\.\d+|kafka-\d\.kafka-hs|GoError|Kafka write errors/);
    expect(reasons['[3] Unknown Topic Or Partition']).toBeGreaterThan(0);
    expect(Object.values(reasons).reduce((a, b) => a + b, 0)).toBe(lines.length);
  });
});
