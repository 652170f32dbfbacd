import { describe, expect, it } from 'vitest';
import { healCommand, partitionRules, partitionTag } from './partition.ts';

describe('partition rules', () => {
  const tag = partitionTag('20261202-011700-ab12', 'zk-1');
  it('drops traffic to and from each peer, tagged', () => {
    expect(tag).toBe('ordinal-partition-20261202-011700-ab12-zk-1');
    expect(partitionRules('-I', ['10.244.1.2'], tag)).toEqual([
      ['iptables', '-w', '5', '-I', 'INPUT', '-s', '10.244.1.2/32', '-m', 'comment', '--comment', tag, '-j', 'DROP'],
      ['iptables', '-w', '5', '-I', 'OUTPUT', '-d', '10.244.1.2/32', '-m', 'comment', '--comment', tag, '-j', 'DROP'],
    ]);
  });
  it('heals in one command: the tables without the rules of this tag (not a prefix of another pod\'s)', () => {
    expect(healCommand(tag)).toEqual(['sh', '-c', 'iptables-save | grep -v -F -e "--comment $1 -j" | iptables-restore -w 5', 'heal', tag]);
  });
});
