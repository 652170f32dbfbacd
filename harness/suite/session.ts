// One suite's session: its own namespace (from generateName, labelled with the run id), the fixture
// deployed there, a timeline recorder on the fixture's pods, and cleanup of all of it.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { PROJECT_ROOT, loadConfig, type Config } from '../config.ts';
import { InputError, NotApplicable } from '../errors.ts';
import { runContext, type RunContext } from './run-context.ts';
import { DEFAULT_FIXTURES, loadFixture, relocateFixture, statefulSetOf, type Fixture, type SuiteName } from '../fixture/fixture.ts';
import { applyObjects } from '../kube/apply.ts';
import { loadKube, type Kube } from '../kube/client.ts';
import { execInPod, execOk, type ExecResult } from '../kube/exec.ts';
import { RUN_ID_KEY, ownedLabels } from '../kube/labels.ts';
import { createNamespace, deleteNamespace } from '../kube/namespace.ts';
import { TimelineRecorder } from '../timeline/recorder.ts';
import { waitForRunning, waitForRunningAndReady } from '../kube/statefulset.ts';
import { collectDiagnostics } from '../report/collect.ts';
import { clusterFaults, type ClusterFault, type ClusterSnapshot } from '../diagnose/cluster-faults.ts';
import { clusterSnapshot } from '../diagnose/cluster-snapshot.ts';
import { parseImageRegistry, relocate, type ImageRegistry } from '../images/image-registry.ts';
import { acquireSuiteLocks } from '../run/cluster-lock.ts';
import { interruptSignal } from '../lifecycle.ts';

/** A cluster snapshot and the faults the rules find in it. */
export interface ClusterHealth {
  snapshot: ClusterSnapshot;
  faults: ClusterFault[];
}

export class SuiteSession {
  recorder?: TimelineRecorder;
  private recorders: TimelineRecorder[] = [];

  private constructor(
    readonly suite: SuiteName,
    readonly ctx: RunContext,
    readonly cfg: Readonly<Config>,
    readonly kube: Kube,
    readonly fixture: Fixture,
    readonly namespace: string,
    /** `--image-registry`, parsed: where this run's nodes pull ordinal's images from */
    readonly registry: ImageRegistry | undefined,
    /** releases this suite's hold on the cluster's lock (shared, or exclusive for a suite that restarts or drains nodes) */
    private readonly unlock: () => Promise<void>,
  ) {}

  static async open(suite: SuiteName): Promise<SuiteSession> {
    const ctx = runContext();
    const cfg = loadConfig();
    const dir = ctx.fixtureDir ?? path.join(PROJECT_ROOT, DEFAULT_FIXTURES[suite]);
    if (!existsSync(dir)) throw new InputError(`fixture ${dir} does not exist`, 'pass --fixture DIR');
    const registry = ctx.imageRegistry ? parseImageRegistry(ctx.imageRegistry) : undefined;
    const fixture = relocateFixture(loadFixture(dir), registry);
    const kube = loadKube(ctx.kubeconfig);
    // suites side by side on one cluster: a node restart or a drain waits for the others, and they for it
    const unlock = await acquireSuiteLocks(kube.server, suite, { who: `suite ${suite} of run ${ctx.runId}`, timeoutMs: cfg.timeouts.clusterLock, signal: interruptSignal, ...(cfg.upgradeTo ? { upgradeTo: cfg.upgradeTo } : {}) });
    try {
      const ns = await createNamespace(kube, `ordinal-${suite}`, ownedLabels(ctx.runId, suite));
      return new SuiteSession(suite, ctx, cfg, kube, fixture, ns, registry, unlock);
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  /** An image of ordinal's own (k6, helpers) as this run's nodes pull it (`--image-registry`). */
  image(ref: string): string {
    return relocate(ref, this.registry);
  }

  get sts(): string {
    return this.fixture.statefulSet;
  }

  get replicas(): number {
    return statefulSetOf(this.fixture).spec?.replicas ?? 1;
  }

  /** spec.ordinals.start of the fixture's StatefulSet (0 when unset) */
  get firstOrdinal(): number {
    return statefulSetOf(this.fixture).spec?.ordinals?.start ?? 0;
  }

  /** The ordinals of `n` replicas (default: the fixture's), from spec.ordinals.start up. */
  ordinals(n = this.replicas): number[] {
    return Array.from({ length: n }, (_, i) => this.firstOrdinal + i);
  }

  /** The pod names of `n` replicas, <sts>-K … <sts>-(K+n-1). */
  podNames(n = this.replicas): string[] {
    return this.ordinals(n).map((i) => `${this.sts}-${i}`);
  }

  labels(): Record<string, string> {
    return ownedLabels(this.ctx.runId, this.suite);
  }

  /** Starts a fresh recorder on the fixture's pods (before creating them, to see everything). */
  async record(): Promise<TimelineRecorder> {
    const selector = statefulSetOf(this.fixture).spec?.selector?.matchLabels ?? {};
    this.recorder = await TimelineRecorder.start(this.kube, this.namespace, this.sts, selector, { firstOrdinal: this.firstOrdinal });
    this.recorders.push(this.recorder);
    return this.recorder;
  }

  /** Applies every object but the StatefulSet (Services, ConfigMaps, PDBs, …). */
  async applySupporting(): Promise<void> {
    const others = this.fixture.objects.filter((o) => !(o.kind === 'StatefulSet' && o.metadata?.name === this.sts));
    await applyObjects(this.kube, others, { namespace: this.namespace, labels: this.labels(), runDir: this.ctx.runDir });
  }

  /** Creates (or re-creates) the StatefulSet from the fixture, optionally with other replicas. */
  async applyStatefulSet(replicas?: number): Promise<k8s.V1StatefulSet> {
    const sts = structuredClone(statefulSetOf(this.fixture));
    if (replicas !== undefined) sts.spec = { ...sts.spec!, replicas };
    // the run's label on its pods and claims too (not managed-by: a chart's templates may set their own)
    const runLabel = { [RUN_ID_KEY]: this.ctx.runId };
    sts.spec!.template.metadata = { ...sts.spec!.template.metadata, labels: { ...sts.spec!.template.metadata?.labels, ...runLabel } };
    for (const t of sts.spec!.volumeClaimTemplates ?? []) t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels, ...runLabel } };
    this.recorder?.action(`apply StatefulSet ${this.sts} (replicas ${sts.spec?.replicas ?? 1})`);
    const [applied] = await applyObjects(this.kube, [sts], { namespace: this.namespace, labels: this.labels(), runDir: this.ctx.runDir }) as k8s.V1StatefulSet[];
    // an API server without StatefulSetStartOrdinal (GA in 1.31) drops the field and names the pods from 0
    if (this.firstOrdinal !== 0 && applied?.spec?.ordinals?.start !== this.firstOrdinal) {
      throw new NotApplicable(`the API server dropped spec.ordinals.start ${this.firstOrdinal} of StatefulSet ${this.sts} (the StatefulSetStartOrdinal feature, GA in Kubernetes 1.31, is off or missing), so its pods would be named from 0: a fixture with start ordinals cannot be judged on this cluster`);
    }
    return applied!;
  }

  /**
   * Records, applies the fixture and waits until all its pods are Running and Ready (or only
   * Running, for fixtures whose pods are not expected to become Ready).
   */
  async deploy(opts: { replicas?: number; until?: 'ready' | 'running' } = {}): Promise<void> {
    const replicas = opts.replicas ?? this.replicas;
    const rec = await this.record();
    await this.applySupporting();
    await this.applyStatefulSet(replicas);
    if (opts.until === 'running') await waitForRunning(rec, replicas, this.cfg.timeouts.rollout);
    else await waitForRunningAndReady(rec, replicas, this.cfg.timeouts.rollout);
  }

  /**
   * The kind cluster this run reaches through Docker, for what is done from its node containers
   * (a node restart, a partition, an upgrade); on any other cluster, not applicable, saying why.
   */
  kindCluster(doing: string): string {
    if (!this.ctx.kindCluster) throw new NotApplicable(`${doing} is done from the kind node containers ordinal reaches through Docker; this run's cluster is not a kind cluster on this machine`);
    return this.ctx.kindCluster;
  }

  container(pod: string) {
    return { namespace: this.namespace, pod, container: this.fixture.container };
  }

  exec(pod: string, argv: string[]): Promise<ExecResult> {
    return execInPod(this.kube, this.container(pod), argv, { timeoutMs: this.cfg.timeouts.exec });
  }

  execOk(pod: string, argv: string[]): Promise<string> {
    return execOk(this.kube, this.container(pod), argv, { timeoutMs: this.cfg.timeouts.exec });
  }

  /**
   * The cluster's own health (nodes, DNS, image pulls, provisioning, evictions in this namespace)
   * and the faults it shows; with `lookup`, also resolves kubernetes.default from a running fixture pod.
   */
  async clusterHealth(opts: { lookup?: boolean } = {}): Promise<ClusterHealth> {
    const pod = opts.lookup ? this.recorder?.pods().find((p) => p.running && !p.terminating) : undefined;
    const lookup = pod ? { pod: pod.pod, container: this.fixture.container, resolve: this.fixture.resolve, timeoutMs: this.cfg.timeouts.probe } : undefined;
    const snapshot = await clusterSnapshot(this.kube, { namespace: this.namespace, lookup });
    return { snapshot, faults: clusterFaults(snapshot, { provisioningMs: this.cfg.timeouts.provisioning }) };
  }

  /**
   * Saves pod logs, events, object descriptions and the cluster's health (`health`, when the check
   * already read it, else read now) for a failed or blocked check.
   */
  async collect(checkId: string, health?: ClusterHealth): Promise<string> {
    const dir = path.join(this.ctx.runDir, 'failures', this.suite, checkId.replace(/[^\w.-]+/g, '_'));
    await collectDiagnostics(this.kube, this.namespace, dir, this.recorder);
    await writeFile(path.join(dir, 'cluster-health.json'), JSON.stringify(health ?? (await this.clusterHealth()), null, 2) + '\n');
    return dir;
  }

  /** Extra results for results.json (under extras.<suite>), e.g. a k6 summary; reported with the suite's totals. */
  extras?: unknown;

  writeExtra(data: unknown): void {
    this.extras = data;
  }

  /** Stops and saves the recorders and deletes the namespace; every step is tried, their errors are collected. */
  async close(): Promise<void> {
    const dir = path.join(this.ctx.runDir, 'timelines');
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>) => fn().catch((e: unknown) => void errors.push(e));
    for (const [i, r] of this.recorders.entries()) {
      await attempt(() => r.stop());
      await attempt(() => r.save(dir, `${this.suite}${this.recorders.length > 1 ? `-${i + 1}` : ''}`));
    }
    if (!this.ctx.keep) await attempt(() => deleteNamespace(this.kube, this.namespace));
    await attempt(() => this.unlock());
    if (errors.length) throw new AggregateError(errors, `closing suite ${this.suite} (namespace ${this.namespace}): ${errors.map((e) => (e as Error).message).join('; ')}`);
  }
}
