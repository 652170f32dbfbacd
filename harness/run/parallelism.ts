// How many suites `ordinal run` runs at once (--parallel N). Each suite has its own namespace, and
// the cluster's lock (cluster-lock.ts) makes those that restart or drain nodes run alone, so
// no drain or node restart lands in another suite; what N costs is CPU while pods start (a
// ZooKeeper + Kafka fixture is six JVMs), and timing bounds feel it: measured on 2 cores with
// --parallel 3, a ZooKeeper rolling update went 14.7 s without a quorum against its 10 s bound
// (docs/benchmarks.md). So the default is one suite per two cores (1 on 2 cores: serial), at most
// 3, and ≈ 6 GiB of memory per suite.
import { availableParallelism, totalmem } from 'node:os';
import { InputError } from '../errors.ts';

export const MAX_PARALLEL = 8;

/** The variable through which `ordinal run` tells vitest's config how many suite files run at once. */
export const PARALLEL_ENV = 'ORDINAL_PARALLEL';

export function defaultParallelism(cores = availableParallelism(), memBytes = totalmem()): number {
  const byCores = Math.floor(cores / 2);
  const byMemory = Math.floor(memBytes / 2 ** 30 / 6);
  return Math.max(1, Math.min(3, byCores, byMemory));
}

export function parseParallel(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARALLEL) throw new InputError(`--parallel "${value}" is not a number of suites from 1 to ${MAX_PARALLEL}`, `pass e.g. --parallel 3, or --parallel 1 to run the suites one after the other`);
  return n;
}

/** N from the environment vitest's config is loaded in (1 when unset). */
export function parallelFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env[PARALLEL_ENV] ?? 1);
  return Number.isInteger(n) && n >= 1 && n <= MAX_PARALLEL ? n : 1;
}
