// One cluster shared by concurrent ordinal processes on this machine (suites run in parallel, the
// negative controls of `npm test` run side by side): a reader/writer lock per cluster. A suite or
// fault that changes what every pod on the cluster sees (a node restart, a drain, cluster DNS taken
// away, a network partition) holds it exclusively; everything else holds it shared, so a drain never
// evicts another suite's pods and a node restart never lands in another suite's observation.
//
// The lock is files in one directory per cluster (keyed by the API server's URL) under the OS's
// temporary directory: `exclusive` is created with O_EXCL (one writer), each shared holder writes
// its own token; a writer first claims `exclusive` (new readers then wait), then waits until the
// readers before it are gone. A token whose process is gone is stale and removed. A process that
// holds the lock hands it to its children (ORDINAL_CLUSTER_LOCK_HELD), which then take nothing:
// a control that scales CoreDNS down holds it exclusively while its `ordinal run` child runs.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { link, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { SuiteName } from '../fixture/fixture.ts';
import { info } from '../log.ts';
import { OrdinalError } from '../errors.ts';
import { poll } from '../wait/poll.ts';

export type LockMode = 'shared' | 'exclusive';

/** Suites whose faults reach every pod on a node, and the benchmark that loads the cluster as hard as it goes: they run alone on their cluster. */
export const EXCLUSIVE_SUITES: readonly SuiteName[] = ['durability', 'disruption', 'upgrade', 'throughput'];

/**
 * Suites whose verdicts are timing bounds under load (an election, a quorum gap, acknowledgement
 * gaps): with suites side by side (`--parallel`, `npm test`) each runs beside any other suite, never
 * beside another of these. acquireSuiteLocks gives them the cluster's timing lock too.
 */
export const TIMING_SUITES: readonly SuiteName[] = ['zookeeper', 'kafka', 'partition'];

/** The key of a cluster's second lock, the one TIMING_SUITES take (not the cluster's own). */
function timingLockKey(server: string): string {
  return `${server}#timing-bounds`;
}

/** Set in a lock holder's environment for its children: they run under the holder's lock. */
export const HELD_ENV = 'ORDINAL_CLUSTER_LOCK_HELD';

/**
 * The cluster lock's mode for these suites. The upgrade suite holds the cluster alone only when it
 * has a release to upgrade to (`upgradeTo`): without one it is not applicable and touches nothing,
 * and an exclusive claim would only stall every other suite while it waits (203 s in one `npm test`).
 */
export function lockModeOf(suites: readonly string[], upgradeTo?: string): LockMode {
  return suites.some((s) => (EXCLUSIVE_SUITES as readonly string[]).includes(s) && (s !== 'upgrade' || !!upgradeTo)) ? 'exclusive' : 'shared';
}

export function lockDir(server: string, root = path.join(tmpdir(), 'ordinal-locks')): string {
  return path.join(root, createHash('sha256').update(server).digest('hex').slice(0, 16));
}

interface Holder {
  pid: number;
  who: string;
  /** this acquisition's own mark, so only it withdraws its claim */
  nonce?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holder(file: string): Promise<Holder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Holder;
  } catch {
    // gone meanwhile, or being written: seen again on the next probe
    return undefined;
  }
}

/**
 * Creates `file` with `content` only if it does not exist; false if it does. Written to a file of
 * its own first and then linked into place, so no one ever reads a claim without its holder.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}-${threadId}-${++tokens}.tmp`;
  await writeFile(tmp, content, { flag: 'wx' });
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The holder of `exclusive`, after removing it if its process is gone. */
async function writer(dir: string): Promise<Holder | undefined> {
  const file = path.join(dir, 'exclusive');
  const h = await holder(file);
  if (h && !alive(h.pid)) {
    await rm(file, { force: true });
    return undefined;
  }
  return h;
}

/** The live shared holders other than `own`, after removing the tokens of processes that are gone. */
async function readers(dir: string, own?: string): Promise<Holder[]> {
  const live: Holder[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.startsWith('shared-') && !n.endsWith('.tmp') && n !== own)) {
    const h = await holder(path.join(dir, name));
    if (!h) continue;
    if (alive(h.pid)) live.push(h);
    else await rm(path.join(dir, name), { force: true });
  }
  return live;
}

const describeHolders = (hs: Holder[]) => hs.map((h) => `${h.who} (pid ${h.pid})`).join(', ');

let tokens = 0;

export interface LockOptions {
  /** what holds it, for those who wait on it: "suite kafka of run …" */
  who: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** what the lock guards, in what waiters print ("the cluster" unless told) */
  guards?: string;
  /** the lock directory's parent (tests) */
  root?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Takes the cluster's lock in `mode` and returns its release (idempotent). Waits (the bounded poll)
 * while a writer holds or claims it, or, for a writer, while readers hold it.
 */
export async function acquireClusterLock(server: string, mode: LockMode, opts: LockOptions): Promise<() => Promise<void>> {
  const env = opts.env ?? process.env;
  const dir = lockDir(server, opts.root);
  // a parent holds it for this process: an exclusive hold covers any child, a shared one a shared child
  const [heldDir, heldMode] = (env[HELD_ENV] ?? '').split('|');
  if (heldDir === dir) {
    if (heldMode === 'exclusive' || mode === 'shared') return async () => undefined;
    // waiting here would wait on the parent's own hold
    throw new OrdinalError(`${opts.who} needs cluster ${server} alone, but runs under a shared hold of it`, 'hold it exclusively in the parent (harness/testing/control.ts underClusterLock)');
  }
  mkdirSync(dir, { recursive: true });
  const nonce = `${process.pid}-${threadId}-${++tokens}-${Date.now()}`;
  const me = JSON.stringify({ pid: process.pid, who: opts.who, nonce } satisfies Holder);
  // a wait that ended (bound, interrupt) while a probe was still running: that probe's claim is withdrawn
  let abandoned = false;
  const withdraw = async (file: string) => {
    if ((await holder(file))?.nonce === nonce) await rm(file, { force: true });
  };
  const subject = `the lock on cluster ${server}`;
  let released = false;
  /** the release function: runs `remove` once, however often it is called */
  const releaser = (remove: () => Promise<void>) => async () => {
    if (released) return;
    released = true;
    await remove();
  };
  let waited = false;
  const note = (observed: string) => {
    if (!waited) info('run', `${opts.who} waits for ${opts.guards ?? 'the cluster'}: ${observed}`);
    waited = true;
  };
  if (mode === 'exclusive') {
    const file = path.join(dir, 'exclusive');
    await poll(subject, `to be free for ${opts.who} alone`, async () => {
      if (await createExclusive(file, me)) {
        if (abandoned) await withdraw(file);
        return { done: true, observed: 'claimed' };
      }
      const w = await writer(dir);
      const observed = w ? `held exclusively by ${describeHolders([w])}` : 'freed';
      if (w) note(observed);
      return { done: false, observed };
    }, { timeoutMs: opts.timeoutMs, intervalMs: 500, signal: opts.signal }).catch(async (err: unknown) => {
      abandoned = true;
      await withdraw(file);
      throw err;
    });
    const release = releaser(() => withdraw(file));
    try {
      // claimed: no new reader enters; wait for those inside to leave
      await poll(subject, `to have no other holder, for ${opts.who}`, async () => {
        const rs = await readers(dir);
        const observed = rs.length ? `shared by ${describeHolders(rs)}` : 'no readers';
        if (rs.length) note(observed);
        return { done: rs.length === 0, observed };
      }, { timeoutMs: opts.timeoutMs, intervalMs: 500, signal: opts.signal });
    } catch (err) {
      await release();
      throw err;
    }
    return release;
  }
  const token = `shared-${process.pid}-${threadId}-${++tokens}`;
  const file = path.join(dir, token);
  await poll(subject, `to be free of writers, for ${opts.who}`, async () => {
    const w = await writer(dir);
    if (w) {
      const observed = `held exclusively by ${describeHolders([w])}`;
      note(observed);
      return { done: false, observed };
    }
    await createExclusive(file, me);
    if (abandoned) {
      await rm(file, { force: true });
      return { done: false, observed: 'abandoned' };
    }
    // a writer that claimed the lock between the look and the token sees the token and waits for it;
    // one that claimed it before the token is seen here, and this reader steps back
    if (await writer(dir)) {
      await rm(file, { force: true });
      return { done: false, observed: 'a writer claimed it' };
    }
    return { done: true, observed: 'shared' };
  }, { timeoutMs: opts.timeoutMs, intervalMs: 500, signal: opts.signal }).catch(async (err: unknown) => {
    abandoned = true;
    await rm(file, { force: true });
    throw err;
  });
  return releaser(() => rm(file, { force: true }));
}

/**
 * A suite's holds on its cluster, and their one release: the cluster's lock (exclusive for
 * EXCLUSIVE_SUITES, lockModeOf), then, for TIMING_SUITES, the timing lock exclusively. In that order, never the
 * other: a drain that claimed the cluster waits for a timing-bound suite inside, never that suite
 * for it. A process under a parent's hold (HELD_ENV: the cluster-DNS, image-registry and diagnose
 * controls' runs) takes neither.
 */
export async function acquireSuiteLocks(server: string, suite: SuiteName, opts: LockOptions & { upgradeTo?: string }): Promise<() => Promise<void>> {
  const unlockCluster = await acquireClusterLock(server, lockModeOf([suite], opts.upgradeTo), opts);
  if (!TIMING_SUITES.includes(suite) || (opts.env ?? process.env)[HELD_ENV]) return unlockCluster;
  try {
    const unlockTiming = await acquireClusterLock(timingLockKey(server), 'exclusive', { ...opts, guards: 'the timing-bound suites (one at a time)' });
    return async () => {
      await unlockTiming();
      await unlockCluster();
    };
  } catch (err) {
    await unlockCluster();
    throw err;
  }
}

/** The environment for children of a holder of the lock in `mode`: they run under its hold. */
export function heldEnv(server: string, mode: LockMode, root?: string): Record<string, string> {
  return { [HELD_ENV]: `${lockDir(server, root)}|${mode}` };
}
