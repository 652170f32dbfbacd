// connection-limits: ZooKeeper's per-source-address limit (maxClientCnxns), measured from a client
// pod inside the cluster by opening sessions one at a time until each server refuses (bursts
// overshoot the limit), compared with the configured limit, and judged against how many clients
// share a source address — the seed's failure was Kafka brokers behind one address with
// maxClientCnxns=2, leaving them in CrashLoopBackOff.
import type * as k8s from '@kubernetes/client-node';
import { defineSuite } from '../../harness/suite/check.ts';
import { memberNames, waitForQuorum, zkSettings, type ZkSettings } from '../../harness/apps/zookeeper-ensemble.ts';
import { parseRejections, type Rejection } from '../../harness/apps/zookeeper.ts';
import { addressUses, judgeEffectiveLimit, judgeHeadroom, type ProbeResult } from '../../harness/apps/connection-limits.ts';
import { parseMarker, runK6 } from '../../harness/load/k6.ts';
import { describePods, waitForRollout } from '../../harness/kube/statefulset.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';
import { lastLines } from '../../harness/errors.ts';

let z: ZkSettings;
let probe: ProbeResult[] = [];

/** Deploys ZooKeeper and its clients, then waits for the clients to settle: Ready, or crash-looping. */
async function setup(session: SuiteSession): Promise<void> {
  await session.deploy({ until: 'running' });
  z = zkSettings(session);
  await waitForQuorum(session, z, memberNames(z), session.cfg.timeouts.quorum);
  // Ready lags the quorum by up to a readiness period; the probe's "no disturbance" check needs it settled
  await waitForRollout(session.kube, session.namespace, z.statefulSet, session.cfg.timeouts.podReady);
  const n = session.replicas;
  await session.recorder!.waitUntil(`clients of ZooKeeper (StatefulSet ${session.sts})`, `all ${n} Ready, or one in CrashLoopBackOff`, (pods, entries) => {
    const ready = pods.filter((p) => p.ready && !p.terminating).length === n;
    const looping = entries.some((e) => e.kind === 'pod' && e.waiting === 'CrashLoopBackOff');
    return { done: ready || looping, observed: describePods(pods) };
  }, session.cfg.timeouts.faultRecovery);
}

const s = defineSuite('connection-limits', { setup });

async function zkReadySince(session: SuiteSession): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of memberNames(z)) {
    const pod = await session.kube.core.readNamespacedPod({ name: p, namespace: session.namespace });
    const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
    out.set(p, `${c?.status}@${String(c?.lastTransitionTime)}`);
  }
  return out;
}

s.check('effective-limit', "each server's effective per-address limit, measured from a client pod, is its configured maxClientCnxns", async (c) => {
  const { session } = c;
  const servers = memberNames(z).map((p) => `${p}.${z.service}:${z.clientPort}`);
  const before = await zkReadySince(session);
  const t0 = performance.now();
  const r = await runK6(session, 'zk-probe.js', { ZK_SERVERS: servers.join(','), ADMIN_PORT: String(z.adminPort), CAP: '100', TIMEOUT_MS: String(session.cfg.timeouts.probe) }, session.cfg.timeouts.load);
  c.measure('probeMs', performance.now() - t0);
  probe = parseMarker<ProbeResult[]>(r.logs) ?? [];
  if (r.exitCode !== 0 || probe.length !== servers.length) c.fail(`the connection probe (k6 Job, pod ${r.pod}) ended ${r.outcome} without results for every server: ${lastLines(r.logs)}`);
  const after = await zkReadySince(session);
  // a member that was Ready before the probe and is not now, or became unready and Ready again meanwhile
  const flapped = [...before].filter(([p, v]) => v.startsWith('True@') && after.get(p) !== v).map(([p]) => p);
  const verdicts = probe.map(judgeEffectiveLimit);
  for (const [i, p] of probe.entries()) {
    c.measure(`${p.server.split('.')[0]}.configured`, p.configured ?? -1, 'count');
    c.measure(`${p.server.split('.')[0]}.effective`, p.established, 'count');
    c.note(verdicts[i]!.text);
  }
  const bad = verdicts.filter((v) => !v.ok);
  if (bad.length) c.fail(bad.map((v) => v.text).join('; '));
  if (flapped.length) c.fail(`the probe disturbed the ensemble: readiness of ${flapped.join(', ')} changed while it ran`);
  c.measure('limit', probe[0]!.configured ?? -1, 'count');
});

async function addressOwners(session: SuiteSession): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  const pods = await session.kube.core.listNamespacedPod({ namespace: session.namespace });
  for (const p of pods.items) {
    if (!p.status?.podIP || p.spec?.hostNetwork) continue;
    const ref = p.metadata?.ownerReferences?.[0];
    const by = ref?.kind === 'ReplicaSet' ? `Deployment ${ref.name.replace(/-[a-z0-9]+$/, '')}` : ref ? `${ref.kind} ${ref.name}` : 'no controller';
    owners.set(p.status.podIP, `pod ${p.metadata!.name}, ${by}`);
  }
  for (const n of (await session.kube.core.listNode()).items) {
    for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP') owners.set(a.address, `node ${n.metadata!.name} (traffic SNATed by the node)`);
  }
  return owners;
}

const CLIENT_FAILURE = /(ZooKeeperClientTimeoutException[^\n]*|Unable to read additional data from server[^\n]*|Fatal error during KafkaServer startup[^\n]*)/;

/** Pods of the namespace that keep failing, with what their last run said about ZooKeeper; crash-looping ones first. */
async function failingClients(session: SuiteSession): Promise<string[]> {
  const looped = new Set(session.recorder!.entries().flatMap((e) => (e.kind === 'pod' && e.waiting === 'CrashLoopBackOff' ? [e.pod] : [])));
  const pods: k8s.V1PodList = await session.kube.core.listNamespacedPod({ namespace: session.namespace });
  pods.items.sort((a, b) => Number(looped.has(b.metadata!.name!)) - Number(looped.has(a.metadata!.name!)));
  const out: string[] = [];
  for (const p of pods.items) {
    const cs = p.status?.containerStatuses?.[0];
    if (!cs || (cs.restartCount === 0 && !cs.state?.waiting?.reason?.includes('CrashLoop'))) continue;
    const name = p.metadata!.name!;
    const log = await session.kube.core.readNamespacedPodLog({ name, namespace: session.namespace, container: cs.name, previous: true, tailLines: 300 }).catch(() => '');
    const why = CLIENT_FAILURE.exec(log)?.[1]?.trim();
    const state = looped.has(name) ? 'CrashLoopBackOff' : (cs.state?.waiting?.reason ?? 'restarting');
    out.push(`${name} ${state} (${cs.restartCount} restart${cs.restartCount === 1 ? "" : "s"}${cs.lastState?.terminated ? `, last exit ${cs.lastState.terminated.exitCode}` : ''}${why ? `: ${why.slice(0, 160)}` : ''})`);
  }
  return out;
}

s.check('headroom', 'the limit leaves headroom for every source address, and no client is refused', async (c) => {
  const { session } = c;
  const members = memberNames(z);
  if (probe.length !== members.length) c.fail(`the probe measured ${probe.length} of ${members.length} servers (see connection-limits/effective-limit); headroom cannot be judged`);
  const rejections: Record<string, Rejection[]> = {};
  for (const [i, pod] of members.entries()) {
    const log = await session.kube.core.readNamespacedPodLog({ name: pod, namespace: session.namespace, container: z.container, tailLines: 20000 }).catch(() => '');
    // the probe's own refusals are expected; only other addresses count
    rejections[probe[i]!.server] = parseRejections(log).filter((r) => r.ip !== probe[i]!.probeAddress);
  }
  const uses = addressUses(probe, rejections, await addressOwners(session));
  const verdict = judgeHeadroom(uses, await failingClients(session));
  for (const u of uses.slice(0, 5)) c.measure(`clientsFrom.${u.ip}`, u.total, 'count');
  if (!verdict.ok) c.fail(verdict.diagnosis);
  c.note(verdict.diagnosis);
});
