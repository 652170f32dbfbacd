// Judging ZooKeeper's per-source-address connection limit (maxClientCnxns) from what the probe
// measured, who holds connections from which address, and what the servers logged.
import type { Rejection } from './zookeeper.ts';

/** One server as the in-cluster probe saw it (fixtures/k6/zk-probe.js). */
export interface ProbeResult {
  server: string;
  configured: number | null;
  cap: number;
  established: number;
  refused: boolean;
  refusal: string;
  /** set when the probe could not open a session for another reason than a refusal */
  error?: string;
  probeAddress: string;
  probeMs: number;
  clients: Array<{ ip: string; port: number }>;
}

export function judgeEffectiveLimit(r: ProbeResult): { ok: boolean; text: string } {
  const c = r.configured;
  if (r.error) return { ok: false, text: `${r.server}: the probe could not open session ${r.established + 1} (${r.error}), so the limit could not be measured` };
  if (c === null) return { ok: false, text: `${r.server}: the conf four-letter word did not report maxClientCnxns` };
  if (c <= 0) {
    return r.refused
      ? { ok: false, text: `${r.server}: maxClientCnxns is ${c} (unlimited) but the server refused session ${r.established + 1} from ${r.probeAddress}: ${r.refusal}` }
      : { ok: true, text: `${r.server}: unlimited (maxClientCnxns=${c}); ${r.established} sessions from one address accepted` };
  }
  if (r.refused && r.established === c) return { ok: true, text: `${r.server}: accepted exactly ${c} sessions from ${r.probeAddress}, refused the next (maxClientCnxns=${c})` };
  if (!r.refused) return { ok: false, text: `${r.server}: maxClientCnxns=${c} but ${r.established} sessions from ${r.probeAddress} were accepted without a refusal (the limit is not enforced)` };
  return { ok: false, text: `${r.server}: maxClientCnxns=${c} but the server refused session ${r.established + 1} from ${r.probeAddress} (${r.refusal}); the effective limit is ${r.established}` };
}

/** Connections from one source address across the ensemble. */
export interface AddressUse {
  ip: string;
  /** who the address belongs to: "pod kafka-0", "pod zk-nat-… (shared by …)", "node …" */
  owner: string;
  perServer: Record<string, number>;
  total: number;
  /** refusals the servers logged for this address */
  rejected: number;
  rejectionLine?: string;
  limit: number;
}

export function addressUses(results: ProbeResult[], rejections: Record<string, Rejection[]>, owners: Map<string, string>): AddressUse[] {
  const by = new Map<string, AddressUse>();
  const get = (ip: string, limit: number) => {
    let u = by.get(ip);
    if (!u) by.set(ip, (u = { ip, owner: owners.get(ip) ?? 'an address outside the cluster’s pods and nodes (NAT?)', perServer: {}, total: 0, rejected: 0, limit }));
    u.limit = Math.min(u.limit, limit);
    return u;
  };
  for (const r of results) {
    const limit = r.configured && r.configured > 0 ? r.configured : Infinity;
    for (const c of r.clients) {
      const u = get(c.ip, limit);
      u.perServer[r.server] = (u.perServer[r.server] ?? 0) + 1;
      u.total++;
    }
    for (const rej of rejections[r.server] ?? []) {
      const u = get(rej.ip, rej.max);
      u.rejected += rej.count;
      u.rejectionLine ??= rej.line;
    }
  }
  return [...by.values()].sort((a, b) => b.total + b.rejected - (a.total + a.rejected));
}

/**
 * Headroom: every address must be able to hold all of its clients on one server (clients may all
 * pick the same member) plus one reconnect in flight, and no server may have refused anyone.
 */
export function judgeHeadroom(uses: AddressUse[], crashLooping: string[]): { ok: boolean; diagnosis: string; worst?: AddressUse } {
  const bad = uses.filter((u) => u.rejected > 0 || u.total + 1 > u.limit);
  if (bad.length === 0) {
    const worst = uses[0];
    return { ok: true, diagnosis: worst ? `busiest address ${worst.ip} (${worst.owner}) holds ${worst.total} of ${worst.limit === Infinity ? 'unlimited' : worst.limit} allowed` : 'no client connections', worst };
  }
  const parts = bad.map((u) => {
    const where = Object.entries(u.perServer).map(([s, n]) => `${n} on ${s}`).join(', ') || 'none accepted';
    return (
      `maxClientCnxns=${u.limit} per source address, and ${u.ip} (${u.owner}) holds ${u.total} session${u.total === 1 ? '' : 's'} (${where})` +
      (u.rejected ? `; ZooKeeper refused it ${u.rejected} time${u.rejected === 1 ? '' : 's'}: "${u.rejectionLine}"` : `, leaving no room for one more client or reconnect`)
    );
  });
  const crash = crashLooping.length ? `. Clients failing because of it: ${crashLooping.join('; ')}` : '';
  return {
    ok: false,
    worst: bad[0],
    diagnosis: `ZooKeeper's connection limit leaves no headroom: ${parts.join('; ')}${crash}. Raise maxClientCnxns well above the number of clients behind one address (the default is 60), or let clients reach ZooKeeper from their own addresses instead of through a shared NAT or proxy address`,
  };
}
