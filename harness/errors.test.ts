import { describe, expect, it } from 'vitest';
import { lastLines } from './errors.ts';

describe('lastLines', () => {
  it("joins a tool's last three lines, trimmed, on one line", () => {
    expect(lastLines('\nstarting\nconnecting\nerror: refused\nexit 1\n\n')).toBe('connecting | error: refused | exit 1');
    expect(lastLines('only one')).toBe('only one');
    expect(lastLines('a\nb\nc', 2)).toBe('b | c');
  });
});
