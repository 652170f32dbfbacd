// How much worse a measurement may get between two runs before `ordinal gate` calls it a
// regression: one table, so a platform team can read and tune it in one place. These machines are
// noisy (two runs of the same build on the same cluster differ by a second or two in leader
// elections and rollouts), so a measurement regresses only when it is worse by more than BOTH its
// relative and its absolute slack: a 40 ms p99 becoming 90 ms is not a regression, 400 ms becoming
// 2 s is. Measurements no row matches are shown side by side but not gated.
export interface Tolerance {
  /** what the row is about, as the gate's report names it */
  what: string;
  /** measurement names (the part after the check id) this row applies to */
  match: RegExp;
  /** which direction is worse */
  worse: 'higher' | 'lower';
  /** allowed change relative to the baseline's value (0.5: 50 % worse) */
  relative: number;
  /** allowed change in the measurement's own unit (ms, ratio, count) */
  absolute: number;
}

export const GATE_TOLERANCES: readonly Tolerance[] = [
  // measured here: ZooKeeper elections 1.1–4.5 s, Kafka leader failover 0.3–6 s between runs of one build
  { what: 'leader election', match: /(^|\.)(leaderElectionMs|leaderFailoverMs)$/, worse: 'higher', relative: 0.5, absolute: 3000 },
  // CoreDNS follows a pod's new IP in 0–30 s depending on its cache; 5 s absolute slack
  { what: 'DNS follow', match: /^dnsFollowMs$|^lookup\..*Ms$/, worse: 'higher', relative: 0.5, absolute: 5000 },
  // rollouts of three pods took 25–60 s here; a pod start varies by 5–10 s with image cache and load
  { what: 'rollout', match: /^(deployMs|rolloutMs|rollbackMs|rollingRestartMs|scaleUpToReadyMs|scaleDownMs|phase\d+Ms)$|\.(createdToReadyMs|replacedMs)$/, worse: 'higher', relative: 0.5, absolute: 15_000 },
  { what: 'recovery', match: /(^|\.)(recoveryMs|recreateToReadyMs|rejoinedMs|readOnLastMemberMs|quorumWaitMs)$/, worse: 'higher', relative: 0.5, absolute: 10_000 },
  // the controller recovering from a broken update by itself (1) or needing the pod deleted (0)
  // a node's drain until its members are back (disruption): 62–116 s here, most of it a restarted broker catching up
  { what: 'node drain', match: /\.drainToBackMs$/, worse: 'higher', relative: 0.5, absolute: 30_000 },
  { what: 'self-recovery', match: /^recoveredByController$/, worse: 'lower', relative: 0, absolute: 0.5 },
  { what: 'p99 produce latency', match: /^p99Ms$/, worse: 'higher', relative: 1, absolute: 250 },
  // zookeeper/rolling-update on v1.34.4, two fresh clusters on one day: 1.5 s and 6.7 s without a quorum
  // (its bound is 10 s); a slack of 2 s called the upgrade rehearsal's 7.1 s a regression
  { what: 'quorum gap', match: /(^|\.)longestNoQuorumMs$/, worse: 'higher', relative: 0.5, absolute: 6000 },
  { what: 'availability', match: /(^|\.)(rolling)?[lL]ongestGapMs$|^longestUnderMinIsrMs$/, worse: 'higher', relative: 0.5, absolute: 2000 },
  { what: 'acknowledged share', match: /(^|\.)(rolling)?[aA]ckedRatio$/, worse: 'lower', relative: 0, absolute: 0.01 },
  { what: 'error rate', match: /^errorRate$/, worse: 'higher', relative: 0, absolute: 0.02 },
];

export function toleranceFor(measurement: string): Tolerance | undefined {
  return GATE_TOLERANCES.find((t) => t.match.test(measurement));
}
