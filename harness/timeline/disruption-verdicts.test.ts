import { describe, expect, it } from 'vitest';
import { budgetHeld, type Attempt, type Outage } from './disruption-verdicts.ts';

const T0 = Date.parse('2026-12-02T01:00:00Z');
const s = (n: number) => T0 + n * 1000;
const tol = { zk: 1, kafka: 1 };

describe('budgetHeld', () => {
  it('passes when the second member is refused until the first is back, then evicted', () => {
    const attempts: Attempt[] = [
      { pod: 'zk-0', app: 'zk', at: s(0), outcome: 'evicted' },
      { pod: 'zk-1', app: 'zk', at: s(10), outcome: 'refused', message: "Cannot evict pod as it would violate the pod's disruption budget." },
      { pod: 'zk-1', app: 'zk', at: s(11), outcome: 'refused' },
      { pod: 'zk-1', app: 'zk', at: s(62), outcome: 'evicted' },
    ];
    const outages: Outage[] = [{ pod: 'zk-0', app: 'zk', from: s(0), to: s(60) }, { pod: 'zk-1', app: 'zk', from: s(62), to: s(120) }];
    const v = budgetHeld(attempts, outages, tol);
    expect(v.ok).toBe(true);
    expect(v.message).toBe('2 evictions refused (429) while another member was out; then zk-1 evicted 52.0 s after its first refusal');
  });
  it('fails naming the eviction allowed while another member was out (a budget that lets two down)', () => {
    const attempts: Attempt[] = [{ pod: 'zk-0', app: 'zk', at: s(0), outcome: 'evicted' }, { pod: 'zk-1', app: 'zk', at: s(10), outcome: 'evicted' }];
    const v = budgetHeld(attempts, [{ pod: 'zk-0', app: 'zk', from: s(0), to: s(60) }, { pod: 'zk-1', app: 'zk', from: s(10) }], tol);
    expect(v.ok).toBe(false);
    expect(v.message).toBe('the eviction of zk-1 at 01:00:10.0 was allowed while zk-0 was already out, taking 2 members of zk down at once');
  });
  it('no refusal at all is not a pass; one member of each app out at once is fine', () => {
    const attempts: Attempt[] = [{ pod: 'zk-0', app: 'zk', at: s(0), outcome: 'evicted' }, { pod: 'kafka-0', app: 'kafka', at: s(1), outcome: 'evicted' }];
    const v = budgetHeld(attempts, [{ pod: 'zk-0', app: 'zk', from: s(0), to: s(60) }, { pod: 'kafka-0', app: 'kafka', from: s(1), to: s(60) }], tol);
    expect(v.violations).toEqual([]);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/never put to the test/);
  });
});
