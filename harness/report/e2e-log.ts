// e2e.log, as the Kubernetes conformance image writes it for Hydrophone and Sonobuoy: a Ginkgo-style
// header that says how many specs will run ("Will run N of N specs"), one line per finished check
// that starts with "•" (Hydrophone counts those for its progress), and Ginkgo's closing lines.
// The check lines are ordinal's own, without colour. Hydrophone reads the file while it grows.
import { appendFileSync, writeFileSync } from 'node:fs';
import { formatMs } from '../errors.ts';
import type { RunResults } from './results.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function e2eHeader(total: number, what: string): string {
  return `Running Suite: ordinal conformance - ${what}\n${'='.repeat(60)}\nWill run ${total} of ${total} specs\n`;
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

export class E2eLog {
  constructor(readonly file: string) {
    writeFileSync(file, '');
  }

  start(total: number, what: string): void {
    appendFileSync(this.file, e2eHeader(total, what));
  }

  check(line: string): void {
    appendFileSync(this.file, e2eCheckLine(line));
  }

  end(r: RunResults, passed: boolean): void {
    appendFileSync(this.file, e2eFooter(r, passed));
  }
}
