// `ordinal run`: prepare the cluster (create or reuse kind, or take a kubeconfig), load the fixtures'
// images, run the suites through vitest's Node API with ordinal's reporter, and clean up what the
// run created (by its run-id label), also on Ctrl-C.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../config.ts';
import { InputError, OrdinalError } from '../errors.ts';
import { clusterUp } from '../cluster/cluster.ts';
import { Kind } from '../cluster/kind.ts';
import { DEFAULT_FIXTURES, KNOWN_SUITES, OPT_IN_SUITES, fixtureImages, loadFixture, relocateFixture, type Fixture, type SuiteName } from '../fixture/fixture.ts';
import { parseImageRegistry, type ImageRegistry } from '../images/image-registry.ts';
import { requireInRegistry } from '../images/push.ts';
import { ARTIFACTS, RUNNER_IMAGE, SLIM_IMAGE } from '../images/catalog.ts';
import { buildArtifacts } from '../images/builder.ts';
import { imageExists, imageLabel } from '../images/docker.ts';
import { apiMessage, checkReachable, isNotFound, loadKube, type Kube } from '../kube/client.ts';
import { cleanupClusterObjects } from '../kube/apply.ts';
import { MANAGED_BY_KEY, MANAGED_BY_VALUE, RUN_ID_KEY } from '../kube/labels.ts';
import { interruptSignal, onInterrupt } from '../lifecycle.ts';
import { debug, info, step, teeInfo, yellow } from '../log.ts';
import { OrdinalReporter } from '../report/reporter.ts';
import { ensureWritableDir } from '../report/report-dir.ts';
import type { RunContext } from '../suite/run-context.ts';
import { E2eLog } from '../report/e2e-log.ts';
import { writeInClusterKubeconfig } from '../kube/in-cluster.ts';
import { runPassed, type RunResults } from '../report/results.ts';
import { poll, withDeadline } from '../wait/poll.ts';
import { PARALLEL_ENV } from './parallelism.ts';
import { acquireClusterLock } from './cluster-lock.ts';

/** The built-in fixtures of the given suites, each loaded once. */
export function builtinFixtures(suites: readonly SuiteName[]): Fixture[] {
  return [...new Set(suites.map((s) => DEFAULT_FIXTURES[s]))].map((f) => loadFixture(path.join(PROJECT_ROOT, f)));
}

/**
 * Every image a cluster needs to run ordinal: the built-in suites' fixtures and k6, the runner image
 * and its results sidecar (the slim image, Hydrophone's --busybox-image), plus the given fixtures'.
 */
export function suiteImages(extra: readonly Fixture[] = []): string[] {
  return [...new Set([...[...builtinFixtures(KNOWN_SUITES), ...extra].flatMap(fixtureImages), RUNNER_IMAGE, SLIM_IMAGE])];
}

export function availableSuites(): SuiteName[] {
  return KNOWN_SUITES.filter((s) => existsSync(path.join(PROJECT_ROOT, 'suites', s, `${s}.test.ts`)));
}

export interface RunOptions {
  suites?: string[];
  /** only checks whose id matches this regular expression */
  focus?: string;
  /** no check whose id matches this regular expression */
  skip?: string;
  /** use the pod's ServiceAccount (ordinal's runner image inside the cluster) */
  inCluster?: boolean;
  /** also write the conformance image's e2e.log here (Hydrophone, Sonobuoy) */
  e2eLog?: string;
  /** the producer's load, over the fixture's app.kafka.load (harness/apps/load-settings.ts) */
  load?: { rate?: number; vus?: number };
  fixture?: string;
  kubeconfig?: string;
  context?: string;
  reportDir?: string;
  keep?: boolean;
  /** suites at once (--parallel; default 1 here, the CLI's default comes from the machine) */
  parallel?: number;
  /** print check lines (default true) */
  quiet?: boolean;
}

export interface RunOutcome {
  results: RunResults;
  runDir: string;
  passed: boolean;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${Math.random().toString(36).slice(2, 6)}`;
}

function selectSuites(requested: string[], fixture?: Fixture): SuiteName[] {
  const available = availableSuites();
  for (const s of requested) {
    if (!(KNOWN_SUITES as readonly string[]).includes(s)) throw new InputError(`unknown suite "${s}"`, `use one or more of: ${available.join(', ')}`);
    if (!available.includes(s as SuiteName)) throw new InputError(`suite "${s}" is not part of this version of ordinal`, `use one or more of: ${available.join(', ')}`);
  }
  if (fixture) {
    const unfit = requested.filter((s) => !fixture.suites.includes(s as SuiteName));
    if (unfit.length) throw new InputError(`fixture ${fixture.name} does not declare suite${unfit.length > 1 ? 's' : ''} ${unfit.join(', ')}`, `add them to suites: in ${path.join(fixture.dir, 'fixture.yaml')}, or run only ${fixture.suites.join(', ')}`);
    return requested.length ? (requested as SuiteName[]) : fixture.suites.filter((s) => available.includes(s) && !OPT_IN_SUITES.includes(s));
  }
  return requested.length ? (requested as SuiteName[]) : available.filter((s) => !OPT_IN_SUITES.includes(s));
}

/** The kind cluster behind a kubeconfig context named kind-<name>, if this Docker engine runs it. */
async function kindClusterOf(cfg: Config, kube: Kube): Promise<string | undefined> {
  const ctx = kube.kc.getCurrentContext();
  if (!ctx.startsWith('kind-')) return undefined;
  try {
    const kind = await Kind.load(cfg);
    const name = ctx.slice('kind-'.length);
    return (await kind.clusters()).includes(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The fixtures' declared images that are not pulled from the registry: those a kind cluster gets loaded. */
export function loadable(fixtures: readonly Fixture[], registry: ImageRegistry | undefined): string[] {
  return [...new Set(fixtures.flatMap((f) => f.images))].filter((i) => !registry || !i.startsWith(`${registry.name}/`));
}

/** Builds (when ours and missing) and loads the fixtures' images into the kind nodes. */
async function loadImages(cfg: Config, kindCluster: string, images: string[]): Promise<void> {
  const ours: string[] = [];
  for (const img of images.filter((i) => ARTIFACTS.some((a) => a.image === i))) {
    // present without ordinal's key label: an official image stands in for it (--image-source)
    if ((await imageLabel(img, 'org.ordinal.key')) === '') continue;
    ours.push(img);
  }
  if (ours.length) await buildArtifacts(cfg, { only: ARTIFACTS.filter((a) => a.image && ours.includes(a.image)).map((a) => a.id) });
  const kind = await Kind.load(cfg);
  for (const img of images) {
    if (!(await imageExists(img))) {
      throw new OrdinalError(`fixture image ${img} is not on this Docker engine`, `build or pull it (docker pull ${img}) so ordinal can load it into the kind nodes`);
    }
    await step('images', `Loading ${img} into kind cluster ${kindCluster}`, () => kind.loadImage(kindCluster, img));
  }
}

/**
 * Deletes what this run created: its namespaces (and so everything in them) and the cluster-scoped
 * objects it recorded; returns what is left after `waitMs`.
 */
export async function cleanupRun(kube: Kube, runId: string, runDir: string, waitMs: number): Promise<string[]> {
  const selector = `${MANAGED_BY_KEY}=${MANAGED_BY_VALUE},${RUN_ID_KEY}=${runId}`;
  const list = await kube.core.listNamespace({ labelSelector: selector });
  // NotFound is done; any other failure is reported with its cause, and not waited for
  const failed = new Map<string, string>();
  for (const ns of list.items) {
    const name = ns.metadata!.name!;
    if (ns.metadata?.deletionTimestamp) continue;
    try {
      await kube.core.deleteNamespace({ name });
    } catch (err) {
      if (!isNotFound(err)) failed.set(name, `Namespace ${name}: ${apiMessage(err)}`);
    }
  }
  const deleteErrors = [...failed.values()];
  const clusterLeft = await cleanupClusterObjects(kube, runDir);
  const waiting = list.items.map((n) => n.metadata!.name!).filter((n) => !failed.has(n));
  if (!waitMs || waiting.length === 0) return [...deleteErrors, ...clusterLeft, ...(waitMs ? [] : waiting)];
  const nsLeft = await poll(`namespaces of run ${runId}`, 'to be deleted', async () => {
    const left = (await kube.core.listNamespace({ labelSelector: selector })).items.map((n) => n.metadata!.name!).filter((n) => !failed.has(n));
    return { done: left.length === 0, observed: left.length ? `still present: ${left.join(', ')}` : 'all gone', value: left };
  }, { timeoutMs: waitMs, intervalMs: 1000 });
  // volumes of the run's claims that a Retain storage class keeps: they hold data, so name them, do not delete them
  const names = new Set(list.items.map((n) => n.metadata!.name!));
  const retained = (await kube.core.listPersistentVolume()).items
    .filter((pv) => names.has(pv.spec?.claimRef?.namespace ?? '') && pv.spec?.persistentVolumeReclaimPolicy === 'Retain')
    .map((pv) => `PersistentVolume ${pv.metadata!.name} (Retain, claim ${pv.spec!.claimRef!.namespace}/${pv.spec!.claimRef!.name})`);
  return [...deleteErrors, ...clusterLeft, ...nsLeft, ...retained];
}

export interface PreparedCluster {
  kube: Kube;
  kubeconfig: string;
  kindCluster?: string;
  version: string;
  ms: number;
}

/**
 * Gets a cluster ready for suites: the given kubeconfig's cluster (never deleted by ordinal), or
 * the kind cluster created or reused from kind-config.yaml; then loads the images into kind nodes.
 */
export async function prepareCluster(cfg: Config, opts: { kubeconfig?: string; context?: string; images: string[] }): Promise<PreparedCluster> {
  const t0 = performance.now();
  const up = opts.kubeconfig ? undefined : await clusterUp(cfg);
  const kubeconfig = up?.kubeconfig ?? path.resolve(opts.kubeconfig!);
  const kube = loadKube(kubeconfig, opts.context);
  const version = await checkReachable(kube);
  let kindCluster = up?.name;
  if (!up) {
    kindCluster = await kindClusterOf(cfg, kube);
    info('run', `using the cluster of ${kubeconfig}${kindCluster ? ` (kind cluster ${kindCluster})` : ''}; ordinal will not delete it`);
  }
  if (kindCluster && opts.images.length) {
    // loading reaches every node: not while another run restarts or drains one
    const unlock = await acquireClusterLock(kube.server, 'shared', { who: `loading images into kind cluster ${kindCluster}`, timeoutMs: cfg.timeouts.clusterLock, signal: interruptSignal });
    try {
      await loadImages(cfg, kindCluster, opts.images);
    } finally {
      await unlock();
    }
  }
  else if (opts.images.length) info('run', yellow(`not a kind cluster: the fixtures' images (${opts.images.join(', ')}) must be pullable by its nodes (push ordinal's own with \`ordinal images push --registry R\` and pass --image-registry R)`));
  return { kube, kubeconfig, kindCluster, version, ms: performance.now() - t0 };
}

/** How many checks the suites declare for this context (--focus and --skip applied), without running any. */
async function countChecks(context: RunContext, files: string[]): Promise<number> {
  const { createVitest } = await import('vitest/node');
  const v = await createVitest('test', { root: PROJECT_ROOT, config: path.join(PROJECT_ROOT, 'vitest.config.ts'), configLoader: 'runner', project: 'suites', watch: false, reporters: [] });
  try {
    v.provide('ordinal', context);
    const { testModules } = await v.collect(files);
    return testModules.reduce((n, m) => n + [...m.children.allTests()].length, 0);
  } finally {
    await v.close();
  }
}

export async function runSuites(cfg: Config, opts: RunOptions): Promise<RunOutcome> {
  const fixture = opts.fixture ? loadFixture(opts.fixture) : undefined;
  const suites = selectSuites(opts.suites ?? [], fixture);
  if (suites.length === 0) throw new InputError('no suites to run', `available suites: ${availableSuites().join(', ')}`);
  const runId = newRunId();
  const runDir = await ensureWritableDir(opts.reportDir ?? path.join(PROJECT_ROOT, 'reports', runId), 'report directory');

  const registry = cfg.imageRegistry ? parseImageRegistry(cfg.imageRegistry) : undefined;
  const fixtures = (fixture ? [fixture] : builtinFixtures(suites)).map((f) => relocateFixture(f, registry));
  const e2eLog = new E2eLog(path.join(runDir, 'e2e.log'), ...(opts.e2eLog ? [path.resolve(opts.e2eLog)] : []));
  const untee = teeInfo((line) => e2eLog.progress(line));
  try {
    const kubeconfigFile = opts.inCluster ? await writeInClusterKubeconfig(runDir) : opts.kubeconfig;
    // the nodes pull what is in the registry; the rest is loaded into kind nodes, as without a registry
    if (registry) await requireInRegistry(cfg, registry, fixtures.flatMap(fixtureImages), { inCluster: opts.inCluster });
    const prep = await prepareCluster(cfg, { kubeconfig: kubeconfigFile, context: opts.context, images: loadable(fixtures, registry) });
    const { kubeconfig, kindCluster, version, kube } = prep;
    const clusterPrepMs = prep.ms;

    let results: RunResults | undefined;
    const { createVitest } = await import('vitest/node');
    // vitest's config reads it when createVitest loads it (vitest.config.ts)
    process.env[PARALLEL_ENV] = String(Math.min(opts.parallel ?? 1, suites.length));
    const reporter = new OrdinalReporter({ runId, runDir, cluster: { kubeconfig, server: kube.server, version, kind: kindCluster }, clusterPrepMs, onResults: (r) => (results = r), print: !opts.quiet, e2eLog });
    const vitest = await createVitest('test', {
      root: PROJECT_ROOT,
      config: path.join(PROJECT_ROOT, 'vitest.config.ts'),
      // loads the config without bundling it to a file beside it (the runner image's /opt/ordinal is read-only to its user)
      configLoader: 'runner',
      project: 'suites',
      watch: false,
      reporters: [reporter],
    });
    // the suites read this with inject('ordinal') (harness/suite/run-context.ts)
    const context: RunContext = { kubeconfig, runId, runDir, kindCluster, fixtureDir: fixture?.dir, keep: Boolean(opts.keep), focus: opts.focus, skip: opts.skip, imageRegistry: cfg.imageRegistry, ...(opts.load?.rate || opts.load?.vus ? { load: opts.load } : {}) };
    const files = suites.map((s) => `suites/${s}/${s}.test.ts`);
    // e2e.log opens with how many checks will run (Hydrophone's progress needs it): count them first
    // (only for the conformance image's copy: counting loads every suite file once more)
    e2eLog.start(opts.e2eLog ? await countChecks(context, files) : undefined, `${suites.join(', ')} on ${fixture ? `fixture ${fixture.name}` : 'the built-in fixtures'}`);
    vitest.provide('ordinal', context);
    let finished: Promise<void> = Promise.resolve();
    const undo = onInterrupt(`delete namespaces of run ${runId}`, async () => {
      // stops the suites' worker also when only ordinal got the signal (SIGTERM from a CI runner)
      void vitest.cancelCurrentRun('keyboard-input').catch(() => undefined);
      // namespaces only asked to go (no wait under an interrupt) are listed too: debug, not a warning
      if (!opts.keep) debug('cleanup', `left: ${(await cleanupRun(kube, runId, runDir, 0)).join(', ') || 'nothing'}`);
      // let the reporter write what ran (marked interrupted), within one API round trip's bound
      await withDeadline(finished, cfg.timeouts.api, 'the suites did not stop', true).catch(() => undefined);
    });
    info('run', `run ${runId}: ${suites.join(', ')}${suites.length > 1 && (opts.parallel ?? 1) > 1 ? ` (${Math.min(opts.parallel!, suites.length)} at a time)` : ''} on ${fixture ? `fixture ${fixture.name}` : 'the built-in fixtures'}; reports in ${runDir}`);
    try {
      const started = vitest.start(files);
      finished = started.then(() => undefined, () => undefined);
      await started;
    } catch (err) {
      if (!interruptSignal.aborted) throw new OrdinalError(`the suites could not run: ${(err as Error).message}`);
    } finally {
      await vitest.close().catch(() => undefined);
      undo();
      if (!opts.keep) {
        const left = await cleanupRun(kube, runId, runDir, cfg.timeouts.cleanup).catch((e: Error) => [`cleanup failed: ${e.message}`]);
        if (left.length) info('run', yellow(`left behind: ${left.join(', ')}`));
      }
    }
    if (!results) throw new OrdinalError('the suites produced no results', 'see the errors above; re-run with ORDINAL_DEBUG=1');
    return { results, runDir, passed: runPassed(results) };
  } finally {
    untee();
    e2eLog.close();
  }
}
