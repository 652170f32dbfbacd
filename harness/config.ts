// One typed, frozen configuration: code defaults < ORDINAL_* environment < explicit options.
// The timeout table below is the only place wait bounds are set.
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from './errors.ts';
import { parseImageRegistry } from './images/image-registry.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Time bounds, one per operation kind. Every wait and time limit in the harness names one of these. */
export const DEFAULT_TIMEOUTS = {
  /** server-side apply of a manifest, namespace creation */
  apply: '30s',
  /** a pod from creation to Ready (image already on the node) */
  podReady: '3m',
  /** a whole StatefulSet rollout or scale to its target */
  rollout: '6m',
  /** a PVC to be Bound */
  pvcBound: '2m',
  /** one exec call in a pod */
  exec: '60s',
  /** DNS to follow a pod's new IP */
  dns: '60s',
  /** an application quorum (ZooKeeper leader, Kafka ISR) to form or re-form */
  quorum: '4m',
  /** recovery after an injected fault (pod kill, node restart) */
  faultRecovery: '6m',
  /** a load Job (k6) to finish, in the cluster or as a one-shot integration-test container */
  load: '8m',
  /** a short k6 script's own bound (its maxDuration, e.g. kafka-meta.js); ordinal's wait on it is longer */
  k6Script: '30s',
  /** deleting what a test created (namespaces, PVs) */
  cleanup: '3m',
  /** every node Ready after `kind create cluster` */
  clusterReady: '5m',
  /** a halted ordered scale-up must stay halted this long to count as halted (also a partition, an OnDelete template change, a broken update) */
  haltObservation: '20s',
  /** after a broken template is reverted, how long the StatefulSet controller gets to replace the broken pod by itself before ordinal deletes it (the forced rollback) */
  selfRecovery: '30s',
  /** one network probe inside the cluster (a ZooKeeper session, a four-letter word, an HTTP call) */
  probe: '3s',
  /** one sample of a sampler beside faults (`srvr` on every ZooKeeper member, a topic's metadata): one not back by then is recorded as unanswered and the next taken */
  sample: '15s',
  /** one round trip to the Docker engine, the API server or a registry */
  api: '30s',
  /** loading one image into every kind node */
  imageLoad: '10m',
  /** pushing one image to a registry (`ordinal images push`) */
  imagePush: '10m',
  /** draining one node: every eviction its PodDisruptionBudget refuses is retried this long (a drain waits for the member before to come back) */
  drain: '6m',
  /** restarting one kind node container */
  nodeRestart: '2m',
  /** a kind node container's graceful stop on restart, before docker kills it */
  nodeStopGrace: '10s',
  /** an integration-test container (testcontainers) from start until its wait strategy passes */
  containerStart: '2m',
  /** reading a running container's log in the integration tests (its stream never ends on its own) */
  logCollect: '5s',
  /** a claim Pending this long on a StorageClass that exists counts as a provisioner fault (harness/diagnose) */
  provisioning: '30s',
  /** `ordinal diagnose`: a pod unready or Pending, or a claim Pending, this long is stuck (an error, not a warning) */
  stuck: '60s',
  /** a cluster fault seen before a suite deploys must last this long to block the suite (a node just restarted settles) */
  clusterSettle: '15s',
  /** waiting for the cluster's lock while another process holds it (a drain or node restart runs alone; harness/run/cluster-lock.ts) */
  clusterLock: '30m',
  /** one step of `ordinal upgrade`: `kubeadm upgrade apply` on the control plane (its static pods restarted), or a node's kubelet back Ready at the new version */
  upgradeStep: '10m',
  /** after the control-plane kubelet is replaced: how long its static pods must stay up, unrestarted, to count as kept (v1.35's kubelet restarted them about 30 s after its start) */
  staticPodGrace: '60s',
  /** `ordinal bench --against-e2e`: e2e.test running the 8 upstream StatefulSet [Conformance] specs (its own waits poll every 10 s, two specs are [Slow]) */
  e2eBench: '60m',
  /** one image build step (a cold Kubernetes build takes ~15m on 2 cores) */
  build: '60m',
} as const;

/** One bound from the table (with ORDINAL_TIMEOUT_* overrides), for code that has no Config at hand. */
export function timeoutMs(kind: TimeoutKind): number {
  return loadConfig().timeouts[kind];
}

/** Longer than any single wait: vitest's own per-test backstop, so ordinal's bounds always fire first. */
export function backstopMs(): number {
  return Object.values(loadConfig().timeouts).reduce((a, b) => a + b, 0);
}

export type TimeoutKind = keyof typeof DEFAULT_TIMEOUTS;

/** The variable that overrides one bound: podReady → ORDINAL_TIMEOUT_POD_READY. */
export function timeoutEnvName(kind: TimeoutKind): string {
  return `ORDINAL_TIMEOUT_${kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Every ORDINAL_TIMEOUT_* variable, in the table's order. */
export function timeoutEnvNames(): string[] {
  return (Object.keys(DEFAULT_TIMEOUTS) as TimeoutKind[]).map(timeoutEnvName);
}
export type ImageSource = 'auto' | 'official' | 'build';

export interface Config {
  clusterName: string;
  kindConfigPath: string;
  /** where `cluster up` writes the kubeconfig of the clusters it creates */
  stateDir: string;
  /** project-local tools (kind, k6) */
  toolsDir: string;
  /** content-addressed build cache (Go binaries, rootfs tarballs, logs) */
  cacheDir: string;
  imageSource: ImageSource;
  /** unset: the host's apt sources (harness/images/sources.ts) */
  debianMirror?: string;
  /** unset: `go env GOPROXY` */
  goProxy?: string;
  /** `--image-registry` / ORDINAL_IMAGE_REGISTRY as given (validated): where the nodes pull `ordinal.local/` images from */
  imageRegistry?: string;
  /** the release the upgrade suite takes the cluster to (`ordinal upgrade --to`); unset, the suite is not applicable */
  upgradeTo?: string;
  timeouts: Readonly<Record<TimeoutKind, number>>;
  debug: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses '1500ms', '30s', '5m', '1h', '1m30s'. Throws InputError on anything else. */
export function parseDuration(value: string, what = 'duration'): number {
  const s = value.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) {
    throw new InputError(`invalid ${what} "${value}"`, 'write a duration like 1500ms, 30s, 5m or 1m30s');
  }
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return total;
}

const ENV_KEYS = {
  ORDINAL_CLUSTER_NAME: 'clusterName',
  ORDINAL_KIND_CONFIG: 'kindConfigPath',
  ORDINAL_STATE_DIR: 'stateDir',
  ORDINAL_TOOLS_DIR: 'toolsDir',
  ORDINAL_CACHE_DIR: 'cacheDir',
  ORDINAL_IMAGE_SOURCE: 'imageSource',
  ORDINAL_DEBIAN_MIRROR: 'debianMirror',
  ORDINAL_GOPROXY: 'goProxy',
  ORDINAL_IMAGE_REGISTRY: 'imageRegistry',
  ORDINAL_UPGRADE_TO: 'upgradeTo',
} as const satisfies Record<string, keyof Config>;

export type ConfigOverrides = Partial<Omit<Config, 'timeouts'>> & { timeouts?: Partial<Record<TimeoutKind, string>> };

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const fromEnv: Record<string, string> = {};
  for (const [k, field] of Object.entries(ENV_KEYS)) if (env[k]) fromEnv[field] = env[k]!;
  const str = (field: keyof typeof fromEnv & keyof Config, dflt: string): string =>
    (overrides[field as keyof ConfigOverrides] as string | undefined) ?? fromEnv[field] ?? dflt;

  const imageSource = str('imageSource', 'auto');
  if (!['auto', 'official', 'build'].includes(imageSource)) {
    throw new InputError(`invalid image source "${imageSource}"`, 'use --image-source auto, official or build (or ORDINAL_IMAGE_SOURCE)');
  }
  const clusterName = str('clusterName', 'ordinal');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(clusterName) || clusterName.length > 40) {
    throw new InputError(`invalid cluster name "${clusterName}"`, 'use lowercase letters, digits and dashes, at most 40 characters');
  }

  const imageRegistry = (overrides.imageRegistry ?? fromEnv.imageRegistry) || undefined;
  if (imageRegistry || overrides.imageRegistry === '') parseImageRegistry(imageRegistry ?? '', overrides.imageRegistry !== undefined ? '--image-registry' : 'ORDINAL_IMAGE_REGISTRY');

  const known = timeoutEnvNames();
  const unknown = Object.keys(env).filter((k) => k.startsWith('ORDINAL_TIMEOUT_') && env[k] !== undefined && !known.includes(k));
  if (unknown.length) {
    throw new InputError(`unknown timeout variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, `use one of: ${known.join(', ')}`);
  }
  const timeouts = {} as Record<TimeoutKind, number>;
  for (const kind of Object.keys(DEFAULT_TIMEOUTS) as TimeoutKind[]) {
    const envName = timeoutEnvName(kind);
    const raw = overrides.timeouts?.[kind] ?? env[envName] ?? DEFAULT_TIMEOUTS[kind];
    timeouts[kind] = parseDuration(raw, `timeout ${envName}`);
  }

  const cfg: Config = {
    clusterName,
    kindConfigPath: path.resolve(str('kindConfigPath', path.join(PROJECT_ROOT, 'kind-config.yaml'))),
    stateDir: path.resolve(str('stateDir', path.join(PROJECT_ROOT, '.ordinal'))),
    toolsDir: path.resolve(str('toolsDir', path.join(PROJECT_ROOT, '.tools'))),
    cacheDir: path.resolve(str('cacheDir', path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'ordinal'))),
    imageSource: imageSource as ImageSource,
    ...(str('debianMirror', '') ? { debianMirror: str('debianMirror', '') } : {}),
    ...(str('goProxy', '') ? { goProxy: str('goProxy', '') } : {}),
    ...(imageRegistry ? { imageRegistry } : {}),
    ...(str('upgradeTo', '') ? { upgradeTo: str('upgradeTo', '').replace(/^v/, '') } : {}),
    timeouts: Object.freeze(timeouts),
    debug: overrides.debug ?? Boolean(env.ORDINAL_DEBUG),
  };
  return Object.freeze(cfg);
}

/** Every ORDINAL_* variable, its default and what it does; the README's table says the same (config.test.ts checks). */
export const ENV_DOC: Array<[string, string, string]> = [
  ['ORDINAL_CLUSTER_NAME', 'ordinal', 'kind cluster name used by `cluster` and `run`'],
  ['ORDINAL_KIND_CONFIG', 'kind-config.yaml', 'cluster shape (nodes, pod subnet)'],
  ['ORDINAL_IMAGE_SOURCE', 'auto', '`official` pulls registry images, `build` builds from package registries, `auto` tries official then builds'],
  ['ORDINAL_CACHE_DIR', '$XDG_CACHE_HOME/ordinal or ~/.cache/ordinal', 'content-addressed build cache (Go binaries, rootfs tarballs, jars, build logs)'],
  ['ORDINAL_STATE_DIR', '.ordinal', 'kubeconfig files of clusters ordinal created'],
  ['ORDINAL_TOOLS_DIR', '.tools', 'project-local binaries (kind)'],
  ['ORDINAL_DEBIAN_MIRROR', "the host's apt sources", 'Debian mirror for debootstrap'],
  ['ORDINAL_GOPROXY', '`go env GOPROXY`', 'Go module proxy list for the Go builds'],
  ['ORDINAL_IMAGE_REGISTRY', 'unset', 'same as `--image-registry`: the nodes pull every `ordinal.local/` image from this registry'],
  ['ORDINAL_UPGRADE_TO', 'unset', 'the release the `upgrade` suite upgrades the cluster to (`ordinal upgrade --to` sets it)'],
  ['ORDINAL_TIMEOUT_<KIND>', 'see harness/config.ts', 'override one wait bound, e.g. ORDINAL_TIMEOUT_POD_READY=5m'],
  ['ORDINAL_KEEP', 'unset', '`1` keeps namespaces after a run, for inspection'],
  ['ORDINAL_DEBUG', 'unset', '`1` prints debug logs and stacks'],
];
