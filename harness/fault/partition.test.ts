import { describe, expect, it } from 'vitest';
import { applyCommand, healCommand, partitionRules, partitionTag } from './partition.ts';

describe('partition rules', () => {
  const tag = partitionTag('20261202-011700-ab12', 'zk-1');
  it('drops traffic to and from each peer, tagged', () => {
    expect(tag).toBe('ordinal-partition-20261202-011700-ab12-zk-1');
    expect(partitionRules(['10.244.1.2'], tag)).toEqual([
      `-I INPUT -s 10.244.1.2/32 -m comment --comment ${tag} -j DROP`,
      `-I OUTPUT -d 10.244.1.2/32 -m comment --comment ${tag} -j DROP`,
    ]);
  });
  it('applies every rule in one iptables-restore, under the tag\'s lock, unless healed already', () => {
    const [sh, c, script = "", name, t, pid, ...rules] = applyCommand(tag, '4242', ['10.244.1.2', '10.244.2.3']);
    expect([sh, c, name, t, pid]).toEqual(['sh', '-c', 'apply', tag, '4242']);
    expect(rules).toHaveLength(4);
    expect(script).toContain('flock -w 30 9');
    expect(script.indexOf('.healed')).toBeLessThan(script.indexOf('iptables-restore'));
    expect(script).toContain(`printf '%s\\n' "$@"`);
    expect(script).toContain('nsenter -t "$pid" -n -- iptables-restore -w 5 --noflush');
  });
  it('heals in one command under the same lock, marking the tag healed first (not a prefix of another pod\'s)', () => {
    const [, , script = "", , t, pid] = healCommand(tag, '4242');
    expect([t, pid]).toEqual([tag, '4242']);
    expect(script).toContain('flock -w 30 9');
    expect(script.indexOf('touch')).toBeLessThan(script.indexOf('iptables-save'));
    expect(script).toContain(`iptables-save | grep -v -F -e "--comment $1 -j" | iptables-restore -w 5' heal "$1"`);
  });
});
