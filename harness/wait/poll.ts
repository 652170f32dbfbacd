// The only polling loop in ordinal. It probes at once, then every `intervalMs`, until the probe
// says done, the bound runs out (TimeoutError with the last observation) or the probe throws
// Impossible (the state can no longer be reached). Transient probe errors count as observations.
import { Impossible, OrdinalError, TimeoutError } from '../errors.ts';
import { debug } from '../log.ts';
import { trackWait } from './accounting.ts';

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
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(signal.reason);
      }, { once: true });
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
    try {
      // a probe that hangs must not outlive the bound
      const r = await withDeadline(probe(), deadline - clock.now(), `${subject}: probe still running at the deadline`);
      if (r.observed !== last) debug('wait', `[${subject}] ${r.observed}`);
      last = r.observed;
      if (r.done) return r.value as T;
    } catch (err) {
      if (err instanceof Impossible) {
        throw new OrdinalError(`${subject}: expected ${expectation}, but ${err.message}`);
      }
      const observed = `error: ${(err as Error).message?.split('\n')[0] ?? String(err)}`;
      if (observed !== last) debug('wait', `[${subject}] ${observed}`);
      last = observed;
    }
    const left = deadline - clock.now();
    if (left <= 0) throw new TimeoutError(expectation, subject, opts.timeoutMs, last);
    await clock.sleep(Math.min(interval, left), opts.signal);
  }
}

/** Rejects when `p` has not settled within `ms`; the timer keeps the process alive only with `keepAlive`. */
export function withDeadline<T>(p: Promise<T>, ms: number, message: string, keepAlive = false): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), Math.max(0, ms));
      if (!keepAlive) timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
