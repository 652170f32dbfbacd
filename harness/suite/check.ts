// Checks: each is a vitest test with an id ("ordering/creation-order"), a verdict (passed, failed,
// not-applicable, blocked), measurements and, on failure, a diagnosis and collected diagnostics.
// These travel in the test's metadata to ordinal's reporter, which writes JUnit and JSON.
import { afterAll, beforeAll, it } from 'vitest';
import type { SuiteName } from '../fixture/fixture.ts';
import { clusterWaitMs } from '../wait/accounting.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SuiteSession, runContext } from './session.ts';

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

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
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
  /** runs once before the checks (e.g. deploy the fixture); a failure fails every check */
  setup?: (session: SuiteSession) => Promise<void>;
}

/**
 * Declares a suite: one session (namespace + fixture, the run's or the suite's built-in one from
 * DEFAULT_FIXTURES) shared by its checks, run in order.
 */
export function defineSuite(name: SuiteName, opts: SuiteOptions = {}) {
  let session: SuiteSession | undefined;
  const verdicts = new Map<string, CheckVerdict>();
  const naReasons = new Map<string, string>();

  let waitAtStart = 0;
  beforeAll(async () => {
    waitAtStart = clusterWaitMs();
    session = await SuiteSession.open(name);
    await opts.setup?.(session);
  });
  afterAll(async () => {
    try {
      await session?.close();
    } finally {
      const ctx = runContext();
      await mkdir(path.join(ctx.runDir, '.waits'), { recursive: true });
      await writeFile(path.join(ctx.runDir, '.waits', `${name}.json`), JSON.stringify({ suite: name, clusterWaitMs: Math.round(clusterWaitMs() - waitAtStart) }));
    }
  });

  return {
    get session(): SuiteSession {
      if (!session) throw new Error(`suite ${name} has no session (its setup failed)`);
      return session;
    },
    /**
     * A check. `needs`: checks that must have passed for this one to mean anything; if one did
     * not, this check is reported as blocked instead of run.
     */
    check(id: string, title: string, fn: (c: CheckContext) => Promise<void>, o: { needs?: string[] } = {}) {
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
        const na = (o.needs ?? []).find((n) => verdicts.get(n) === 'not-applicable');
        if (na) {
          meta.verdict = 'not-applicable';
          meta.reason = `${name}/${na} is not applicable${naReasons.get(na) ? `: ${naReasons.get(na)}` : ''}`;
          meta.finished = true;
          verdicts.set(id, 'not-applicable');
          naReasons.set(id, naReasons.get(na) ?? '');
          ctx.skip(`not applicable: ${meta.reason}`);
        }
        const unmet = (o.needs ?? []).filter((n) => verdicts.get(n) !== 'passed');
        if (unmet.length) {
          meta.verdict = 'blocked';
          meta.reason = `needs ${unmet.map((u) => `${name}/${u} (${verdicts.get(u) ?? 'not run'})`).join(', ')}`;
          meta.finished = true;
          verdicts.set(id, 'blocked');
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
        let skipReason: string | undefined;
        try {
          await fn(c);
          meta.finished = true;
          verdicts.set(id, 'passed');
        } catch (err) {
          if (err instanceof NotApplicable) {
            meta.verdict = 'not-applicable';
            meta.reason = err.reason;
            meta.finished = true;
            verdicts.set(id, 'not-applicable');
            naReasons.set(id, err.reason);
            skipReason = err.reason;
          } else {
            meta.verdict = 'failed';
            meta.diagnosis = err instanceof CheckFailure ? err.diagnosis : ((err as Error)?.message ?? String(err));
            if (err instanceof CheckFailure && err.excerpt) meta.excerpt = err.excerpt;
            meta.finished = true;
            verdicts.set(id, 'failed');
            meta.artifacts = await s.collect(id).catch((e: Error) => `diagnostics collection failed: ${e.message}`);
            throw err;
          }
        } finally {
          meta.clusterWaitMs = Math.round(clusterWaitMs() - w0);
        }
        if (skipReason !== undefined) ctx.skip(`not applicable: ${skipReason}`);
      });
    },
  };
}
