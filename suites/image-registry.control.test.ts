// Images from a registry (the local CNCF Distribution registry the test command starts): a push of
// what is already there is skipped by digest; a run whose registry lacks an image ends before it
// creates anything, in one line naming the image, the registry and the push that fixes it; and a
// run with --image-registry makes the nodes pull the fixture image from the registry: it is removed
// from every node first and is back on the node that ran the pod, under the registry's name.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { PROJECT_ROOT, backstopMs, loadConfig } from '../harness/config.ts';
import { Kind } from '../harness/cluster/kind.ts';
import { localRegistry } from '../harness/cluster/local-registry.ts';
import { NGINX_IMAGE } from '../harness/images/catalog.ts';
import { relocate } from '../harness/images/image-registry.ts';
import { pushImages } from '../harness/images/push.ts';
import { loadKube } from '../harness/kube/client.ts';
import { MANAGED_BY_KEY } from '../harness/kube/labels.ts';
import { run } from '../harness/proc/command.ts';
import { runContext } from '../harness/suite/run-context.ts';
import { underClusterLock } from '../harness/testing/control.ts';

let lockEnv: Record<string, string> = {};
const cli = (...args: string[]) => run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), ...args], { allowFailure: true, timeoutMs: backstopMs(), env: lockEnv });

describe('image registry', () => {
  const ctx = runContext();
  it.skipIf(!ctx.kindCluster || !ctx.imageRegistry)('push skips what the registry has; a missing image ends the run in one line; the nodes pull from the registry', () => underClusterLock('exclusive', 'the image-registry control', async (env) => {
    // alone on the cluster: it removes nginx from every node and counts the namespaces
    lockEnv = env;
    const cfg = loadConfig();
    const registry = localRegistry();

    // the test command's setup pushed everything: a second push sends nothing
    const again = await pushImages(cfg, registry, [NGINX_IMAGE]);
    expect(again.map((r) => r.status)).toEqual(['up to date']);

    // a registry path with nothing in it: one line, exit 1, in seconds, and no namespace created
    const kube = loadKube(ctx.kubeconfig);
    // ordinal's namespaces now (others may still be going away): the run must add none
    const names = async () => (await kube.core.listNamespace({ labelSelector: MANAGED_BY_KEY })).items.map((n) => n.metadata!.name!);
    const before = new Set(await names());
    const t0 = performance.now();
    const missing = await cli('run', '--suite', 'identity', '--kubeconfig', ctx.kubeconfig, '--image-registry', 'localhost:5001/absent');
    const ms = performance.now() - t0;
    expect(missing.exitCode, missing.stderr).toBe(1);
    expect(missing.stderr.trim()).toBe('error: image localhost:5001/absent/nginx:fixture is not in registry localhost:5001/absent: run `ordinal images push --registry localhost:5001/absent`');
    expect(ms).toBeLessThan(cfg.timeouts.api);
    expect((await names()).filter((n) => !before.has(n))).toEqual([]);

    // the nodes pull: remove the registry's nginx from every node, run, find it back on the pods' nodes
    const image = relocate(NGINX_IMAGE, registry);
    const kind = await Kind.load(cfg);
    const nodes = (await kind.nodes(ctx.kindCluster!)).map((n) => n.name);
    for (const n of nodes) await run(['docker', 'exec', n, 'crictl', 'rmi', image], { allowFailure: true });
    const has = async (n: string) => (await run(['docker', 'exec', n, 'crictl', 'images', '-o', 'json'])).stdout.includes(`"${image}"`);
    for (const n of nodes) expect(await has(n), `${image} still on ${n}`).toBe(false);
    const reportDir = path.join(ctx.runDir, 'controls', 'image-registry');
    const ok = await cli('run', '--suite', 'identity', '--focus', 'identity/pod-names', '--kubeconfig', ctx.kubeconfig, '--image-registry', registry.name, '--report-dir', reportDir);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stderr).not.toMatch(/Loading .*nginx/);
    const pulledOn = [];
    for (const n of nodes) if (await has(n)) pulledOn.push(n);
    expect(pulledOn.length, `no node pulled ${image}`).toBeGreaterThan(0);
  }));
});
