// A sampler beside a fault: takes a sample, pauses SAMPLE_PACE_MS, takes the next, through the poll
// helper (so it is counted and bounded like every wait), until stop() or its budget ends it. Each
// sample bounds itself (the caller passes `sample` from the timeout table to the exec it makes).
import { poll } from './poll.ts';

/**
 * The pause after each sample before the next. Back to back, the samplers sent ≈ 36 metadata
 * execs a second at an API server that was restarting (each failing at once) and kept a 2-core
 * node busy; a sample takes 0.2–1.5 s when the cluster answers, so this costs little resolution.
 */
export const SAMPLE_PACE_MS = 250;

export interface Sampler {
  /** ends the sampler after the sample in flight (idempotent; call it on every path) */
  stop(): Promise<void>;
}

export function startSampler(subject: string, budgetMs: number, take: () => Promise<void>): Sampler {
  let sampling = true;
  const loop = poll(subject, 'sampled until the faults end', async () => {
    if (!sampling) return { done: true, observed: 'stopped' };
    await take();
    return { done: false, observed: 'sampling' };
  }, { timeoutMs: budgetMs, intervalMs: SAMPLE_PACE_MS }).catch(() => undefined);
  return {
    async stop() {
      sampling = false;
      await loop;
    },
  };
}
