// upgrade: a real in-place kubeadm upgrade under load (`ordinal upgrade --to VERSION` runs it; a
// run includes it only when asked, with ORDINAL_UPGRADE_TO set). On the ZooKeeper + Kafka fixture,
// with k6 producing to Kafka (acks=all) from the control-plane node, the release is staged on every
// node, the control plane is upgraded with `kubeadm upgrade apply` inside its node and its kubelet
// replaced, then each worker in turn is cordoned and drained through the Eviction API (its
// PodDisruptionBudgets honoured), `kubeadm upgrade node` run, its kubelet and kubectl replaced and
// restarted, uncordoned, and its members waited back before the next. Per step the report gives the
// acknowledged share of writes, the longest stretch without an acknowledgement, ZooKeeper's quorum
// and the smallest ISR; at the end every node and the API server must report the new release, and
// every acknowledged message and znode is read back. ZooKeeper samples taken while the API server
// itself restarted (every member's exec refused) are not counted as a lost quorum: that is the
// control plane's outage, reported as such, not the ensemble's.
import * as k8s from '@kubernetes/client-node';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { defineSuite } from '../../harness/suite/check.ts';
import { memberNames, waitForQuorum, type ZkSettings } from '../../harness/apps/zookeeper-ensemble.ts';
import { apiOutages, quorumThroughout, splitObserved, type ApiProbe, type QuorumSample } from '../../harness/apps/zookeeper-quorum.ts';
import { poll, withDeadline } from '../../harness/wait/poll.ts';
import { deployZkKafka, waitForAcks, waitForIsr, type KafkaTarget } from '../../harness/apps/kafka-client.ts';
import { isrThroughout } from '../../harness/apps/kafka-isr.ts';
import { describeLoss, failureReasons } from '../../harness/apps/kafka-verify.ts';
import { baselinePhase, writeAvailability, type Phase } from '../../harness/apps/write-availability.ts';
import { AVAILABILITY_BOUNDS } from '../../harness/apps/availability-bounds.ts';
import { expectAllZnodes, startLoadWatch, type LoadResult, type LoadWatch } from '../../harness/apps/stateful-load.ts';
import { drainNode, waitForEvictedBack, type Drain } from '../../harness/fault/drain.ts';
import { prepareClusterConfig, stageRelease, upgradeControlPlane, upgradeKubelet, upgradeRelease, upgradeWorkerConfig, waitForApiServerAt, waitForControlPlaneSettled, waitForNodeAt, kubeletVersions } from '../../harness/cluster/upgrade.ts';
import { VERSIONS } from '../../harness/images/versions.ts';
import { api } from '../../harness/kube/client.ts';
import { describeBudget, quorumOf } from '../../harness/kube/budgets.ts';
import { templateLabels } from '../../harness/fixture/fixture.ts';
import { followPodLogs, savePodLogs } from '../../harness/report/collect.ts';
import { NotApplicable, OrdinalError, formatMs } from '../../harness/errors.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';
import { clockOf } from '../../harness/timeline/model.ts';

let z: ZkSettings;
let k: KafkaTarget;
let minIsr = 2;
let controlPlane = '';
let workers: string[] = [];
let cluster = '';
let target = '';

async function setup(session: SuiteSession): Promise<void> {
  target = session.cfg.upgradeTo ?? '';
  if (!target) throw new NotApplicable('no release to upgrade to: `ordinal upgrade --to VERSION` runs this suite (or ORDINAL_UPGRADE_TO with --suite upgrade)');
  cluster = session.kindCluster('the upgrade (kubeadm inside each node)');
  const nodes = (await api('list nodes', () => session.kube.core.listNode())).items;
  const cp = nodes.find((n) => n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined);
  controlPlane = cp?.metadata?.name ?? '';
  workers = nodes.map((n) => n.metadata!.name!).filter((n) => n !== controlPlane).sort();
  const at = [...kubeletVersions(nodes).values()];
  if (at.every((v) => v === `v${target}`)) throw new NotApplicable(`every node already runs v${target}: create the cluster anew (ordinal cluster down, then up) to rehearse the upgrade again`);
  ({ z, k, minIsr } = await deployZkKafka(session));
}

const s = defineSuite('upgrade', { setup });

/** One step of the upgrade, as the report shows it. */
interface Step {
  name: string;
  node: string;
  from: number;
  to: number;
  /** how long the API server did not answer the samplers during this step */
  apiUnreachableMs: number;
  /** the suite's pods this step's drain evicted */
  evicted: string[];
}

interface Recorded {
  steps: Step[];
  phases: Phase[];
  zk: QuorumSample[];
  load: LoadResult;
  watch: LoadWatch;
  unobserved: Array<{ from: number; to: number }>;
  versions: Map<string, string>;
  apiVersion: string;
}
let recorded: Recorded | undefined;

s.check('rolling-upgrade', 'the control plane is upgraded with kubeadm upgrade apply, then each worker in place (drained through the Eviction API, kubeadm upgrade node, new kubelet, uncordoned) under load; every member comes back after each step', async (c) => {
  const { session } = c;
  const T = session.cfg.timeouts;
  const rec = session.recorder!;
  const logs = path.join(session.ctx.runDir, 'upgrade');
  mkdirSync(logs, { recursive: true });
  const rel = await upgradeRelease(session.cfg);
  if (rel.version !== target) throw new OrdinalError(`ordinal builds v${rel.version} as the release to upgrade to, not v${target}`, `use --to ${rel.version} (harness/images/versions.ts pins it)`);
  const nodes = [controlPlane, ...workers];
  rec.action(`stage v${target} on ${nodes.join(', ')} (binaries copied, component images imported)`);
  const t0 = Date.now();
  await Promise.all(nodes.map((n) => stageRelease(cluster, n, rel, T.imageLoad)));
  c.measure('stageMs', Date.now() - t0);
  const changed = await prepareClusterConfig(session.kube, { etcd: VERSIONS.etcdImageTag, coredns: `v${VERSIONS.coredns}` });
  if (changed.length) rec.action(`kubeadm configuration: ${changed.join('; ')}`);

  const budgetMs = (1 + workers.length) * (T.upgradeStep + T.drain + T.podReady + T.faultRecovery) + T.quorum + T.load;
  const watch = await startLoadWatch(session, z, k, { budgetMs, onNode: controlPlane, label: 'upgrade' });
  // whether the API server answers, once a second beside the samplers (their execs go through it)
  const probes: ApiProbe[] = [];
  let probing = true;
  // the one bounded poll helper paces it (once a second) and ends it with the samplers
  const probeLoop = poll('the API server', 'sampled until the upgrade ends', async () => {
    if (!probing) return { done: true, observed: 'stopped' };
    const at = Date.now();
    const ok = await withDeadline(session.kube.core.listNode({ limit: 1 }), T.probe, 'no answer').then(() => true, () => false);
    probes.push({ at, ok });
    return { done: false, observed: ok ? 'answers' : 'no answer' };
  }, { timeoutMs: budgetMs, intervalMs: 1000 }).catch(() => undefined);
  const steps: Step[] = [];
  const phases: Phase[] = [];
  const ns = session.namespace;
  const drains: Drain[] = [];
  // k6 (the measuring instrument) stays on the control-plane node through its drain; every other pod goes
  const inSuite = (d: Drain) => d.evictedPods.filter((p) => p.namespace === ns).map((p) => p.name);
  // the members' own logs up to now (upgrade/members/<prefix><pod>.log), before a drain replaces them
  const saveMemberLogs = (prefix: string) => savePodLogs(session.kube, ns, [z.statefulSet, k.statefulSet], path.join(logs, 'members'), prefix);
  const notLoad = (p: k8s.V1Pod) => !(p.metadata?.namespace === ns && p.metadata?.labels?.app === 'ordinal-k6');
  let finished = false;
  try {
    // 1. the control plane
    let from = Date.now();
    rec.action(`kubeadm upgrade apply v${target} on ${controlPlane}`);
    await upgradeControlPlane(cluster, controlPlane, target, T.upgradeStep, path.join(logs, `${controlPlane}-kubeadm.log`));
    await waitForApiServerAt(session.kube, target, T.upgradeStep);
    c.measure('controlPlane.applyMs', Date.now() - from);
    await saveMemberLogs('after-apply-');
    rec.action(`cordon and drain ${controlPlane} (all but the k6 pods)`);
    const cpDrain = await drainNode(session.kube, controlPlane, { timeoutMs: T.drain, only: notLoad });
    drains.push(cpDrain);
    rec.action(`new kubelet v${target} on ${controlPlane}, kubelet restarted`);
    const kubeletAt = Date.now();
    await upgradeKubelet(cluster, controlPlane, T.upgradeStep, path.join(logs, `${controlPlane}-kubelet.log`));
    await waitForNodeAt(session.kube, controlPlane, target, T.upgradeStep);
    const restarted = await waitForControlPlaneSettled(session.kube, controlPlane, kubeletAt, T.staticPodGrace, T.upgradeStep);
    if (restarted.length) rec.action(`the new kubelet restarted ${restarted.join(', ')} on ${controlPlane}`);
    c.measure('controlPlane.restartedStaticPods', restarted.length, 'count');
    await cpDrain.undo();
    rec.action(`uncordon ${controlPlane}`);
    steps.push({ name: 'control plane', node: controlPlane, from, to: Date.now(), apiUnreachableMs: 0, evicted: inSuite(cpDrain) });
    phases.push({ name: `upgrade ${controlPlane}`, from, to: Date.now(), graceful: true, bounds: AVAILABILITY_BOUNDS.kafka.drain });
    c.measure('controlPlane.stepMs', Date.now() - from);

    // 2. each worker in turn
    for (const node of workers) {
      from = Date.now();
      rec.action(`cordon and drain ${node}`);
      await saveMemberLogs(`before-${node}-`);
      // the evicted members' own account of their shutdown, which leaves with their containers
      const shutdownLogs = await followPodLogs(session.kube, ns, [z.statefulSet, k.statefulSet], node, path.join(logs, 'members'), `drained-${node}-`);
      const d = await drainNode(session.kube, node, { timeoutMs: T.drain, onAttempt: (a) => { if (a.outcome !== 'refused') rec.action(`eviction of ${a.namespace}/${a.pod}: ${a.outcome}`); } }).finally(() => shutdownLogs.stop());
      drains.push(d);
      rec.action(`kubeadm upgrade node on ${node}; new kubelet v${target}, kubelet restarted`);
      await upgradeWorkerConfig(cluster, node, T.upgradeStep, path.join(logs, `${node}-kubeadm.log`));
      await upgradeKubelet(cluster, node, T.upgradeStep, path.join(logs, `${node}-kubelet.log`));
      await waitForNodeAt(session.kube, node, target, T.upgradeStep);
      await d.undo();
      rec.action(`uncordon ${node}`);
      await waitForEvictedBack(session.kube, ns, new Map(d.evictedPods.filter((p) => p.namespace === ns).map((p) => [p.name, p.uid])), T.podReady + T.faultRecovery, `evicted from ${node}, which is upgraded and uncordoned`);
      await waitForQuorum(session, z, memberNames(z), T.quorum);
      await waitForIsr(session, watch.probe, k, `after ${node} was upgraded`);
      steps.push({ name: `worker ${node}`, node, from, to: Date.now(), apiUnreachableMs: 0, evicted: inSuite(d) });
      phases.push({ name: `upgrade ${node}`, from, to: Date.now(), graceful: true, bounds: AVAILABILITY_BOUNDS.kafka.drain });
      c.measure(`${node}.stepMs`, Date.now() - from);
    }
    await waitForAcks(session, watch.producer, new Date(), 50);
    finished = true;
  } finally {
    // every path: every node uncordoned, the samplers end
    const undone = await Promise.allSettled(drains.map((d) => d.undo()));
    await watch.stopSampling();
    probing = false;
    await probeLoop;
    const failed = undone.filter((u): u is PromiseRejectedResult => u.status === 'rejected');
    if (failed.length && finished) throw new OrdinalError(`the upgrade ended but a node could not be uncordoned: ${failed.map((f) => (f.reason as Error).message).join('; ')}`, 'uncordon it by hand (kubectl uncordon NODE)');
  }
  await saveMemberLogs('end-');
  const load = await watch.finish();
  const baseline = phases[0] && baselinePhase(load.log, phases[0].from);
  if (baseline) phases.unshift(baseline);
  // the samplers' blind spots: samples the API server could not serve
  const unobserved = apiOutages(probes);
  const split = splitObserved(watch.zk, unobserved);
  // every sample as taken (an unreachable member with its exec's error) and every API probe, for
  // whoever reads a lost quorum back: which member, which error, beside which outage
  const unobservedAt = new Set(split.unobserved.map((x) => x.at));
  writeFileSync(path.join(logs, 'zookeeper-samples.jsonl'), watch.zk.map((x) => JSON.stringify({ at: new Date(x.at).toISOString(), observed: !unobservedAt.has(x.at), members: x.members })).join('\n') + '\n');
  writeFileSync(path.join(logs, 'api-probes.jsonl'), probes.map((p) => JSON.stringify({ at: new Date(p.at).toISOString(), ok: p.ok })).join('\n') + '\n');
  for (const st of steps) st.apiUnreachableMs = unobserved.filter((u) => u.from >= st.from && u.from <= st.to).reduce((a, u) => a + (u.to - u.from), 0);
  const nodeList = (await api('list nodes', () => session.kube.core.listNode())).items;
  const apiVersion = (await session.kube.kc.makeApiClient(k8s.VersionApi).getCode()).gitVersion;
  recorded = { steps, phases, zk: split.observed, load, watch, unobserved, versions: kubeletVersions(nodeList), apiVersion };
  c.measure('steps', steps.length, 'count');
  c.measure('apiUnreachableMs', unobserved.reduce((a, u) => a + (u.to - u.from), 0));
  c.measure('unobservedSamples', split.unobserved.length, 'count');
  c.measure('durationMs', Date.now() - watch.started.getTime());
  session.writeExtra({ target: `v${target}`, steps: steps.map((x) => ({ ...x, from: new Date(x.from).toISOString(), to: new Date(x.to).toISOString() })), kubeadmLogs: path.relative(session.ctx.runDir, logs), configChanges: changed });
  c.note(`upgraded to v${target}: ${steps.map((x) => `${x.name} ${formatMs(x.to - x.from)}`).join(', ')}; the API server did not answer for ${formatMs(unobserved.reduce((a, u) => a + (u.to - u.from), 0))} in all (the control plane's restart); kubeadm output, every ZooKeeper sample and API probe, the members' logs before each drain in ${path.relative(session.ctx.runDir, logs)}/`);
});

s.check('versions', 'after the upgrade the API server and every node\'s kubelet report the new release', async (c) => {
  const r = recorded!;
  const behind = [...r.versions].filter(([, v]) => v !== `v${target}`);
  c.measure('nodes', r.versions.size, 'count');
  if (r.apiVersion !== `v${target}`) c.fail(`the API server reports ${r.apiVersion} after kubeadm upgrade apply v${target}; see the control plane's kubeadm log in upgrade/`);
  if (behind.length) c.fail(`nodes still on another kubelet after the upgrade: ${behind.map(([n, v]) => `${n} ${v}`).join(', ')}; see upgrade/<node>-kubelet.log`);
  c.note(`API server ${r.apiVersion}; kubelets ${[...r.versions].map(([n, v]) => `${n} ${v}`).join(', ')}`);
}, { needs: ['rolling-upgrade'] });

/** The samples taken during one step. */
function within<T extends { at: number }>(st: { from: number; to: number }, samples: T[]): T[] {
  return samples.filter((x) => x.at >= st.from && x.at <= st.to);
}

/** The per-step line of a verdict over samples with an `at`. */
function perStep<T extends { at: number }>(r: Recorded, samples: T[], judge: (xs: T[]) => string): string {
  return r.steps.map((st) => `${st.name}: ${judge(within(st, samples))}`).join('; ');
}

s.check('zookeeper-quorum', 'ZooKeeper keeps one serving quorum through every step of the upgrade (samples whose execs the restarting API server or kubelet could not carry are left out, and said so)', async (c) => {
  const { session } = c;
  const r = recorded!;
  const bound = { size: z.replicas, maxNoQuorumMs: AVAILABILITY_BOUNDS.zookeeper.maxNoQuorumMs };
  const v = quorumThroughout(r.zk, bound);
  c.measure('longestNoQuorumMs', v.longestNoQuorumMs);
  c.measure('samples', v.samples, 'count');
  c.measure('inconclusiveSamples', v.inconclusive, 'count');
  for (const st of r.steps) {
    const w = quorumThroughout(within(st, r.zk), bound);
    if (w.samples > 0) c.measure(`${st.node}.longestNoQuorumMs`, w.longestNoQuorumMs);
  }
  const blind = r.unobserved.length ? `; not observed while the API server did not answer (its execs go through it): ${r.unobserved.map((u) => `${formatMs(u.to - u.from)} from ${clockOf(new Date(u.from).toISOString())}`).join(', ')}` : '';
  if (!v.ok) {
    // a drain that took more members than a quorum can spare is the operator's to fix: say which, and the budget
    const members = new Set(memberNames(z));
    const spare = z.replicas - quorumOf(z.replicas);
    const greedy = r.steps.map((st) => ({ st, took: st.evicted.filter((p) => members.has(p)) })).filter((x) => x.took.length > spare);
    let cause = '';
    if (greedy.length) {
      const pdbs = (await api('list PodDisruptionBudgets', () => session.kube.policy.listNamespacedPodDisruptionBudget({ namespace: session.namespace }))).items;
      cause = `. ${greedy.map((x) => `The drain of ${x.st.node} evicted ${x.took.length} of ${z.replicas} members at once (${x.took.join(', ')}; a quorum spares ${spare})`).join('; ')}: ${describeBudget(pdbs, templateLabels(session.fixture, z.statefulSet), z.replicas, z.statefulSet)}, and the members shared a node; add a PodDisruptionBudget with maxUnavailable: ${spare} and spread the members over nodes (podAntiAffinity on kubernetes.io/hostname)`;
    }
    c.fail(`ZooKeeper ensemble ${session.namespace}/${z.statefulSet} through the upgrade: ${v.message}${cause}. Per step: ${perStep(r, r.zk, (xs) => quorumThroughout(xs, bound).message)}${blind}`);
  }
  c.note(`${v.message}${blind}`);
}, { needs: ['rolling-upgrade'] });

s.check('kafka-isr', 'every partition keeps a leader and ≥ min.insync.replicas in sync through every step of the upgrade', async (c) => {
  const { session } = c;
  const r = recorded!;
  const opts = { minIsr, partitions: k.partitions, topic: k.topic };
  const v = isrThroughout(r.watch.isr, opts);
  c.measure('longestUnderMinIsrMs', v.longestUnderMs);
  c.measure('smallestIsr', v.minIsrSeen, 'count');
  const steps = r.steps.map((st) => ({ st, w: isrThroughout(within(st, r.watch.isr), opts) }));
  // a step with no answered sample (the API server away all along) has no smallest ISR to report
  for (const { st, w } of steps) if (w.answered > 0) c.measure(`${st.node}.smallestIsr`, w.minIsrSeen, 'count');
  if (!v.ok) {
    // the drains under which it happened, and what each evicted at once (a broker with the ZooKeeper member it talks to, the controller)
    const bad = steps.filter(({ st, w }) => w.answered > 0 && !w.ok && st.evicted.length).map(({ st }) => st);
    const cause = bad.map((st) => `. The drain of ${st.node} evicted ${st.evicted.join(', ')} at once; their own account of the shutdown is in upgrade/members/drained-${st.node}-<pod>.log`).join('');
    c.fail(`StatefulSet ${session.namespace}/${k.statefulSet} through the upgrade: ${v.message}${cause}. Per step: ${steps.map(({ st, w }) => `${st.name}: ${w.message}`).join('; ')}`);
  }
  c.note(v.message);
}, { needs: ['rolling-upgrade'] });

s.check('write-availability', 'under load through each step of the upgrade ≥ 99 % of sends are acknowledged (the longest stretch without an acknowledgement and p99 latency measured per step)', async (c) => {
  const r = recorded!;
  const v = writeAvailability(r.load.log, r.phases, AVAILABILITY_BOUNDS.kafka.drain);
  for (const p of v.phases) {
    const key = p.name.replace(/[^\w]+(\w)/g, (_, x: string) => x.toUpperCase());
    c.measure(`${key}.ackedRatio`, Math.round(p.ackedRatio * 10000) / 10000, 'ratio');
    c.measure(`${key}.longestGapMs`, p.longestGapMs);
  }
  const sent = r.load.log.acks.length + r.load.log.nacks.length;
  c.measure('errorRate', sent ? Math.round((r.load.log.nacks.length / sent) * 10000) / 10000 : 0, 'ratio');
  c.measure('longestGapMs', Math.max(0, ...v.phases.map((p) => p.longestGapMs)));
  if (r.load.latency['p(99)'] !== undefined) c.measure('p99Ms', r.load.latency['p(99)']);
  if (!v.ok) c.fail(`topic ${k.topic} (acks=${k.acks}) through the upgrade: ${v.message}`);
  c.note(`${v.message}; failed sends: ${Object.entries(failureReasons(r.load.log.nacks.map((n) => n.error))).map(([w, n]) => `${n}× ${w}`).join('; ') || 'none'}`);
}, { needs: ['rolling-upgrade'] });

s.check('nothing-lost', 'every acknowledged message reads back from the topic and every znode from every member on the upgraded cluster', async (c) => {
  const { session } = c;
  const r = recorded!;
  const v = r.load.verification;
  c.measure('acknowledged', v.acknowledged, 'count');
  c.measure('lost', v.lost.length, 'count');
  if (!r.load.readBackOk) c.fail(`reading topic ${k.topic} back failed after the upgrade`);
  if (v.acknowledged === 0) c.fail('the producer got no message acknowledged through the upgrade');
  if (v.lost.length || v.moved.length) c.fail(`${describeLoss(v)}; produced with acks=${k.acks} through the upgrade`);
  await expectAllZnodes(session, z, r.watch.znodes, 'the upgrade', c.fail);
  c.note(`all ${v.acknowledged} acknowledged messages read back (${v.failed} sends failed, never acknowledged); ${r.watch.znodes.size} znode read back through ${memberNames(z).length} members`);
}, { needs: ['rolling-upgrade'] });
