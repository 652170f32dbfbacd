// Verdicts of the disruption suite on what its drains recorded: every eviction request with the
// API's answer, and when each evicted member was back Ready. Pure: unit-tested on recorded drains.
import { clockOf } from './model.ts';

export interface Attempt {
  pod: string;
  /** the StatefulSet the pod belongs to */
  app: string;
  /** ms since the epoch */
  at: number;
  outcome: 'evicted' | 'refused' | 'gone';
  message?: string;
}

/** A member out of service: from its eviction until it was back Running and Ready (undefined: not seen back). */
export interface Outage {
  pod: string;
  app: string;
  from: number;
  to?: number;
}

export interface BudgetVerdict {
  ok: boolean;
  /** evictions allowed while as many other members of the same app were already out as it tolerates */
  violations: Array<{ pod: string; app: string; at: number; alsoOut: string[] }>;
  refusals: number;
  /** refused members evicted later, and how long after the first refusal */
  proceeded: Array<{ pod: string; app: string; firstRefusal: number; evictedAt: number }>;
  /** refused and never evicted */
  stuck: string[];
  message: string;
}

const t = (ms: number) => clockOf(new Date(ms).toISOString());

/**
 * The budgets held if no eviction took a member down while `tolerates[app]` others were already
 * out (ZooKeeper of 3 tolerates 1; Kafka with RF 3 and min.insync.replicas 2 tolerates 1), the API
 * refused (429) the evictions that would have, and each refused member was evicted once the member
 * before it was back. No refusal at all means the case was never exercised: not a pass.
 */
export function budgetHeld(attempts: Attempt[], outages: Outage[], tolerates: Record<string, number>): BudgetVerdict {
  const violations: BudgetVerdict['violations'] = [];
  for (const a of attempts.filter((x) => x.outcome === 'evicted')) {
    const alsoOut = outages.filter((o) => o.app === a.app && o.pod !== a.pod && o.from <= a.at && (o.to === undefined || o.to > a.at)).map((o) => o.pod);
    if (alsoOut.length >= (tolerates[a.app] ?? 1)) violations.push({ pod: a.pod, app: a.app, at: a.at, alsoOut });
  }
  const refused = attempts.filter((x) => x.outcome === 'refused');
  const proceeded: BudgetVerdict['proceeded'] = [];
  const stuck: string[] = [];
  for (const pod of [...new Set(refused.map((r) => r.pod))]) {
    const first = refused.find((r) => r.pod === pod)!;
    const ev = attempts.find((x) => x.pod === pod && x.outcome !== 'refused' && x.at > first.at);
    if (ev) proceeded.push({ pod, app: first.app, firstRefusal: first.at, evictedAt: ev.at });
    else stuck.push(pod);
  }
  const ok = violations.length === 0 && refused.length > 0 && stuck.length === 0;
  const message = violations.length
    ? violations.map((v) => `the eviction of ${v.pod} at ${t(v.at)} was allowed while ${v.alsoOut.join(', ')} ${v.alsoOut.length === 1 ? 'was' : 'were'} already out, taking ${v.alsoOut.length + 1} members of ${v.app} down at once`).join('; ')
    : refused.length === 0
      ? 'no eviction was refused: no drain asked for a member while another of the same app was out, so the budget was never put to the test'
      : stuck.length
        ? `${stuck.join(', ')} ${stuck.length === 1 ? 'was' : 'were'} refused and never evicted`
        : `${refused.length} evictions refused (429) while another member was out; then ${proceeded.map((p) => `${p.pod} evicted ${((p.evictedAt - p.firstRefusal) / 1000).toFixed(1)} s after its first refusal`).join(', ')}`;
  return { ok, violations, refusals: refused.length, proceeded, stuck, message };
}
