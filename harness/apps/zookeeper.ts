// ZooKeeper protocol outputs and log lines, parsed: `srvr` replies and the connection-limit
// warnings of NIOServerCnxnFactory, which ZooKeeper 3.6+ rate-limits into
// "Message:… Value:null" and "[N times] Message: …" lines.

export interface Srvr {
  mode?: 'leader' | 'follower' | 'standalone' | 'observer';
  zxid?: string;
  connections?: number;
  serving: boolean;
  raw: string;
}

export function parseSrvr(text: string): Srvr {
  const mode = /^Mode: (\w+)$/m.exec(text)?.[1] as Srvr['mode'] | undefined;
  return {
    mode,
    zxid: /^Zxid: (0x[0-9a-f]+)$/m.exec(text)?.[1],
    connections: Number(/^Connections: (\d+)$/m.exec(text)?.[1] ?? NaN) || undefined,
    serving: !!mode && !/not currently serving requests/.test(text),
    raw: text.trim(),
  };
}

export interface Rejection {
  /** source address as ZooKeeper printed it, without the leading slash */
  ip: string;
  max: number;
  /** occurrences, summing the rate limiter's "[N times]" */
  count: number;
  /** one representative log line */
  line: string;
}

const TOO_MANY = /Too many connections from \/([0-9a-fA-F:.]+) - max is (\d+)/;

/** Sums "Too many connections from /IP - max is N" per source address. */
export function parseRejections(log: string): Rejection[] {
  const by = new Map<string, Rejection>();
  for (const line of log.split('\n')) {
    const m = TOO_MANY.exec(line);
    if (!m) continue;
    const times = Number(/\[(\d+) times\]/.exec(line)?.[1] ?? 1);
    const key = `${m[1]}/${m[2]}`;
    const prev = by.get(key);
    if (prev) prev.count += times;
    else by.set(key, { ip: m[1]!, max: Number(m[2]), count: times, line: line.trim() });
  }
  return [...by.values()];
}
