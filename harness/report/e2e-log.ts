// e2e.log, as the Kubernetes conformance image writes it for Hydrophone and Sonobuoy: a Ginkgo-style
// header that says how many specs will run ("Will run N of N specs"), one line per finished check
// that starts with "•" (Hydrophone counts those for its progress), and Ginkgo's closing lines.
// The check lines are ordinal's own, without colour, and the run's progress lines are between them
// (they do not start with "•"). Hydrophone reads the file while it grows, and from its first
// non-empty read on wants the "Will run" line in it (else it gives up: "could not find test spec
// count"), so progress lines from before the header are held and written after it, in one write.
import { appendFileSync, writeFileSync } from 'node:fs';
import { formatMs } from '../errors.ts';
import type { RunResults } from './results.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Without a count (a run without --e2e-log does not count its checks first) the "Will run" line is left out. */
export function e2eHeader(total: number | undefined, what: string): string {
  return `Running Suite: ordinal conformance - ${what}\n${'='.repeat(60)}\n${total === undefined ? '' : `Will run ${total} of ${total} specs\n`}`;
}

/** One finished check: "• " and ordinal's check line (a failure's diagnosis on the lines after it). */
export function e2eCheckLine(line: string): string {
  return `• ${line.replace(ANSI, '')}\n`;
}

export function e2eFooter(r: Pick<RunResults, 'summary' | 'wallMs' | 'interrupted'>, passed: boolean): string {
  const s = r.summary;
  return (
    `\nRan ${s.total} of ${s.total} Specs in ${formatMs(r.wallMs)}\n` +
    `${r.interrupted ? 'INTERRUPTED!' : passed ? 'SUCCESS!' : 'FAIL!'} -- ${s.passed} Passed | ${s.failed} Failed | ${s.blocked} Blocked | ${s.notApplicable} Not applicable\n`
  );
}

/** Every run writes e2e.log in its report folder; `--e2e-log FILE` (the conformance image's) is a second copy. */
export class E2eLog {
  readonly files: string[];
  private opened = false;
  private started = false;
  private held: string[] = [];

  constructor(...files: string[]) {
    this.files = [...new Set(files)];
  }

  /** The files are created (emptied) with the first line: a run refused for bad input leaves none. */
  private append(text: string): void {
    if (!this.opened) for (const f of this.files) writeFileSync(f, '');
    this.opened = true;
    for (const f of this.files) appendFileSync(f, text);
  }

  start(total: number | undefined, what: string): void {
    this.started = true;
    this.append(e2eHeader(total, what) + this.held.join(''));
    this.held = [];
  }

  /** A progress line of the run (not a check: it does not start with "•"); held until the header is written. */
  progress(line: string): void {
    const text = `${line.replace(ANSI, '')}\n`;
    if (this.started) this.append(text);
    else this.held.push(text);
  }

  /** A run that stopped before its header (it could not reach the cluster) still leaves its progress lines. */
  close(): void {
    if (this.held.length) this.append(this.held.join(''));
    this.held = [];
  }

  check(line: string): void {
    this.append(e2eCheckLine(line));
  }

  end(r: RunResults, passed: boolean): void {
    this.append(e2eFooter(r, passed));
  }
}
