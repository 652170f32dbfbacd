// An in-place kubeadm upgrade of a kind cluster ordinal created, done as the Kubernetes docs do it
// (kubernetes.io "Upgrading kubeadm clusters"), with the node containers standing in for machines:
//   stage    the new kubeadm, kubelet and kubectl are copied into every node (as a package manager
//            downloads them) and the release's component images imported into its containerd;
//   prepare  the cluster's kubeadm configuration keeps etcd and CoreDNS at their current tags (as an
//            operator pins custom tags; the second release is a Kubernetes build alone) and the
//            kubelet configuration says `failCgroupV1: false` (1.35's kubelet refuses a cgroup v1 host
//            otherwise; these hosts are cgroup v1);
//   control plane  `kubeadm upgrade apply vX --yes` inside the control-plane node, then its kubelet;
//   each worker    `kubeadm upgrade node`, then the new kubelet and kubectl and a kubelet restart.
// Draining and uncordoning around the kubelet steps is the caller's (it drains through the Eviction
// API and watches the apps meanwhile). Preflight errors are ignored as kind ignores them at init
// (cgroup v1, swap and kernel checks do not apply to node containers).
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Config } from '../config.ts';
import { OrdinalError } from '../errors.ts';
import { run } from '../proc/command.ts';
import { api, type Kube } from '../kube/client.ts';
import { waitForWatch } from '../wait/watch.ts';
import { poll } from '../wait/poll.ts';
import { artifact } from '../images/catalog.ts';
import { artifactDir, buildArtifacts, computeKeys } from '../images/builder.ts';
import { VERSIONS } from '../images/versions.ts';
import { requireKindNode } from './node-restart.ts';
import { isNodeReady } from './cluster.ts';

/** Where a release's binaries and component images are, once built. */
export interface Release {
  version: string;
  binDir: string;
  imagesTar: string;
}

/** The release `ordinal upgrade` goes to, built from package registries when missing. */
export async function upgradeRelease(cfg: Config): Promise<Release> {
  await buildArtifacts(cfg, { groups: ['upgrade'] });
  const bins = artifact('go/kubernetes-upgrade');
  const images = artifact('tar/k8s-images-upgrade');
  const keys = await computeKeys([bins, images]);
  const r = { version: VERSIONS.upgradeTo, binDir: artifactDir(cfg, bins, keys.get(bins.id)!), imagesTar: path.join(artifactDir(cfg, images, keys.get(images.id)!), 'images.tar') };
  if (!existsSync(path.join(r.binDir, 'kubeadm')) || !existsSync(r.imagesTar)) throw new OrdinalError(`the v${r.version} build is incomplete (${r.binDir}, ${r.imagesTar})`, 'rebuild it: `ordinal images build --group upgrade --force`');
  return r;
}

// in the node's root filesystem: /tmp is a tmpfs (noexec), which docker cp cannot write into
const STAGE = '/kind/ordinal-upgrade';

async function nodeSh(node: string, script: string, timeoutMs: number, logFile?: string): Promise<string> {
  const r = await run(['docker', 'exec', node, 'bash', '-euc', script], { timeoutMs, ...(logFile ? { logFile } : {}) });
  return r.stdout;
}

/** Copies the release's kubeadm, kubelet and kubectl into the node (not installed yet) and imports its component images. */
export async function stageRelease(cluster: string, node: string, rel: Release, timeoutMs: number): Promise<void> {
  await requireKindNode(cluster, node, 'stage an upgrade on');
  await nodeSh(node, `mkdir -p ${STAGE}`, timeoutMs);
  for (const b of ['kubeadm', 'kubelet', 'kubectl']) await run(['docker', 'cp', path.join(rel.binDir, b), `${node}:${STAGE}/${b}`], { timeoutMs });
  await run(['sh', '-c', 'docker exec -i "$1" ctr -n k8s.io images import --all-platforms --no-unpack - < "$2" >/dev/null', 'sh', node, rel.imagesTar], { timeoutMs });
}

const install = (bins: string[]) => bins.map((b) => `install -m 0755 ${STAGE}/${b} /usr/bin/${b}`).join(' && ');

/**
 * Pins etcd's and CoreDNS's image tags in the cluster's ClusterConfiguration to what runs now and
 * sets `failCgroupV1: false` in the kubelet configuration kubeadm writes to each node; returns what
 * was changed, for the report.
 */
export async function prepareClusterConfig(kube: Kube, tags: { etcd: string; coredns: string }): Promise<string[]> {
  const changed: string[] = [];
  const edit = async (name: string, key: string, change: (doc: Record<string, unknown>) => string[]) => {
    const cm = await api(`read ConfigMap kube-system/${name}`, () => kube.core.readNamespacedConfigMap({ name, namespace: 'kube-system' }));
    const doc = YAML.parse(cm.data?.[key] ?? '') as Record<string, unknown> | null;
    if (!doc) throw new OrdinalError(`ConfigMap kube-system/${name} has no ${key}`, 'is this a kubeadm cluster? `ordinal upgrade` upgrades the kind clusters ordinal creates');
    const what = change(doc);
    if (!what.length) return;
    await api(`update ConfigMap kube-system/${name}`, () => kube.core.replaceNamespacedConfigMap({ name, namespace: 'kube-system', body: { ...cm, data: { ...cm.data, [key]: YAML.stringify(doc) } } }));
    changed.push(...what.map((w) => `${name}: ${w}`));
  };
  await edit('kubeadm-config', 'ClusterConfiguration', (doc) => {
    const etcd = ((doc.etcd ??= {}) as Record<string, Record<string, unknown>>);
    const local = (etcd.local ??= {});
    const dns = (doc.dns ??= {}) as Record<string, unknown>;
    const what: string[] = [];
    if (local.imageTag !== tags.etcd) { local.imageTag = tags.etcd; what.push(`etcd.local.imageTag ${tags.etcd}`); }
    if (dns.imageTag !== tags.coredns) { dns.imageTag = tags.coredns; what.push(`dns.imageTag ${tags.coredns}`); }
    return what;
  });
  await edit('kubelet-config', 'kubelet', (doc) => {
    if (doc.failCgroupV1 === false) return [];
    doc.failCgroupV1 = false;
    return ['failCgroupV1 false'];
  });
  return changed;
}

/** `kubeadm upgrade apply` on the control-plane node; its output goes to `logFile`. */
export async function upgradeControlPlane(cluster: string, node: string, version: string, timeoutMs: number, logFile: string): Promise<void> {
  await requireKindNode(cluster, node, 'upgrade');
  await nodeSh(node, `${install(['kubeadm'])} && kubeadm upgrade apply v${version} --yes --ignore-preflight-errors=all`, timeoutMs, logFile);
}

/** `kubeadm upgrade node` on a worker (its kubelet configuration, from the cluster's). */
export async function upgradeWorkerConfig(cluster: string, node: string, timeoutMs: number, logFile: string): Promise<void> {
  await requireKindNode(cluster, node, 'upgrade');
  await nodeSh(node, `${install(['kubeadm'])} && kubeadm upgrade node --ignore-preflight-errors=all`, timeoutMs, logFile);
}

/** Installs the new kubelet and kubectl and restarts the kubelet (the node should be drained). */
export async function upgradeKubelet(cluster: string, node: string, timeoutMs: number, logFile: string): Promise<void> {
  await requireKindNode(cluster, node, 'upgrade the kubelet of');
  await nodeSh(node, `${install(['kubelet', 'kubectl'])} && systemctl daemon-reload && systemctl restart kubelet`, timeoutMs, logFile);
}

/** The kubelet version each node reports. */
export function kubeletVersions(nodes: k8s.V1Node[]): Map<string, string> {
  return new Map(nodes.map((n) => [n.metadata!.name!, n.status?.nodeInfo?.kubeletVersion ?? '?']));
}

/** Waits until the node is Ready and its kubelet reports `version`. */
export async function waitForNodeAt(kube: Kube, node: string, version: string, timeoutMs: number): Promise<void> {
  const selector = `metadata.name=${node}`;
  await waitForWatch(
    kube,
    { path: '/api/v1/nodes', list: () => kube.core.listNode({ fieldSelector: selector }), fieldSelector: selector },
    `node ${node}`,
    `Ready with kubelet v${version}`,
    (ns) => {
      const n = ns[0];
      const v = n?.status?.nodeInfo?.kubeletVersion;
      return { done: !!n && isNodeReady(n) && v === `v${version}`, observed: n ? `${isNodeReady(n) ? 'Ready' : 'NotReady'}, kubelet ${v}` : 'no such node' };
    },
    { timeoutMs },
  );
}

/** Waits until the API server answers with `version` (the control-plane static pods restarted). */
export async function waitForApiServerAt(kube: Kube, version: string, timeoutMs: number): Promise<void> {
  const client = kube.kc.makeApiClient(k8s.VersionApi);
  await poll('the API server', `to report v${version}`, async () => {
    const v = await client.getCode().then((c) => c.gitVersion, (e: Error) => `unreachable (${e.message.split('\n')[0]})`);
    return { done: v === `v${version}`, observed: v };
  }, { timeoutMs, intervalMs: 1000 });
}

const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/**
 * After the control-plane node's kubelet was replaced at `since`: the new kubelet may restart the
 * static pods (v1.35's does: their containers' hashes changed; measured about 30 s after its start),
 * which takes the API server away a second time. Waits until each control-plane pod on `node` is
 * Ready and either started after `since` or kept for `graceMs` since then, and the API server
 * answers and authorizes this user to patch nodes (right after a restart it refuses with 403 until its RBAC is loaded); returns
 * the pods the new kubelet restarted.
 */
export async function waitForControlPlaneSettled(kube: Kube, node: string, since: number, graceMs: number, timeoutMs: number): Promise<string[]> {
  const authz = kube.kc.makeApiClient(k8s.AuthorizationV1Api);
  return poll(`the control plane on ${node}`, `its static pods Ready under the new kubelet (restarted, or kept ${graceMs / 1000} s) and the API server ready to authorize`, async () => {
    const pods = await kube.core.listNamespacedPod({ namespace: 'kube-system', fieldSelector: `spec.nodeName=${node}` }).then((l) => l.items, () => undefined);
    if (!pods) return { done: false, observed: 'the API server does not answer' };
    const state = CONTROL_PLANE.map((c) => {
      const p = pods.find((x) => x.metadata?.labels?.component === c);
      const ready = p?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
      const started = Date.parse(String(p?.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? '')) || 0;
      return { c, ready, restarted: started > since, ok: ready && (started > since || Date.now() - since > graceMs) };
    });
    const answers = await kube.core.listNode({ limit: 1 }).then(() => true, () => false);
    const review = answers ? await authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb: 'patch', resource: 'nodes' } } } }).then((r) => r.status?.allowed === true, () => false) : false;
    const observed = `${state.map((x) => `${x.c} ${x.ready ? 'Ready' : 'not Ready'}${x.restarted ? ' (restarted)' : ''}`).join(', ')}; API ${answers ? (review ? 'authorizes node patches' : 'does not authorize node patches yet') : 'not answering'}`;
    return { done: state.every((x) => x.ok) && review, observed, value: state.filter((x) => x.restarted).map((x) => x.c) };
  }, { timeoutMs, intervalMs: 1000 });
}
