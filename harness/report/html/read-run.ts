// A run's report folder read back for its HTML report: results.json, every suite's recorded
// timelines (timelines/<suite>[-N].jsonl), the producers' k6 logs (k6/<suite>-k6-*.log) and the
// files a failed check collected (failures/<suite>/<check>/). Works on a folder copied from
// elsewhere (an in-cluster run's, a CI artifact): paths are taken relative to the folder.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readResults } from '../../gate/results-file.ts';
import type { Entry } from '../../timeline/model.ts';
import type { RunResults } from '../results.ts';
import { loadSeries, type LoadSeries } from './load-series.ts';
import { mergeTimelines, timelineModel, type TimelineModel } from './pod-timeline.ts';

export interface SuiteReport {
  suite: string;
  wallMs?: number;
  timeline: TimelineModel;
  timelineFiles: string[];
  loads: Array<{ file: string; series: LoadSeries }>;
}

export interface RunReport {
  dir: string;
  results: RunResults;
  suites: SuiteReport[];
  /** check id → files its failure collected, relative to dir */
  artifacts: Record<string, string[]>;
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** Of a folder's file names, suite's own: <suite><ext> and <suite>-N<ext> (a suite with several recorders). */
export function suiteFiles(names: readonly string[], suite: string, ext: string): string[] {
  const numbered = new RegExp(`^${suite}-\\d+${ext.replace('.', '\\.')}$`);
  return names.filter((f) => f === `${suite}${ext}` || numbered.test(f));
}

export function parseJsonl(text: string): Entry[] {
  return text.split('\n').filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as Entry];
    } catch {
      return [];
    }
  });
}

/** The folder a check's artifacts path names, relative to the report folder (it may have been written elsewhere). */
export function artifactDir(dir: string, artifacts: string | undefined): string | undefined {
  if (!artifacts) return undefined;
  const i = artifacts.lastIndexOf('failures/');
  const rel = i >= 0 ? artifacts.slice(i) : path.relative(dir, artifacts);
  return existsSync(path.join(dir, rel)) && statSync(path.join(dir, rel)).isDirectory() ? rel : undefined;
}

export function readRun(dir: string): RunReport {
  const { results, file } = readResults(dir, 'report folder');
  const root = path.dirname(file);
  const suites = [...new Set(results.checks.map((c) => c.suite))];
  const timelineFiles = list(path.join(root, 'timelines')).filter((f) => f.endsWith('.jsonl'));
  const k6Files = list(path.join(root, 'k6')).filter((f) => f.endsWith('.log'));
  const reports = suites.map((suite): SuiteReport => {
    const files = suiteFiles(timelineFiles, suite, '.jsonl');
    const timeline = mergeTimelines(files.map((f) => timelineModel(parseJsonl(readFileSync(path.join(root, 'timelines', f), 'utf8')))));
    const loads = k6Files
      .filter((f) => f.startsWith(`${suite}-k6-`))
      .flatMap((f) => {
        const series = loadSeries(readFileSync(path.join(root, 'k6', f), 'utf8'));
        return series ? [{ file: `k6/${f}`, series }] : [];
      });
    return { suite, wallMs: results.suiteWallMs?.[suite], timeline, timelineFiles: files.map((f) => `timelines/${f}`), loads };
  });
  const artifacts: Record<string, string[]> = {};
  for (const c of results.checks) {
    const rel = artifactDir(root, c.artifacts);
    if (rel) artifacts[c.id] = list(path.join(root, rel)).map((f) => `${rel}/${f}`);
  }
  return { dir: root, results, suites: reports, artifacts };
}
