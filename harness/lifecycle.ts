// Ctrl-C and SIGTERM: run registered cleanups (last registered first) once, then exit 130/143.
// A second Ctrl-C exits at once. Cleanup failures are collected and reported, never swallowed.
import { debug, red } from './log.ts';
import { withDeadline } from './wait/poll.ts';
import { timeoutMs } from './config.ts';

type Cleanup = { name: string; fn: () => Promise<void> };
const stack: Cleanup[] = [];
let installed = false;
let interrupting = false;
const controller = new AbortController();
let cleanupsFinished: Promise<void> | undefined;

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

/**
 * An undo that runs at most once, whether a caller or an interrupt runs it first: registered with
 * onInterrupt until it has run (a fault's handle: every path restores what the fault changed).
 */
export function undoOnce(name: string, fn: () => Promise<void>): () => Promise<void> {
  let undone: Promise<void> | undefined;
  const undo = () => (undone ??= fn().finally(unregister));
  const unregister = onInterrupt(name, undo);
  return undo;
}

/** "interrupted by SIGINT" once the user interrupted, else undefined. */
export function interruption(): string | undefined {
  return interruptSignal.aborted ? ((interruptSignal.reason as Error)?.message ?? 'interrupted') : undefined;
}

/**
 * After an interrupt: never settles, because the interrupt handler exits once its cleanups are done.
 * A command that unwinds from the abort awaits this instead of exiting under a running cleanup.
 */
export function untilCleanedUp(): Promise<void> {
  return cleanupsFinished ?? Promise.resolve();
}

function install(): void {
  if (installed) return;
  installed = true;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupting) {
      // a second Ctrl-C skips the cleanup; a SIGTERM after the Ctrl-C does not: Ctrl-C in a terminal
      // reaches a test worker with its whole process group, and then its parent ends it with SIGTERM
      // while it is healing a partition (each cleanup is bounded by the cleanup timeout anyway)
      if (signal !== 'SIGINT') return debug('cleanup', `${signal} while cleaning up: the cleanup goes on`);
      process.stderr.write(`\n${red('second interrupt: exiting without cleanup')}\n`);
      process.exit(130);
    }
    interrupting = true;
    // a process with nothing registered (a test worker ended by vitest) has nothing to say
    if (stack.length) process.stderr.write(`\n${signal}: cleaning up what ordinal created (Ctrl-C again to skip) …\n`);
    // taken off the stack before the abort lets interrupted code unwind (and unregister them)
    const todo = stack.splice(0).reverse();
    controller.abort(new Interrupted(signal));
    const running = runCleanups(todo);
    cleanupsFinished = running.then((errors) => {
      for (const e of errors) process.stderr.write(`${red('cleanup failed')}: ${e}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  // ordinal owns Ctrl-C in its own process: a library's handler (vitest's exits 1ms after the
  // signal) would end the process in the middle of the cleanup above
  process.on('newListener', (event: string | symbol, listener: (...args: unknown[]) => void) => {
    if ((event === 'SIGINT' || event === 'SIGTERM') && listener !== handler) queueMicrotask(() => process.removeListener(event, listener));
  });
}

/** Makes the interrupt handler the process's only signal handler, from now on (the CLI calls it first). */
export function ownSignals(): void {
  install();
}

async function runCleanups(todo: Cleanup[]): Promise<string[]> {
  const errors: string[] = [];
  for (const c of todo) {
    debug('cleanup', c.name);
    try {
      // a dead API server must not keep Ctrl-C from exiting
      const bound = timeoutMs('cleanup');
      await withDeadline(c.fn(), bound, `did not finish within ${bound / 1000}s`, true);
      debug('cleanup', `${c.name}: done`);
    } catch (err) {
      errors.push(`${c.name}: ${(err as Error).message}`);
    }
  }
  return errors;
}
