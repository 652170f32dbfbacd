// Runs the upstream StatefulSet [Conformance] specs (e2e.test, built from the k8s.io/kubernetes
// module at the cluster's release) on ordinal's kind cluster: the httpd image they use is ordinal's
// stand-in, loaded into the nodes and mapped with KUBE_TEST_REPO_LIST (the variable, read when
// e2e.test starts; its --kube-test-repo-list flag is parsed after the images are computed).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { OrdinalError, formatMs } from '../errors.ts';
import { E2E_HTTPD_IMAGES, E2E_IMAGE_REPO } from '../images/catalog.ts';
import { buildArtifacts, installTool } from '../images/builder.ts';
import { imageExists } from '../images/docker.ts';
import { Kind } from '../cluster/kind.ts';
import { interruptSignal } from '../lifecycle.ts';
import { info, step } from '../log.ts';
import { run } from '../proc/command.ts';
import { E2E_FOCUS, parseGinkgoReport, type E2eSpec } from './e2e-promises.ts';

export interface E2eOutcome {
  specs: E2eSpec[];
  /** e2e.test's whole run: its suite setup, the specs, their namespaces' deletion */
  wallMs: number;
  exitCode: number | null;
  dir: string;
}

/** Builds what the upstream specs need (e2e.test, kubectl at the cluster's release, the httpd image) and loads the image. */
export async function prepareE2e(cfg: Config): Promise<{ e2eTest: string; kubectl: string }> {
  await buildArtifacts(cfg, { only: ['go/e2e-test', 'image/e2e-httpd', 'go/kubernetes'] });
  const e2eTest = await installTool(cfg, 'go/e2e-test', 'e2e.test');
  // the specs shell out to kubectl exec; the host's kubectl may be of another release
  const kubectl = await installTool(cfg, 'go/kubernetes', 'kubectl');
  for (const img of E2E_HTTPD_IMAGES) {
    if (!(await imageExists(img))) await run(['docker', 'tag', E2E_HTTPD_IMAGES[0], img]);
  }
  const kind = await Kind.load(cfg);
  for (const img of E2E_HTTPD_IMAGES) await step('bench', `Loading ${img} into kind cluster ${cfg.clusterName}`, () => kind.loadImage(cfg.clusterName, img));
  return { e2eTest, kubectl };
}

/** Runs the 8 specs once; the report folder gets junit_01.xml, ginkgo-report.json and e2e.test.log. */
export async function runE2e(cfg: Config, opts: { e2eTest: string; kubectl: string; kubeconfig: string; dir: string }): Promise<E2eOutcome> {
  const repoList = path.join(opts.dir, 'kube-test-repo-list.yaml');
  await writeFile(repoList, `promoterE2eRegistry: ${E2E_IMAGE_REPO}\n`);
  const json = path.join(opts.dir, 'ginkgo-report.json');
  const log = path.join(opts.dir, 'e2e.test.log');
  const argv = [
    opts.e2eTest,
    `--kubeconfig=${opts.kubeconfig}`,
    '--provider=skeleton',
    `--kubectl-path=${opts.kubectl}`,
    `--report-dir=${opts.dir}`,
    `--ginkgo.focus=${E2E_FOCUS}`,
    `--ginkgo.json-report=${json}`,
    `--ginkgo.timeout=${Math.ceil(cfg.timeouts.e2eBench / 60_000)}m`,
    '--ginkgo.v',
    '--ginkgo.no-color',
  ];
  const t0 = performance.now();
  const r = await step('bench', `e2e.test: the StatefulSet [Conformance] specs (log: ${log})`, () =>
    run(argv, { env: { KUBE_TEST_REPO_LIST: repoList }, logFile: log, allowFailure: true, timeoutMs: cfg.timeouts.e2eBench + 60_000, signal: interruptSignal }),
  );
  const wallMs = performance.now() - t0;
  let specs: E2eSpec[];
  try {
    specs = parseGinkgoReport(JSON.parse(await readFile(json, 'utf8')));
  } catch {
    throw new OrdinalError(`e2e.test exited ${r.exitCode} after ${formatMs(wallMs)} without a Ginkgo report at ${json}`, `read ${log}: it says why the suite did not start`);
  }
  const ran = specs.filter((s) => s.state !== 'skipped');
  info('bench', `e2e.test exited ${r.exitCode} after ${formatMs(wallMs)}: ${ran.filter((s) => s.state === 'passed').length} of ${ran.length} specs passed`);
  return { specs: ran, wallMs, exitCode: r.exitCode, dir: opts.dir };
}
