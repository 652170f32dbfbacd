// vitest globalSetup for the integration project: the apps images must exist locally (built from
// package registries, never pulled); Ryuk is off because its image would have to be pulled.
import { loadConfig } from '../config.ts';
import { buildArtifacts } from '../images/builder.ts';

export default async function setup(): Promise<void> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  await buildArtifacts(loadConfig(), { groups: ['apps'] });
}
