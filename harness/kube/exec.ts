// exec in a pod through the Kubernetes API (websocket), with an argv, a bound and the exit code.
// client-node's Exec resolves when the socket opens; this resolves on the final status frame.
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { ExecError, TimeoutError, lastLines, shellQuote } from '../errors.ts';
import { isNetworkError } from '../wait/retryable.ts';
import { debug } from '../log.ts';
import { trackWait } from '../wait/accounting.ts';
import type { Kube } from './client.ts';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** the API's message when the command could not run or failed */
  message?: string;
}

function collector(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
}

export async function execInPod(
  kube: Kube,
  target: { namespace: string; pod: string; container: string },
  argv: string[],
  opts: { timeoutMs: number },
): Promise<ExecResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const what = `exec in ${target.namespace}/${target.pod} (${target.container}): ${shellQuote(argv)}`;
  debug('exec', what);
  return trackWait(async () => {
    let ws: { close: () => void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    try {
      return await new Promise<ExecResult>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new TimeoutError('the command to finish', `Pod ${target.namespace}/${target.pod}`, opts.timeoutMs, `${shellQuote(argv)} still running; stdout so far: ${Buffer.concat(out).toString().slice(-200) || '(none)'}`)),
          opts.timeoutMs,
        );
        new k8s.Exec(kube.kc)
          .exec(target.namespace, target.pod, target.container, argv, collector(out), collector(err), null, false, (status: k8s.V1Status) => {
            const stdout = Buffer.concat(out).toString();
            const stderr = Buffer.concat(err).toString();
            if (status.status === 'Success') return resolve({ stdout, stderr, exitCode: 0 });
            const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
            resolve({ stdout, stderr, exitCode: code !== undefined ? Number(code) : 126, message: status.message });
          })
          .then((socket) => {
            // the bound may have fired before the socket opened: close it rather than leak it
            if (settled) return socket.close();
            ws = socket;
            // a connection that fails (pod restarting, API server busy) may work on the next try
            socket.on('error', (e: Error) => reject(new ExecError(`${what}: ${e.message}`, undefined, { cause: e })));
          }, (e: unknown) => reject(new ExecError(`${what}: ${(e as Error)?.message ?? e}`, undefined, { cause: e })));
      });
    } finally {
      settled = true;
      clearTimeout(timer);
      ws?.close();
    }
  });
}

/**
 * Whether an error `execInPod` threw means the exec never reached the container, so it says
 * nothing of the target: the connection to the API server failed (refused, reset, TLS cut off),
 * the API server or the kubelet could not carry it (401/403 while the API server starts, 5xx), or
 * it hung past its bound. A 400 or 404 (the pod or its container is not there) is the target's own
 * state; so is anything the command itself answered (execInPod resolves those with an exit code).
 * Also given the message of a Failure status execInPod resolved (`ExecResult.message`).
 * Recorded in an upgrade rehearsal: 290 "Client network socket disconnected before secure TLS
 * connection was established", 124 ECONNRESET and 3 "Unexpected server response: 403" while
 * `kubeadm upgrade apply` restarted the API server, against 35 × 400 for an evicted member.
 */
export function execPathFailed(err: unknown): boolean {
  if (err instanceof TimeoutError) return true;
  const message = (err as Error)?.message ?? String(err);
  // the API server's own Failure status (execInPod resolves it, exit code 126): it could not reach the kubelet
  if (/error dialing backend|error sending request/.test(message)) return true;
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  if (status) return status === '401' || status === '403' || status.startsWith('5');
  return isNetworkError(err);
}

/** exec that throws ExecError (with stderr and the API message) unless the command exits 0. */
export async function execOk(kube: Kube, target: { namespace: string; pod: string; container: string }, argv: string[], opts: { timeoutMs: number }): Promise<string> {
  const r = await execInPod(kube, target, argv, opts);
  if (r.exitCode !== 0) {
    throw new ExecError(`\`${shellQuote(argv)}\` in ${target.namespace}/${target.pod} exited ${r.exitCode}: ${lastLines(r.stderr || r.message || r.stdout)}`, r.exitCode);
  }
  return r.stdout;
}
