// How hard the k6 producer pushes: messages per second and virtual users. From the run
// (`ordinal run --load-rate N --load-vus N`, in the suites' run context), else the fixture
// (app.kafka.load: { rate, vus } in fixture.yaml), else 40/s on 4 VUs (the rate the timing bounds
// were measured at). k6's constant-arrival-rate executor starts more VUs, up to maxVus, when the
// pre-allocated ones cannot keep the rate (each send waits for its acknowledgement).
import { InputError } from '../errors.ts';
import type { SuiteSession } from '../suite/session.ts';

export interface LoadSettings {
  rate: number;
  vus: number;
  maxVus: number;
}

export const DEFAULT_LOAD = { rate: 40, vus: 4 } as const;
export const LOAD_LIMITS = { rate: 100_000, vus: 2_000, batch: 10_000 } as const;

/** What each load value is, for the fix of a bad one */
const LOAD_MEANING = {
  rate: { what: "the producer's messages per second", example: 2000 },
  vus: { what: 'the number of k6 virtual users', example: 32 },
  batch: { what: 'the messages per k6 send of the throughput suite', example: 500 },
} as const;

/** A positive whole number within its limit, or undefined when not given; one line of cause and fix otherwise. */
export function parseLoadValue(what: 'rate' | 'vus' | 'batch', value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^\d+$/.test(String(value).trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > LOAD_LIMITS[what]) {
    throw new InputError(`${where} ${JSON.stringify(value)} is not a whole number from 1 to ${LOAD_LIMITS[what]}`, `give ${LOAD_MEANING[what].what}, e.g. ${where} ${LOAD_MEANING[what].example}`);
  }
  return n;
}

export function resolveLoad(run: { rate?: number; vus?: number } | undefined, fixture: unknown): LoadSettings {
  const f = (fixture ?? {}) as { rate?: unknown; vus?: unknown };
  const rate = run?.rate ?? parseLoadValue('rate', f.rate, 'app.kafka.load.rate') ?? DEFAULT_LOAD.rate;
  const vus = run?.vus ?? parseLoadValue('vus', f.vus, 'app.kafka.load.vus') ?? DEFAULT_LOAD.vus;
  return { rate, vus, maxVus: Math.max(16, vus * 4) };
}

/** The fixture's app.kafka.load, as written (validated where it is read) */
function fixtureLoad(session: SuiteSession): { rate?: unknown; vus?: unknown; batch?: unknown } {
  return ((session.fixture.app.kafka as { load?: object } | undefined)?.load ?? {}) as { rate?: unknown; vus?: unknown; batch?: unknown };
}

export function loadSettings(session: SuiteSession): LoadSettings {
  return resolveLoad(session.ctx.load, fixtureLoad(session));
}

/**
 * The throughput suite's k6: VUs from the run (--load-vus), else app.kafka.load.vus, else the
 * benchmark's own; messages per send from app.kafka.load.batch, else the benchmark's own.
 */
export function throughputLoad(session: SuiteSession, defaults: { vus: number; batch: number }): { vus: number; batch: number } {
  const f = fixtureLoad(session);
  return {
    vus: session.ctx.load?.vus ?? parseLoadValue('vus', f.vus, 'app.kafka.load.vus') ?? defaults.vus,
    batch: parseLoadValue('batch', f.batch, 'app.kafka.load.batch') ?? defaults.batch,
  };
}

/** kafka-produce.js's environment for it */
export function producerEnv(l: LoadSettings): Record<string, string> {
  return { RATE: String(l.rate), VUS: String(l.vus), MAX_VUS: String(l.maxVus) };
}
