import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../results.ts';
import { writeRunReport } from './write.ts';

const here = import.meta.dirname;

// a recorded kafka run's results, one check turned into a failure whose diagnosis holds markup,
// with a recorded timeline and a producer log beside it
function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ordinal-report-'));
  const r = JSON.parse(readFileSync(path.join(here, '../../gate/testdata/kafka.results.json'), 'utf8')) as RunResults;
  const failed = r.checks[1]!;
  Object.assign(failed, { verdict: 'failed', diagnosis: 'broker <script>alert(1)</script> & co\nsecond line', excerpt: '06:15:11.7  #4  ADDED    kafka-0 Pending', artifacts: `/somewhere/else/failures/kafka/${failed.id.replace(/[^\w.-]+/g, '_')}` });
  r.summary.failed = 1;
  r.summary.passed -= 1;
  writeFileSync(path.join(dir, 'results.json'), JSON.stringify(r));
  mkdirSync(path.join(dir, 'timelines'));
  copyFileSync(path.join(here, '../../timeline/testdata/updates-web.jsonl'), path.join(dir, 'timelines', 'kafka-2.jsonl'));
  mkdirSync(path.join(dir, 'k6'));
  writeFileSync(path.join(dir, 'k6', 'kafka-k6-kafka-produce-abcde.log'), Array.from({ length: 50 }, (_, i) => `ACK 0 ${i} k${i} @${Date.parse('2026-12-01T17:03:20Z') + i * 500}/${Date.parse('2026-12-01T17:03:20Z') + i * 500 + 12}`).join('\n'));
  const fdir = path.join(dir, 'failures', 'kafka', failed.id.replace(/[^\w.-]+/g, '_'));
  mkdirSync(fdir, { recursive: true });
  writeFileSync(path.join(fdir, 'events.txt'), 'x\n');
  return dir;
}

describe('report.html of a run', () => {
  it('lists every check, draws a timeline row per ordinal with the markers, a load chart, and the failure with its collected files', async () => {
    const dir = folder();
    const html = readFileSync(await writeRunReport(dir), 'utf8');
    const r = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResults;
    for (const c of r.checks) expect(html).toContain(`data-check="${c.id}"`);
    expect(html).toContain('<svg class="timeline" data-suite="kafka"');
    for (const pod of ['web-0', 'web-1', 'web-2']) expect(html).toContain(`data-pod="${pod}"`);
    expect(html.match(/class="marker( fault)?" data-marker/g)?.length).toBeGreaterThanOrEqual(16);
    expect(html).toContain('<svg class="load" data-load="k6/kafka-k6-kafka-produce-abcde.log"');
    expect(html).toContain('50 sends acknowledged, 0 failed');
    expect(html).toContain(`data-failure="${r.checks[1]!.id}"`);
    expect(html).toContain(`href="failures/kafka/${r.checks[1]!.id.replace(/[^\w.-]+/g, '_')}/events.txt"`);
    // text is escaped, and nothing runs or loads
    expect(html).toContain('broker &lt;script>alert(1)&lt;/script> &amp; co');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });
});
