// The Sonobuoy plugin definition against Sonobuoy's documented plugin manifest (its docs' plugins.md
// and pkg/plugin/manifest: sonobuoy-config {driver, plugin-name, result-format, result-files,
// description, ...}, spec (a container), podSpec, extra-volumes, config-map). Sonobuoy is not
// served by the Go module proxy on ordinal's build machines, so no Sonobuoy run checks it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../config.ts';
import { run } from '../proc/command.ts';
import { SONOBUOY_RESULTS_DIR, sonobuoyPlugin } from './plugin.ts';

const MANIFEST_KEYS = ['sonobuoy-config', 'spec', 'extra-volumes', 'podSpec', 'config-map'];
const CONFIG_KEYS = ['driver', 'plugin-name', 'skip-cleanup', 'result-format', 'result-files', 'description', 'source-url'];

describe('ordinal plugin sonobuoy', () => {
  it('is a Job plugin with JUnit results, in Sonobuoy\'s manifest fields only', () => {
    const p = sonobuoyPlugin({ image: 'r.example.com/ordinal/ordinal:0.1.0', focus: 'zookeeper/.*', serviceAccount: 'sonobuoy-serviceaccount' }) as Record<string, Record<string, unknown>>;
    for (const k of Object.keys(p)) expect(MANIFEST_KEYS).toContain(k);
    for (const k of Object.keys(p['sonobuoy-config']!)) expect(CONFIG_KEYS).toContain(k);
    expect(p['sonobuoy-config']).toMatchObject({ driver: 'Job', 'plugin-name': 'ordinal', 'result-format': 'junit', 'result-files': ['junit_01.xml'] });
    const spec = p.spec as { name: string; image: string; env: Array<{ name: string; value: string }>; volumeMounts: Array<{ name: string; mountPath: string }> };
    expect(spec.image).toBe('r.example.com/ordinal/ordinal:0.1.0');
    // the conformance-image contract, with results where Sonobuoy's worker waits for the done file
    expect(Object.fromEntries(spec.env.map((e) => [e.name, e.value]))).toEqual({ E2E_FOCUS: 'zookeeper/.*', E2E_SKIP: '', E2E_EXTRA_ARGS: '', RESULTS_DIR: SONOBUOY_RESULTS_DIR });
    expect(spec.volumeMounts).toEqual([{ name: 'results', mountPath: SONOBUOY_RESULTS_DIR }]);
    expect(p.podSpec).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'sonobuoy-serviceaccount', containers: [] });
  });

  it('the command prints it as YAML, the runner image moved to --image-registry, which ordinal is also told', async () => {
    const r = await run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'plugin', 'sonobuoy', '--image-registry', 'localhost:5001/ordinal', '--extra-args=--suite identity'], { timeoutMs: 30_000 });
    const p = parse(r.stdout) as { spec: { image: string; env: Array<{ name: string; value: string }> } };
    expect(p.spec.image).toMatch(/^localhost:5001\/ordinal\/ordinal:/);
    expect(p.spec.env.find((e) => e.name === 'E2E_EXTRA_ARGS')!.value).toBe('--suite identity --image-registry localhost:5001/ordinal');
  });
});
