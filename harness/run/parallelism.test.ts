import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { defaultParallelism, parallelFromEnv, parseParallel } from './parallelism.ts';

const GiB = 2 ** 30;

describe('parallelism', () => {
  it('defaults to one suite per two cores and 6 GiB, at most three', () => {
    expect(defaultParallelism(2, 24 * GiB)).toBe(1);
    expect(defaultParallelism(1, 24 * GiB)).toBe(1);
    expect(defaultParallelism(4, 24 * GiB)).toBe(2);
    expect(defaultParallelism(16, 64 * GiB)).toBe(3);
    expect(defaultParallelism(8, 8 * GiB)).toBe(1);
  });
  it('--parallel takes 1 to 8; anything else is one line with the fix', () => {
    expect(parseParallel(undefined)).toBeUndefined();
    expect(parseParallel('3')).toBe(3);
    for (const bad of ['0', '-1', '2.5', 'x', '9']) expect(() => parseParallel(bad)).toThrow(InputError);
  });
  it('reads N from the environment the config is loaded in', () => {
    expect(parallelFromEnv({})).toBe(1);
    expect(parallelFromEnv({ ORDINAL_PARALLEL: '3' })).toBe(3);
    expect(parallelFromEnv({ ORDINAL_PARALLEL: 'junk' })).toBe(1);
  });
});
