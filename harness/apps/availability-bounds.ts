// What "stayed available" means for the app fixtures during graceful changes (a rolling update, a
// graceful leader loss): one table, so a platform team can read and tune it in one place. These are
// tolerances of the verdicts, not wait bounds (those are the timeout table in harness/config.ts).
// Forced faults (grace period 0) are measured and reported, not bounded.
export const AVAILABILITY_BOUNDS = {
  zookeeper: {
    /**
     * the longest stretch without one serving quorum (a leader and a majority serving) during a
     * rolling update: one leader election. Measured here: 1.1–1.6 s when the leader's pod is
     * deleted alone, 4.3–4.5 s when the leader stops right after a member came back on a new IP.
     */
    maxNoQuorumMs: 10_000,
    /**
     * the partition suite: from the leader being cut off to a new leader on the majority side. The
     * followers give up on a leader they cannot hear after syncLimit × tickTime (10 s by default),
     * then elect. Measured here: 11.2 s by hand with the defaults.
     */
    partitionNewLeaderMs: 30_000,
  },
  kafka: {
    /**
     * the share of sends that must be acknowledged in a graceful phase (baseline, graceful leader
     * loss, rolling restart), as the issue asks. ordinal's producer resends a send whose broker went
     * away (connection reset, name gone from DNS, leadership moved) for up to 10 s, as a Java producer
     * does within delivery.timeout.ms; before it did, the in-flight sends to a stopping broker failed
     * and the graceful leader loss acknowledged 97.1–98.4 % in CI. With it, measured here: 100 % in
     * every phase on the healthy fixture; the Ready-on-open-port control 91.6 % in its rolling
     * restart (8.9 % and 29.6 % without resends), its refusals by live brokers (Not Enough
     * Replicas, Unknown Topic Or Partition) not being resent.
     */
    minAckedRatio: 0.99,
    /** the longest stretch without any acknowledged send in a graceful phase */
    maxAckGapMs: 5000,
    /**
     * the rolling restart restarts the active controller too (a StatefulSet cannot roll it last, as
     * Strimzi does), and in ZooKeeper mode the other brokers record the new controller late: measured
     * here, acks=all writes stalled 17.3 s and 20.3 s in two of six runs (0.3–0.6 s in others; 10.7 s
     * with resends). So the rolling restart's gap is measured, not bounded (Infinity), until that stall
     * is fixed; its share is bounded like the others.
     */
    rollingRestart: { minAckedRatio: 0.99, maxAckGapMs: Infinity },
    /**
     * each node's drain in the disruption suite (its brokers evicted gracefully, the node restarted
     * and uncordoned, the brokers back in sync): held to the same share; its gap measured, not
     * bounded, for the same reason as the rolling restart (evicting the active controller moves it).
     */
    drain: { minAckedRatio: 0.99, maxAckGapMs: Infinity },
    /**
     * the partition suite: from a partition's leader being cut off (from the other brokers and
     * ZooKeeper) to another broker leading it, as the majority reports. In ZooKeeper mode the
     * controller moves leadership once the broker's session expires (zookeeper.session.timeout.ms,
     * 18 s by default).
     */
    partitionNewLeaderMs: 45_000,
  },
} as const;
