// Time spent waiting on the cluster: the union of intervals in which at least one wait (a poll, a
// watch wait, an exec, a kind/docker call on the cluster) is in flight. A run reports it next to
// its wall time; the difference is ordinal's own overhead.
let active = 0;
let since = 0;
let total = 0;

export function beginWait(): void {
  if (active++ === 0) since = performance.now();
}

export function endWait(): void {
  if (--active === 0) total += performance.now() - since;
}

export async function trackWait<T>(fn: () => Promise<T>): Promise<T> {
  beginWait();
  try {
    return await fn();
  } finally {
    endWait();
  }
}

/** Milliseconds spent waiting so far (including a wait in progress). */
export function clusterWaitMs(): number {
  return total + (active > 0 ? performance.now() - since : 0);
}
