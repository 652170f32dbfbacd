// identity: stable names and DNS. Pods are <sts>-0…N-1; inside each pod `hostname` is the pod name
// and `hostname -f` is <pod>.<svc>.<ns>.svc.<domain>; every pod's name resolves from a peer to that
// pod's current IP; the headless Service's records list the ready members; a deleted pod comes back
// with the same name and DNS follows its new IP within a bound (measured).
import { defineSuite, type CheckContext } from '../../harness/suite/check.ts';
import { clusterDomainFrom, resolveFrom } from '../../harness/kube/dns.ts';
import { isNotFound } from '../../harness/kube/client.ts';
import { deletePod, readStatefulSet, waitForRunningAndReady } from '../../harness/kube/statefulset.ts';
import { poll } from '../../harness/wait/poll.ts';
import { clockOf } from '../../harness/timeline/model.ts';
import { formatMs } from '../../harness/errors.ts';
import type { SuiteSession } from '../../harness/suite/session.ts';

const s = defineSuite('identity', { setup: (session) => session.deploy() });
let svc = '';
let domain = 'cluster.local';

const fqdn = (session: SuiteSession, pod: string) => `${pod}.${svc}.${session.namespace}.svc.${domain}`;

/** What a peer actually resolves, as evidence for a governing-service failure. */
async function dnsEvidence(session: SuiteSession): Promise<string> {
  const pods = session.recorder!.pods();
  if (pods.length < 2 || !svc) return '';
  const podName = fqdn(session, pods[1]!.pod);
  const svcName = `${svc}.${session.namespace}.svc.${domain}`;
  try {
    const podIps = await resolveFrom(session, pods[0]!.pod, podName);
    const svcIps = await resolveFrom(session, pods[0]!.pod, svcName);
    const members = pods.map((p) => p.ip).join(', ');
    return ` (observed from ${pods[0]!.pod}: ${svcName} → ${svcIps.join(', ') || 'nothing'}, the members are ${members}; ${podName} → ${podIps.join(', ') || 'nothing'})`;
  } catch {
    return '';
  }
}

s.check('governing-service', 'spec.serviceName names a headless Service that selects the pods', async (c) => {
  const { session } = c;
  const sts = await readStatefulSet(session.kube, session.namespace, session.sts);
  svc = sts.spec?.serviceName ?? '';
  const where = `StatefulSet ${session.namespace}/${session.sts}`;
  if (!svc) c.fail(`${where} has no spec.serviceName, so its pods get no DNS subdomain; set serviceName to a headless Service selecting the pods`);
  let service;
  try {
    service = await session.kube.core.readNamespacedService({ name: svc, namespace: session.namespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    c.fail(`${where}: serviceName "${svc}" names no Service in namespace ${session.namespace}; the pods' hostname and subdomain are set, but no DNS records exist for ${session.sts}-0.${svc}…, so peers cannot resolve them${await dnsEvidence(session)}. Create a headless Service "${svc}" (clusterIP: None) selecting the pods, or point serviceName at the one that exists`);
  }
  const ip = service!.spec?.clusterIP;
  if (ip !== 'None') {
    c.fail(`${where}: Service ${svc} is not headless (clusterIP ${ip}), so its DNS name answers with that one virtual IP instead of the members, and per-pod names such as ${session.sts}-0.${svc}.${session.namespace}.svc are not promised by the Kubernetes DNS spec for it (some DNS servers, CoreDNS among them, answer them anyway)${await dnsEvidence(session)}. Re-create Service ${svc} with clusterIP: None (clusterIP cannot be changed in place)`);
  }
  const selector = service!.spec?.selector ?? {};
  const pods = session.recorder!.pods();
  const podLabels = (await session.kube.core.readNamespacedPod({ name: pods[0]!.pod, namespace: session.namespace })).metadata?.labels ?? {};
  const mismatch = Object.entries(selector).filter(([k, v]) => podLabels[k] !== v);
  if (Object.keys(selector).length === 0 || mismatch.length) {
    c.fail(`${where}: headless Service ${svc} does not select the pods (selector ${JSON.stringify(selector)}, pod labels ${JSON.stringify(podLabels)}); it publishes no records for them${await dnsEvidence(session)}`);
  }
});

s.check('pod-names', 'pods are named <statefulset>-K … <statefulset>-(K+N-1) (K: spec.ordinals.start, default 0), with matching index labels', async (c) => {
  const { session } = c;
  const want = session.podNames();
  const got = session.recorder!.pods().map((p) => p.pod);
  const start = session.firstOrdinal ? ` (spec.ordinals.start is ${session.firstOrdinal})` : '';
  if (got.join(',') !== want.join(',')) c.fail(`StatefulSet ${session.sts}: expected pods ${want.join(', ')}${start}, found ${got.join(', ') || 'none'}`);
  for (const [j, name] of want.entries()) {
    const i = session.firstOrdinal + j;
    const labels = (await session.kube.core.readNamespacedPod({ name, namespace: session.namespace })).metadata?.labels ?? {};
    if (labels['statefulset.kubernetes.io/pod-name'] !== name) c.fail(`${name}: label statefulset.kubernetes.io/pod-name is ${labels['statefulset.kubernetes.io/pod-name'] ?? 'missing'}`);
    if (labels['apps.kubernetes.io/pod-index'] !== undefined && labels['apps.kubernetes.io/pod-index'] !== String(i)) {
      c.fail(`${name}: label apps.kubernetes.io/pod-index is ${labels['apps.kubernetes.io/pod-index']}, expected ${i}`);
    }
  }
});

async function checkHostnames(c: CheckContext, pod: string): Promise<void> {
  const { session } = c;
  const out = await session.execOk(pod, ['sh', '-c', 'cat /proc/sys/kernel/hostname; (hostname -f 2>/dev/null || getent hosts "$(cat /proc/sys/kernel/hostname)" | awk "{print \\$2}") | head -1; echo ---; cat /etc/resolv.conf']);
  const [head, resolv = ''] = out.split('---\n');
  const [short = '', full = ''] = head!.trim().split('\n').map((l) => l.trim());
  domain = clusterDomainFrom(resolv, session.namespace) ?? domain;
  if (short !== pod) c.fail(`${pod}: hostname is "${short}", expected the pod name "${pod}"`);
  const want = fqdn(session, pod);
  if (svc && full !== want) c.fail(`${pod}: hostname -f is "${full}", expected "${want}"`);
}

s.check('hostname', 'inside each pod, hostname is the pod name and hostname -f its DNS name', async (c) => {
  const { session } = c;
  if (!svc) svc = (await readStatefulSet(session.kube, session.namespace, session.sts)).spec?.serviceName ?? '';
  for (const p of session.recorder!.pods()) await checkHostnames(c, p.pod);
  c.note(`cluster domain ${domain}`);
});

s.check('peer-dns', "each pod's DNS name resolves from a peer pod to that pod's current IP", async (c) => {
  const { session } = c;
  const pods = session.recorder!.pods();
  if (pods.length < 2) c.notApplicable('needs at least 2 replicas to resolve a pod from a peer');
  for (const from of pods) {
    for (const to of pods.filter((p) => p.pod !== from.pod)) {
      const t0 = performance.now();
      const ips = await resolveFrom(session, from.pod, fqdn(session, to.pod));
      c.measure(`lookup.${from.pod}->${to.pod}Ms`, performance.now() - t0);
      if (ips.length === 0) c.fail(`${fqdn(session, to.pod)} does not resolve from ${from.pod}; expected ${to.ip}`);
      if (ips.join(',') !== to.ip) c.fail(`${fqdn(session, to.pod)} resolves from ${from.pod} to ${ips.join(', ')}, but ${to.pod}'s IP is ${to.ip}`);
    }
  }
}, { needs: ['governing-service'] });

s.check('service-records', "the headless Service's records list exactly the ready members", async (c) => {
  const { session } = c;
  const pods = session.recorder!.pods();
  const name = `${svc}.${session.namespace}.svc.${domain}`;
  const ips = (await resolveFrom(session, pods[0]!.pod, name)).sort();
  const want = pods.filter((p) => p.ready).map((p) => p.ip!).sort();
  if (ips.join(',') !== want.join(',')) {
    c.fail(`${name} resolves from ${pods[0]!.pod} to [${ips.join(', ')}], but the ready members are [${want.join(', ')}] (${pods.map((p) => `${p.pod}=${p.ip}`).join(', ')})`);
  }
}, { needs: ['governing-service'] });

s.check('dns-follows-reschedule', 'a deleted pod returns with the same name and DNS name, and DNS follows its new IP (delay measured)', async (c) => {
  const { session } = c;
  const rec = session.recorder!;
  const T = session.cfg.timeouts;
  const pods = rec.pods();
  const victim = pods.at(-1)!;
  const peer = pods[0]!;
  rec.action(`delete pod ${victim.pod} (ip ${victim.ip})`);
  const oldUid = await deletePod(session.kube, session.namespace, victim.pod);
  const back = await waitForRunningAndReady(rec, pods.length, T.podReady + T.rollout, { notUids: new Set([oldUid]) });
  const reborn = back.find((p) => p.pod === victim.pod)!;
  const readyAt = Date.parse(reborn.at);
  const name = fqdn(session, reborn.pod);
  let resolvedAt = 0;
  const seen = await poll(`DNS name ${name} from ${peer.pod}`, `to resolve to ${reborn.pod}'s new IP ${reborn.ip}`, async () => {
    const asked = Date.now();
    const ips = await resolveFrom(session, peer.pod, name);
    // the answer reflects DNS as of the question, not as of the exec's return
    resolvedAt = asked;
    return { done: ips.join(',') === reborn.ip, observed: ips.length ? ips.join(', ') : 'no answer', value: ips };
  }, { timeoutMs: T.dns, intervalMs: 250 });
  const delay = Math.max(0, resolvedAt - readyAt);
  c.measure('dnsFollowMs', delay);
  await checkHostnames(c, reborn.pod);
  c.note(`${reborn.pod} came back Ready at ${clockOf(reborn.at)} with ip ${reborn.ip} (was ${victim.ip}${reborn.ip === victim.ip ? ', unchanged' : ''}); ${peer.pod} resolved ${name} to it ${formatMs(delay)} later (${seen.join(', ')})`);
}, { needs: ['peer-dns'] });
