// The tools image builds run on the host. A missing one is named in one line with the command that
// installs it; as root on Debian ordinal installs the Debian packages itself. Go and Docker are
// only named: Debian's Go may be older than 1.24, and an engine needs more than a package.
import { existsSync } from 'node:fs';
import { timeoutMs } from '../config.ts';
import { OrdinalError } from '../errors.ts';
import { info } from '../log.ts';
import { run, which } from '../proc/command.ts';

export const BUILD_TOOLS = ['go', 'gcc', 'jq', 'debootstrap', 'docker', 'tar', 'mvn', 'git'] as const;

/** The Debian package that provides each tool ordinal may install itself. */
export const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  debootstrap: 'debootstrap',
  mvn: 'maven',
  gcc: 'build-essential',
  jq: 'jq',
  git: 'git',
  tar: 'tar',
};

/** What to say about the tools ordinal does not install. */
const NAMED_ONLY: Readonly<Record<string, string>> = {
  go: 'Go ≥ 1.24 is required: apt-get install golang-go, or see https://go.dev/doc/install',
  docker: 'a Docker engine is required: apt-get install docker.io, then start it',
};

export interface ToolPlan {
  /** Debian packages that provide the missing tools ordinal can install */
  packages: string[];
  /** one sentence per missing tool ordinal only names (Go, Docker) */
  notes: string[];
}

/** Which Debian packages to install, and what to say, for the missing tools. */
export function planBuildTools(missing: readonly string[]): ToolPlan {
  const packages = [...new Set(missing.map((t) => DEBIAN_PACKAGES[t]).filter((p): p is string => !!p))];
  const notes = missing.filter((t) => !DEBIAN_PACKAGES[t]).map((t) => NAMED_ONLY[t] ?? `install ${t}`);
  return { packages, notes };
}

/** The one error for tools still missing: which ones, and the exact command(s) that install them. */
export function missingToolsError(missing: readonly string[]): OrdinalError {
  const { packages, notes } = planBuildTools(missing);
  const fix = [...(packages.length ? [`run \`apt-get install ${packages.join(' ')}\` (as root)`] : []), ...notes].join('; ');
  return new OrdinalError(`image builds need tools that are not on PATH: ${missing.join(', ')}`, fix);
}

/** Whether ordinal may install Debian packages itself: root on Debian. */
export function canInstallDebianPackages(): boolean {
  return existsSync('/etc/debian_version') && process.getuid?.() === 0;
}

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const t of BUILD_TOOLS) if (!(await which(t))) missing.push(t);
  return missing;
}

async function aptInstall(missing: string[], packages: string[]): Promise<void> {
  const install = ['apt-get', 'install', '-y', ...packages];
  const opts = { env: { DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: timeoutMs('build'), fix: `install ${packages.join(' ')} yourself (check the machine's apt sources), then run ordinal again` };
  info('images', `installing missing build tools (${missing.join(', ')}): ${install.join(' ')}`);
  // a fresh machine may have no package lists yet: update once, then try again
  if ((await run(install, { ...opts, allowFailure: true })).exitCode === 0) return;
  await run(['apt-get', 'update'], opts);
  await run(install, opts);
}

/** Checks the build tools; installs missing Debian packages when root on Debian; throws one OrdinalError for what is still missing. */
export async function checkBuildTools(): Promise<void> {
  let missing = await missingTools();
  if (!missing.length) return;
  const { packages } = planBuildTools(missing);
  if (packages.length && canInstallDebianPackages()) {
    await aptInstall(missing.filter((t) => DEBIAN_PACKAGES[t]), packages);
    missing = await missingTools();
  }
  if (missing.length) throw missingToolsError(missing);
}
