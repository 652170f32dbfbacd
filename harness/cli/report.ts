// `ordinal report DIR`: re-renders report.html from a report folder (a run's, a gate's or a
// diagnosis's), also one copied from an in-cluster run or a CI artifact.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import type { GateResult } from '../gate/compare.ts';
import type { Diagnosed } from '../diagnose/report.ts';
import { diagnosePage } from '../report/html/diagnose-page.ts';
import { gatePage } from '../report/html/gate-page.ts';
import { writeHtml, writeRunReport } from '../report/html/write.ts';
import { parse } from './args.ts';

const USAGE = `ordinal report DIR

Writes DIR/report.html again from what the folder holds: a run's results.json with its timelines/,
k6/ and failures/; a gate's gate.json; or a diagnosis's findings.json. One self-contained page (no
script, no network) to open from a file or a CI artifact.`;

const FIX = 'pass a report folder of `ordinal run`, `ordinal gate` or `ordinal diagnose --report-dir` (e.g. reports/<run-id>)';

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {}, 'ordinal report --help');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new InputError(`report takes one report folder, got ${positionals.length}`, FIX);
  const dir = path.resolve(positionals[0]!);
  if (!existsSync(dir)) throw new InputError(`${positionals[0]} does not exist`, FIX);
  let file: string;
  if (existsSync(path.join(dir, 'results.json'))) file = await writeRunReport(dir);
  else if (existsSync(path.join(dir, 'gate.json'))) file = await writeHtml(dir, gatePage(readJson<GateResult>(dir, 'gate.json', 'ordinal.gate/v1')));
  else if (existsSync(path.join(dir, 'findings.json'))) file = await writeHtml(dir, diagnosePage(readJson<{ at: string; server?: string; results: Diagnosed[] }>(dir, 'findings.json', 'ordinal.diagnose/v1')));
  else throw new InputError(`${positionals[0]} holds no results.json, gate.json or findings.json`, FIX);
  console.log(file);
  return 0;
}

function readJson<T>(dir: string, name: string, schema: string): T {
  let data: { schema?: string };
  try {
    data = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { schema?: string };
  } catch (err) {
    throw new InputError(`${path.join(dir, name)} is not JSON (${(err as Error).message.split('\n')[0]})`, FIX);
  }
  if (data?.schema !== schema) throw new InputError(`${path.join(dir, name)} is not an ordinal ${name} (schema ${JSON.stringify(data?.schema ?? null)}, expected "${schema}")`, FIX);
  return data as T;
}
