// `ordinal registry up | down | status`: a CNCF Distribution registry in a container on this Docker
// engine, published on 127.0.0.1 only, which the kind cluster's nodes pull from exactly as a user's
// cluster pulls from its registry: containerd resolves `localhost:PORT/...` through a hosts.toml
// (kind-config.yaml sets containerd's config_path) that points at the registry on the kind network.
import type { Config } from '../config.ts';
import { OrdinalError } from '../errors.ts';
import { buildArtifacts } from '../images/builder.ts';
import { REGISTRY_IMAGE } from '../images/catalog.ts';
import { requireDocker } from '../images/docker.ts';
import { parseImageRegistry, type ImageRegistry } from '../images/image-registry.ts';
import { info } from '../log.ts';
import { run } from '../proc/command.ts';
import { poll } from '../wait/poll.ts';
import { Kind } from './kind.ts';

export const LOCAL_REGISTRY = {
  container: 'ordinal-registry',
  volume: 'ordinal-registry-data',
  /** on 127.0.0.1 of this machine, and the name the nodes pull by */
  port: 5001,
  /** the repository prefix ordinal pushes under */
  prefix: 'ordinal',
  label: 'org.ordinal.managed-by=ordinal',
} as const;

/** The registry as `--image-registry` names it: localhost:5001/ordinal. */
export function localRegistry(): ImageRegistry {
  return parseImageRegistry(`localhost:${LOCAL_REGISTRY.port}/${LOCAL_REGISTRY.prefix}`);
}

const CONFIG_PATH = '/etc/containerd/certs.d';

async function containerState(): Promise<{ state: string; ours: boolean } | undefined> {
  const r = await run(['docker', 'container', 'inspect', '-f', '{{.State.Status}}\t{{index .Config.Labels "org.ordinal.managed-by"}}', LOCAL_REGISTRY.container], { allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const [state, owner] = r.stdout.trim().split('\t');
  return { state: state!, ours: owner === 'ordinal' };
}

/** Starts (or reuses) the registry container and returns when its /v2/ endpoint answers. */
export async function localRegistryUp(cfg: Config): Promise<ImageRegistry> {
  await requireDocker();
  const c = await containerState();
  if (c && !c.ours) {
    throw new OrdinalError(`a container named ${LOCAL_REGISTRY.container} exists and was not started by ordinal`, `remove or rename it (docker rm -f ${LOCAL_REGISTRY.container}), then run \`ordinal registry up\` again`);
  }
  if (!c) {
    await buildArtifacts(cfg, { only: ['image/registry'] });
    const busy = await run(['docker', 'ps', '--filter', `publish=${LOCAL_REGISTRY.port}`, '--format', '{{.Names}}'], { allowFailure: true });
    if (busy.stdout.trim()) throw new OrdinalError(`port ${LOCAL_REGISTRY.port} is already published by container ${busy.stdout.trim()}`, `stop it, then run \`ordinal registry up\` again`);
    await run([
      'docker', 'run', '-d', '--name', LOCAL_REGISTRY.container, '--restart', 'unless-stopped', '--label', LOCAL_REGISTRY.label,
      '-p', `127.0.0.1:${LOCAL_REGISTRY.port}:5000`, '-v', `${LOCAL_REGISTRY.volume}:/var/lib/registry`, REGISTRY_IMAGE,
    ], { timeoutMs: cfg.timeouts.api, fix: `see \`docker logs ${LOCAL_REGISTRY.container}\`` });
    info('registry', `started ${REGISTRY_IMAGE} as container ${LOCAL_REGISTRY.container} on 127.0.0.1:${LOCAL_REGISTRY.port}`);
  } else if (c.state !== 'running') {
    await run(['docker', 'start', LOCAL_REGISTRY.container], { timeoutMs: cfg.timeouts.api });
  }
  const url = `http://127.0.0.1:${LOCAL_REGISTRY.port}/v2/`;
  await poll(`registry container ${LOCAL_REGISTRY.container}`, `to answer ${url} with 200`, async () => {
    const r = await fetch(url, { signal: AbortSignal.timeout(cfg.timeouts.probe) }).catch((e: Error) => e);
    return r instanceof Error ? { done: false, observed: (r.cause as Error | undefined)?.message ?? r.message } : { done: r.ok, observed: `HTTP ${r.status}` };
  }, { timeoutMs: cfg.timeouts.containerStart, intervalMs: 250 });
  return localRegistry();
}

/**
 * Lets every node of a kind cluster pull `localhost:PORT/...` from the registry: joins the registry
 * to the kind network and writes the hosts.toml containerd reads at each pull (no restart needed).
 */
export async function connectKindCluster(cfg: Config, clusterName: string): Promise<void> {
  const kind = await Kind.load(cfg);
  const nodes = await kind.nodes(clusterName);
  if (!nodes.length) throw new OrdinalError(`kind cluster "${clusterName}" has no node containers`, 'create it with `ordinal cluster up`');
  const networks = await run(['docker', 'container', 'inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', LOCAL_REGISTRY.container]);
  if (!networks.stdout.split(' ').includes('kind')) await run(['docker', 'network', 'connect', 'kind', LOCAL_REGISTRY.container]);
  const mirror = `http://${LOCAL_REGISTRY.container}:5000`;
  const hostsToml = `server = "${mirror}"\n\n[host."${mirror}"]\n  capabilities = ["pull", "resolve"]\n`;
  for (const n of nodes) {
    const conf = await run(['docker', 'exec', n.name, 'cat', '/etc/containerd/config.toml'], { timeoutMs: cfg.timeouts.api });
    if (!conf.stdout.includes(`config_path = "${CONFIG_PATH}"`)) {
      throw new OrdinalError(
        `node ${n.name} of kind cluster "${clusterName}" does not read registry hosts from ${CONFIG_PATH} (created before kind-config.yaml set containerd's config_path)`,
        `re-create the cluster (\`ordinal cluster down${clusterName === 'ordinal' ? '' : ` --name ${clusterName}`}\` and \`cluster up\`)`,
      );
    }
    const dir = `${CONFIG_PATH}/localhost:${LOCAL_REGISTRY.port}`;
    await run(['docker', 'exec', '-i', n.name, 'sh', '-c', `mkdir -p '${dir}' && cat > '${dir}/hosts.toml'`], { input: hostsToml, timeoutMs: cfg.timeouts.api });
  }
  info('registry', `kind cluster "${clusterName}": ${nodes.length} nodes pull localhost:${LOCAL_REGISTRY.port}/* from ${mirror}`);
}

/** Whether ordinal's registry container runs on this engine (then `cluster up` connects the cluster to it). */
export async function localRegistryRunning(): Promise<boolean> {
  const c = await containerState();
  return !!c?.ours && c.state === 'running';
}

export async function localRegistryDown(): Promise<'deleted' | 'absent'> {
  await requireDocker();
  const c = await containerState();
  if (!c) return 'absent';
  if (!c.ours) throw new OrdinalError(`container ${LOCAL_REGISTRY.container} was not started by ordinal; not deleting it`, `remove it yourself with docker rm -f ${LOCAL_REGISTRY.container}`);
  await run(['docker', 'rm', '-f', LOCAL_REGISTRY.container]);
  await run(['docker', 'volume', 'rm', LOCAL_REGISTRY.volume], { allowFailure: true });
  return 'deleted';
}

export async function localRegistryStatus(): Promise<string> {
  await requireDocker();
  const c = await containerState();
  if (!c) return `no registry container (${LOCAL_REGISTRY.container}); start one with \`ordinal registry up\``;
  return `${LOCAL_REGISTRY.container}: ${c.state}${c.ours ? '' : ' (not started by ordinal)'}, --image-registry ${localRegistry().name}`;
}
