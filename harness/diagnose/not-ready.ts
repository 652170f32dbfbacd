// Why pods did not become Ready, from the recorded timeline: for each pod that is not Ready, its
// last readiness-probe failure (the kubelet's Unhealthy event), its containers' state and restarts,
// scheduling and pull problems; and, when higher ordinals are missing while a lower pod is not
// Ready, that OrderedReady rightly held them back. Pure, so it is tested on recorded timelines.
import type { Entry, EventEntry, PodEntry } from '../timeline/model.ts';

function lastEvent(entries: readonly Entry[], pod: string, match: (e: EventEntry) => boolean): EventEntry | undefined {
  return entries.filter((e): e is EventEntry => e.kind === 'event' && e.object === `Pod/${pod}` && match(e)).at(-1);
}

/** One sentence per pod that is not Ready, and one on the ordinals not created. */
export function explainNotReady(pods: readonly PodEntry[], entries: readonly Entry[], sts: string, replicas: number, firstOrdinal = 0): string {
  const parts: string[] = [];
  const k = firstOrdinal;
  const live = pods.filter((p) => !p.terminating && p.ordinal >= k && p.ordinal < k + replicas);
  for (const p of live.filter((x) => !x.ready)) {
    const probe = lastEvent(entries, p.pod, (e) => e.reason === 'Unhealthy' && /readiness/i.test(e.message));
    const sched = !p.scheduled ? lastEvent(entries, p.pod, (e) => e.reason === 'FailedScheduling') : undefined;
    const backoff = lastEvent(entries, p.pod, (e) => e.reason === 'BackOff' || e.reason === 'Failed');
    const bits = [`${p.pod} is ${p.phase ?? 'Pending'} and not Ready`];
    if (sched) bits.push(`not scheduled: ${sched.message}`);
    if (probe) bits.push(`last readiness probe failure: "${probe.message}"`);
    if (p.containers) bits.push(`containers: ${p.containers}`);
    else if (p.waiting) bits.push(`waiting: ${p.waiting}`);
    if (!probe && backoff) bits.push(`kubelet: ${backoff.reason}: ${backoff.message}`);
    if (p.node) bits.push(`on node ${p.node}`);
    parts.push(bits.join('; '));
  }
  const present = new Set(live.map((p) => p.ordinal));
  const missing = Array.from({ length: replicas }, (_, i) => k + i).filter((i) => !present.has(i));
  const firstUnready = live.filter((p) => !p.ready).map((p) => p.ordinal).sort((a, b) => a - b)[0];
  if (missing.length && firstUnready !== undefined && missing.every((i) => i > firstUnready)) {
    parts.push(`${missing.map((i) => `${sts}-${i}`).join(', ')} ${missing.length > 1 ? 'were' : 'was'} not created, as OrderedReady requires while ${sts}-${firstUnready} is not Ready (correct, not a second fault)`);
  } else if (missing.length) {
    parts.push(`${missing.map((i) => `${sts}-${i}`).join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist`);
  }
  return parts.join('. ');
}
