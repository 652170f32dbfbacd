// The one question ordinal asks a registry itself: is this image there, and under which manifest
// digest (the OCI distribution API's HEAD /v2/<repository>/manifests/<reference>). Pushing is left
// to `docker push`, which already speaks every registry's auth and skips layers the registry has.
import { OrdinalError } from '../errors.ts';
import type { ImageRegistry } from './image-registry.ts';
import { splitImage } from './image-registry.ts';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export type ManifestAnswer =
  | { state: 'present'; digest: string }
  | { state: 'missing' }
  /** the registry wants credentials ordinal does not have; docker push and the nodes may have them */
  | { state: 'unverifiable'; why: string };

/** An anonymous bearer token, when the registry hands those out (the distribution token protocol). */
async function anonymousToken(challenge: string, timeoutMs: number): Promise<string | undefined> {
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  if (!/^Bearer/i.test(challenge) || !params.realm) return undefined;
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  if (params.scope) url.searchParams.set('scope', params.scope);
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => undefined);
  if (!r?.ok) return undefined;
  const body = (await r.json().catch(() => ({}))) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

/** Whether `image` (fully qualified, in `registry`) is there; throws one line when the registry does not answer. */
export async function manifestDigest(registry: ImageRegistry, image: string, timeoutMs: number): Promise<ManifestAnswer> {
  const { host, repository, reference } = splitImage(image);
  const url = `${registry.scheme}://${host}/v2/${repository}/manifests/${reference}`;
  const ask = (token?: string) =>
    fetch(url, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES, ...(token ? { Authorization: `Bearer ${token}` } : {}) }, signal: AbortSignal.timeout(timeoutMs) });
  let r: Response;
  try {
    r = await ask();
    if (r.status === 401) {
      const token = await anonymousToken(r.headers.get('www-authenticate') ?? '', timeoutMs);
      if (token) r = await ask(token);
    }
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new OrdinalError(
      `registry ${registry.name} did not answer at ${registry.scheme}://${host}/v2/ (${cause?.code ?? cause?.message ?? (err as Error).message})`,
      registry.scheme === 'https'
        ? `check the name and that it serves HTTPS; for a plain-HTTP registry write http://${registry.name}`
        : 'start it (for kind: `ordinal registry up`) or check the host and port',
    );
  }
  if (r.ok) return { state: 'present', digest: r.headers.get('docker-content-digest') ?? '' };
  if (r.status === 404) return { state: 'missing' };
  if (r.status === 401 || r.status === 403) return { state: 'unverifiable', why: `the registry answered ${r.status} to an anonymous request` };
  throw new OrdinalError(`registry ${registry.name} answered ${r.status} ${r.statusText} for ${image}`, `check that ${registry.scheme}://${host}/v2/ is an OCI distribution registry`);
}
