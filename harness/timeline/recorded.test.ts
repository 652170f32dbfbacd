// Verdicts on timelines recorded from real runs on a kind cluster (harness/timeline/testdata).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ActionEntry, Entry } from './model.ts';
import { orderedCreation, orderedTermination } from './verdicts.ts';

const load = (name: string): Entry[] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry);
const action = (t: Entry[], text: string) => t.find((e): e is ActionEntry => e.kind === 'action' && e.text.startsWith(text))!;

describe('recorded OrderedReady run of the web fixture', () => {
  const t = load('ordered-ready.jsonl');
  it('passes creation, scale-up and scale-down ordering', () => {
    expect(orderedCreation(t).ok).toBe(true);
    expect(orderedCreation(t, { afterSeq: action(t, 'scale web 2 → 3').seq }).ok).toBe(true);
    const down = orderedTermination(t, { afterSeq: action(t, 'scale web 3 → 1').seq });
    expect(down.ok).toBe(true);
    expect(down.message).toContain('web-2, web-1');
  });
});

describe('recorded run of the Parallel negative control', () => {
  const t = load('parallel-creation.jsonl');
  it('fails the creation-order verdict with both pods and times', () => {
    const v = orderedCreation(t);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/^web-1 was created at \d\d:\d\d:\d\d\.\d while web-0 was not Running and Ready until \d\d:\d\d:\d\d\.\d$/);
    expect(v.excerpt).toContain('ADDED    web-1');
  });
});
