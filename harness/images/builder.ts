// Builds catalog artifacts from package registries, content-addressed: an artifact whose key is
// already in the cache (a directory) or on the Docker engine (an image labelled with the key) is
// skipped, so a warm machine passes through in seconds.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile, appendFile, copyFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT, timeoutMs as loadConfigTimeout, type Config } from '../config.ts';
import { BuildError, CommandError, OrdinalError, errorTail, formatMs, shellQuote } from '../errors.ts';
import { dim, green, info, red } from '../log.ts';
import { run } from '../proc/command.ts';
import { checkBuildTools } from './build-tools.ts';
import { requireDebian, resolveSources } from './sources.ts';
import { ARTIFACTS, DEFAULT_GROUPS, artifact, closure, type Artifact, type Group } from './catalog.ts';
import { OFFICIAL_IMAGES } from './versions.ts';
import { requireDocker, imageLabel, imageExists } from './docker.ts';

export const IMAGES_DIR = path.join(PROJECT_ROOT, 'harness/images');
const RECIPES_DIR = path.join(IMAGES_DIR, 'recipes');

function hashPath(h: ReturnType<typeof createHash>, abs: string, rel: string): void {
  const st = statSync(abs);
  if (st.isDirectory()) {
    for (const name of readdirSync(abs).sort()) hashPath(h, path.join(abs, name), `${rel}/${name}`);
  } else {
    h.update(`file ${rel} ${st.mode & 0o111 ? 'x' : '-'}\n`);
    h.update(readFileSync(abs));
  }
}

/** Content keys for the given artifacts (and everything they depend on). */
export async function computeKeys(artifacts: readonly Artifact[]): Promise<Map<string, string>> {
  const goVersion = (await run(['go', 'env', 'GOVERSION'], { allowFailure: true })).stdout.trim() || 'no-go';
  const keys = new Map<string, string>();
  for (const a of closure(artifacts.map((x) => x.id))) {
    const h = createHash('sha256');
    h.update(JSON.stringify({ id: a.id, env: a.env, image: a.image ?? null, go: goVersion }));
    hashPath(h, path.join(RECIPES_DIR, 'lib.sh'), 'lib.sh');
    hashPath(h, path.join(RECIPES_DIR, a.recipe), a.recipe);
    for (const f of a.files ?? []) hashPath(h, path.join(IMAGES_DIR, f), f);
    for (const [envName, dep] of Object.entries(a.deps ?? {}).sort()) h.update(`dep ${envName}=${keys.get(dep)}\n`);
    keys.set(a.id, h.digest('hex'));
  }
  return keys;
}

export function artifactDir(cfg: Config, a: Artifact, key: string): string {
  return path.join(cfg.cacheDir, 'artifacts', a.id, key.slice(0, 16));
}

export async function isBuilt(cfg: Config, a: Artifact, key: string): Promise<boolean> {
  if (a.image) return (await imageLabel(a.image, 'org.ordinal.key')) === key;
  return existsSync(path.join(artifactDir(cfg, a, key), '.done'));
}

export interface BuildOptions {
  groups?: Group[];
  /** explicit artifact ids (with their dependencies) instead of groups */
  only?: string[];
  force?: boolean;
  concurrency?: number;
}

export interface BuildReport {
  id: string;
  key: string;
  status: 'cached' | 'built' | 'official';
  ms: number;
}

/** Builds what is missing among the selected artifacts; returns what happened to each. */
export async function buildArtifacts(cfg: Config, opts: BuildOptions = {}): Promise<BuildReport[]> {
  await requireDocker();
  const selected = opts.only?.length
    ? closure(opts.only)
    : closure(ARTIFACTS.filter((a) => (opts.groups ?? DEFAULT_GROUPS).includes(a.group)).map((a) => a.id));
  const keys = await computeKeys(selected);
  const reports = new Map<string, BuildReport>();
  const todo: Artifact[] = [];
  for (const a of selected) {
    const key = keys.get(a.id)!;
    if (!opts.force && (await isBuilt(cfg, a, key))) reports.set(a.id, { id: a.id, key, status: 'cached', ms: 0 });
    else todo.push(a);
  }
  if (todo.length) await checkBuildTools();
  for (const a of selected) if (reports.has(a.id)) info('images', `${green('✓')} ${a.id} ${dim(`cached ${keys.get(a.id)!.slice(0, 12)}`)}`);

  // Run ready artifacts (all dependencies done) up to `concurrency` at a time.
  const running = new Map<string, Promise<void>>();
  const concurrency = opts.concurrency ?? 2;
  let failure: unknown;
  while ((todo.length || running.size) && !failure) {
    const ready = todo.filter((a) => Object.values(a.deps ?? {}).every((d) => reports.has(d)));
    while (ready.length && running.size < concurrency) {
      const a = ready.shift()!;
      todo.splice(todo.indexOf(a), 1);
      const p = buildOne(cfg, a, keys)
        .then((ms) => {
          reports.set(a.id, { id: a.id, key: keys.get(a.id)!, status: 'built', ms });
        })
        .catch((err) => {
          failure ??= err;
        })
        .finally(() => running.delete(a.id));
      running.set(a.id, p);
    }
    if (running.size === 0 && todo.length) throw new Error(`unbuildable artifacts (dependency cycle?): ${todo.map((a) => a.id).join(', ')}`);
    await Promise.race(running.values());
  }
  await Promise.allSettled(running.values());
  if (failure) throw failure;
  await recordTimings(cfg, [...reports.values()].filter((r) => r.status === 'built'));
  return selected.map((a) => reports.get(a.id)!);
}

async function buildOne(cfg: Config, a: Artifact, keys: Map<string, string>): Promise<number> {
  const sources = await resolveSources(cfg);
  const key = keys.get(a.id)!;
  const t0 = performance.now();
  const logDir = path.join(cfg.cacheDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const logFile = path.join(logDir, `${a.id.replace('/', '-')}-${key.slice(0, 12)}.log`);
  await writeFile(logFile, `# ${a.id} ${key}\n`);
  const work = path.join(cfg.cacheDir, 'work', `${a.id.replace('/', '-')}-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const finalDir = a.image ? undefined : artifactDir(cfg, a, key);
  const outDir = finalDir ? `${finalDir}.partial` : path.join(work, 'out');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  const env: Record<string, string> = {
    OUT: outDir,
    WORK: work,
    CACHE: cfg.cacheDir,
    KEY: key,
    ...(a.recipe === 'rootfs.sh' ? { MIRROR: requireDebian(sources) } : {}),
    GOPROXY: sources.go.value,
    ...(a.image ? { TAG: a.image } : {}),
  };
  for (const [k, v] of Object.entries(a.env)) env[k] = (a.files ?? []).includes(v) ? path.join(IMAGES_DIR, v) : v;
  for (const [envName, depId] of Object.entries(a.deps ?? {})) {
    const dep = ARTIFACTS.find((x) => x.id === depId)!;
    env[envName] = dep.image ?? artifactDir(cfg, dep, keys.get(depId)!);
  }
  const argv = ['bash', path.join(RECIPES_DIR, a.recipe)];
  info('images', `${a.id} … ${dim(a.description)}`);
  const envLine = Object.entries(env).map(([k, v]) => `${k}=${shellQuote([v])}`).join(' ');
  await appendFile(logFile, `# ${envLine} ${shellQuote(argv)}\n`);
  try {
    await run(argv, { env, logFile, cwd: work, timeoutMs: cfg.timeouts.build });
  } catch (err) {
    info('images', `${red('✗')} ${a.id} ${dim(formatMs(performance.now() - t0))}`);
    const tail = err instanceof CommandError ? err.outputTail : errorTail(String(err));
    throw new BuildError(a.id, `${a.recipe} (${Object.entries(a.env).map(([k, v]) => `${k}=${v}`).join(' ')})`, tail, logFile);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  if (finalDir) {
    await writeFile(path.join(outDir, '.done'), `${key}\n`);
    await rm(finalDir, { recursive: true, force: true });
    await rename(outDir, finalDir);
  }
  const ms = performance.now() - t0;
  info('images', `${green('✓')} ${a.id} ${dim(`built in ${formatMs(ms)} (${key.slice(0, 12)})`)}`);
  return ms;
}

async function recordTimings(cfg: Config, built: BuildReport[]): Promise<void> {
  if (!built.length) return;
  const file = path.join(cfg.cacheDir, 'timings.jsonl');
  const at = new Date().toISOString();
  await appendFile(file, built.map((r) => JSON.stringify({ at, id: r.id, key: r.key.slice(0, 12), ms: Math.round(r.ms) })).join('\n') + '\n');
}

/** Copies a built Go tool into the project's tools folder; returns its path. */
export async function installTool(cfg: Config, id: string, bin: string): Promise<string> {
  const a = ARTIFACTS.find((x) => x.id === id)!;
  const keys = await computeKeys([a]);
  const src = path.join(artifactDir(cfg, a, keys.get(id)!), bin);
  const dest = path.join(cfg.toolsDir, 'bin', bin);
  if (!existsSync(src)) await buildArtifacts(cfg, { only: [id] });
  await mkdir(path.dirname(dest), { recursive: true });
  if (!existsSync(dest) || statSync(dest).size !== statSync(src).size || readFileSync(dest).compare(readFileSync(src)) !== 0) {
    await copyFile(src, `${dest}.tmp`);
    await chmod(`${dest}.tmp`, 0o755);
    await rename(`${dest}.tmp`, dest);
  }
  return dest;
}

/** Tries to pull an official image within a short bound. */
export async function tryPull(ref: string, timeoutMs = loadConfigTimeout('api')): Promise<boolean> {
  const r = await run(['docker', 'pull', '-q', ref], { allowFailure: true, timeoutMs });
  return r.exitCode === 0;
}

export type ImageChoice = { node: string; nginx: string; source: Record<'node' | 'nginx', 'official' | 'built'> };

/**
 * Makes the node and web-fixture images available from the configured source:
 * `official` pulls (and fails if it cannot), `build` builds, `auto` tries to pull and builds on failure.
 */
export async function ensureClusterImages(cfg: Config, extraGroups: Group[] = []): Promise<ImageChoice> {
  await requireDocker();
  const choice: ImageChoice = { node: '', nginx: '', source: { node: 'built', nginx: 'built' } };
  const toBuild: string[] = [];
  for (const which of ['node', 'nginx'] as const) {
    const builtArtifact = artifact(which === 'node' ? 'image/node' : 'image/nginx');
    const builtRef = builtArtifact.image!;
    const ref = OFFICIAL_IMAGES[which];
    const useOfficial = async () => {
      if (which === 'nginx') await run(['docker', 'tag', ref, builtRef]);
      choice[which] = which === 'node' ? ref : builtRef;
      choice.source[which] = 'official';
    };
    if (cfg.imageSource !== 'build') {
      // auto: an image already on this machine wins (no registry round trip on a warm machine)
      if (cfg.imageSource === 'auto' && (await imageExists(ref))) {
        await useOfficial();
        continue;
      }
      if (cfg.imageSource === 'auto' && (await isBuilt(cfg, builtArtifact, (await computeKeys([builtArtifact])).get(builtArtifact.id)!))) {
        choice[which] = builtRef;
        continue;
      }
      info('images', `trying official ${which} image ${ref}`);
      if (await tryPull(ref)) {
        await useOfficial();
        continue;
      }
      if (cfg.imageSource === 'official') {
        throw new OrdinalError(`could not pull the official ${which} image ${ref}`, 'check registry access, or use --image-source build to build it from package registries');
      }
      info('images', `official ${which} image unreachable; building it from package registries`);
    }
    toBuild.push(builtArtifact.id);
    choice[which] = builtRef;
  }
  const extra = ARTIFACTS.filter((a) => extraGroups.includes(a.group) && a.image).map((a) => a.id);
  if (toBuild.length || extra.length) await buildArtifacts(cfg, { only: [...toBuild, ...extra] });
  return choice;
}
