// Restarts a kind node container (a node reboot, as seen by Kubernetes). Only containers labelled as
// nodes of the given kind cluster are touched.
import { timeoutMs } from '../config.ts';
import { OrdinalError } from '../errors.ts';
import { run } from '../proc/command.ts';
import { trackWait } from '../wait/accounting.ts';

/** Throws unless `node` is a container of kind cluster `cluster` on this Docker engine. */
export async function requireKindNode(cluster: string, node: string, doing = 'restart'): Promise<void> {
  const r = await run(['docker', 'inspect', '-f', '{{ index .Config.Labels "io.x-k8s.kind.cluster" }}', node], { allowFailure: true });
  if (r.exitCode !== 0 || r.stdout.trim() !== cluster) {
    throw new OrdinalError(`node ${node} is not a container of kind cluster "${cluster}" on this Docker engine; not going to ${doing} it`);
  }
}

export async function restartNode(cluster: string, node: string): Promise<void> {
  await requireKindNode(cluster, node);
  const grace = String(Math.ceil(timeoutMs('nodeStopGrace') / 1000));
  await trackWait(() => run(['docker', 'restart', '--time', grace, node], { timeoutMs: timeoutMs('nodeRestart') }));
}
