// Ctrl-C and SIGTERM: run registered cleanups (last registered first) once, then exit 130/143.
// A second Ctrl-C exits at once. Cleanup failures are collected and reported, never swallowed.
import { red } from './log.ts';
import { withDeadline } from './wait/poll.ts';
import { timeoutMs } from './config.ts';

type Cleanup = { name: string; fn: () => Promise<void> };
const stack: Cleanup[] = [];
let installed = false;
let interrupting = false;
const controller = new AbortController();

/** Aborted when the user interrupts; pass it to long waits and commands. */
export const interruptSignal: AbortSignal = controller.signal;

export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/** Registers a cleanup to run on interrupt; returns a function that unregisters it. */
export function onInterrupt(name: string, fn: () => Promise<void>): () => void {
  install();
  const entry = { name, fn };
  stack.push(entry);
  return () => {
    const i = stack.indexOf(entry);
    if (i >= 0) stack.splice(i, 1);
  };
}

function install(): void {
  if (installed) return;
  installed = true;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupting) {
      process.stderr.write(`\n${red('second interrupt: exiting without cleanup')}\n`);
      process.exit(130);
    }
    interrupting = true;
    process.stderr.write(`\n${signal}: cleaning up what ordinal created (Ctrl-C again to skip) …\n`);
    controller.abort(new Interrupted(signal));
    void runCleanups().then((errors) => {
      for (const e of errors) process.stderr.write(`${red('cleanup failed')}: ${e}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function runCleanups(): Promise<string[]> {
  const errors: string[] = [];
  while (stack.length) {
    const c = stack.pop()!;
    try {
      // a dead API server must not keep Ctrl-C from exiting
      const bound = timeoutMs('cleanup');
      await withDeadline(c.fn(), bound, `did not finish within ${bound / 1000}s`);
    } catch (err) {
      errors.push(`${c.name}: ${(err as Error).message}`);
    }
  }
  return errors;
}
