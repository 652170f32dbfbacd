// What the partition suite judges from the producer's log: the writes the isolated Kafka broker
// acknowledged while it was cut off. Pure, tested on recorded acknowledgements.
import type { Ack } from './kafka-verify.ts';

/**
 * Acknowledgements of sends to the isolated broker's partitions, sent after the cut and
 * acknowledged in the first half of the time until another broker was seen leading. Only the
 * isolated broker can have given those: no other broker leads before its ZooKeeper session
 * expires (18 s by default), which is also when the majority's metadata shows the move (a second
 * or so later), so the first half of that stretch is the isolated broker's alone. With acks=all it
 * acknowledges nothing there (its followers cannot fetch); with acks=1 it acknowledges every send.
 */
export function minorityAcks(acks: readonly Ack[], w: { partitions: readonly number[]; cutAt: number; movedAt: number }): Ack[] {
  const until = w.cutAt + (w.movedAt - w.cutAt) / 2;
  return acks.filter((a) => w.partitions.includes(a.partition) && a.sentAt !== undefined && a.doneAt !== undefined && a.sentAt >= w.cutAt && a.doneAt < until);
}
