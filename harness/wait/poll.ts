// The only polling loop in ordinal. It probes at once, then every `intervalMs`, until the probe
// says done, the bound runs out (TimeoutError with the last observation) or the probe throws
// Impossible (the state can no longer be reached). Probe errors that can pass on a later try
// (retryable.ts) count as observations; any other error is rethrown at once.
import { Impossible, KubeApiError, OrdinalError, TimeoutError, apiAnswer } from '../errors.ts';
import { debug } from '../log.ts';
import { trackWait } from './accounting.ts';
import { isTransient } from './retryable.ts';

export interface ProbeResult<T> {
  done: boolean;
  /** what was seen, for the debug log and the timeout message */
  observed: string;
  value?: T;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // the listener goes with the sleep: a long poll on one signal must not pile them up
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
}

export async function poll<T>(
  subject: string,
  expectation: string,
  probe: () => Promise<ProbeResult<T>>,
  opts: PollOptions,
): Promise<T> {
  return trackWait(() => pollUntracked(subject, expectation, probe, opts));
}

async function pollUntracked<T>(
  subject: string,
  expectation: string,
  probe: () => Promise<ProbeResult<T>>,
  opts: PollOptions,
): Promise<T> {
  const clock = opts.clock ?? realClock;
  const interval = opts.intervalMs ?? 1000;
  const deadline = clock.now() + opts.timeoutMs;
  let last = 'nothing yet';
  for (;;) {
    // an aborted wait sends nothing more (a drain's eviction after its check has ended)
    opts.signal?.throwIfAborted();
    // a probe that hangs must not outlive the bound
    const overran = new Error(`${subject}: probe still running at the deadline`);
    try {
      const r = await withDeadline(probe(), deadline - clock.now(), overran);
      if (r.observed !== last) debug('wait', `[${subject}] ${r.observed}`);
      last = r.observed;
      if (r.done) return r.value as T;
    } catch (err) {
      if (err === overran) throw new TimeoutError(expectation, subject, opts.timeoutMs, `${last} (the last probe was still running)`);
      if (err instanceof Impossible) {
        throw new OrdinalError(`${subject}: expected ${expectation}, but ${err.message}`, undefined, { cause: err });
      }
      if (!isTransient(err)) throw wrapped(subject, err);
      const observed = `error: ${err instanceof KubeApiError ? err.message.split('\n')[0] : apiAnswer(err).text}`;
      if (observed !== last) debug('wait', `[${subject}] ${observed}`);
      last = observed;
    }
    const left = deadline - clock.now();
    if (left <= 0) throw new TimeoutError(expectation, subject, opts.timeoutMs, last);
    await clock.sleep(Math.min(interval, left), opts.signal);
  }
}

/** A raw client-node ApiException (multi-line "HTTP-Code: …" text) gets the wait's subject and the API's message. */
function wrapped(subject: string, err: unknown): unknown {
  const raw = err as { code?: unknown; body?: unknown };
  return !(err instanceof OrdinalError) && typeof raw?.code === 'number' && raw.body !== undefined ? KubeApiError.from(subject, err) : err;
}

/** Rejects (with `message`, or the given error) when `p` has not settled within `ms`; the timer keeps the process alive only with `keepAlive`. */
export function withDeadline<T>(p: Promise<T>, ms: number, message: string | Error, keepAlive = false): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(typeof message === 'string' ? new Error(message) : message), Math.max(0, ms));
      if (!keepAlive) timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
