// The PodDisruptionBudget that guards a set of pods, described as an operator reads it: how many of
// the members it lets go down at once. Pure: the suites read the budgets, this judges them.
import type * as k8s from '@kubernetes/client-node';

/** The budgets whose selector matches these pod labels (matchLabels and matchExpressions In/NotIn/Exists). */
export function budgetsFor(pdbs: k8s.V1PodDisruptionBudget[], labels: Record<string, string>): k8s.V1PodDisruptionBudget[] {
  return pdbs.filter((b) => {
    const sel = b.spec?.selector;
    if (!sel) return false;
    const ml = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const me = (sel.matchExpressions ?? []).every((e) => {
      const v = labels[e.key];
      if (e.operator === 'In') return v !== undefined && (e.values ?? []).includes(v);
      if (e.operator === 'NotIn') return v === undefined || !(e.values ?? []).includes(v);
      if (e.operator === 'Exists') return v !== undefined;
      if (e.operator === 'DoesNotExist') return v === undefined;
      return false;
    });
    // policy/v1: an empty selector ({}) selects every pod in the namespace
    return ml && me;
  });
}

/** The majority of `n` members a quorum needs (2 of 3, 3 of 5). */
export function quorumOf(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** How many of `replicas` members a budget lets be down at once (percentages rounded as the disruption controller does). */
export function allowedDown(b: k8s.V1PodDisruptionBudget, replicas: number): number {
  // both percentages round up, as the disruption controller does
  const pct = (v: string | number) => {
    if (typeof v === 'number') return v;
    const m = /^(\d+)%$/.exec(v);
    return Math.ceil(m ? (Number(m[1]) * replicas) / 100 : Number(v));
  };
  if (b.spec?.maxUnavailable !== undefined) return Math.min(replicas, Math.max(0, pct(b.spec.maxUnavailable)));
  if (b.spec?.minAvailable !== undefined) return Math.min(replicas, Math.max(0, replicas - pct(b.spec.minAvailable)));
  return replicas;
}

/** "PodDisruptionBudget zk-pdb (maxUnavailable 1) lets 1 of 3 members down", or that none selects them. */
export function describeBudget(pdbs: k8s.V1PodDisruptionBudget[], labels: Record<string, string>, replicas: number, what: string): string {
  const bs = budgetsFor(pdbs, labels);
  if (bs.length === 0) return `no PodDisruptionBudget selects ${what}'s pods, so nothing stops an eviction`;
  return bs.map((b) => {
    const spec = b.spec?.maxUnavailable !== undefined ? `maxUnavailable ${b.spec.maxUnavailable}` : `minAvailable ${b.spec?.minAvailable}`;
    return `PodDisruptionBudget ${b.metadata?.name} (${spec}) lets ${allowedDown(b, replicas)} of ${replicas} members of ${what} down`;
  }).join('; ');
}
