// The kind CLI (built from its Go module into the project's tools folder), through zx.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { installTool } from '../images/builder.ts';
import { run, type RunOptions } from '../proc/command.ts';

export interface NodeContainer {
  name: string;
  state: string;
  image: string;
  role: string;
}

/** What ordinal records about a cluster it created; `down` only deletes clusters recorded here. */
export interface ClusterRecord {
  name: string;
  createdAt: string;
  nodeImage: string;
  kubeconfig: string;
  createdBy: 'ordinal';
}

export class Kind {
  private constructor(
    readonly bin: string,
    readonly cfg: Config,
  ) {}

  static async load(cfg: Config): Promise<Kind> {
    return new Kind(await installTool(cfg, 'go/kind', 'kind'), cfg);
  }

  run(args: string[], opts: RunOptions = {}) {
    return run([this.bin, ...args], opts);
  }

  async clusters(): Promise<string[]> {
    const r = await this.run(['get', 'clusters'], { allowFailure: true });
    return r.stdout.split('\n').map((s) => s.trim()).filter((s) => s && !s.startsWith('No kind clusters'));
  }

  async nodes(name: string): Promise<NodeContainer[]> {
    const r = await run([
      'docker', 'ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${name}`,
      '--format', '{{.Names}}\t{{.State}}\t{{.Image}}\t{{.Label "io.x-k8s.kind.role"}}',
    ]);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [n, state, image, role] = l.split('\t');
        return { name: n!, state: state!, image: image!, role: role! };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  kubeconfigPath(name: string): string {
    return path.join(this.cfg.stateDir, `kubeconfig-${name}.yaml`);
  }

  recordPath(name: string): string {
    return path.join(this.cfg.stateDir, 'clusters', `${name}.json`);
  }

  record(name: string): ClusterRecord | undefined {
    const p = this.recordPath(name);
    return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as ClusterRecord) : undefined;
  }

  async writeRecord(rec: ClusterRecord): Promise<void> {
    await mkdir(path.dirname(this.recordPath(rec.name)), { recursive: true });
    await writeFile(this.recordPath(rec.name), JSON.stringify(rec, null, 2) + '\n');
  }

  /** Writes the cluster's kubeconfig to ordinal's own file (never ~/.kube/config). */
  async exportKubeconfig(name: string): Promise<string> {
    const file = this.kubeconfigPath(name);
    const r = await this.run(['get', 'kubeconfig', '--name', name]);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, r.stdout, { mode: 0o600 });
    return file;
  }

  async delete(name: string): Promise<void> {
    await this.run(['delete', 'cluster', '--name', name, '--kubeconfig', this.kubeconfigPath(name)]);
    await rm(this.recordPath(name), { force: true });
    await rm(this.kubeconfigPath(name), { force: true });
  }

  /** Loads a local image into every node (kind skips nodes that already hold the same image ID). */
  async loadImage(name: string, image: string): Promise<void> {
    await this.run(['load', 'docker-image', '--name', name, image], { timeoutMs: this.cfg.timeouts.imageLoad });
  }

  async exportLogs(name: string, dir: string): Promise<void> {
    await this.run(['export', 'logs', '--name', name, dir], { allowFailure: true, timeoutMs: this.cfg.timeouts.cleanup });
  }
}
