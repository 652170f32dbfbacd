// `ordinal diagnose`: what is wrong with a live StatefulSet, from its objects, events and logs alone.
// Pure rules over one read-only snapshot (live-snapshot.ts reads it), so each is tested on recorded
// objects. Every finding names a rule, a severity, the object, the evidence and the fix.
import type * as k8s from '@kubernetes/client-node';
import { isPodReady, ordinalOf } from '../timeline/model.ts';
import { quorumOf } from '../kube/budgets.ts';

export type Severity = 'error' | 'warning';

export interface Finding {
  rule: string;
  /** the StatefulSet it is about (its name) */
  statefulSet?: string;
  severity: Severity;
  /** Kind/namespace/name */
  object: string;
  /** what is wrong, in one sentence */
  message: string;
  /** fields, events and log lines it rests on */
  evidence: string[];
  fix: string;
}

export interface DiagnoseSnapshot {
  namespace: string;
  /** when it was read (ISO time): how long a pod has been unready is measured against it */
  takenAt: string;
  statefulSets: k8s.V1StatefulSet[];
  services: k8s.V1Service[];
  pods: k8s.V1Pod[];
  claims: k8s.V1PersistentVolumeClaim[];
  budgets: k8s.V1PodDisruptionBudget[];
  events: k8s.CoreV1Event[];
  configMaps: k8s.V1ConfigMap[];
  /** `pod/container` (current) and `pod/container/previous` log tails */
  logs: Record<string, string>;
}

/** Every rule, in the order findings are listed; each is one testcase of the JUnit report. */
export const RULES = [
  'governing-service', 'pods-ready', 'readiness', 'rollout', 'claims', 'data-on-emptydir', 'retention',
  'disruption-budget', 'zookeeper-connection-limit', 'zookeeper-myid', 'kafka-durability', 'kafka-identity',
] as const;

export interface DiagnoseOptions {
  /** a pod unready or Pending, or a claim Pending, this long is stuck (an error); younger, a warning (timeout table: stuck) */
  stuckMs: number;
}
export type Rule = (typeof RULES)[number];

type App = 'zookeeper' | 'kafka' | undefined;

/** ZooKeeper or Kafka, recognised from the pod template's images, commands and environment. */
export function appOf(sts: k8s.V1StatefulSet): App {
  const containers = sts.spec?.template.spec?.containers ?? [];
  const text = containers.map((c) => [c.image, ...(c.command ?? []), ...(c.args ?? []), ...(c.env ?? []).map((e) => e.name)].join(' ')).join(' ').toLowerCase();
  if (/kafka/.test(text)) return 'kafka';
  if (/zookeeper|\bzk[-_]|\bzoo[-_]/.test(text)) return 'zookeeper';
  return undefined;
}

function ref(kind: string, ns: string, name: string): string {
  return `${kind}/${ns}/${name}`;
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function podsOf(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): k8s.V1Pod[] {
  const name = sts.metadata!.name!;
  return s.pods
    .filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'StatefulSet' && o.name === name))
    .sort((a, b) => ordinalOf(a.metadata!.name!, name) - ordinalOf(b.metadata!.name!, name));
}

function eventsOf(s: DiagnoseSnapshot, kind: string, name: string): k8s.CoreV1Event[] {
  return s.events
    .filter((e) => e.involvedObject?.kind === kind && e.involvedObject?.name === name)
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')));
}

/** How long ago (ms) a time was, as of the snapshot. */
function ageMs(s: DiagnoseSnapshot, t: Date | string | undefined): number {
  return t ? Date.parse(s.takenAt) - new Date(t).getTime() : 0;
}

function tail(log: string | undefined, n: number): string[] {
  return (log ?? '').split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-n);
}

// ---- the rules ----

function governingService(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  const ns = s.namespace;
  const name = sts.metadata!.name!;
  const svcName = sts.spec?.serviceName;
  const o = ref('StatefulSet', ns, name);
  if (!svcName) return [{ rule: 'governing-service', severity: 'error', object: o, message: 'spec.serviceName is empty: the pods get no stable DNS names', evidence: ['spec.serviceName: ""'], fix: 'set spec.serviceName to a headless Service that selects the pods (re-create the StatefulSet; the field is immutable)' }];
  const svc = s.services.find((x) => x.metadata?.name === svcName);
  if (!svc) {
    return [{ rule: 'governing-service', severity: 'error', object: o, message: `governing Service ${svcName} does not exist: the pods' names ${name}-N.${svcName} do not resolve`, evidence: [`spec.serviceName: ${svcName}`, `no Service ${ns}/${svcName}`], fix: `create a headless Service ${svcName} (clusterIP: None) selecting ${JSON.stringify(sts.spec?.selector?.matchLabels ?? {})}` }];
  }
  const out: Finding[] = [];
  if (svc.spec?.clusterIP !== 'None') {
    out.push({ rule: 'governing-service', severity: 'error', object: ref('Service', ns, svcName), message: `governing Service ${svcName} is not headless (clusterIP ${svc.spec?.clusterIP}): its name answers with one virtual IP, and per-pod records are not promised`, evidence: [`Service ${svcName} spec.clusterIP: ${svc.spec?.clusterIP}`], fix: `re-create Service ${svcName} with clusterIP: None (clusterIP cannot be changed in place)` });
  }
  const tmplLabels = sts.spec?.template.metadata?.labels;
  if (!matches(svc.spec?.selector, tmplLabels)) {
    out.push({ rule: 'governing-service', severity: 'error', object: ref('Service', ns, svcName), message: `governing Service ${svcName} does not select the StatefulSet's pods: no DNS records for them`, evidence: [`Service selector ${JSON.stringify(svc.spec?.selector ?? {})}`, `pod template labels ${JSON.stringify(tmplLabels ?? {})}`], fix: `make Service ${svcName}'s selector a subset of the pod template's labels` });
  }
  return out;
}

function podsReady(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet, zkRefusals: Refusal[], stuckMs: number): Finding[] {
  const ns = s.namespace;
  const out: Finding[] = [];
  for (const p of podsOf(s, sts)) {
    if (p.metadata?.deletionTimestamp || isPodReady(p)) continue;
    const pod = p.metadata!.name!;
    const o = ref('Pod', ns, pod);
    const events = eventsOf(s, 'Pod', pod);
    const statuses = p.status?.containerStatuses ?? [];
    const crash = statuses.find((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
    const pull = statuses.find((c) => /ErrImagePull|ImagePullBackOff|InvalidImageName/.test(c.state?.waiting?.reason ?? ''));
    const unscheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status !== 'True');
    if (crash) {
      const last = crash.lastState?.terminated;
      const lines = tail(s.logs[`${pod}/${crash.name}/previous`], 5);
      const zkTimeout = tail(s.logs[`${pod}/${crash.name}/previous`], 40).some((l) => ZK_TIMEOUT.test(l));
      const related = zkTimeout && zkRefusals.length ? zkRefusals : [];
      out.push({
        rule: 'pods-ready', severity: 'error', object: o,
        message: `${pod} is in CrashLoopBackOff (container ${crash.name}, ${crash.restartCount} restarts; last exit ${last?.exitCode ?? '?'}${last?.reason ? ` ${last.reason}` : ''})` +
          (zkTimeout ? `; its log shows ZooKeeper session timeouts${related.length ? `, and ZooKeeper refuses connections: ${related.map((r) => `${r.pod} "Too many connections from /${r.ip} - max is ${r.max}"`).join(', ')}` : ''}` : ''),
        evidence: [`containerStatuses[${crash.name}].lastState.terminated: exitCode=${last?.exitCode} reason=${last?.reason ?? '?'}`, ...lines.map((l) => `log (previous): ${l}`)],
        fix: related.length
          ? `raise ZooKeeper's maxClientCnxns above the sessions per source address (${related[0]!.max} now, refused /${related[0]!.ip}), or stop funnelling the clients through one address`
          : `read the previous container log (kubectl logs -n ${ns} ${pod} -c ${crash.name} --previous) and fix what makes it exit`,
      });
    } else if (pull) {
      const why = pull.state!.waiting!.message ?? '';
      // whose fault: the name (nothing there), the pull credentials, or the nodes' way to the registry
      const cause = /not found|manifest unknown|NotFound/i.test(why) ? 'the registry has no such image'
        : /unauthorized|authentication required|denied/i.test(why) ? 'the registry refuses the nodes\' credentials'
          : /no such host|dial tcp|connection refused|i\/o timeout|TLS|x509|server gave HTTP response/i.test(why) ? 'the nodes cannot reach the registry (a fault of the cluster\'s network or registry, not of the StatefulSet)'
            : undefined;
      out.push({ rule: 'pods-ready', severity: 'error', object: o, message: `${pod} cannot pull image ${pull.image}: ${pull.state!.waiting!.reason}${cause ? `; ${cause}` : ''}`, evidence: [`containerStatuses[${pull.name}].state.waiting: ${pull.state!.waiting!.reason}: ${why}`.trim()], fix: cause?.startsWith('the nodes cannot reach') ? 'fix the nodes\' access to the registry (DNS, proxy, TLS trust, containerd mirror configuration)' : cause?.startsWith('the registry refuses') ? 'give the pods an imagePullSecret (or the nodes credentials) for the registry' : `push ${pull.image} to a registry the nodes reach (ordinal images push --registry R for ordinal's own), or fix the image name` });
    } else if (unscheduled || p.status?.phase === 'Pending') {
      const sched = events.filter((e) => e.reason === 'FailedScheduling').at(-1);
      const why = unscheduled?.message ?? sched?.message ?? 'no scheduling decision yet';
      const volumeAffinity = /volume node affinity conflict/i.test(why);
      const young = !sched && ageMs(s, p.metadata?.creationTimestamp) <= stuckMs;
      out.push({
        rule: 'pods-ready', severity: young ? 'warning' : 'error', object: o,
        message: `${pod} is Pending${young ? ` (created ${Math.round(ageMs(s, p.metadata?.creationTimestamp) / 1000)}s ago)` : ''}: ${why}`,
        evidence: [`status.conditions[PodScheduled]: ${unscheduled?.reason ?? '?'}: ${why}`, ...(sched ? [`event FailedScheduling: ${sched.message}`] : [])],
        fix: volumeAffinity
          ? `its claim's PersistentVolume is bound to a node the pod cannot run on (node gone, cordoned, or tainted): bring the node back, or delete the claim to provision a new volume (its data is lost)`
          : 'free or add capacity that matches the pod\'s requests, affinity and tolerations',
      });
    } else {
      const probe = events.filter((e) => e.reason === 'Unhealthy' && /readiness/i.test(e.message ?? '')).at(-1);
      const restarted = statuses.find((c) => c.restartCount > 0 && ZK_TIMEOUT.test(s.logs[`${pod}/${c.name}/previous`] ?? ''));
      if (restarted && zkRefusals.length) {
        out.push({ rule: 'pods-ready', severity: 'error', object: o, message: `${pod} restarted ${restarted.restartCount}× and is not Ready; its previous container timed out on its ZooKeeper session, and ZooKeeper refuses connections: ${zkRefusals.map((r) => `${r.pod} "Too many connections from /${r.ip} - max is ${r.max}"`).join(', ')}`, evidence: tail(s.logs[`${pod}/${restarted.name}/previous`], 40).filter((l) => ZK_TIMEOUT.test(l)).slice(-3).map((l) => `log (previous): ${l}`), fix: `raise ZooKeeper's maxClientCnxns above the sessions per source address (${zkRefusals[0]!.max} now, refused /${zkRefusals[0]!.ip}), or stop funnelling the clients through one address` });
        continue;
      }
      const forMs = ageMs(s, p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
      out.push({ rule: 'pods-ready', severity: forMs > stuckMs ? 'error' : 'warning', object: o, message: `${pod} is ${p.status?.phase} and not Ready${forMs > 0 ? ` for ${Math.round(forMs / 1000)}s` : ''}${probe ? `; last readiness probe failure: "${probe.message}"` : ''}`, evidence: [...(probe ? [`event Unhealthy: ${probe.message}`] : []), ...statuses.map((c) => `container ${c.name}: ready=${c.ready} restarts=${c.restartCount}`)], fix: 'fix what the readiness probe reports, or the probe itself' });
    }
  }
  return out;
}

function rollout(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  const ns = s.namespace;
  const name = sts.metadata!.name!;
  const o = ref('StatefulSet', ns, name);
  const out: Finding[] = [];
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const replicas = sts.spec?.replicas ?? 1;
  // the partition counts from spec.ordinals.start (measured: start 5, partition 2 moves only web-7)
  const k = sts.spec?.ordinals?.start ?? 0;
  if (sts.spec?.updateStrategy?.type !== 'OnDelete' && partition > 0) {
    out.push({ rule: 'rollout', severity: 'warning', object: o, message: `updateStrategy.rollingUpdate.partition is ${partition}: ${Math.min(partition, replicas) === 1 ? `pod ${name}-${k} is` : `pods ${name}-${k}…${name}-${k + Math.min(partition, replicas) - 1} are`} never updated`, evidence: [`spec.updateStrategy.rollingUpdate.partition: ${partition}`, `replicas: ${replicas}`], fix: 'set partition to 0 when the canary is done (kubectl patch … -p \'{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}\')' });
  }
  const update = sts.status?.updateRevision;
  if (update && update !== sts.status?.currentRevision) {
    const stale = podsOf(s, sts).filter((p) => p.metadata?.labels?.['controller-revision-hash'] !== update && !isPodReady(p) && ordinalOf(p.metadata!.name!, name) >= k + partition);
    if (stale.length && (sts.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady') {
      const p = stale.at(-1)!;
      out.push({ rule: 'rollout', severity: 'error', object: o, message: `rollout to revision ${update} is stuck: ${p.metadata!.name} is on revision ${p.metadata?.labels?.['controller-revision-hash']} and not Ready, and an OrderedReady rolling update waits for it forever`, evidence: [`status.currentRevision: ${sts.status?.currentRevision}`, `status.updateRevision: ${update}`, `status.updatedReplicas: ${sts.status?.updatedReplicas ?? 0}/${replicas}`], fix: `delete pod ${p.metadata!.name} (kubectl delete pod -n ${ns} ${p.metadata!.name}); the controller re-creates it at the new revision` });
    }
  }
  return out;
}

function claims(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet, stuckMs: number): Finding[] {
  const ns = s.namespace;
  const name = sts.metadata!.name!;
  const out: Finding[] = [];
  const replicas = sts.spec?.replicas ?? 1;
  const k = sts.spec?.ordinals?.start ?? 0;
  for (const t of sts.spec?.volumeClaimTemplates ?? []) {
    for (let i = k; i < k + replicas; i++) {
      const claim = `${t.metadata!.name}-${name}-${i}`;
      const c = s.claims.find((x) => x.metadata?.name === claim);
      const pod = s.pods.find((p) => p.metadata?.name === `${name}-${i}`);
      if (!c) {
        if (pod) out.push({ rule: 'claims', severity: 'error', object: ref('PersistentVolumeClaim', ns, claim), message: `claim ${claim} of ${name}-${i} does not exist`, evidence: [`volumeClaimTemplates[${t.metadata!.name}]`, `pod ${name}-${i} exists`], fix: 'the controller creates it with the pod: delete the pod so it is re-created with its claim' });
        continue;
      }
      const phase = c.status?.phase;
      if (phase === 'Pending' || phase === 'Lost') {
        const ev = eventsOf(s, 'PersistentVolumeClaim', claim).at(-1);
        const young = phase === 'Pending' && ageMs(s, c.metadata?.creationTimestamp) <= stuckMs;
        out.push({ rule: 'claims', severity: young ? 'warning' : 'error', object: ref('PersistentVolumeClaim', ns, claim), message: `claim ${claim} is ${phase}${young ? ` (created ${Math.round(ageMs(s, c.metadata?.creationTimestamp) / 1000)}s ago)` : ''}${ev ? `: ${ev.reason}: ${ev.message}` : ''}`, evidence: [`status.phase: ${phase}`, `storageClassName: ${c.spec?.storageClassName ?? '(default)'}`, ...(ev ? [`event ${ev.reason}: ${ev.message}`] : [])], fix: phase === 'Lost' ? `its PersistentVolume ${c.spec?.volumeName} is gone: restore it from backup, or delete the claim and the pod to start ${name}-${i} empty` : 'check that the StorageClass exists and its provisioner runs (kubectl get storageclass; its provisioner\'s logs)' });
      }
    }
  }
  return out;
}

function dataOnEmptyDir(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  if ((sts.spec?.volumeClaimTemplates ?? []).length) return [];
  const spec = sts.spec?.template.spec;
  const empty = new Set((spec?.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
  const mounts = (spec?.containers ?? []).flatMap((c) => (c.volumeMounts ?? []).filter((m) => empty.has(m.name)).map((m) => `${c.name}:${m.mountPath} (emptyDir ${m.name})`));
  if (!mounts.length) return [];
  return [{ rule: 'data-on-emptydir', severity: 'warning', object: ref('StatefulSet', s.namespace, sts.metadata!.name!), message: `the StatefulSet has no volumeClaimTemplates and mounts emptyDir volumes: data there is lost whenever a pod is deleted or rescheduled`, evidence: mounts, fix: 'move the data to a volumeClaimTemplate, so each ordinal keeps its own PersistentVolumeClaim' }];
}

function retention(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  const p = sts.spec?.persistentVolumeClaimRetentionPolicy;
  const del = [p?.whenDeleted === 'Delete' ? 'whenDeleted' : '', p?.whenScaled === 'Delete' ? 'whenScaled' : ''].filter(Boolean);
  if (!del.length || !(sts.spec?.volumeClaimTemplates ?? []).length) return [];
  return [{ rule: 'retention', severity: 'warning', object: ref('StatefulSet', s.namespace, sts.metadata!.name!), message: `persistentVolumeClaimRetentionPolicy deletes the claims ${del.join(' and ')}: ${del.includes('whenScaled') ? 'scaling down and back up starts those ordinals empty' : 'deleting the StatefulSet deletes its data'}`, evidence: del.map((k) => `spec.persistentVolumeClaimRetentionPolicy.${k}: Delete`), fix: 'set them to Retain unless losing that data is intended' }];
}

function intOrPercent(v: number | string | undefined, of: number, roundUp: boolean): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v);
  const x = (Number(m[1]) * of) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

function disruptionBudget(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  const ns = s.namespace;
  const name = sts.metadata!.name!;
  const app = appOf(sts);
  const replicas = sts.spec?.replicas ?? 1;
  const labels = sts.spec?.template.metadata?.labels;
  const pdbs = s.budgets.filter((b) => matches(b.spec?.selector?.matchLabels, labels));
  const out: Finding[] = [];
  if (!pdbs.length) {
    if (app && replicas >= 3) out.push({ rule: 'disruption-budget', severity: 'warning', object: ref('StatefulSet', ns, name), message: `no PodDisruptionBudget selects the ${app} pods: a node drain may evict more than ${replicas - quorumOf(replicas)} at once and lose the quorum`, evidence: [`${app} recognised from the pod template`, `replicas: ${replicas}, quorum ${quorumOf(replicas)}`], fix: `add a PodDisruptionBudget with maxUnavailable: 1 selecting ${JSON.stringify(sts.spec?.selector?.matchLabels ?? {})}` });
    return out;
  }
  for (const b of pdbs) {
    const o = ref('PodDisruptionBudget', ns, b.metadata!.name!);
    const maxUnavailable = intOrPercent(b.spec?.maxUnavailable, replicas, true);
    const minAvailable = intOrPercent(b.spec?.minAvailable, replicas, true);
    const allowsLoss = maxUnavailable !== undefined ? maxUnavailable : minAvailable !== undefined ? replicas - minAvailable : undefined;
    const spec = `spec: ${JSON.stringify({ maxUnavailable: b.spec?.maxUnavailable, minAvailable: b.spec?.minAvailable })}`;
    if (allowsLoss !== undefined && allowsLoss <= 0) {
      out.push({ rule: 'disruption-budget', severity: 'error', object: o, message: `PodDisruptionBudget ${b.metadata!.name} allows 0 disruptions of ${replicas} pods: every node drain, and so every cluster upgrade, blocks on it`, evidence: [spec, `status.disruptionsAllowed: ${b.status?.disruptionsAllowed ?? '?'}`], fix: 'allow one: maxUnavailable: 1' });
    } else if (app && allowsLoss !== undefined && replicas - allowsLoss < quorumOf(replicas)) {
      out.push({ rule: 'disruption-budget', severity: 'error', object: o, message: `PodDisruptionBudget ${b.metadata!.name} lets ${allowsLoss} of ${replicas} ${app} pods go at once, leaving ${replicas - allowsLoss}, below the quorum of ${quorumOf(replicas)}`, evidence: [spec, `quorum of ${replicas}: ${quorumOf(replicas)}`], fix: `set maxUnavailable: ${replicas - quorumOf(replicas)} (or minAvailable: ${quorumOf(replicas)})` });
    }
  }
  return out;
}

export interface Refusal {
  pod: string;
  ip: string;
  max: number;
  count: number;
}

const REFUSAL = /Too many connections from \/([0-9a-f.:]+) - max is (\d+)/;
/** Kafka's (and ZooKeeper clients') words for a session that never opened or expired. */
export const ZK_TIMEOUT = /ZooKeeperClientTimeoutException|Timed out waiting for connection while in state|Session expired|session timed out|SessionExpired/i;

/** "Too many connections from /IP - max is N" in a ZooKeeper pod's log, per pod and address. */
export function zookeeperRefusals(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Refusal[] {
  const out: Refusal[] = [];
  for (const p of podsOf(s, sts)) {
    const pod = p.metadata!.name!;
    const lines = Object.entries(s.logs).filter(([k]) => k.startsWith(`${pod}/`)).flatMap(([, v]) => v.split('\n'));
    const by = new Map<string, Refusal>();
    for (const l of lines) {
      const m = REFUSAL.exec(l);
      if (!m) continue;
      const r = by.get(m[1]!) ?? { pod, ip: m[1]!, max: Number(m[2]), count: 0 };
      r.count++;
      by.set(m[1]!, r);
    }
    out.push(...by.values());
  }
  return out;
}

/** The maxClientCnxns the pod template sets: an env var (…MAX_CLIENT_CNXNS, literal or from a ConfigMap key) or a zoo.cfg line in a mounted ConfigMap. */
export function maxClientCnxns(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): number | undefined {
  const spec = sts.spec?.template.spec;
  for (const c of spec?.containers ?? []) {
    for (const e of c.env ?? []) {
      if (!/MAX_?CLIENT_?CNXNS$/i.test(e.name)) continue;
      if (e.value !== undefined) return Number(e.value);
      const k = e.valueFrom?.configMapKeyRef;
      const v = k && s.configMaps.find((m) => m.metadata?.name === k.name)?.data?.[k.key];
      if (v !== undefined) return Number(v);
    }
  }
  for (const v of spec?.volumes ?? []) {
    const cm = v.configMap && s.configMaps.find((m) => m.metadata?.name === v.configMap!.name);
    for (const text of Object.values(cm?.data ?? {})) {
      const m = /^\s*maxClientCnxns\s*=\s*(\d+)/m.exec(text);
      if (m) return Number(m[1]);
    }
  }
  return undefined;
}

function zookeeperConnectionLimit(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  if (appOf(sts) !== 'zookeeper') return [];
  const refusals = zookeeperRefusals(s, sts);
  if (!refusals.length) return [];
  const limit = maxClientCnxns(s, sts) ?? refusals[0]!.max;
  const owners = refusals.map((r) => {
    const owner = s.pods.find((p) => p.status?.podIP === r.ip);
    return `${r.ip}${owner ? ` (pod ${owner.metadata!.name})` : ''}`;
  });
  const victims = s.pods.filter((p) => (p.status?.containerStatuses ?? []).some((c) => (c.restartCount > 0 || c.state?.waiting?.reason === 'CrashLoopBackOff') && ZK_TIMEOUT.test(s.logs[`${p.metadata!.name}/${c.name}/previous`] ?? '')));
  const state = (p: k8s.V1Pod) => (p.status?.containerStatuses ?? []).find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason ?? `${Math.max(...(p.status?.containerStatuses ?? []).map((c) => c.restartCount))} restarts`;
  return [{
    rule: 'zookeeper-connection-limit', severity: 'error', object: ref('StatefulSet', s.namespace, sts.metadata!.name!),
    message: `ZooKeeper refuses sessions over maxClientCnxns=${limit} per source address from ${[...new Set(owners)].join(', ')}` +
      (victims.length ? `; clients failing because of it: ${victims.map((p) => `${p.metadata!.name} ${state(p)}`).join(', ')}` : ''),
    evidence: [...refusals.map((r) => `${r.pod} log: "Too many connections from /${r.ip} - max is ${r.max}" (${r.count}×)`), ...victims.map((p) => `${p.metadata!.name}: ${state(p)}, ZooKeeper session timeouts in its previous log`)],
    fix: `raise maxClientCnxns above the sessions any one address holds (or 0 for no limit), or stop sending many clients through one address (a NAT, a proxy, hostNetwork)`,
  }];
}

function zookeeperMyid(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  if (appOf(sts) !== 'zookeeper' || (sts.spec?.replicas ?? 1) < 2) return [];
  const fixed = (sts.spec?.template.spec?.containers ?? []).flatMap((c) => (c.env ?? []).filter((e) => /^(ZOO_MY_ID|ZK_MYID|MYID|ZOOKEEPER_MYID)$/i.test(e.name) && e.value !== undefined).map((e) => `${c.name}: ${e.name}=${e.value}`));
  if (!fixed.length) return [];
  return [{ rule: 'zookeeper-myid', severity: 'error', object: ref('StatefulSet', s.namespace, sts.metadata!.name!), message: `the pod template sets myid to one literal value, so all ${sts.spec?.replicas} ZooKeeper servers claim the same id and no quorum of distinct servers can form`, evidence: fixed, fix: 'derive myid from the ordinal (the hostname\'s -N suffix, plus 1) in the start script, not from a fixed env value' }];
}

/** Kafka broker settings from the pod template: KAFKA_[CFG_]X_Y env vars and key=value text in its ConfigMaps (last one wins). */
export function kafkaSettings(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Map<string, { value: string; from: string }> {
  const out = new Map<string, { value: string; from: string }>();
  const spec = sts.spec?.template.spec;
  const cms = new Set([...(spec?.volumes ?? []).map((v) => v.configMap?.name), ...(spec?.containers ?? []).flatMap((c) => (c.env ?? []).map((e) => e.valueFrom?.configMapKeyRef?.name))].filter(Boolean));
  for (const cm of s.configMaps.filter((m) => cms.has(m.metadata?.name))) {
    for (const [key, text] of Object.entries(cm.data ?? {})) {
      for (const m of text.matchAll(/(?:^|\s)([a-z][a-z0-9.]*[a-z0-9])=(\S+)/g)) out.set(m[1]!, { value: m[2]!, from: `ConfigMap ${cm.metadata!.name} ${key}` });
    }
  }
  for (const c of spec?.containers ?? []) {
    for (const e of c.env ?? []) {
      const m = /^KAFKA_(?:CFG_)?([A-Z0-9_]+)$/.exec(e.name);
      if (m && e.value !== undefined) out.set(m[1]!.toLowerCase().replace(/_/g, '.'), { value: e.value, from: `env ${e.name}` });
    }
  }
  return out;
}

function kafkaDurability(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  if (appOf(sts) !== 'kafka') return [];
  const cfg = kafkaSettings(s, sts);
  const o = ref('StatefulSet', s.namespace, sts.metadata!.name!);
  const out: Finding[] = [];
  const isr = cfg.get('min.insync.replicas');
  const rf = cfg.get('default.replication.factor');
  const unclean = cfg.get('unclean.leader.election.enable');
  if (isr && Number(isr.value) < 2) out.push({ rule: 'kafka-durability', severity: 'error', object: o, message: `min.insync.replicas=${isr.value}: a message written with acks=all is acknowledged while only the partition leader has it, and lost with that broker`, evidence: [`min.insync.replicas=${isr.value} (${isr.from})`], fix: 'set min.insync.replicas=2 (with a replication factor of 3)' });
  if (rf && Number(rf.value) < 3) out.push({ rule: 'kafka-durability', severity: 'warning', object: o, message: `default.replication.factor=${rf.value}: new topics survive fewer than 2 broker losses`, evidence: [`default.replication.factor=${rf.value} (${rf.from})`], fix: 'set default.replication.factor=3' });
  if (unclean?.value === 'true') out.push({ rule: 'kafka-durability', severity: 'error', object: o, message: 'unclean.leader.election.enable=true: an out-of-sync replica may become leader and drop acknowledged messages', evidence: [`unclean.leader.election.enable=true (${unclean.from})`], fix: 'set unclean.leader.election.enable=false' });
  return out;
}

/** broker.id and advertised.listeners as the broker printed them at start (its "KafkaConfig values:" dump). */
export function kafkaStartConfig(log: string): { brokerId?: number; advertised?: string } {
  const id = /^\s*broker\.id\s*=\s*(-?\d+)\s*$/m.exec(log)?.[1];
  const adv = /^\s*advertised\.listeners\s*=\s*(\S+)\s*$/m.exec(log)?.[1];
  return { ...(id !== undefined ? { brokerId: Number(id) } : {}), ...(adv ? { advertised: adv } : {}) };
}

function kafkaIdentity(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  if (appOf(sts) !== 'kafka') return [];
  const name = sts.metadata!.name!;
  const out: Finding[] = [];
  const ids = new Map<number, string[]>();
  for (const p of podsOf(s, sts)) {
    const pod = p.metadata!.name!;
    const head = Object.entries(s.logs).find(([k]) => k.startsWith(`${pod}/`) && k.endsWith('/head'))?.[1];
    if (!head) continue;
    const { brokerId, advertised } = kafkaStartConfig(head);
    const ordinal = ordinalOf(pod, name);
    const o = ref('Pod', s.namespace, pod);
    if (brokerId !== undefined) {
      ids.set(brokerId, [...(ids.get(brokerId) ?? []), pod]);
      if (brokerId !== ordinal) out.push({ rule: 'kafka-identity', severity: 'warning', object: o, message: `${pod} runs as broker id ${brokerId}, not its ordinal ${ordinal}: ids and pods drift apart when the StatefulSet is scaled or re-created`, evidence: [`${pod} log: broker.id = ${brokerId}`], fix: 'derive broker.id from the ordinal (the hostname\'s -N suffix)' });
    }
    for (const l of (advertised ?? '').split(',').filter(Boolean)) {
      const host = /^[A-Z_]+:\/\/\[?([^\]]*?)\]?:\d+$/i.exec(l)?.[1];
      if (host && (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':'))) {
        out.push({ rule: 'kafka-identity', severity: 'error', object: o, message: `${pod} advertises ${l}, an IP address: after the pod is rescheduled on a new IP, clients and other brokers keep the old one`, evidence: [`${pod} log: advertised.listeners = ${advertised}`], fix: `advertise the pod's stable DNS name (${pod}.${sts.spec?.serviceName ?? '<service>'}.${s.namespace}.svc)` });
      }
    }
  }
  for (const [id, pods] of ids) {
    if (pods.length > 1) out.push({ rule: 'kafka-identity', severity: 'error', object: ref('StatefulSet', s.namespace, name), message: `${pods.join(' and ')} all run as broker id ${id}: only one of them can be registered`, evidence: pods.map((p) => `${p} log: broker.id = ${id}`), fix: 'derive broker.id from the ordinal' });
  }
  return out;
}

/**
 * A Kafka broker or ZooKeeper member whose readiness probe only checks a port (or that has none) is
 * Ready before it serves: a broker before it is back in the ISR, a member before it joined the
 * quorum. A rolling update then stops the next pod too early (measured on the kafka-tcp-readiness
 * control: 91.6 % of acks=all sends acknowledged during the rolling restart, 8.9–29.6 % before the
 * producer resent what a gone broker dropped, against 100 % with the in-sync probe).
 */
function appReadiness(s: DiagnoseSnapshot, sts: k8s.V1StatefulSet): Finding[] {
  const app = appOf(sts);
  if (!app) return [];
  const c = (sts.spec?.template.spec?.containers ?? []).find((x) => new RegExp(app === 'kafka' ? 'kafka' : 'zoo|zk', 'i').test(`${x.name} ${x.image ?? ''}`)) ?? sts.spec?.template.spec?.containers?.[0];
  if (!c) return [];
  const probe = c.readinessProbe;
  const what = !probe ? 'has no readiness probe' : probe.tcpSocket && !probe.exec && !probe.httpGet && !probe.grpc ? `is Ready once port ${probe.tcpSocket.port} opens (tcpSocket readiness probe)` : undefined;
  if (!what) return [];
  const consequence = app === 'kafka'
    ? 'a restarted broker is Ready before it is back in the ISR, so a rolling update stops the next broker while partitions still need this one, and acks=all sends are refused (NOT_ENOUGH_REPLICAS)'
    : 'a restarted member is Ready before it has joined the quorum, so a rolling update stops the next member while the ensemble still needs this one';
  const fix = app === 'kafka'
    ? 'probe that the broker is in the ISR of every partition it replicates (as Strimzi\'s rolling waits do; ordinal\'s kafka fixture runs kafka-ready)'
    : 'probe that the member serves as leader or follower (the `srvr` four-letter word\'s Mode; ordinal\'s zookeeper fixture runs zk-ready)';
  return [{ rule: 'readiness', severity: 'warning', object: ref('StatefulSet', s.namespace, sts.metadata!.name!), message: `container ${c.name} ${what}: ${consequence}`, evidence: [`readinessProbe: ${probe ? JSON.stringify(probe) : 'none'}`], fix }];
}

/** Every finding for every StatefulSet in the snapshot, errors first within each StatefulSet. */
export function diagnose(s: DiagnoseSnapshot, opts: DiagnoseOptions): Finding[] {
  const zk = s.statefulSets.filter((x) => appOf(x) === 'zookeeper').flatMap((x) => zookeeperRefusals(s, x));
  const out: Finding[] = [];
  for (const sts of s.statefulSets) {
    const f = [
      ...governingService(s, sts), ...podsReady(s, sts, zk, opts.stuckMs), ...appReadiness(s, sts), ...rollout(s, sts), ...claims(s, sts, opts.stuckMs), ...dataOnEmptyDir(s, sts),
      ...retention(s, sts), ...disruptionBudget(s, sts), ...zookeeperConnectionLimit(s, sts), ...zookeeperMyid(s, sts), ...kafkaDurability(s, sts), ...kafkaIdentity(s, sts),
    ];
    const mine = f.map((x) => ({ ...x, statefulSet: sts.metadata!.name! }));
    out.push(...mine.filter((x) => x.severity === 'error'), ...mine.filter((x) => x.severity === 'warning'));
  }
  return out;
}
