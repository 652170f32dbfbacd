// Typed errors. Harness code throws these; only the CLI's top level turns them into output and an
// exit code, and only suites assert. Every user-facing error is one line of cause plus one of fix.

/** An error meant for the operator: `message` is the one-line cause, `fix` what to do about it. */
export class OrdinalError extends Error {
  override name = 'OrdinalError';
  constructor(
    message: string,
    readonly fix?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad input: flags, config files, fixtures, kubeconfigs. Exit code 2. */
export class InputError extends OrdinalError {
  override name = 'InputError';
}

/** A wait that ran out: what was expected, of which object, within what bound, last observation. */
export class TimeoutError extends OrdinalError {
  override name = 'TimeoutError';
  constructor(
    readonly expectation: string,
    readonly subject: string,
    readonly boundMs: number,
    readonly lastObservation: string,
  ) {
    super(`${subject}: expected ${expectation} within ${formatMs(boundMs)}; last seen ${lastObservation}`);
  }
}

const EXIT_MEANINGS: Record<number, string> = {
  1: 'failed',
  2: 'usage error',
  126: 'not executable',
  127: 'command not found',
  130: 'interrupted (SIGINT)',
  137: 'killed (SIGKILL, often out of memory)',
  143: 'terminated (SIGTERM)',
};

/** An external command (kind, docker, go, k6) that exited non-zero. */
export class CommandError extends OrdinalError {
  override name = 'CommandError';
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly outputTail: string,
    fix?: string,
  ) {
    const meaning = exitCode === null ? 'no exit code' : (EXIT_MEANINGS[exitCode] ?? 'failed');
    super(`\`${shellQuote(argv)}\` exited ${exitCode ?? '?'} (${meaning})${outputTail ? `:\n${indent(outputTail)}` : ''}`, fix);
  }
}

/** An image build step that failed: the step's name, its command and the tail of its output. */
export class BuildError extends OrdinalError {
  override name = 'BuildError';
  constructor(
    readonly step: string,
    readonly command: string,
    readonly outputTail: string,
    readonly logFile: string,
  ) {
    super(
      `image build step "${step}" failed: \`${command}\`\n${indent(outputTail)}\n  full log: ${logFile}`,
      'fix the cause above (often a module version the proxy does not serve, or a Debian mirror problem) and run `npx ordinal images build` again; finished steps are cached',
    );
  }
}

/**
 * A Kubernetes API call that failed: what was attempted, the HTTP status (undefined when no answer
 * came: a network error) and the API's reason (NotFound, Conflict, Forbidden, …) and message.
 */
export class KubeApiError extends OrdinalError {
  override name = 'KubeApiError';
  constructor(
    readonly what: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    /** the API's message ("HTTP 403: …"), or the first line of the network error */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${what}: ${detail}`, undefined, options);
  }

  /** Wraps what a client-node call threw (an ApiException, or a network error) with what was attempted. */
  static from(what: string, err: unknown): KubeApiError {
    const a = apiAnswer(err);
    return new KubeApiError(what, a.status, a.reason, a.text, { cause: err });
  }
}

/**
 * What the API answered, from a client-node ApiException (`code` and `body`) or a KubeApiError;
 * for any other error no status and its first line.
 */
export function apiAnswer(err: unknown): { status?: number; reason?: string; text: string } {
  if (err instanceof KubeApiError) return { status: err.status, reason: err.reason, text: err.detail };
  const e = err as { code?: unknown; body?: unknown; message?: string } | undefined;
  if (typeof e?.code === 'number' && e.body !== undefined) {
    let body: { message?: string; reason?: string } | undefined;
    try {
      body = typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as { message?: string; reason?: string });
    } catch {
      body = undefined;
    }
    return { status: e.code, reason: body?.reason, text: `HTTP ${e.code}: ${body?.message ?? String(e.body).slice(0, 300)}` };
  }
  return { text: (e?.message ?? String(err)).split('\n')[0]! };
}

/** A command run inside a pod (exec) that exited non-zero (`exitCode`) or could not run at all (undefined). */
export class ExecError extends OrdinalError {
  override name = 'ExecError';
  constructor(
    message: string,
    readonly exitCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, undefined, options);
  }
}

/**
 * Ends a check as "not applicable" (never a pass): the promise does not apply here, e.g. the
 * cluster lacks the feature it needs. Checks throw it through CheckContext.notApplicable; harness
 * code a check calls (a session's deploy) may throw it directly.
 */
export class NotApplicable extends Error {
  override name = 'NotApplicable';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Thrown by a poll probe to stop waiting early: the awaited state can no longer be reached. */
export class Impossible extends Error {
  override name = 'Impossible';
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}

export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** Keeps the last `max` lines, preferring lines that look like errors when there are many. */
/** The last `n` lines of a tool's output on one line (" | " between them), for an error message. */
export function lastLines(output: string, n = 3): string {
  return output.trim().split('\n').slice(-n).join(' | ');
}

export function errorTail(output: string, max = 20): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  if (lines.length <= max) return lines.join('\n');
  const errorish = lines.filter((l) => /error|fail|fatal|cannot|denied|not found|no such|refused|invalid|panic/i.test(l));
  const picked = errorish.length > 0 ? errorish.slice(-Math.ceil(max / 2)) : [];
  const rest = lines.slice(-(max - picked.length)).filter((l) => !picked.includes(l));
  return [...picked, ...(picked.length ? ['  …'] : []), ...rest].join('\n');
}

/** What the CLI prints for an error: the cause and the fix; a stack only under ORDINAL_DEBUG. */
export function describeForUser(err: unknown): { text: string; exitCode: number } {
  if (err instanceof OrdinalError) {
    const lines = [`error: ${err.message}`];
    if (err.fix) lines.push(`  fix: ${err.fix}`);
    return { text: lines.join('\n'), exitCode: err instanceof InputError ? 2 : 1 };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    text: `error: internal: ${e.message}\n  fix: this is a bug in ordinal; re-run with ORDINAL_DEBUG=1 for the stack and report it`,
    exitCode: 1,
  };
}
