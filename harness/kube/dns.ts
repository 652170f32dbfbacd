// DNS as seen from inside a pod: resolving names with the fixture's resolver command (default
// `getent ahostsv4`, the libc resolver the application itself uses) and reading the cluster domain.
import { OrdinalError } from '../errors.ts';
import type { SuiteSession } from '../suite/session.ts';

/** Unique IPv4 addresses from `getent ahostsv4` / `getent hosts` output, in order. */
export function parseAddresses(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const ip = line.trim().split(/\s+/)[0] ?? '';
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && !out.includes(ip)) out.push(ip);
  }
  return out;
}

/** The cluster domain from a pod's resolv.conf (search "<ns>.svc.<domain> svc.<domain> <domain>"). */
export function clusterDomainFrom(resolvConf: string, namespace: string): string | undefined {
  const search = resolvConf.split('\n').find((l) => /^\s*search\s/.test(l));
  if (!search) return undefined;
  const prefix = `${namespace}.svc.`;
  const first = search.trim().split(/\s+/).slice(1).find((d) => d.startsWith(prefix));
  return first ? first.slice(prefix.length) : undefined;
}

/** Resolves `name` from inside `pod`; an empty list means the name does not resolve. */
export async function resolveFrom(session: SuiteSession, pod: string, name: string): Promise<string[]> {
  const argv = session.fixture.resolve.map((a) => a.replaceAll('{name}', name));
  const r = await session.exec(pod, argv);
  if (r.exitCode === 0) return parseAddresses(r.stdout);
  if (r.exitCode === 2 || r.exitCode === 1) return []; // getent: 2 = not found
  throw new OrdinalError(
    `cannot resolve names inside ${pod} (container ${session.fixture.container}): \`${argv.join(' ')}\` exited ${r.exitCode}: ${(r.stderr || r.message || '').trim().slice(0, 200)}`,
    'set `resolve:` in fixture.yaml to a command the container has, printing "IP name" lines (like getent ahostsv4 {name})',
  );
}
