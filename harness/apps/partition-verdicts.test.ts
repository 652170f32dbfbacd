import { describe, expect, it } from 'vitest';
import { minorityAcks } from './partition-verdicts.ts';
import type { Ack } from './kafka-verify.ts';

const ack = (partition: number, key: string, sentAt: number, doneAt: number): Ack => ({ partition, offset: 0, key, sentAt, doneAt });

describe('minorityAcks', () => {
  // cut at 1000, the move seen at 21000: only acks done before 11000, of sends after the cut, count
  const w = { partitions: [1], cutAt: 1000, movedAt: 21_000 };
  it('acks=1: the isolated leader acknowledged sends alone', () => {
    const acks = [ack(1, 'before', 900, 1005), ack(1, 'alone-1', 1200, 1210), ack(1, 'alone-2', 5000, 5004), ack(0, 'other-partition', 2000, 2003), ack(1, 'new-leader', 15_000, 21_500)];
    expect(minorityAcks(acks, w).map((a) => a.key)).toEqual(['alone-1', 'alone-2']);
  });
  it('acks=all: nothing in the window (sends time out until the new leader)', () => {
    const acks = [ack(1, 'before', 990, 1001), ack(1, 'resent-to-new-leader', 3000, 21_200)];
    expect(minorityAcks(acks, w)).toEqual([]);
  });
  it('an ack with no times (an old log line) is not counted', () => {
    expect(minorityAcks([{ partition: 1, offset: 3, key: 'x' }], w)).toEqual([]);
  });
});
