import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config.ts';
import { parseKindConfig } from './kind-config.ts';

const ok = (extra = '') => `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n  - role: worker\n${extra}`;

describe('parseKindConfig', () => {
  it("accepts the project's kind-config.yaml", () => {
    const c = parseKindConfig(readFileSync(path.join(PROJECT_ROOT, 'kind-config.yaml'), 'utf8'), 'kind-config.yaml');
    expect(c.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker', 'worker']);
    expect(c.podSubnet).toBe('10.244.0.0/16');
  });
  it.each([
    ['kind: Pod\napiVersion: v1\n', /kind must be "Cluster"/],
    [ok('networking:\n  podSubnet: 10.244.0.0\n'), /networking\.podSubnet must be an IPv4 CIDR/],
    [ok('nodez: []\n'), /nodez is not a kind v1alpha4 Cluster field/],
    [ok('  - role: control-plane\n'), /2 control-plane nodes/],
    ['kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: worker\n', /must include one control-plane/],
    [ok('name: x\n'), /name is set by ordinal/],
    ['kind: Cluster\n  bad: [indent\n', /not valid YAML/],
    [ok('networking:\n  disableDefaultCNI: true\n'), /nothing would give pods a network/],
  ])('rejects %#', (text, msg) => {
    expect(() => parseKindConfig(text, 'k.yaml')).toThrow(msg);
  });
});
