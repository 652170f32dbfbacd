// Two channels: the user channel (one line per step, fixed columns, to stderr so stdout stays
// machine-readable) and a debug channel (ORDINAL_DEBUG=1), which also logs poll observations.
import { formatMs } from './errors.ts';

const color = process.stderr.isTTY && !process.env.NO_COLOR && !process.env.CI;
const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
export const green = (s: string) => paint('32', s);
export const red = (s: string) => paint('31', s);
export const yellow = (s: string) => paint('33', s);
export const dim = (s: string) => paint('2', s);

function clock(d = new Date()): string {
  return d.toISOString().slice(11, 19);
}

const sinks = new Set<(line: string) => void>();

/** Also sends every user-channel line to `sink` (a run's e2e.log) until the returned function is called. */
export function teeInfo(sink: (line: string) => void): () => void {
  sinks.add(sink);
  return () => void sinks.delete(sink);
}

export function info(scope: string, message: string): void {
  const line = `${dim(clock())} | ${scope.padEnd(10)} | ${message}`;
  process.stderr.write(`${line}\n`);
  for (const s of sinks) s(line);
}

export function debug(scope: string, message: string): void {
  if (process.env.ORDINAL_DEBUG) process.stderr.write(dim(`${clock()} | ${scope.padEnd(10)} | ${message}`) + '\n');
}

/** Runs `fn` as a named step: logs start, then ✓ or ✗ with the duration; rethrows with the step name. */
export async function step<T>(scope: string, title: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  info(scope, `${title} …`);
  try {
    const result = await fn();
    info(scope, `${green('✓')} ${title} ${dim(formatMs(performance.now() - t0))}`);
    return result;
  } catch (err) {
    info(scope, `${red('✗')} ${title} ${dim(formatMs(performance.now() - t0))}`);
    throw err;
  }
}
