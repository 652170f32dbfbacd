// What the runner hands to the suites' workers, and what they hand back, through vitest itself:
// the context goes in with `provide` (by `ordinal run`, or by the test command's global setup) and
// is read with `inject`; each check's result travels back in its task's meta, and each suite's
// own totals (cluster wait, extras such as a k6 summary) in its module's meta. No environment
// variables or side files between the two.
import { inject } from 'vitest';
import { InputError } from '../errors.ts';

export interface RunContext {
  kubeconfig: string;
  fixtureDir?: string;
  runDir: string;
  runId: string;
  /** the kind cluster behind the kubeconfig, when there is one (node restarts, image loads) */
  kindCluster?: string;
  keep: boolean;
  /** only checks whose id matches this regular expression run (`ordinal run --focus`) */
  focus?: string;
  /** checks whose id matches this regular expression do not run (`ordinal run --skip`, E2E_SKIP) */
  skip?: string;
  /** `--image-registry` as given: the nodes pull every `ordinal.local/` image from there */
  imageRegistry?: string;
  /** the producer's load (`--load-rate`, `--load-vus`), over the fixture's app.kafka.load */
  load?: { rate?: number; vus?: number };
}

/** A suite's totals, reported once per test module. */
export interface SuiteTotals {
  suite: string;
  clusterWaitMs: number;
  /** the suite's wall time, from holding the cluster's lock to the end of its cleanup */
  wallMs?: number;
  /** per-suite data for results.json's extras (e.g. the kafka suite's k6 summary) */
  extras?: unknown;
}

declare module 'vitest' {
  interface ProvidedContext {
    ordinal?: RunContext;
  }
  interface TaskMeta {
    ordinalSuite?: SuiteTotals;
  }
}

export function runContext(): RunContext {
  const ctx = inject('ordinal');
  if (!ctx) throw new InputError('the suites need a cluster and a run', 'run them with `npx ordinal run` or `npm test`, which create or reuse the kind cluster');
  return ctx;
}
