// Where the fixtures' images come from when the nodes pull them: `--image-registry HOST[:PORT][/PREFIX]`
// (or ORDINAL_IMAGE_REGISTRY) moves every `ordinal.local/` image, of the built-in fixtures and of the
// user's, to that registry; `ordinal images push --registry` puts them there. Pure functions only.
import { InputError } from '../errors.ts';

/** The name prefix of every image ordinal builds; the nodes of a real cluster cannot pull it. */
export const LOCAL_PREFIX = 'ordinal.local/';

export interface ImageRegistry {
  /** HOST or HOST:PORT */
  host: string;
  /** repository path under the host, without slashes at either end ('' for none) */
  prefix: string;
  /** how ordinal itself talks to it: plain HTTP for loopback hosts or an explicit http:// */
  scheme: 'http' | 'https';
  /** as the user wrote it, without the scheme: what error messages and fixes quote */
  name: string;
}

const HOST = /^(localhost|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+|\[[0-9a-f:]+\]|\d{1,3}(\.\d{1,3}){3})(:\d{1,5})?$/i;
const HOST_WITH_PORT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?:\d{1,5}$/i;
const PATH_COMPONENT = /^[a-z0-9]+([._-][a-z0-9]+)*$/;

/** Parses `HOST[:PORT][/PREFIX]`, optionally with http:// or https:// in front; throws one line of cause and fix. */
export function parseImageRegistry(value: string, flag = '--image-registry'): ImageRegistry {
  const example = `e.g. ${flag} localhost:5001/ordinal or ${flag} registry.example.com/team/ordinal`;
  let rest = value.trim();
  let scheme: 'http' | 'https' | undefined;
  const m = /^(https?):\/\//.exec(rest);
  if (m) {
    scheme = m[1] as 'http' | 'https';
    rest = rest.slice(m[0].length);
  }
  rest = rest.replace(/\/+$/, '');
  if (!rest) throw new InputError(`${flag} is empty`, example);
  const [host, ...path] = rest.split('/');
  // without a dot or a port, docker and containerd read the first component as a Docker Hub namespace
  if (!HOST.test(host!) && !HOST_WITH_PORT.test(host!)) {
    throw new InputError(`${flag} "${value}" does not start with a registry host (a name with a dot or a port, or localhost)`, example);
  }
  for (const c of path) {
    if (!PATH_COMPONENT.test(c)) throw new InputError(`${flag} "${value}": "${c}" is not a valid repository path component (lowercase letters, digits, . _ -)`, example);
  }
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(host!);
  return { host: host!, prefix: path.join('/'), scheme: scheme ?? (loopback ? 'http' : 'https'), name: rest };
}

/** An image's name in the registry: `ordinal.local/kafka:3.9.2` → `HOST/PREFIX/kafka:3.9.2`; other images are left alone. */
export function relocate(image: string, registry: ImageRegistry | undefined): string {
  if (!registry || !image.startsWith(LOCAL_PREFIX)) return image;
  return `${registry.name}/${image.slice(LOCAL_PREFIX.length)}`;
}

export interface ImageName {
  /** HOST[:PORT] */
  host: string;
  /** repository path under the host */
  repository: string;
  /** tag, or a digest (sha256:...) */
  reference: string;
}

/** Splits a fully qualified image reference (as relocate returns it) into host, repository and tag or digest. */
export function splitImage(ref: string): ImageName {
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const slash = base.indexOf('/');
  const host = base.slice(0, slash);
  const rest = base.slice(slash + 1);
  const colon = rest.lastIndexOf(':');
  const tagged = colon > rest.lastIndexOf('/');
  return {
    host,
    repository: tagged ? rest.slice(0, colon) : rest,
    reference: at >= 0 ? ref.slice(at + 1) : tagged ? rest.slice(colon + 1) : 'latest',
  };
}

/** Every container image field of a Kubernetes object (any pod spec inside it), relocated; returns a copy. */
export function relocateObject<T>(obj: T, registry: ImageRegistry | undefined): T {
  if (!registry) return obj;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'containers' || k === 'initContainers' || k === 'ephemeralContainers') && Array.isArray(x)) {
        out[k] = x.map((c) => (c && typeof c === 'object' && typeof (c as { image?: unknown }).image === 'string' ? { ...(walk(c) as object), image: relocate((c as { image: string }).image, registry) } : walk(c)));
      } else out[k] = walk(x);
    }
    return out;
  };
  return walk(obj) as T;
}

/** Every container image named in a Kubernetes object (any pod spec inside it). */
export function containerImages(obj: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'containers' || k === 'initContainers' || k === 'ephemeralContainers') && Array.isArray(x)) {
        for (const c of x) if (c && typeof (c as { image?: unknown }).image === 'string') out.add((c as { image: string }).image);
      }
      walk(x);
    }
  };
  walk(obj);
  return [...out];
}
