// `ordinal images push --registry R` and the run's check that R holds what the nodes will pull.
// An image is up to date when the registry's manifest digest for its tag is one this engine itself
// pushed for this image (docker's RepoDigests); otherwise it is tagged and pushed with `docker push`.
import type { Config } from '../config.ts';
import { OrdinalError } from '../errors.ts';
import { info, step, yellow } from '../log.ts';
import { run } from '../proc/command.ts';
import { ARTIFACTS } from './catalog.ts';
import { buildArtifacts } from './builder.ts';
import { imageExists, requireDocker } from './docker.ts';
import { LOCAL_PREFIX, relocate, splitImage, type ImageRegistry } from './image-registry.ts';
import { manifestDigest, type ManifestAnswer } from './registry-client.ts';

export interface PushReport {
  image: string;
  target: string;
  status: 'pushed' | 'up to date';
  digest: string;
}

async function repoDigests(image: string): Promise<string[]> {
  const r = await run(['docker', 'image', 'inspect', '-f', '{{json .RepoDigests}}', image], { allowFailure: true });
  return r.exitCode === 0 ? ((JSON.parse(r.stdout) as string[] | null) ?? []) : [];
}

/** Pushes each `ordinal.local/` image (built first when missing) to the registry, skipping those already there by digest. */
export async function pushImages(cfg: Config, registry: ImageRegistry, images: readonly string[]): Promise<PushReport[]> {
  await requireDocker();
  const ours = [...new Set(images.filter((i) => i.startsWith(LOCAL_PREFIX)))];
  const artifacts = ARTIFACTS.filter((a) => a.image && ours.includes(a.image)).map((a) => a.id);
  if (artifacts.length) await buildArtifacts(cfg, { only: artifacts });
  const out: PushReport[] = [];
  for (const image of ours) {
    if (!(await imageExists(image))) throw new OrdinalError(`image ${image} is not on this Docker engine`, 'build it with `ordinal images build`, or pull it');
    const target = relocate(image, registry);
    const { host, repository } = splitImage(target);
    const there = await manifestDigest(registry, target, cfg.timeouts.api);
    const mine = await repoDigests(image);
    if (there.state === 'present' && mine.includes(`${host}/${repository}@${there.digest}`)) {
      out.push({ image, target, status: 'up to date', digest: there.digest });
      info('push', `${target} is up to date (${there.digest.slice(0, 19)})`);
      continue;
    }
    await run(['docker', 'tag', image, target]);
    const pushed = await step('push', `Pushing ${image} to ${target}`, () =>
      run(['docker', 'push', target], { timeoutMs: cfg.timeouts.imagePush, fix: `check that you may push to ${registry.name} (docker login ${host})` }),
    );
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed.stdout)?.[1] ?? '';
    out.push({ image, target, status: 'pushed', digest });
  }
  return out;
}

/**
 * Before a run creates anything: every image the nodes will pull from `registry` is there. A missing
 * one ends the run with one line; a registry that wants credentials ordinal lacks is named, not failed.
 */
export async function requireInRegistry(cfg: Config, registry: ImageRegistry, images: readonly string[], opts: { inCluster?: boolean } = {}): Promise<void> {
  const missing: string[] = [];
  for (const image of images.filter((i) => i.startsWith(`${registry.name}/`))) {
    let there: ManifestAnswer;
    try {
      there = await manifestDigest(registry, image, cfg.timeouts.api);
    } catch (err) {
      // inside a pod, a registry the nodes reach by a node-local name (kind's localhost:5001) is not ours to reach
      if (!opts.inCluster) throw err;
      info('run', yellow(`could not check the images in ${registry.name} from this pod (${(err as Error).message}); the nodes' pulls decide`));
      return;
    }
    if (there.state === 'missing') missing.push(image);
    if (there.state === 'unverifiable') info('run', yellow(`could not check that ${image} is in ${registry.name} (${there.why}); the nodes' credentials decide`));
  }
  if (missing.length) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more: ${missing.slice(1).join(', ')})` : '';
    throw new OrdinalError(`image ${missing[0]} is not in registry ${registry.name}${more}: run \`ordinal images push --registry ${registry.name}\``);
  }
}
