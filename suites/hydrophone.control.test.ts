// ordinal's runner image as a conformance image, run by Hydrophone itself (v0.8.0, built from the Go
// module proxy) on the test run's kind cluster: the image and its results sidecar are pulled from
// the local registry, the fixtures' images too (--image-registry through --extra-args). What
// Hydrophone fetches — junit_01.xml, e2e.log and the container's exit code — must say what ordinal
// decided, on the healthy web fixture (all pass, exit 0) and on a negative control (exactly its
// intended check fails with its diagnosis, exit 1).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, backstopMs, loadConfig } from '../harness/config.ts';
import { Kind } from '../harness/cluster/kind.ts';
import { localRegistry } from '../harness/cluster/local-registry.ts';
import { loadFixture } from '../harness/fixture/fixture.ts';
import { installTool } from '../harness/images/builder.ts';
import { RUNNER_IMAGE, SLIM_IMAGE } from '../harness/images/catalog.ts';
import { relocate } from '../harness/images/image-registry.ts';
import { run } from '../harness/proc/command.ts';
import { runContext } from '../harness/suite/run-context.ts';
import { underClusterLock } from '../harness/testing/control.ts';

interface Case {
  id: number;
  what: string;
  extraArgs: string[];
  exitCode: number;
  fails: string[];
  diagnosis?: RegExp;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Each testcase's check id (the [id] ending its name) and its failure message, if any. */
function junitCases(xml: string): Array<{ id: string; failure?: string; skipped: boolean }> {
  return [...xml.matchAll(/<testcase name="[^"]*\[([^\]]+)\]"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => {
    const failure = /<failure[^>]*message="([^"]*)"/.exec(m[2] ?? '')?.[1];
    return { id: m[1]!, failure: failure && unescape(failure), skipped: /<skipped/.test(m[2] ?? '') };
  });
}

describe('inside the cluster, under Hydrophone', () => {
  const ctx = runContext();
  it.skipIf(!ctx.kindCluster || !ctx.imageRegistry)('junit_01.xml, e2e.log and the exit code Hydrophone fetches say what ordinal decided, passing and failing', () => underClusterLock('shared', 'the Hydrophone control', async () => {
    const cfg = loadConfig();
    const registry = localRegistry();
    const hydrophone = await installTool(cfg, 'go/hydrophone', 'hydrophone');
    const image = relocate(RUNNER_IMAGE, registry);
    // the tag stays while ordinal changes: make the nodes pull the image the test command just pushed
    const kind = await Kind.load(cfg);
    for (const n of await kind.nodes(ctx.kindCluster!)) await run(['docker', 'exec', n.name, 'crictl', 'rmi', image], { allowFailure: true });

    const control = loadFixture(path.join(PROJECT_ROOT, 'fixtures/negative/web-clusterip-service')).controls[0]!;
    const cases: Case[] = [
      { id: 1, what: 'the web fixture', extraArgs: ['--suite=identity'], exitCode: 0, fails: [] },
      { id: 2, what: 'negative control web-clusterip-service', extraArgs: ['--suite=identity', '--fixture=/opt/ordinal/fixtures/negative/web-clusterip-service'], exitCode: 1, fails: control.fails, diagnosis: new RegExp(control.diagnosis) },
    ];
    for (const c of cases) {
      const out = path.join(ctx.runDir, 'hydrophone', String(c.id));
      const r = await run([
        hydrophone, '--kubeconfig', ctx.kubeconfig, '--namespace', `ordinal-hydrophone-${c.id}`,
        '--conformance-image', image, '--busybox-image', relocate(SLIM_IMAGE, registry),
        '--focus', 'identity/.*', `--extra-args=${[...c.extraArgs, `--image-registry=${registry.name}`].join(',')}`,
        '--output-dir', out, '--progress-status-interval', '5s',
      ], { allowFailure: true, timeoutMs: backstopMs() });
      const log = `${c.what}:\n${r.stdout}\n${r.stderr}`;
      expect(r.exitCode, log).toBe(c.exitCode);

      const junit = junitCases(readFileSync(path.join(out, 'junit_01.xml'), 'utf8'));
      const e2e = readFileSync(path.join(out, 'e2e.log'), 'utf8');
      expect(junit.length, log).toBe(7);
      expect(junit.filter((j) => j.failure).map((j) => j.id).sort(), log).toEqual([...c.fails].sort());
      for (const j of junit.filter((x) => x.failure)) expect(j.failure, log).toMatch(c.diagnosis!);
      if (c.exitCode === 0) expect(junit.filter((j) => j.skipped), log).toEqual([]);
      // e2e.log: Ginkgo's spec count, then one "•" line per check, with the verdict JUnit has
      expect(e2e, log).toContain(`Will run ${junit.length} of ${junit.length} specs`);
      const lines = e2e.split('\n').filter((l) => l.startsWith('• '));
      expect(lines.length, e2e).toBe(junit.length);
      for (const j of junit) {
        const line = lines.find((l) => l.includes(` ${j.id} `));
        expect(line, `${j.id} in e2e.log\n${e2e}`).toBeDefined();
        expect(line, e2e).toContain(j.failure ? '✗ FAIL' : j.skipped ? '↷ blocked' : '✓ pass');
      }
      expect(e2e, log).toContain(c.exitCode === 0 ? 'SUCCESS!' : 'FAIL!');
    }
  }));
});
