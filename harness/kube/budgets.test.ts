import { describe, expect, it } from 'vitest';
import { allowedDown, budgetsFor, describeBudget } from './budgets.ts';
import { pvNode } from './volume-pins.ts';

const pdb = (name: string, spec: object) => ({ metadata: { name }, spec: { selector: { matchLabels: { app: 'zk' } }, ...spec } });

describe('budgets', () => {
  it('finds the budget selecting the pods and says how many may be down', () => {
    const pdbs = [pdb('zk-pdb', { maxUnavailable: 1 }), { metadata: { name: 'other' }, spec: { selector: { matchLabels: { app: 'kafka' } }, maxUnavailable: 1 } }];
    expect(budgetsFor(pdbs, { app: 'zk', 'ordinal.dev/run': 'x' }).map((b) => b.metadata!.name)).toEqual(['zk-pdb']);
    expect(describeBudget(pdbs, { app: 'zk' }, 3, 'zk')).toBe('PodDisruptionBudget zk-pdb (maxUnavailable 1) lets 1 of 3 members of zk down');
    expect(describeBudget([], { app: 'zk' }, 3, 'zk')).toMatch(/^no PodDisruptionBudget selects zk's pods/);
    // an empty selector selects every pod of the namespace (policy/v1)
    expect(budgetsFor([{ metadata: { name: 'all' }, spec: { selector: {}, maxUnavailable: 1 } }], { app: 'zk' }).map((b) => b.metadata!.name)).toEqual(['all']);
  });
  it('counts maxUnavailable and minAvailable, also as percentages', () => {
    expect(allowedDown(pdb('a', { maxUnavailable: 2 }), 3)).toBe(2);
    expect(allowedDown(pdb('a', { minAvailable: 2 }), 3)).toBe(1);
    expect(allowedDown(pdb('a', { minAvailable: '50%' }), 3)).toBe(1);
    expect(allowedDown(pdb('a', { maxUnavailable: '34%' }), 3)).toBe(2);
  });
});

describe('volume pins', () => {
  it("names the node a local volume's affinity confines it to", () => {
    const pv = { spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['ordinal-worker2'] }] }] } } } };
    expect(pvNode(pv)).toEqual({ node: 'ordinal-worker2', affinity: 'kubernetes.io/hostname in [ordinal-worker2]' });
  });
  it('a volume any node can mount, or a zone-wide one, is not pinned', () => {
    expect(pvNode({ spec: {} })).toBeUndefined();
    expect(pvNode({ spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] }] } } } })).toBeUndefined();
  });
});
