// Kafka broker identity, judged from the cluster's own metadata (not the fixture's config): each
// broker's id is its pod's ordinal, and each broker advertises its pod's stable DNS name
// <pod>.<svc>.<ns>.svc.<domain>, never an IP, so that clients reach it again after the pod is
// re-created elsewhere. Pure, unit-tested beside this file.

/** A broker as the metadata lists it, dialled at its advertised address (fixtures/k6/kafka-brokers.js). */
export interface ListedBroker {
  id: number;
  host: string;
  port: number;
  reachable: boolean;
  error?: string;
}

export interface BrokerPod {
  pod: string;
  ordinal: number;
  ip?: string;
}

export interface Naming {
  statefulSet: string;
  service: string;
  namespace: string;
  domain: string;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IP = (h: string) => IPV4.test(h) || h.includes(':');

export const stableName = (n: Naming, pod: string) => `${pod}.${n.service}.${n.namespace}.svc.${n.domain}`;

/** The pod behind a listed broker: by its advertised DNS name, else by its pod IP. */
export function podOfBroker(b: ListedBroker, pods: readonly BrokerPod[], n: Naming): BrokerPod | undefined {
  const host = b.host.replace(/\.$/, '');
  const label = host.split('.')[0];
  return pods.find((p) => (IP(host) ? p.ip === host : p.pod === label && host.startsWith(`${p.pod}.${n.service}`)));
}

/** Problems with broker ids: every pod's broker listed, with its ordinal as id. */
export function judgeBrokerIds(listed: readonly ListedBroker[], pods: readonly BrokerPod[], n: Naming): string[] {
  const problems: string[] = [];
  for (const p of pods) {
    const b = listed.find((x) => podOfBroker(x, pods, n)?.pod === p.pod);
    if (!b) {
      problems.push(`${p.pod} is not among the brokers the cluster lists (${listed.map((x) => `id ${x.id} at ${x.host}:${x.port}`).join(', ') || 'none'})`);
      continue;
    }
    if (b.id !== p.ordinal) problems.push(`${p.pod} (advertised as ${b.host}:${b.port}) has broker id ${b.id}, expected ${p.ordinal} (its ordinal)`);
  }
  for (const b of listed.filter((x) => !podOfBroker(x, pods, n))) problems.push(`broker id ${b.id} advertises ${b.host}:${b.port}, which is no pod of StatefulSet ${n.statefulSet}`);
  return problems;
}

/** Problems with advertised listeners: each must be the pod's stable DNS name. */
export function judgeListeners(listed: readonly ListedBroker[], pods: readonly BrokerPod[], n: Naming): string[] {
  const problems: string[] = [];
  for (const b of listed) {
    const p = podOfBroker(b, pods, n);
    const host = b.host.replace(/\.$/, '');
    const who = p ? p.pod : `broker id ${b.id}`;
    if (IP(host)) {
      problems.push(`${who} advertises ${b.host}:${b.port}, an IP address, not its stable DNS name ${p ? stableName(n, p.pod) : `<pod>.${n.service}.${n.namespace}.svc.${n.domain}`}:${b.port}`);
    } else if (!p || host !== stableName(n, p.pod)) {
      problems.push(`${who} advertises ${b.host}:${b.port}, expected its stable DNS name ${p ? stableName(n, p.pod) : `<pod>.${n.service}.${n.namespace}.svc.${n.domain}`}:${b.port}`);
    }
  }
  return problems;
}
