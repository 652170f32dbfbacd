// k6 as a Job inside the cluster (clients must reach pods by their DNS names): the scripts from
// fixtures/k6 in a ConfigMap, the k6 image built by xk6, exit codes mapped to named outcomes, and
// results read from marker lines in the pod's log (kept in reports/<run>/k6/).
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { PROJECT_ROOT } from '../config.ts';
import { ExecError, Impossible, lastLines } from '../errors.ts';
import { K6_IMAGE } from '../images/catalog.ts';
import { applyObjects } from '../kube/apply.ts';
import { api } from '../kube/client.ts';
import { execInPod } from '../kube/exec.ts';
import type { SuiteSession } from '../suite/session.ts';
import { waitForWatch } from '../wait/watch.ts';

export const K6_SCRIPTS = path.join(PROJECT_ROOT, 'fixtures/k6');
/** `k6 run` as ordinal runs it: raw log lines (the ACK/REC/ORDINAL-RESULT parsers read them), no usage report, no progress. */
export const K6_RUN = ['k6', 'run', '--log-format=raw', '--no-usage-report', '--quiet'];
const CONFIGMAP = 'ordinal-k6-scripts';

/** k6's exit codes (errext/exitcodes), as outcomes. */
export const K6_OUTCOMES: Record<number, string> = {
  0: 'Passed',
  97: 'CloudTestRunFailed',
  98: 'CloudFailedToGetProgress',
  99: 'ThresholdsFailed',
  100: 'SetupTimeout',
  101: 'TeardownTimeout',
  104: 'InvalidConfig',
  105: 'ExternalAbort',
  107: 'ScriptException',
  108: 'ScriptAborted',
  109: 'GoPanic',
  110: 'MarkedAsFailed',
};

/** A bound in ms as a k6 duration (whole seconds, rounded up): for DURATION and MAX_DURATION. */
export const k6Duration = (ms: number) => `${Math.ceil(ms / 1000)}s`;

export function k6Outcome(exitCode: number): string {
  return K6_OUTCOMES[exitCode] ?? `ExitCode${exitCode}`;
}

/** The JSON after the last `<marker> ` line in k6 output. */
export function parseMarker<T>(logs: string, marker = 'ORDINAL-RESULT'): T | undefined {
  const line = logs.split('\n').filter((l) => l.startsWith(`${marker} `)).at(-1);
  return line ? (JSON.parse(line.slice(marker.length + 1)) as T) : undefined;
}

export interface K6Result {
  exitCode: number;
  outcome: string;
  logs: string;
  pod: string;
}

async function ensureScripts(session: SuiteSession): Promise<void> {
  const data = Object.fromEntries(readdirSync(K6_SCRIPTS).filter((f) => f.endsWith('.js')).map((f) => [f, readFileSync(path.join(K6_SCRIPTS, f), 'utf8')]));
  await applyObjects(session.kube, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIGMAP }, data } as k8s.V1ConfigMap], { namespace: session.namespace, labels: session.labels() });
}

export class K6Job {
  private constructor(
    private session: SuiteSession,
    readonly name: string,
    readonly pod: string,
  ) {}

  /** Starts `k6 run <script>` as a Job and returns once its pod is running. */
  static async start(session: SuiteSession, script: string, env: Record<string, string>, opts: { deadlineMs: number; onNode?: string }): Promise<K6Job> {
    await ensureScripts(session);
    const name = `k6-${script.replace(/\.js$/, '')}-${Math.random().toString(36).slice(2, 7)}`;
    const job: k8s.V1Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: Math.ceil(opts.deadlineMs / 1000),
        template: {
          metadata: { labels: { ...session.labels(), app: 'ordinal-k6', 'ordinal.dev/k6-job': name } },
          spec: {
            restartPolicy: 'Never',
            // a load generator kept off the nodes a suite drains and restarts (any taint tolerated: it is ordinal's own pod)
            ...(opts.onNode ? { nodeSelector: { 'kubernetes.io/hostname': opts.onNode }, tolerations: [{ operator: 'Exists' }] } : {}),
            terminationGracePeriodSeconds: 30,
            containers: [{
              name: 'k6',
              image: session.image(K6_IMAGE),
              imagePullPolicy: 'IfNotPresent',
              command: [...K6_RUN, `/scripts/${script}`],
              env: Object.entries(env).map(([n, value]) => ({ name: n, value })),
              volumeMounts: [{ name: 'scripts', mountPath: '/scripts' }],
              resources: { requests: { cpu: '50m', memory: '64Mi' } },
            }],
            volumes: [{ name: 'scripts', configMap: { name: CONFIGMAP } }],
          },
        },
      },
    };
    await applyObjects(session.kube, [job], { namespace: session.namespace, labels: session.labels() });
    const pod = await waitForWatch(
      session.kube,
      { path: `/api/v1/namespaces/${session.namespace}/pods`, list: () => session.kube.core.listNamespacedPod({ namespace: session.namespace, labelSelector: `ordinal.dev/k6-job=${name}` }), labelSelector: `ordinal.dev/k6-job=${name}` },
      `k6 Job ${session.namespace}/${name}`,
      'its pod to start',
      (pods) => {
        const p = pods[0];
        const waiting = p?.status?.containerStatuses?.[0]?.state?.waiting;
        if (waiting && /ErrImage|ImagePull|InvalidImageName|CreateContainer/.test(waiting.reason ?? '')) throw new Impossible(`${waiting.reason}: ${waiting.message ?? ''} (is ${session.image(K6_IMAGE)} loaded into the nodes or in the registry?)`);
        const phase = p?.status?.phase;
        return { done: phase === 'Running' || phase === 'Succeeded' || phase === 'Failed', observed: p ? `${p.metadata!.name} ${phase}${waiting ? ` ${waiting.reason}` : ''}` : 'no pod yet', value: p?.metadata?.name };
      },
      { timeoutMs: session.cfg.timeouts.podReady },
    );
    return new K6Job(session, name, pod!);
  }

  /** Current log of the k6 pod. */
  async logs(): Promise<string> {
    return api(`read log of ${this.pod}`, () => this.session.kube.core.readNamespacedPodLog({ name: this.pod, namespace: this.session.namespace, container: 'k6' }));
  }

  /** Interrupts k6 (SIGINT to PID 1); it stops its scenarios and still prints its summary. */
  async interrupt(): Promise<void> {
    await execInPod(this.session.kube, { namespace: this.session.namespace, pod: this.pod, container: 'k6' }, ['sh', '-c', 'kill -INT 1'], { timeoutMs: this.session.cfg.timeouts.exec });
  }

  /** Runs another k6 script inside this Job's pod (e.g. a metadata query while load runs). */
  async execScript(script: string, env: Record<string, string>): Promise<string> {
    // k6 ends a one-shot script by itself (its maxDuration) before the exec bound cuts it off
    const envArgs = Object.entries({ MAX_DURATION: k6Duration(this.session.cfg.timeouts.k6Script), ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const r = await execInPod(this.session.kube, { namespace: this.session.namespace, pod: this.pod, container: 'k6' }, [...K6_RUN, ...envArgs, `/scripts/${script}`], { timeoutMs: this.session.cfg.timeouts.exec });
    if (r.exitCode !== 0) throw new ExecError(`k6 ${script} in ${this.pod} exited ${r.exitCode} (${k6Outcome(r.exitCode)}): ${lastLines(r.stderr + r.stdout)}`, r.exitCode);
    return `${r.stdout}\n${r.stderr}`;
  }

  /** Waits for k6 to exit; returns its exit code, outcome and full log. */
  async wait(timeoutMs: number): Promise<K6Result> {
    const s = this.session;
    const exitCode = await waitForWatch(
      s.kube,
      { path: `/api/v1/namespaces/${s.namespace}/pods`, list: () => s.kube.core.listNamespacedPod({ namespace: s.namespace, fieldSelector: `metadata.name=${this.pod}` }), fieldSelector: `metadata.name=${this.pod}` },
      `k6 pod ${s.namespace}/${this.pod}`,
      'k6 to finish',
      (pods) => {
        const t = pods[0]?.status?.containerStatuses?.[0]?.state?.terminated;
        return { done: !!t, observed: t ? `exited ${t.exitCode}` : `phase ${pods[0]?.status?.phase ?? 'gone'}`, value: t?.exitCode };
      },
      { timeoutMs },
    );
    const logs = await this.logs();
    await mkdir(path.join(s.ctx.runDir, 'k6'), { recursive: true });
    await writeFile(path.join(s.ctx.runDir, 'k6', `${s.suite}-${this.name}.log`), logs);
    return { exitCode: exitCode ?? -1, outcome: k6Outcome(exitCode ?? -1), logs, pod: this.pod };
  }
}

/** Runs a k6 script to completion as a Job; the Job's deadline is past the wait, so a hang shows as a timeout with k6's last output. */
export async function runK6(session: SuiteSession, script: string, env: Record<string, string>, timeoutMs: number): Promise<K6Result> {
  // the script's maxDuration ends k6 (with its own summary) before this wait gives up on it
  const maxDuration = k6Duration(Math.max(session.cfg.timeouts.k6Script, timeoutMs - session.cfg.timeouts.k6Script));
  const job = await K6Job.start(session, script, { MAX_DURATION: maxDuration, ...env }, { deadlineMs: timeoutMs + session.cfg.timeouts.load });
  return job.wait(timeoutMs);
}
