// Where image builds download from: the machine's own package configuration, so an air-gapped user's
// internal mirrors are used without telling ordinal. Debian from the host's apt sources (or
// ORDINAL_DEBIAN_MIRROR), Go modules from `go env GOPROXY` (which reads the user's go env file; or
// ORDINAL_GOPROXY), Maven through the user's settings.xml (Maven reads it itself), npm through its
// own configuration. No package host is written here. The cache key never includes these addresses:
// a mirror serves the same versions, and debootstrap, the Go checksum database and Maven verify them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config.ts';
import { OrdinalError } from '../errors.ts';
import { run } from '../proc/command.ts';
import type { Artifact } from './catalog.ts';

export interface Source {
  /** what the downloads go to: a URL, a proxy list, or a description */
  value: string;
  /** where ordinal found it */
  from: string;
}

export interface Sources {
  debian?: Source;
  go: Source;
  maven: Source;
  npm: Source;
  /** why no Debian mirror was found, when none was */
  debianMissing?: string;
}

interface AptEntry {
  uri: string;
  suites: string[];
  file: string;
}

/** The deb entries of apt source files, one-line (`deb [opts] URI suite comp…`) and deb822 (`Types:`/`URIs:`/`Suites:`). */
export function parseAptSources(files: ReadonlyArray<{ path: string; text: string }>): AptEntry[] {
  const out: AptEntry[] = [];
  for (const f of files) {
    if (f.path.endsWith('.sources')) {
      for (const stanza of f.text.split(/\n\s*\n/)) {
        const field = (k: string) => new RegExp(`^${k}:\\s*(.+)$`, 'im').exec(stanza.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n'))?.[1]?.trim();
        if (!(field('Types') ?? '').split(/\s+/).includes('deb') || /^no$/i.test(field('Enabled') ?? 'yes')) continue;
        for (const uri of (field('URIs') ?? '').split(/\s+/).filter(Boolean)) out.push({ uri, suites: (field('Suites') ?? '').split(/\s+/).filter(Boolean), file: f.path });
      }
    } else {
      for (const line of f.text.split('\n')) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m) out.push({ uri: m[1]!, suites: [m[2]!], file: f.path });
      }
    }
  }
  return out;
}

/** The mirror of a Debian release (a suite without -security/-updates/-backports), first one wins. */
export function debianMirror(entries: readonly AptEntry[]): AptEntry | undefined {
  return entries.find((e) => e.suites.some((s) => /^[a-z]+$/.test(s)) && /^https?:\/\//.test(e.uri));
}

function aptFiles(root = '/etc/apt'): Array<{ path: string; text: string }> {
  const files = [path.join(root, 'sources.list')];
  const dir = path.join(root, 'sources.list.d');
  if (existsSync(dir)) files.push(...readdirSync(dir).filter((f) => f.endsWith('.list') || f.endsWith('.sources')).sort().map((f) => path.join(dir, f)));
  return files.filter(existsSync).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
}

/** Maven's mirrors in a settings.xml, as `URL (for mirrorOf)`, leaving out blocking ones (Maven's http blocker); Maven applies them itself, this is for --print-sources. */
export function mavenMirrors(settingsXml: string): string[] {
  return [...settingsXml.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<mirror>([\s\S]*?)<\/mirror>/g)]
    .map((m) => m[1]!)
    .filter((body) => !/<blocked>\s*true\s*<\/blocked>/.test(body))
    .map((body) => `${/<url>\s*([^<\s]+)\s*<\/url>/.exec(body)?.[1] ?? '?'} (for ${/<mirrorOf>\s*([^<]+?)\s*<\/mirrorOf>/.exec(body)?.[1] ?? '*'})`);
}

let cached: Sources | undefined;

export async function resolveSources(cfg: Config): Promise<Sources> {
  if (cached) return cached;
  let debian: Source | undefined;
  let debianMissing: string | undefined;
  if (cfg.debianMirror) debian = { value: cfg.debianMirror, from: 'ORDINAL_DEBIAN_MIRROR' };
  else {
    const found = debianMirror(parseAptSources(aptFiles()));
    if (found) debian = { value: found.uri.replace(/\/$/, ''), from: `apt sources (${found.file})` };
    else debianMissing = 'this machine has no apt source for a Debian release in /etc/apt';
  }
  let go: Source;
  if (cfg.goProxy) go = { value: cfg.goProxy, from: 'ORDINAL_GOPROXY' };
  else {
    const r = await run(['go', 'env', 'GOPROXY'], { allowFailure: true });
    const file = (await run(['go', 'env', 'GOENV'], { allowFailure: true })).stdout.trim();
    go = r.exitCode === 0 && r.stdout.trim() ? { value: r.stdout.trim(), from: `go env GOPROXY${file && existsSync(file) ? ` (${file})` : ''}` } : { value: '', from: 'go is not installed' };
  }
  const settings = [path.join(homedir(), '.m2', 'settings.xml'), ...(process.env.MAVEN_HOME ? [path.join(process.env.MAVEN_HOME, 'conf', 'settings.xml')] : []), '/etc/maven/settings.xml'].filter(existsSync);
  const mirrors = settings.flatMap((f) => mavenMirrors(readFileSync(f, 'utf8')).map((u) => ({ u, f })));
  const maven: Source = mirrors.length ? { value: mirrors.map((m) => m.u).join(', '), from: `settings.xml mirrors (${[...new Set(mirrors.map((m) => m.f))].join(', ')})` } : { value: "Maven's configured repositories", from: settings.length ? `${settings.join(', ')} (no mirror)` : 'no settings.xml' };
  const npmReg = await run(['npm', 'config', 'get', 'registry'], { allowFailure: true });
  const npm: Source = { value: npmReg.stdout.trim() || "npm's default registry", from: 'npm config get registry' };
  cached = { debian, go, maven, npm, ...(debianMissing ? { debianMissing } : {}) };
  return cached;
}

/** The source an artifact downloads from, by its recipe; undefined for artifacts made only from other artifacts. */
export function sourceOf(a: Artifact, s: Sources): Source | undefined {
  if (a.recipe === 'rootfs.sh') return s.debian ?? { value: 'none', from: s.debianMissing ?? '' };
  if (['go-module.sh', 'go-kubernetes.sh', 'go-local.sh', 'k6.sh', 'pause.sh'].includes(a.recipe)) return s.go;
  if (a.recipe === 'maven-jars.sh') return s.maven;
  if (a.recipe === 'runner-image.sh') return s.npm;
  return undefined;
}

/** The Debian mirror a build needs, or one line of cause and fix. */
export function requireDebian(s: Sources): string {
  if (s.debian) return s.debian.value;
  throw new OrdinalError(`no Debian mirror for the image builds: ${s.debianMissing}`, 'set ORDINAL_DEBIAN_MIRROR to your Debian mirror\'s URL');
}
