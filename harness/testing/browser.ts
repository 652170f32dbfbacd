// A report read the way a person reads it: report.html opened from its file in headless Chromium
// (Debian's chromium package, driven by playwright-core; no browser is downloaded), what is on
// screen returned, and a screenshot saved beside the report.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

/** Debian's chromium, or ORDINAL_CHROMIUM */
export function chromiumPath(): string {
  const p = process.env.ORDINAL_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`no Chromium at ${p}: install Debian's chromium (apt-get install chromium) or set ORDINAL_CHROMIUM to a Chromium binary`);
  return p;
}

/** Opens `file` (offline: every request but the file itself is refused), runs `read` on it, saves a full-page screenshot. */
export async function readInBrowser<T>(file: string, screenshot: string, read: (page: Page) => Promise<T>): Promise<T & { requests: string[] }> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1240, height: 900 }, javaScriptEnabled: false });
    const url = pathToFileURL(path.resolve(file)).href;
    const requests: string[] = [];
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    const out = await read(page);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { ...out, requests };
  } finally {
    await browser.close();
  }
}

/** What a reader of a run's report.html sees, read from the page as Chromium laid it out. */
export interface SeenReport {
  title: string;
  summary: string;
  /** the checks table's check ids, in order */
  checks: string[];
  /** per suite drawn: the pod names of its timeline's rows, and how many of its markers are faults */
  timelines: Record<string, { rows: string[]; faults: number; markers: number; height: number }>;
  /** check id → the text of its failure block */
  failures: Record<string, string>;
}

export async function seeRunReport(dir: string): Promise<SeenReport & { requests: string[]; screenshot: string }> {
  const screenshot = path.join(dir, 'report.png');
  const seen = await readInBrowser(path.join(dir, 'report.html'), screenshot, async (page) => {
    const visible = async (sel: string) => page.locator(sel).evaluateAll((els) => els.filter((e) => (e as HTMLElement).getBoundingClientRect().height > 0).length);
    const timelines: SeenReport['timelines'] = {};
    for (const svg of await page.locator('svg.timeline').all()) {
      const suite = (await svg.getAttribute('data-suite'))!;
      timelines[suite] = {
        rows: await svg.locator('g.row').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-pod')!)),
        faults: await svg.locator('g.marker.fault').count(),
        markers: await svg.locator('g.marker').count(),
        height: (await svg.boundingBox())?.height ?? 0,
      };
    }
    const failures: Record<string, string> = {};
    for (const f of await page.locator('.failure').all()) failures[(await f.getAttribute('data-failure'))!] = await f.innerText();
    if ((await visible('tr.check')) !== (await page.locator('tr.check').count())) throw new Error('some check rows are not displayed');
    return {
      title: await page.title(),
      summary: await page.locator('[data-summary]').innerText(),
      checks: await page.locator('tr.check').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-check')!)),
      timelines,
      failures,
    };
  });
  return { ...seen, screenshot };
}
