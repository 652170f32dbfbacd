// Watch-based waits: a list+watch cache (client-node's informer, which re-lists on 410 Gone and
// re-watches when the server closes the stream) evaluated on every change.
import * as k8s from '@kubernetes/client-node';
import { Impossible, OrdinalError, TimeoutError } from '../errors.ts';
import { debug } from '../log.ts';
import type { Kube } from '../kube/client.ts';
import type { ProbeResult } from './poll.ts';
import { beginWait, endWait } from './accounting.ts';

export type WatchEvent = 'add' | 'update' | 'delete';

export interface WatchSource<T extends k8s.KubernetesObject> {
  /** API path to watch, e.g. /api/v1/namespaces/ns/pods */
  path: string;
  list: () => Promise<k8s.KubernetesListObject<T>>;
  labelSelector?: string;
  fieldSelector?: string;
}

/** A running list+watch with a cache and event listeners; restarts itself after watch errors. */
export class ObjectWatch<T extends k8s.KubernetesObject> {
  private informer: k8s.Informer<T> & k8s.ObjectCache<T>;
  private listeners = new Set<(type: WatchEvent, obj: T, at: Date) => void>();
  private stopped = false;
  /** a list has succeeded: the cache holds the objects, not nothing because the list failed */
  listed = false;
  private restartTimer?: NodeJS.Timeout;

  constructor(kube: Kube, source: WatchSource<T>) {
    // the informer swallows a failed list (it emits an error and relists later): know when one succeeded
    const list = async () => {
      const l = await source.list();
      this.listed = true;
      return l;
    };
    this.informer = new k8s.ListWatch(source.path, new k8s.Watch(kube.kc), list, false, source.labelSelector, source.fieldSelector);
    for (const type of ['add', 'update', 'delete'] as const) {
      this.informer.on(type, (obj: T) => {
        const at = new Date();
        for (const l of this.listeners) l(type, obj, at);
      });
    }
    this.informer.on('error', (err: unknown) => {
      if (this.stopped) return;
      debug('watch', `${source.path}: ${(err as Error)?.message ?? err}; restarting`);
      this.restartTimer = setTimeout(() => {
        if (!this.stopped) void this.start().catch(() => {});
      }, 1000);
    });
  }

  async start(): Promise<this> {
    await this.informer.start();
    // stop() may have run while the first list was in flight
    if (this.stopped) await this.informer.stop();
    return this;
  }

  on(listener: (type: WatchEvent, obj: T, at: Date) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): T[] {
    return [...this.informer.list()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.informer.stop();
  }
}

/**
 * Resolves when `evaluate()` says done; evaluates once `start` has resolved and again on every
 * change `subscribe` signals. Throws TimeoutError with the last observation, or stops early when
 * the evaluator throws Impossible. The one event-driven wait (poll.ts is the one polling wait).
 */
export async function waitOnChanges<R>(
  subject: string,
  expectation: string,
  evaluate: () => ProbeResult<R>,
  subscribe: (onChange: () => void) => () => void,
  opts: { timeoutMs: number; signal?: AbortSignal; start?: () => Promise<unknown> },
): Promise<R> {
  let last = 'nothing yet';
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let onAbort: (() => void) | undefined;
  opts.signal?.throwIfAborted();
  beginWait();
  try {
    return await new Promise<R>((resolve, reject) => {
      const check = () => {
        try {
          const r = evaluate();
          if (r.observed !== last) debug('wait', `[${subject}] ${r.observed}`);
          last = r.observed;
          if (r.done) resolve(r.value as R);
        } catch (err) {
          reject(err instanceof Impossible ? new OrdinalError(`${subject}: expected ${expectation}, but ${err.message}`) : err);
        }
      };
      timer = setTimeout(() => reject(new TimeoutError(expectation, subject, opts.timeoutMs, last)), opts.timeoutMs);
      if (opts.signal) {
        onAbort = () => reject(opts.signal!.reason);
        opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      // a list+watch announces its first list one object at a time: judging before that list is
      // complete would see, say, "the evicted pods gone" in a cache that holds only one other pod
      let started = !opts.start;
      unsubscribe = subscribe(() => {
        if (started) check();
      });
      (opts.start ? opts.start() : Promise.resolve()).then(() => {
        started = true;
        check();
      }, reject);
    });
  } finally {
    endWait();
    clearTimeout(timer);
    unsubscribe?.();
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Waits until `evaluate(current objects)` of a fresh list+watch says done. */
export async function waitForWatch<T extends k8s.KubernetesObject, R>(
  kube: Kube,
  source: WatchSource<T>,
  subject: string,
  expectation: string,
  evaluate: (objects: T[]) => ProbeResult<R>,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<R> {
  const w = new ObjectWatch(kube, source);
  try {
    // until a list has succeeded, an empty cache means nothing (the informer relists after an error)
    const judge = () => (w.listed ? evaluate(w.list()) : { done: false, observed: 'no successful list yet' });
    return await waitOnChanges(subject, expectation, judge, (onChange) => w.on(onChange), { ...opts, start: () => w.start() });
  } finally {
    await w.stop();
  }
}
