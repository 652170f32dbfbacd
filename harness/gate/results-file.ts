// Reading a run's results.json for `ordinal gate`: a file or the report folder that holds it. Bad
// input is one line of cause and fix (InputError), never a stack trace.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import type { RunResults } from '../report/results.ts';

const FIX = 'pass the results.json of an `ordinal run` (or the report folder holding it, e.g. reports/<run-id>)';

export function readResults(arg: string, role: string): { results: RunResults; file: string } {
  let file = path.resolve(arg);
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new InputError(`${role} ${arg} does not exist`, FIX);
  }
  if (st.isDirectory()) {
    file = path.join(file, 'results.json');
    try {
      statSync(file);
    } catch {
      throw new InputError(`${role} ${arg} is a folder without a results.json`, FIX);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${role} ${arg} is not JSON (${(err as Error).message.split('\n')[0]})`, FIX);
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== 'ordinal.results/v1' || !Array.isArray((data as RunResults).checks)) {
    const what = schema === 'ordinal.gate/v1' ? 'a gate report' : schema === 'ordinal.diagnose/v1' ? 'a diagnose report' : `schema ${JSON.stringify(schema ?? null)}`;
    throw new InputError(`${role} ${arg} is not an ordinal results file (${what}; expected schema "ordinal.results/v1")`, FIX);
  }
  return { results: data as RunResults, file };
}
