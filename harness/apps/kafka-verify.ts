// The Kafka read-back verifier: every message the producer saw acknowledged must be read back,
// at the partition and offset the broker acknowledged (the Jepsen lost-write check). Messages that
// failed to send may be absent or duplicated; they are counted, not judged.

export interface Ack {
  partition: number;
  offset: number;
  key: string;
  /** when the send began and when it was acknowledged, ms since the epoch (producer lines with @sent/acked) */
  sentAt?: number;
  doneAt?: number;
}

export interface Nack {
  key: string;
  error: string;
  sentAt?: number;
  doneAt?: number;
}

export interface ProducerLog {
  acks: Ack[];
  nacks: Nack[];
}

export interface Verification {
  produced: number;
  acknowledged: number;
  failed: number;
  read: number;
  /** acknowledged keys never read back */
  lost: Ack[];
  /** acknowledged (partition, offset) now holding another key (data replaced after an unclean election) */
  moved: Array<{ ack: Ack; found: string }>;
  /** acknowledged messages whose acknowledged offset is gone while the key survives at another offset (a truncated original, a retried copy kept), reported, not failed */
  misplaced: Ack[];
  /** keys read more than once (retries after timeouts), reported, not failed */
  duplicates: number;
  /** keys read that were never acknowledged (sends that failed late), reported, not failed */
  unacknowledgedRead: number;
}

const times = (sent?: string, done?: string) => (sent && done ? { sentAt: Number(sent), doneAt: Number(done) } : {});

/** Parses "ACK <p> <o> <key> [@<sent>/<acked>]" and "NACK <key> [@<sent>/<failed>] <error>" lines out of k6's (raw-format) output. */
export function parseProducerLog(text: string): ProducerLog {
  const acks: Ack[] = [];
  const nacks: Nack[] = [];
  for (const line of text.split('\n')) {
    let m = /^ACK (-?\d+) (-?\d+) (\S+)(?: @(\d+)\/(\d+))?$/.exec(line.trim());
    if (m) {
      acks.push({ partition: Number(m[1]), offset: Number(m[2]), key: m[3]!, ...times(m[4], m[5]) });
      continue;
    }
    m = /^NACK (\S+)(?: @(\d+)\/(\d+))? ?(.*)$/.exec(line.trim());
    if (m) nacks.push({ key: m[1]!, error: m[4] ?? '', ...times(m[2], m[3]) });
  }
  return { acks, nacks };
}

/** Parses "REC <p>:<o>:<key>" lines of the verify script. */
export function parseRecords(text: string): Ack[] {
  const out: Ack[] = [];
  for (const line of text.split('\n')) {
    const m = /^REC (\d+):(\d+):(.*)$/.exec(line.trim());
    if (m) out.push({ partition: Number(m[1]), offset: Number(m[2]), key: m[3]! });
  }
  return out;
}

export function verify(log: ProducerLog, records: Ack[]): Verification {
  const byKey = new Map<string, Ack[]>();
  const byPos = new Map<string, string>();
  for (const r of records) {
    byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    byPos.set(`${r.partition}:${r.offset}`, r.key);
  }
  const acked = new Set(log.acks.map((a) => a.key));
  const lost: Ack[] = [];
  const moved: Verification['moved'] = [];
  const misplaced: Ack[] = [];
  for (const a of log.acks) {
    if (!byKey.has(a.key)) {
      lost.push(a);
      continue;
    }
    if (a.partition >= 0 && a.offset >= 0) {
      const found = byPos.get(`${a.partition}:${a.offset}`);
      if (found !== undefined && found !== a.key) moved.push({ ack: a, found });
      else if (found === undefined) misplaced.push(a);
    }
  }
  return {
    produced: log.acks.length + log.nacks.length,
    acknowledged: log.acks.length,
    failed: log.nacks.length,
    read: records.length,
    lost,
    moved,
    misplaced,
    duplicates: [...byKey.values()].filter((v) => v.length > 1).length,
    unacknowledgedRead: [...byKey.keys()].filter((k) => !acked.has(k)).length,
  };
}

/** One line per problem, for a diagnosis. */
export function describeLoss(v: Verification, max = 5): string {
  const parts: string[] = [];
  if (v.lost.length) {
    parts.push(`${v.lost.length} of ${v.acknowledged} acknowledged messages were never read back (e.g. ${v.lost.slice(0, max).map((a) => `${a.key} at ${a.partition}:${a.offset}`).join(', ')})`);
  }
  if (v.moved.length) {
    parts.push(`${v.moved.length} acknowledged offsets now hold other messages (e.g. ${v.moved.slice(0, max).map((m) => `${m.ack.partition}:${m.ack.offset} acknowledged ${m.ack.key}, holds ${m.found}`).join(', ')})`);
  }
  return parts.join('; ');
}

/** Failed sends grouped by cause: Kafka's error code, or the network error without addresses. */
export function failureReasons(errors: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of errors) {
    const reason =
      /\[\d+\] [^:]+/.exec(e)?.[0] ??
      e
        .replace(/^GoError: /, '')
        .replace(/Kafka write errors \(\d+\/\d+\), errors: \[/, '')
        .replace(/kafka\.\(\*Client\)\.Produce: /, '')
        .replace(/\(topic=.*$/, '')
        .replace(/dial tcp [^:]*:\d+: /, 'dial tcp: ')
        .replace(/lookup \S+ on \S+: /, 'lookup: ')
        .replace(/lookup \S+/, 'lookup')
        .replace(/\]$/, '')
        .trim()
        .slice(0, 80);
    out[reason] = (out[reason] ?? 0) + 1;
  }
  return out;
}
