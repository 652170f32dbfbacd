// A network partition made inside one pod's network namespace, from the kind node it runs on:
// the pod's sandbox PID comes from crictl, and iptables (through nsenter into that namespace only)
// drops its traffic to and from the peers' pod IPs. Nothing else on the node, and no other pod, is
// touched; the traffic dropped is among this machine's own containers. Every rule carries a comment
// naming the partition, so healing removes exactly those rules, in one iptables-restore; a pod
// re-created meanwhile has a new namespace, so nothing is left to heal there. The partition is
// one command on the node and the heal another, ordered by a lock of the tag's on the node: a heal
// (registered for Ctrl-C and SIGTERM until it has run) that starts while the rules are going in
// runs after them, and an apply that would start after it does nothing. Only for a kind cluster
// ordinal created.
import { OrdinalError } from '../errors.ts';
import { api, type Kube } from '../kube/client.ts';
import { undoOnce } from '../lifecycle.ts';
import { run } from '../proc/command.ts';
import type { ActiveFault } from './dns-outage.ts';

export interface Partition extends ActiveFault {
  pod: string;
  node: string;
  /** the peer IPs whose traffic is dropped, both ways */
  peers: string[];
  /** the rules' comment */
  tag: string;
}

/** iptables-restore lines (table filter) that insert the rules isolating from `peers`. Pure. */
export function partitionRules(peers: readonly string[], tag: string): string[] {
  const mark = `-m comment --comment ${tag} -j DROP`;
  return peers.flatMap((ip) => [`-I INPUT -s ${ip}/32 ${mark}`, `-I OUTPUT -d ${ip}/32 ${mark}`]);
}

/** The node's directory of partition locks and heal markers (a tmpfs in kind nodes). */
const STATE_DIR = '/run/ordinal-partition';
/** The shell prologue both commands share: this tag's lock taken (bounded), $2 the sandbox PID. */
const LOCKED = `mkdir -p ${STATE_DIR} && exec 9>"${STATE_DIR}/$1.lock" && flock -w 30 9 || { echo "lock ${STATE_DIR}/$1.lock not taken" >&2; exit 75; }`;

/**
 * The partition, as one command on the node: under the tag's lock, unless the heal has already
 * run (its marker), every rule is inserted at once by one iptables-restore --noflush in the pod's
 * network namespace. Exit 3: healed before it could apply. Pure.
 */
export function applyCommand(tag: string, pid: string, peers: readonly string[]): string[] {
  const script = `${LOCKED}; if [ -e "${STATE_DIR}/$1.healed" ]; then echo "healed before it was applied" >&2; exit 3; fi; pid=$2; shift 2; { echo '*filter'; printf '%s\\n' "$@"; echo COMMIT; } | nsenter -t "$pid" -n -- iptables-restore -w 5 --noflush`;
  return ['sh', '-c', script, 'apply', tag, pid, ...partitionRules(peers, tag)];
}

/**
 * The heal, as one command on the node: under the same lock (so an apply already started ends
 * first) it leaves the marker that stops any later apply, then restores the namespace's tables
 * without the rules that carry `tag` (`--comment TAG -j`, so zk-1's tag never matches zk-10's), at
 * once. It starts at once and runs to its end on the node: a worker killed right after Ctrl-C
 * (vitest sends SIGKILL 0.5 s after its SIGTERM) does not stop it. Pure.
 */
export function healCommand(tag: string, pid: string): string[] {
  const script = `${LOCKED}; touch "${STATE_DIR}/$1.healed"; nsenter -t "$2" -n -- sh -c 'iptables-save | grep -v -F -e "--comment $1 -j" | iptables-restore -w 5' heal "$1"`;
  return ['sh', '-c', script, 'heal', tag, pid];
}

/** A tag iptables accepts as a bare comment word (no quoting needed in iptables-save output). */
export function partitionTag(runId: string, pod: string): string {
  return `ordinal-partition-${runId}-${pod}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 250);
}

async function nodeExec(node: string, argv: string[], what: string): Promise<string> {
  const r = await run(['docker', 'exec', node, ...argv], { allowFailure: true });
  if (r.exitCode !== 0) throw new OrdinalError(`${what} on kind node ${node} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  return r.stdout;
}

/** The PID of the pod's sandbox on its node (its network namespace). */
async function sandboxPid(node: string, namespace: string, pod: string): Promise<string> {
  const id = (await nodeExec(node, ['crictl', 'pods', '--namespace', namespace, '--name', `^${pod}$`, '--state', 'ready', '-q'], `crictl pods ${namespace}/${pod}`)).trim().split('\n')[0];
  if (!id) throw new OrdinalError(`pod ${namespace}/${pod} has no ready sandbox on node ${node}`);
  const pid = (await nodeExec(node, ['crictl', 'inspectp', '-o', 'go-template', '--template', '{{.info.pid}}', id], `crictl inspectp ${id}`)).trim();
  if (!/^\d+$/.test(pid)) throw new OrdinalError(`pod ${namespace}/${pod}: crictl gave no sandbox PID (got "${pid}")`);
  return pid;
}

/** The node and sandbox PID of a pod of kind cluster `cluster`, checked to be that cluster's. */
async function podNetns(kube: Kube, cluster: string, namespace: string, pod: string): Promise<{ node: string; pid: string }> {
  const p = await api(`read pod ${namespace}/${pod}`, () => kube.core.readNamespacedPod({ name: pod, namespace }));
  const node = p.spec?.nodeName;
  if (!node) throw new OrdinalError(`pod ${namespace}/${pod} is not on a node; cannot partition it`);
  const label = await run(['docker', 'inspect', '-f', '{{ index .Config.Labels "io.x-k8s.kind.cluster" }}', node], { allowFailure: true });
  if (label.exitCode !== 0 || label.stdout.trim() !== cluster) throw new OrdinalError(`node ${node} is not a container of kind cluster "${cluster}" on this Docker engine; not partitioning pod ${pod} there`);
  return { node, pid: await sandboxPid(node, namespace, pod) };
}

/** The rules of any ordinal partition left in the pod's network namespace (iptables-save lines); [] when healed. */
export async function partitionRulesLeft(kube: Kube, cluster: string, namespace: string, pod: string): Promise<string[]> {
  const { node, pid } = await podNetns(kube, cluster, namespace, pod);
  const save = await nodeExec(node, ['nsenter', '-t', pid, '-n', '--', 'iptables-save'], `iptables-save in ${namespace}/${pod}`);
  return save.split('\n').filter((l) => l.startsWith('-A ') && l.includes('ordinal-partition-'));
}

/**
 * Drops all traffic between `pod` and `peers` (pod IPs) inside the pod's network namespace, from
 * the kind node `cluster` runs it on. The returned handle heals it (also on Ctrl-C and SIGTERM).
 */
export async function isolatePod(kube: Kube, cluster: string, opts: { namespace: string; pod: string; peers: string[]; runId: string }): Promise<Partition> {
  const { namespace, pod, peers } = opts;
  const { node, pid } = await podNetns(kube, cluster, namespace, pod);
  const tag = partitionTag(opts.runId, pod);
  const heal = undoOnce(`heal the partition of ${namespace}/${pod}`, async () => {
    const r = await run(['docker', 'exec', node, ...healCommand(tag, pid)], { allowFailure: true });
    // a pod re-created (or gone) since has a fresh namespace, or none: nothing is left to heal there
    if (r.exitCode !== 0 && !/can't open|No such file|No such process|reassociate/i.test(r.stderr)) {
      throw new OrdinalError(`healing ${tag} on kind node ${node} failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`, `delete pod ${namespace}/${pod} (its network namespace goes with it)`);
    }
  });
  try {
    await nodeExec(node, applyCommand(tag, pid, peers), `partition ${pod} from ${peers.join(', ')}`);
  } catch (err) {
    await heal();
    throw err;
  }
  return { pod, node, peers, tag, description: `pod ${namespace}/${pod} cut off from ${peers.join(', ')} (iptables in its network namespace on ${node}, tag ${tag})`, undo: heal };
}
