// Labels that mark what ordinal created. Cleanup only ever deletes objects carrying MANAGED_BY.
export const MANAGED_BY_KEY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'ordinal';
export const RUN_ID_KEY = 'ordinal.dev/run-id';
export const SUITE_KEY = 'ordinal.dev/suite';

export function ownedLabels(runId: string, suite?: string): Record<string, string> {
  return { [MANAGED_BY_KEY]: MANAGED_BY_VALUE, [RUN_ID_KEY]: runId, ...(suite ? { [SUITE_KEY]: suite } : {}) };
}
