// Checks: each is a vitest test with an id ("ordering/creation-order"), a verdict (passed, failed,
// not-applicable, blocked), measurements and, on failure, a diagnosis and collected diagnostics.
// These travel in the test's metadata to ordinal's reporter, which writes JUnit and JSON.
import { afterAll, beforeAll, it } from 'vitest';
import type { SuiteName } from '../fixture/fixture.ts';
import { clusterWaitMs } from '../wait/accounting.ts';
import { SuiteSession } from './session.ts';
import { runContext } from './run-context.ts';
import { describeFaults, type ClusterFault } from '../diagnose/cluster-faults.ts';
import { NotApplicable, TimeoutError } from '../errors.ts';
import { poll } from '../wait/poll.ts';

export type CheckVerdict = 'passed' | 'failed' | 'not-applicable' | 'blocked';

export interface Measurement {
  value: number;
  unit: string;
}

export interface CheckMeta {
  id: string;
  suite: SuiteName;
  verdict: CheckVerdict;
  measurements: Record<string, Measurement>;
  notes: string[];
  diagnosis?: string;
  excerpt?: string;
  reason?: string;
  artifacts?: string;
  clusterWaitMs: number;
  fixture: string;
  namespace?: string;
  /** the check reached its verdict (false: vitest cut it off, by its backstop or an interrupt) */
  finished?: boolean;
  /** blocked by a fault of the cluster (not of the StatefulSet): each fault in one line */
  clusterFaults?: string[];
}

declare module 'vitest' {
  interface TaskMeta {
    ordinal?: CheckMeta;
  }
}

/** Thrown by a check to fail with a diagnosis an operator can act on. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
  constructor(
    readonly diagnosis: string,
    readonly excerpt?: string,
  ) {
    super(excerpt ? `${diagnosis}\n\ntimeline:\n${excerpt}` : diagnosis);
  }
}

export interface CheckContext {
  session: SuiteSession;
  measure(name: string, value: number, unit?: string): void;
  note(text: string): void;
  /** ends the check as "not applicable", never a pass */
  notApplicable(reason: string): never;
  fail(diagnosis: string, excerpt?: string): never;
}

export interface SuiteOptions {
  /**
   * Deploys the fixture: becomes the suite's first check, `<suite>/deploy`, which every other
   * check needs. Its failure is reported once, there; the other checks are blocked.
   */
  setup?: (session: SuiteSession) => Promise<void>;
}

const summaries = (faults: ClusterFault[]) => faults.map((f) => f.summary);

/**
 * Declares a suite: one session (namespace + fixture, the run's or the suite's built-in one from
 * DEFAULT_FIXTURES) shared by its checks, run in order. Before anything is deployed the cluster's
 * own health is read (harness/diagnose): a sick cluster blocks every check with the cause named,
 * and so does a check failure that a cluster fault explains.
 */
export function defineSuite(name: SuiteName, opts: SuiteOptions = {}) {
  let session: SuiteSession | undefined;
  const verdicts = new Map<string, CheckVerdict>();
  const naReasons = new Map<string, string>();
  /** checks blocked by a cluster fault: the reason, handed on to the checks that need them */
  const faulted = new Map<string, Blocking>();
  const declared = new Set<string>();
  const { focus: focusText, skip: skipText } = runContext();
  const focus = focusText ? new RegExp(focusText) : undefined;
  const skip = skipText ? new RegExp(skipText) : undefined;
  let before: Blocking | undefined;

  let waitAtStart = 0;
  let startedAt = 0;
  beforeAll(async () => {
    session = await SuiteSession.open(name);
    // from when it holds the cluster's lock: a suite that waited for a drain elsewhere did not take that long
    waitAtStart = clusterWaitMs();
    startedAt = performance.now();
    const faults = await lastingFaults(session);
    if (faults.length) before = blocking(faults, 'not deployed: ');
  });
  afterAll(async ({}, file) => {
    try {
      await session?.close();
    } finally {
      // the suite's totals travel to the reporter in its module's meta
      file.meta.ordinalSuite = { suite: name, clusterWaitMs: Math.round(clusterWaitMs() - waitAtStart), wallMs: Math.round(performance.now() - startedAt), ...(session?.extras !== undefined ? { extras: session.extras } : {}) };
    }
  });

  const suite = {
    get session(): SuiteSession {
      if (!session) throw new Error(`suite ${name} has no session (its setup failed)`);
      return session;
    },
    /**
     * A check. `needs`: checks that must have passed for this one to mean anything; if one did
     * not, this check is reported as blocked instead of run.
     */
    check(id: string, title: string, fn: (c: CheckContext) => Promise<void>, o: { needs?: string[] } = {}) {
      check(id, title, fn, o);
    },
  };

  function check(id: string, title: string, fn: (c: CheckContext) => Promise<void>, o: { needs?: string[] } = {}) {
    for (const n of o.needs ?? []) {
      if (!declared.has(n)) throw new Error(`suite ${name}: check "${id}" needs "${n}", which is not a check declared before it (declared: ${[...declared].join(', ') || 'none'})`);
    }
    if (declared.has(id)) throw new Error(`suite ${name}: check "${id}" is declared twice`);
    declared.add(id);
    // --focus / --skip: a check left out is not declared to vitest at all (and not reported)
    if (id !== 'deploy' && ((focus && !focus.test(`${name}/${id}`)) || skip?.test(`${name}/${id}`))) return;
    const needs = [...(opts.setup && id !== 'deploy' ? ['deploy'] : []), ...(o.needs ?? [])];
    it(title, async (ctx) => {
      const meta: CheckMeta = {
        id: `${name}/${id}`,
        suite: name,
        verdict: 'passed',
        measurements: {},
        notes: [],
        clusterWaitMs: 0,
        fixture: session?.fixture.name ?? '?',
        namespace: session?.namespace,
      };
      ctx.task.meta.ordinal = meta;
      /** A verdict other than passed or failed (vitest records the check as skipped); a cluster fault is handed on to the checks that need this one. */
      const conclude = (verdict: 'blocked' | 'not-applicable', reason: string, fault?: Blocking) => {
        meta.verdict = verdict;
        meta.reason = reason;
        meta.finished = true;
        verdicts.set(id, verdict);
        if (fault) {
          meta.clusterFaults = fault.faults;
          faulted.set(id, fault);
        }
      };
      const from = needs.find((n) => faulted.has(n));
      const inherited = before ?? (from ? { reason: `blocked by the cluster fault that stopped ${name}/${from}: ${faulted.get(from)!.faults.join('; ')}`, faults: faulted.get(from)!.faults } : undefined);
      if (inherited) {
        conclude('blocked', inherited.reason, inherited);
        ctx.skip(inherited.reason);
      }
      const na = needs.find((n) => verdicts.get(n) === 'not-applicable');
      if (na) {
        conclude('not-applicable', `${name}/${na} is not applicable${naReasons.get(na) ? `: ${naReasons.get(na)}` : ''}`);
        naReasons.set(id, naReasons.get(na) ?? '');
        ctx.skip(`not applicable: ${meta.reason}`);
      }
      const unmet = needs.filter((n) => verdicts.get(n) !== 'passed');
      if (unmet.length) {
        conclude('blocked', `needs ${unmet.map((u) => `${name}/${u} (${verdicts.get(u) ?? 'not run'})`).join(', ')}`);
        ctx.skip(meta.reason);
      }
      const s = session;
      if (!s) throw new Error(`suite ${name} could not start; see the error of its setup`);
      const c: CheckContext = {
        session: s,
        measure: (k, value, unit = 'ms') => {
          meta.measurements[k] = { value: Math.round(value * 1000) / 1000, unit };
        },
        note: (text) => meta.notes.push(text),
        notApplicable: (reason) => {
          throw new NotApplicable(reason);
        },
        fail: (diagnosis, excerpt) => {
          throw new CheckFailure(diagnosis, excerpt);
        },
      };
      const w0 = clusterWaitMs();
      let skip: string | undefined;
      try {
        await fn(c);
        meta.finished = true;
        verdicts.set(id, 'passed');
      } catch (err) {
        if (err instanceof NotApplicable) {
          conclude('not-applicable', err.reason);
          naReasons.set(id, err.reason);
          skip = `not applicable: ${err.reason}`;
        } else {
          // one read of the cluster's health decides the verdict and goes with the diagnostics
          const health = await s.clusterHealth({ lookup: true }).catch(() => undefined);
          if (health?.faults.length) {
            const fault = blocking(health.faults);
            conclude('blocked', fault.reason, fault);
            meta.notes.push(`what the check saw: ${whatItSaw(err)}`);
            skip = fault.reason;
          } else {
            meta.verdict = 'failed';
            meta.diagnosis = whatItSaw(err);
            if (err instanceof CheckFailure && err.excerpt) meta.excerpt = err.excerpt;
            meta.finished = true;
            verdicts.set(id, 'failed');
          }
          meta.artifacts = await s.collect(id, health).catch((e: Error) => `diagnostics collection failed: ${e.message}`);
          if (meta.verdict === 'failed') throw err;
        }
      } finally {
        meta.clusterWaitMs = Math.round(clusterWaitMs() - w0);
      }
      if (skip !== undefined) ctx.skip(skip);
    });
  }

  if (opts.setup) {
    const setup = opts.setup;
    check('deploy', 'deploys the fixture and waits until it is up (pods Ready, or running and in quorum for the app fixtures)', async (c) => {
      const t0 = performance.now();
      await setup(c.session);
      c.measure('deployMs', performance.now() - t0);
    });
  }
  return suite;
}

/** Checks blocked by a cluster fault: the reason, and each fault in one line. */
type Blocking = { reason: string; faults: string[] };

function blocking(faults: ClusterFault[], prefix = ''): Blocking {
  return { reason: `${prefix}${describeFaults(faults)}`, faults: summaries(faults) };
}

/** What a failed check saw: its diagnosis, or the message of the error that ended it. */
function whatItSaw(err: unknown): string {
  return err instanceof CheckFailure ? err.diagnosis : ((err as Error)?.message ?? String(err));
}

/** Cluster faults before deploying that last the clusterSettle bound (a node just restarted, CoreDNS rescheduling, settle). */
async function lastingFaults(s: SuiteSession): Promise<ClusterFault[]> {
  let faults: ClusterFault[] = [];
  try {
    await poll('the cluster', 'no fault before deploying', async () => {
      faults = (await s.clusterHealth()).faults;
      return { done: faults.length === 0, observed: summaries(faults).join('; ') || 'healthy' };
    }, { timeoutMs: s.cfg.timeouts.clusterSettle, intervalMs: 1000 });
    return [];
  } catch (err) {
    if (err instanceof TimeoutError) return faults;
    throw err;
  }
}
