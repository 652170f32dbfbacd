// Which probe errors a wait retries: only what can pass on a later try (the API busy or not there
// yet, the network, a nested call that ran out, a command in a pod that failed, a state that may
// change). Everything else — bad input, a refusal by the API, a bug, a failed check — ends the wait
// at once, so a fixture mistake reads as itself and not as a timeout.
import { ExecError, Impossible, InputError, KubeApiError, OrdinalError, TimeoutError } from '../errors.ts';

/** HTTP statuses that may pass later: not there yet, conflict, throttled, server trouble. */
export function isTransientStatus(status: number): boolean {
  return status === 404 || status === 408 || status === 409 || status === 429 || status >= 500;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const NETWORK_TEXT = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EPIPE|socket hang up|socket disconnected|fetch failed|connection (reset|refused)|websocket|Unexpected server response/i;
const PROGRAMMING = new Set(['TypeError', 'ReferenceError', 'SyntaxError', 'RangeError']);

/** The error and its `cause`s, outermost first. */
export function causeChain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && out.length < 10 && !out.includes(e); e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

/** The HTTP status of a KubeApiError or a client-node ApiException (`code` + `body`), also through `cause`. */
export function apiStatus(err: unknown): number | undefined {
  for (const e of causeChain(err)) {
    if (e instanceof KubeApiError && e.status !== undefined) return e.status;
    const x = e as { code?: unknown; body?: unknown };
    if (typeof x.code === 'number' && x.body !== undefined) return x.code;
  }
  return undefined;
}

/** A connection-level failure (refused, reset, timed out, DNS, websocket), by code or message, also through `cause`. */
export function isNetworkError(err: unknown): boolean {
  return causeChain(err).some((e) => {
    const x = e as { code?: unknown; message?: unknown };
    return (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) || (typeof x.message === 'string' && NETWORK_TEXT.test(x.message));
  });
}

function isProgrammingError(e: unknown): boolean {
  return e instanceof Error && PROGRAMMING.has(e.name) && !isNetworkError(e);
}

/** Whether a poll should count `err` as an observation and try again (see the file's header). */
export function isTransient(err: unknown): boolean {
  const chain = causeChain(err);
  if (chain.some((e) => e instanceof Impossible || (e as { name?: unknown }).name === 'CheckFailure')) return false;
  if (err instanceof InputError) return false;
  const status = apiStatus(err);
  if (status !== undefined) return isTransientStatus(status);
  // the API gave no answer: a network error, unless the call itself is broken
  if (err instanceof KubeApiError) return !chain.slice(1).some(isProgrammingError);
  if (isNetworkError(err)) return true;
  // a command that is not there (127) will not be there on the next try (126 is also what exec
  // reports for a container between restarts, so it is retried)
  if (err instanceof ExecError) return err.exitCode !== 127;
  if (err instanceof TimeoutError) return true;
  if (isProgrammingError(err)) return false;
  // a plain OrdinalError reports a state that may change; one with a fix needs the operator
  return err instanceof OrdinalError && err.constructor === OrdinalError && !err.fix;
}
