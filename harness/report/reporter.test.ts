import { describe, expect, it } from 'vitest';
import { longestLine } from './reporter.ts';

describe('the run summary with suites side by side', () => {
  it('names the longest suite and the wall time against it', () => {
    expect(longestLine({ wallMs: 600_000, suiteWallMs: { kafka: 300_000, ordering: 200_000, disruption: 250_000 } })).toBe(
      '      suites side by side: 12m30s of suites in 10m; the longest, kafka, 5m (wall 2.00× it)\n',
    );
  });
  it('says nothing when the suites ran one after the other, or there is one', () => {
    expect(longestLine({ wallMs: 100_000, suiteWallMs: { a: 50_000, b: 49_000 } })).toBe('');
    expect(longestLine({ wallMs: 100_000, suiteWallMs: { a: 99_000 } })).toBe('');
    expect(longestLine({ wallMs: 100_000 })).toBe('');
  });
});
