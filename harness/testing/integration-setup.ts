// vitest globalSetup for the integration project: the apps images must exist locally (built from
// package registries, never pulled); Ryuk is off because its image would have to be pulled, so
// containers left by an interrupted run are swept by their label instead.
import { loadConfig } from '../config.ts';
import { buildArtifacts } from '../images/builder.ts';
import { requireDocker } from '../images/docker.ts';
import { sweepLeftovers } from './containers.ts';

export default async function setup(): Promise<void> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  await requireDocker();
  await sweepLeftovers();
  await buildArtifacts(loadConfig(), { groups: ['apps'] });
}
