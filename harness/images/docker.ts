// Docker engine checks shared by image builds, kind and testcontainers.
import { timeoutMs } from '../config.ts';
import { OrdinalError } from '../errors.ts';
import { run, which } from '../proc/command.ts';

let dockerOk = false;

/** Fails with one line of cause and fix when no Docker engine answers. */
export async function requireDocker(): Promise<void> {
  if (dockerOk) return;
  if (!(await which('docker'))) {
    throw new OrdinalError('the docker CLI is not installed', 'install Docker (Debian: apt-get install docker.io), then start the engine');
  }
  const r = await run(['docker', 'version', '--format', '{{.Server.Version}}'], { allowFailure: true, timeoutMs: timeoutMs('api') });
  if (r.exitCode !== 0) {
    const cause = /permission denied/i.test(r.stderr)
      ? 'permission denied on the Docker socket'
      : /Cannot connect|Is the docker daemon running|no such file/i.test(r.stderr)
        ? 'no Docker engine is running'
        : `the Docker engine did not answer (${r.stderr.trim().split('\n').pop()})`;
    throw new OrdinalError(
      `${cause} (docker ${process.env.DOCKER_HOST ? `at ${process.env.DOCKER_HOST}` : 'at the default socket'})`,
      'start the engine (on ordinal build machines: ../shared/env/docker-engine-up; elsewhere: systemctl start docker) and check that `docker info` works',
    );
  }
  dockerOk = true;
}

/** A label of a local image, or undefined when the image is not on the engine. */
export async function imageLabel(ref: string, label: string): Promise<string | undefined> {
  const r = await run(['docker', 'image', 'inspect', '-f', `{{ index .Config.Labels "${label}" }}`, ref], { allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const v = r.stdout.trim();
  return v === '<no value>' ? '' : v;
}

export async function imageExists(ref: string): Promise<boolean> {
  return (await run(['docker', 'image', 'inspect', ref], { allowFailure: true })).exitCode === 0;
}

export async function imageId(ref: string): Promise<string | undefined> {
  const r = await run(['docker', 'image', 'inspect', '-f', '{{.Id}}', ref], { allowFailure: true });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}
