// zookeeper: the ensemble a StatefulSet should give. Each member's myid matches its ordinal and the
// server.N entries name the members' DNS names; one quorum forms (one leader, the others
// followers); a znode written through zk-0 is read from zk-2; deleting the leader's pod elects a
// new leader within a bound (measured) and loses no znode; a configuration change rolls the members
// one at a time while a serving quorum holds (harness/apps/availability-bounds.ts) and loses no
// znode; deleting every pod loses nothing.
import { randomBytes } from 'node:crypto';
import { defineSuite } from '../../harness/suite/check.ts';
import { describeMembers, expectZnodes as expectZnodesOf, memberNames, quorumOf, quorumSample, srvr, waitForQuorum, zkCli, zkSettings, type ZkSettings } from '../../harness/apps/zookeeper-ensemble.ts';
import { changePodTemplate, deletePod, setTemplateEnv, waitForRunningAndReady } from '../../harness/kube/statefulset.ts';
import { waitForSettled } from '../../harness/kube/rollout.ts';
import { quorumThroughout, type QuorumSample } from '../../harness/apps/zookeeper-quorum.ts';
import { AVAILABILITY_BOUNDS } from '../../harness/apps/availability-bounds.ts';
import { rollingUpdate } from '../../harness/timeline/update-verdicts.ts';
import { excerpt } from '../../harness/timeline/model.ts';
import { execInPod } from '../../harness/kube/exec.ts';
import { poll } from '../../harness/wait/poll.ts';
import { startSampler } from '../../harness/wait/sampler.ts';
import { formatMs } from '../../harness/errors.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';

const s = defineSuite('zookeeper', { setup: (session) => session.deploy({ until: 'running' }) });
let z: ZkSettings;
const znodes = new Map<string, string>();

const expectZnodes = (session: SuiteSession, pod: string, after: string, fail: (d: string) => never) => expectZnodesOf(session, z, znodes, pod, after, fail);

s.check('myid-from-ordinal', "each member's myid is its ordinal + 1 and server.N names member N-1's DNS name", async (c) => {
  const { session } = c;
  z = zkSettings(session);
  const problems: string[] = [];
  for (const [i, pod] of memberNames(z).entries()) {
    const ordinal = z.firstOrdinal + i;
    // a member of a broken ensemble may be between restarts: read once its container runs again
    let last = '';
    const stdout = await poll(`myid and ${z.configFile} of ${pod}`, 'to be readable (container running)', async () => {
      const r = await execInPod(session.kube, { namespace: session.namespace, pod, container: z.container }, ['sh', '-c', `cat ${z.myidFile}; echo ---; cat ${z.configFile} 2>/dev/null; echo ---; hostname -f`], { timeoutMs: session.cfg.timeouts.exec });
      const ran = r.stdout.split('---\n').length === 3;
      last = ran ? 'read' : (r.message || r.stderr || `exit ${r.exitCode}`).trim();
      return { done: ran, observed: last, value: r.stdout };
    }, { timeoutMs: session.cfg.timeouts.podReady, intervalMs: 1000 }).catch(() => undefined);
    if (stdout === undefined) {
      problems.push(`${pod}'s myid could not be read within ${formatMs(session.cfg.timeouts.podReady)} (last: ${last})`);
      continue;
    }
    const [myid = '', cfg = '', fqdn = ''] = stdout.split('---\n').map((x) => x.trim());
    if (myid !== String(ordinal + 1)) problems.push(`${pod} has myid ${myid || '(none)'}, expected ${ordinal + 1} (ordinal ${ordinal} + 1)`);
    const line = new RegExp(`^server\\.${ordinal + 1}=([^:]+):`, 'm').exec(cfg);
    if (!line) problems.push(`${pod}'s ${z.configFile} has no server.${ordinal + 1} entry`);
    else if (line[1] !== fqdn) problems.push(`server.${ordinal + 1} in ${pod}'s ${z.configFile} is ${line[1]}, but ${pod}'s DNS name is ${fqdn}`);
  }
  if (problems.length) {
    const states = await Promise.all(memberNames(z).map((p) => srvr(session, z, p)));
    c.fail(`${problems.join('; ')}. A member's myid must match its server.N entry, or members collide in leader election and the ensemble cannot form (observed: ${describeMembers(states)}); derive myid from the ordinal, e.g. myid=$((\${HOSTNAME##*-}+1))`);
  }
});

s.check('quorum', 'one quorum forms: exactly one leader, the other members followers', async (c) => {
  const { session } = c;
  const t0 = performance.now();
  const ms = await waitForQuorum(session, z, memberNames(z), session.cfg.timeouts.quorum);
  await waitForRunningAndReady(session.recorder!, z.replicas, session.cfg.timeouts.podReady);
  c.measure('quorumWaitMs', performance.now() - t0);
  c.note(`leader ${quorumOf(ms).leader}; followers ${quorumOf(ms).followers.join(', ')}`);
}, { needs: ['myid-from-ordinal'] });

s.check('replication', 'a znode written through the first member is read from the last', async (c) => {
  const { session } = c;
  const names = memberNames(z);
  const path = `/ordinal-${randomBytes(4).toString('hex')}`;
  const value = `written-via-${names[0]}`;
  await zkCli(session, z, names[0]!, ['create', path, value]);
  znodes.set(path, value);
  const t0 = performance.now();
  await expectZnodes(session, names.at(-1)!, 'this check', c.fail);
  c.measure('readOnLastMemberMs', performance.now() - t0);
}, { needs: ['quorum'] });

s.check('leader-failover', "deleting the leader's pod elects a new leader within a bound (measured) and loses no znode", async (c) => {
  const { session } = c;
  const names = memberNames(z);
  const before = quorumOf(await Promise.all(names.map((p) => srvr(session, z, p))));
  if (!before.leader) c.fail(`no leader before the failover: ${describeMembers(await Promise.all(names.map((p) => srvr(session, z, p))))}`);
  const leader = before.leader!;
  const survivors = names.filter((n) => n !== leader);
  session.recorder!.action(`delete leader pod ${leader}`);
  const t0 = performance.now();
  const uid = await deletePod(session.kube, session.namespace, leader);
  const elected = await poll(`ZooKeeper members ${survivors.join(', ')}`, `a new leader among them after ${leader} was deleted`, async () => {
    const ms = await Promise.all(survivors.map((p) => srvr(session, z, p)));
    const l = ms.find((m) => m.srvr?.serving && m.srvr.mode === 'leader');
    return { done: !!l, observed: describeMembers(ms), value: l?.pod };
  }, { timeoutMs: session.cfg.timeouts.quorum, intervalMs: 200 });
  const electionMs = performance.now() - t0;
  c.measure('leaderElectionMs', electionMs);
  await waitForRunningAndReady(session.recorder!, z.replicas, session.cfg.timeouts.faultRecovery, { notUids: new Set([uid]) });
  await waitForQuorum(session, z, names, session.cfg.timeouts.quorum);
  c.measure('rejoinedMs', performance.now() - t0);
  for (const p of names) await expectZnodes(session, p, `the leader ${leader} was deleted`, c.fail);
  c.note(`${elected} became leader ${formatMs(electionMs)} after ${leader} was deleted; ${leader} rejoined as follower`);
}, { needs: ['replication'] });

s.check('rolling-update', 'a configuration change rolls the members one at a time, highest first, while a serving quorum holds (no gap longer than one election) and no znode is lost', async (c) => {
  const { session } = c;
  const names = memberNames(z);
  const T = session.cfg.timeouts;
  const rec = session.recorder!;
  const path = `/ordinal-update-${randomBytes(4).toString('hex')}`;
  await zkCli(session, z, names[0]!, ['create', path, 'written-before-the-update']);
  znodes.set(path, 'written-before-the-update');
  const act = rec.action(`configuration change of ${z.statefulSet} (env ORDINAL_CONFIG_REVISION): a rolling update`);
  const t0 = performance.now();
  const applied = await changePodTemplate(session.kube, session.namespace, z.statefulSet, 'configuration change', (t) => setTemplateEnv(t, z.container, 'ORDINAL_CONFIG_REVISION', session.ctx.runId));
  // srvr on every member, paced, each sample bounded, until the rollout settles (within the rollout bound)
  const samples: QuorumSample[] = [];
  const sampler = startSampler(`ZooKeeper ensemble ${session.namespace}/${z.statefulSet}`, T.rollout, async () => {
    samples.push(await quorumSample(session, z, names, T.sample));
  });
  // a failed rollout's own error goes out, not the sampler's; on success a sampler that ended early throws
  const settled = await waitForSettled(rec, z.replicas, T.rollout, { generation: applied.metadata!.generation! }).catch(async (err: unknown) => {
    await sampler.stop().catch(() => undefined);
    throw err;
  });
  await sampler.stop();
  samples.push(await quorumSample(session, z, names, T.sample));
  c.measure('rolloutMs', performance.now() - t0);
  const v = quorumThroughout(samples, { size: z.replicas, maxNoQuorumMs: AVAILABILITY_BOUNDS.zookeeper.maxNoQuorumMs });
  c.measure('longestNoQuorumMs', v.longestNoQuorumMs);
  c.measure('samples', v.samples, 'count');
  const order = rollingUpdate(rec.entries(), { afterSeq: act.seq, toRevision: settled.updateRevision!, ordinals: names.map((_, i) => z.firstOrdinal + i) });
  if (!order.ok) c.fail(`ZooKeeper StatefulSet ${session.namespace}/${z.statefulSet}: ${order.message}`, order.excerpt);
  if (!v.ok) {
    // the pods' timeline while the ensemble had no quorum
    const w = v.worst ?? { from: samples[0]!.at, to: samples.at(-1)!.at };
    const during = rec.entries().filter((e) => e.kind === 'pod' && Date.parse(e.at) >= w.from && Date.parse(e.at) <= w.to).map((e) => e.seq);
    c.fail(`ZooKeeper ensemble ${session.namespace}/${z.statefulSet} during a rolling update: ${v.message}. A member must be Ready only while it serves in the quorum (readiness from srvr, as zk-ready does), so the rollout waits for it before it stops the next; a PodDisruptionBudget does not hold a rolling update back`, excerpt(rec.entries(), during, 0));
  }
  await waitForQuorum(session, z, names, T.quorum);
  for (const p of names) await expectZnodes(session, p, 'the rolling update', c.fail);
  c.note(`${order.message}; ${v.message}`);
}, { needs: ['replication'] });

s.check('all-pods-deletion', 'deleting every member loses no znode', async (c) => {
  const { session } = c;
  const names = memberNames(z);
  session.recorder!.action(`delete all ZooKeeper pods ${names.join(', ')}`);
  const t0 = performance.now();
  const uids = await Promise.all(names.map((p) => deletePod(session.kube, session.namespace, p)));
  await waitForRunningAndReady(session.recorder!, z.replicas, session.cfg.timeouts.faultRecovery, { notUids: new Set(uids) });
  await waitForQuorum(session, z, names, session.cfg.timeouts.quorum);
  c.measure('recoveryMs', performance.now() - t0);
  for (const p of names) await expectZnodes(session, p, 'every member was deleted', c.fail);
}, { needs: ['replication'] });
