// `cluster up | down | status`: create (or reuse, when healthy) a kind cluster from kind-config.yaml
// and return only when every node is Ready, CoreDNS answers a lookup and the default StorageClass
// provisions a PV. A failed or interrupted `up` deletes what it half-created, unless --keep.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import type { Config } from '../config.ts';
import { Impossible, OrdinalError, formatMs } from '../errors.ts';
import { ensureClusterImages, type ImageChoice } from '../images/builder.ts';
import { imageId, requireDocker } from '../images/docker.ts';
import { checkReachable, loadKube, type Kube } from '../kube/client.ts';
import { applyObjects } from '../kube/apply.ts';
import { ownedLabels } from '../kube/labels.ts';
import { createNamespace, deleteNamespace } from '../kube/namespace.ts';
import { interruptSignal, onInterrupt } from '../lifecycle.ts';
import { info, step, yellow } from '../log.ts';
import { waitForWatch } from '../wait/watch.ts';
import { Kind } from './kind.ts';
import { connectKindCluster, localRegistryRunning } from './local-registry.ts';
import { loadKindConfig, type KindConfig } from './kind-config.ts';

export interface UpOptions {
  /** keep a half-created cluster after a failure or Ctrl-C */
  keep?: boolean;
  /** also merge the kubeconfig into ~/.kube/config */
  exportKubeconfig?: boolean;
}

export interface UpResult {
  name: string;
  kubeconfig: string;
  nodeImage: string;
  reused: boolean;
  ms: number;
  images: ImageChoice;
}

export async function clusterUp(cfg: Config, opts: UpOptions = {}): Promise<UpResult> {
  const t0 = performance.now();
  const kindCfg = loadKindConfig(cfg.kindConfigPath);
  await requireDocker();
  const images = await ensureClusterImages(cfg);
  const kind = await Kind.load(cfg);
  const name = cfg.clusterName;

  if ((await kind.clusters()).includes(name)) {
    const problem = await healthProblem(cfg, kind, name, kindCfg);
    if (problem) {
      throw new OrdinalError(`kind cluster "${name}" exists but is not healthy: ${problem}`, `delete it with \`npx ordinal cluster down${name === 'ordinal' ? '' : ` --name ${name}`}\`, then run \`cluster up\` again`);
    }
    const kubeconfig = await kind.exportKubeconfig(name);
    const running = (await kind.nodes(name))[0]?.image;
    if (running && (await imageId(running)) !== (await imageId(images.node))) {
      info('cluster', yellow(`cluster "${name}" runs node image ${running}, not the current ${images.node}; \`ordinal cluster down\` and \`up\` to move to it`));
    }
    await kind.loadImage(name, images.nginx);
    if (await localRegistryRunning()) await connectKindCluster(cfg, name);
    info('cluster', `reusing healthy cluster "${name}" (${kindCfg.nodes.length} nodes)`);
    return { name, kubeconfig, nodeImage: running ?? images.node, reused: true, ms: performance.now() - t0, images };
  }

  const kubeconfig = kind.kubeconfigPath(name);
  await mkdir(path.dirname(kubeconfig), { recursive: true });
  const undo = onInterrupt(`delete half-created kind cluster ${name}`, async () => {
    if (opts.keep) return;
    await kind.delete(name);
    info('cluster', `deleted the half-created cluster "${name}"`);
  });
  try {
    await step('cluster', `Creating kind cluster "${name}" (${describeNodes(kindCfg)}, image ${images.node})`, () =>
      kind.run(
        ['create', 'cluster', '--name', name, '--config', cfg.kindConfigPath, '--image', images.node, '--kubeconfig', kubeconfig, '--retain', '--wait', '0s'],
        { signal: interruptSignal, timeoutMs: cfg.timeouts.clusterReady * 2, stream: Boolean(cfg.debug) },
      ),
    );
    await kind.writeRecord({ name, createdAt: new Date().toISOString(), nodeImage: images.node, kubeconfig, createdBy: 'ordinal' });
    if (opts.exportKubeconfig) await kind.run(['export', 'kubeconfig', '--name', name]);
    await step('cluster', `Loading ${images.nginx} into the nodes`, () => kind.loadImage(name, images.nginx));
    const kube = loadKube(kubeconfig);
    await waitUntilUsable(cfg, kube, kindCfg, images.nginx);
    if (await localRegistryRunning()) await connectKindCluster(cfg, name);
  } catch (err) {
    if (interruptSignal.aborted) throw new OrdinalError(`cluster up interrupted; ${opts.keep ? `kept the half-created cluster "${name}"` : `deleting the half-created cluster "${name}"`}`);
    if (!opts.keep) {
      const logs = path.join(cfg.stateDir, 'failed-clusters', `${name}-${Date.now()}`);
      await kind.exportLogs(name, logs);
      await kind.delete(name).catch(() => undefined);
      if (err instanceof OrdinalError && !err.fix) {
        throw new OrdinalError(`${err.message} (the cluster was deleted; kind logs in ${logs})`, 'run with --keep to inspect a failed cluster');
      }
    }
    throw err;
  } finally {
    undo();
  }
  const ms = performance.now() - t0;
  info('cluster', `cluster "${name}" is ready in ${formatMs(ms)}; kubeconfig ${kubeconfig}`);
  return { name, kubeconfig, nodeImage: images.node, reused: false, ms, images };
}

function describeNodes(k: KindConfig): string {
  const cp = k.nodes.filter((n) => n.role === 'control-plane').length;
  return `${cp} control-plane, ${k.nodes.length - cp} worker${k.nodes.length - cp === 1 ? '' : 's'}`;
}

/** Why an existing cluster is not usable, or undefined when it is healthy. */
async function healthProblem(cfg: Config, kind: Kind, name: string, kindCfg: KindConfig): Promise<string | undefined> {
  const { nodes, problem } = await inspectCluster(kind, name);
  if (nodes.length !== kindCfg.nodes.length) return `it has ${nodes.length} node containers, ${cfg.kindConfigPath} asks for ${kindCfg.nodes.length}`;
  const stopped = nodes.filter((n) => n.container !== 'running');
  if (stopped.length) return `node containers not running: ${stopped.map((n) => `${n.name} (${n.container})`).join(', ')}`;
  if (problem) return problem;
  const notReady = nodes.filter((n) => !n.ready).map((n) => n.name);
  if (notReady.length) return `nodes not Ready: ${notReady.join(', ')}`;
  return undefined;
}

export function isNodeReady(n: k8s.V1Node): boolean {
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Every node Ready, CoreDNS answering, the default StorageClass provisioning a PV. */
async function waitUntilUsable(cfg: Config, kube: Kube, kindCfg: KindConfig, probeImage: string): Promise<void> {
  const want = kindCfg.nodes.length;
  await step('cluster', `Waiting for ${want} nodes to be Ready`, () =>
    waitForWatch(
      kube,
      { path: '/api/v1/nodes', list: () => kube.core.listNode() },
      'cluster nodes',
      `${want} nodes Ready`,
      (nodes) => {
        const ready = nodes.filter(isNodeReady).length;
        return { done: nodes.length === want && ready === want, observed: `${ready}/${nodes.length} Ready (${nodes.map((n) => `${n.metadata!.name}=${isNodeReady(n) ? 'Ready' : 'NotReady'}`).join(', ')})` };
      },
      { timeoutMs: cfg.timeouts.clusterReady, signal: interruptSignal },
    ),
  );
  await step('cluster', 'Checking CoreDNS answers and the default StorageClass provisions a PV', () => preflight(cfg, kube, probeImage));
}

/** One pod that resolves a Service name through cluster DNS and writes to a freshly provisioned PVC. */
async function preflight(cfg: Config, kube: Kube, image: string): Promise<void> {
  const ns = await createNamespace(kube, 'ordinal-preflight', ownedLabels('preflight'));
  try {
    await applyObjects(kube, [
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'probe' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } } } as k8s.V1PersistentVolumeClaim,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'probe' },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'probe', image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'getent hosts kubernetes.default.svc.cluster.local && echo ok > /data/probe && cat /data/probe'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'probe' } }],
        },
      } as k8s.V1Pod,
    ], { namespace: ns, labels: ownedLabels('preflight') });
    await waitForWatch(
      kube,
      { path: `/api/v1/namespaces/${ns}/pods`, list: () => kube.core.listNamespacedPod({ namespace: ns }) },
      `Pod ${ns}/probe`,
      'to resolve kubernetes.default through CoreDNS and write to a provisioned PVC (phase Succeeded)',
      (pods) => {
        const p = pods[0];
        const phase = p?.status?.phase ?? 'absent';
        const c = p?.status?.containerStatuses?.[0]?.state;
        if (phase === 'Failed') throw new Impossible(`the probe pod failed (${c?.terminated?.reason ?? '?'}, exit ${c?.terminated?.exitCode ?? '?'})`);
        const unscheduled = p?.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status !== 'True');
        return { done: phase === 'Succeeded', observed: `phase=${phase}${c?.waiting ? ` waiting=${c.waiting.reason}` : ''}${unscheduled ? ` unscheduled: ${unscheduled.message}` : ''}` };
      },
      { timeoutMs: cfg.timeouts.podReady, signal: interruptSignal },
    );
    const pvc = await kube.core.readNamespacedPersistentVolumeClaim({ name: 'probe', namespace: ns });
    if (pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName) throw new OrdinalError(`preflight PVC ${ns}/probe is ${pvc.status?.phase}, expected Bound to a provisioned PV`);
  } finally {
    await deleteNamespace(kube, ns).catch(() => undefined);
  }
}

export interface NodeStatus {
  name: string;
  role: string;
  container: string;
  ready: boolean | undefined;
  kubelet?: string;
  runtime?: string;
  image: string;
}

interface Inspection {
  nodes: NodeStatus[];
  kubeconfig?: string;
  server?: string;
  /** why the API server could not be asked (nodes then have ready: undefined) */
  problem?: string;
}

/** A cluster's node containers, each joined with its Node as the API server reports it. */
async function inspectCluster(kind: Kind, name: string): Promise<Inspection> {
  const containers = await kind.nodes(name);
  const out: Inspection = { nodes: [] };
  let apiNodes: k8s.V1Node[] = [];
  try {
    const kube = loadKube(await kind.exportKubeconfig(name));
    out.kubeconfig = kube.kubeconfigPath;
    out.server = kube.server;
    await checkReachable(kube);
    apiNodes = (await kube.core.listNode()).items;
  } catch (err) {
    out.problem = (err as Error).message;
  }
  for (const c of containers) {
    const n = apiNodes.find((x) => x.metadata?.name === c.name);
    out.nodes.push({
      name: c.name,
      role: c.role,
      container: c.state,
      ready: n ? isNodeReady(n) : undefined,
      kubelet: n?.status?.nodeInfo?.kubeletVersion,
      runtime: n?.status?.nodeInfo?.containerRuntimeVersion,
      image: c.image,
    });
  }
  return out;
}

export async function clusterStatus(cfg: Config): Promise<{ name: string; exists: boolean; createdByOrdinal: boolean } & Inspection> {
  await requireDocker();
  const kind = await Kind.load(cfg);
  const name = cfg.clusterName;
  if (!(await kind.clusters()).includes(name)) return { name, exists: false, createdByOrdinal: false, nodes: [] };
  return { name, exists: true, createdByOrdinal: !!kind.record(name), ...(await inspectCluster(kind, name)) };
}

export async function clusterDown(cfg: Config, opts: { force?: boolean } = {}): Promise<'deleted' | 'absent'> {
  await requireDocker();
  const kind = await Kind.load(cfg);
  const name = cfg.clusterName;
  if (!(await kind.clusters()).includes(name)) return 'absent';
  if (!kind.record(name) && !opts.force) {
    throw new OrdinalError(`kind cluster "${name}" was not created by ordinal on this checkout; not deleting it`, `delete it yourself with \`kind delete cluster --name ${name}\`, or pass --force`);
  }
  await kind.delete(name);
  return 'deleted';
}
