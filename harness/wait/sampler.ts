// A sampler beside a fault: takes a sample, pauses SAMPLE_PACE_MS, takes the next, through the poll
// helper (so it is counted and bounded like every wait), until stop() or its budget ends it. Each
// sample bounds itself (the caller passes `sample` from the timeout table to the exec it makes).
// Running out of its budget ends a sampler quietly (the fault it watched outlived it, and the
// verdict sees where the samples stop); any other error a sample throws ends it too, and stop()
// rethrows that error: a sampler that quietly stopped early would leave a quorum or ISR verdict
// judging the stretch it never saw as if nothing had happened.
import { TimeoutError } from '../errors.ts';
import { poll, type Clock } from './poll.ts';

/**
 * The pause after each sample before the next. Back to back, the samplers sent ≈ 36 metadata
 * execs a second at an API server that was restarting (each failing at once) and kept a 2-core
 * node busy; a sample takes 0.2–1.5 s when the cluster answers, so this costs little resolution.
 */
export const SAMPLE_PACE_MS = 250;

export interface Sampler {
  /** ends the sampler after the sample in flight (idempotent; call it on every path); rejects with the error that ended it early, if one did */
  stop(): Promise<void>;
}

export function startSampler(subject: string, budgetMs: number, take: () => Promise<void>, clock?: Clock): Sampler {
  let sampling = true;
  let failed: { err: unknown } | undefined;
  const loop = poll(subject, 'sampled until the faults end', async () => {
    if (!sampling) return { done: true, observed: 'stopped' };
    await take();
    return { done: false, observed: 'sampling' };
  }, { timeoutMs: budgetMs, intervalMs: SAMPLE_PACE_MS, ...(clock ? { clock } : {}) }).catch((err: unknown) => {
    if (!(err instanceof TimeoutError && err.subject === subject)) failed = { err };
  });
  return {
    async stop() {
      sampling = false;
      await loop;
      if (failed) throw failed.err;
    },
  };
}
