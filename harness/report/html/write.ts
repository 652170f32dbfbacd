// Writes report.html beside junit_01.xml. A report that cannot be drawn never fails the run it
// reports on: the error is one line, and the run's junit_01.xml and results.json stand.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readRun } from './read-run.ts';
import { runPage } from './run-page.ts';

export const REPORT_HTML = 'report.html';

/** Renders the run in `dir` (a report folder with results.json) to dir/report.html; returns its path. */
export async function writeRunReport(dir: string): Promise<string> {
  const r = readRun(dir);
  const file = path.join(r.dir, REPORT_HTML);
  await writeFile(file, runPage(r));
  return file;
}

export async function writeHtml(dir: string, html: string): Promise<string> {
  const file = path.join(dir, REPORT_HTML);
  await writeFile(file, html);
  return file;
}
