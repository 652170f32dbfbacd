import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { ensureWritableDir } from './report-dir.ts';

describe('ensureWritableDir', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'ordinal-report-dir-'));
  });
  afterEach(() => {
    chmodSync(tmp, 0o755);
    for (const f of readdirSync(tmp)) chmodSync(path.join(tmp, f), 0o755);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('creates the directory with its parents and leaves no probe file', async () => {
    const dir = path.join(tmp, 'a', 'b');
    expect(await ensureWritableDir(dir, 'report directory')).toBe(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('accepts an existing writable directory', async () => {
    expect(await ensureWritableDir(tmp, 'report directory')).toBe(tmp);
  });

  it('refuses a path under a regular file, with the cause and the fix (also as root)', async () => {
    const file = path.join(tmp, 'file');
    writeFileSync(file, 'x');
    const err = await ensureWritableDir(path.join(file, 'reports'), 'report directory').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(new RegExp(`^report directory ${file}/reports is not writable: (ENOTDIR|EEXIST)`));
    expect((err as InputError).message).not.toContain('\n');
    expect((err as InputError).fix).toBe('pass --report-dir with a directory you can write, or fix its permissions');
  });

  it('refuses a directory under a read-only parent (not for root, whom chmod does not stop)', async () => {
    const parent = path.join(tmp, 'ro');
    await ensureWritableDir(parent, 'report directory');
    chmodSync(parent, 0o555);
    const p = ensureWritableDir(path.join(parent, 'reports'), 'report directory');
    if (process.getuid?.() === 0) await expect(p).resolves.toBe(path.join(parent, 'reports'));
    else await expect(p).rejects.toThrow(/is not writable: EACCES/);
  });
});
