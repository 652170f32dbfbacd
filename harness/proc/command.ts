// The one way ordinal runs an external program (kind, docker, go, debootstrap, k6): through zx,
// with an argv array (no shell string), a bound, an optional log file, and CommandError on failure.
import { createWriteStream } from 'node:fs';
import { $ } from 'zx';
import { CommandError, errorTail, shellQuote } from '../errors.ts';
import { debug } from '../log.ts';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  timeoutMs?: number;
  /** append stdout and stderr to this file as they arrive */
  logFile?: string;
  /** echo output to our stderr as it arrives */
  stream?: boolean;
  /** return instead of throwing on a non-zero exit */
  allowFailure?: boolean;
  /** added to the CommandError as the fix */
  fix?: string;
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  debug('exec', `$ ${shellQuote(argv)}`);
  const env = { ...process.env, ...opts.env } as Record<string, string>;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const p = $({
    cwd: opts.cwd,
    env,
    nothrow: true,
    quiet: !opts.stream,
    input: opts.input,
    timeout: opts.timeoutMs,
    signal: opts.signal,
  })`${argv}`;
  if (opts.logFile) {
    const log = createWriteStream(opts.logFile, { flags: 'a' });
    p.stdout.pipe(log, { end: false });
    p.stderr.pipe(log, { end: false });
    p.finally(() => log.end()).catch(() => {});
  }
  const out = await p;
  const result = { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode };
  if (out.exitCode !== 0 && !opts.allowFailure) {
    throw new CommandError(argv, out.exitCode, errorTail(`${out.stderr}\n${out.stdout}`), opts.fix);
  }
  return result;
}

/** Whether `name` is on PATH. */
export async function which(name: string): Promise<boolean> {
  const r = await run(['sh', '-c', `command -v "$1"`, 'sh', name], { allowFailure: true });
  return r.exitCode === 0;
}
