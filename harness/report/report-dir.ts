// The report directory is checked before anything is created: a run that cannot write its report
// must not first spend minutes on a cluster.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';

/** Creates `dir` (with parents) and writes and removes a probe file in it; returns its absolute path. */
export async function ensureWritableDir(dir: string, what: string): Promise<string> {
  const abs = path.resolve(dir);
  const probe = path.join(abs, `.ordinal-write-probe-${process.pid}`);
  try {
    await mkdir(abs, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(
      `${what} ${abs} is not writable: ${e.code ? `${e.code} (${e.syscall ?? 'access'} ${e.path ?? abs})` : e.message}`,
      'pass --report-dir with a directory you can write, or fix its permissions',
    );
  }
  return abs;
}
