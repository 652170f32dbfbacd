import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CommandError, ExecError, Impossible, InputError, KubeApiError, OrdinalError, TimeoutError } from '../errors.ts';
import { CheckFailure } from '../suite/check.ts';
import { apiStatus, isNetworkError, isTransient, isTransientStatus } from './retryable.ts';

const raw = (code: number, reason = 'X', message = 'm') => new ApiException(code, 'x', JSON.stringify({ kind: 'Status', reason, message }), {});
const kube = (status: number | undefined, cause?: unknown) => new KubeApiError('read pod ns/a', status, undefined, status ? `HTTP ${status}: m` : 'no answer', { cause });
const coded = (code: string, message = `connect ${code} 10.0.0.1:6443`) => Object.assign(new Error(message), { code });

describe('isTransientStatus', () => {
  it('retries not-there-yet, conflict, throttling and server trouble; nothing else', () => {
    for (const s of [404, 409, 429, 500, 502, 503, 504]) expect(isTransientStatus(s), String(s)).toBe(true);
    for (const s of [400, 401, 403, 405, 410, 422]) expect(isTransientStatus(s), String(s)).toBe(false);
  });
});

describe('apiStatus', () => {
  it('reads a raw ApiException, a KubeApiError, and either as a cause', () => {
    expect(apiStatus(raw(404))).toBe(404);
    expect(apiStatus(kube(409))).toBe(409);
    expect(apiStatus(new OrdinalError('outer', undefined, { cause: raw(403) }))).toBe(403);
    expect(apiStatus(KubeApiError.from('list pods', raw(503)))).toBe(503);
    expect(apiStatus(new Error('plain'))).toBeUndefined();
    expect(apiStatus(kube(undefined))).toBeUndefined();
  });
});

describe('isNetworkError', () => {
  it('knows connection failures by code and by message, also through cause', () => {
    for (const c of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']) expect(isNetworkError(coded(c, 'boom')), c).toBe(true);
    expect(isNetworkError(new Error('socket hang up'))).toBe(true);
    expect(isNetworkError(new TypeError('fetch failed'))).toBe(true);
    expect(isNetworkError(new Error('Unexpected server response: 502'))).toBe(true);
    expect(isNetworkError(new Error('WebSocket was closed before the connection was established'))).toBe(true);
    expect(isNetworkError(new OrdinalError('outer', undefined, { cause: coded('ECONNRESET') }))).toBe(true);
    expect(isNetworkError(new Error('no such file'))).toBe(false);
  });
});

describe('isTransient', () => {
  it('retries API answers that can change and API calls that got no answer', () => {
    for (const s of [404, 409, 429, 500, 503]) {
      expect(isTransient(raw(s)), `raw ${s}`).toBe(true);
      expect(isTransient(kube(s)), `KubeApiError ${s}`).toBe(true);
    }
    expect(isTransient(kube(undefined, coded('ECONNREFUSED')))).toBe(true);
    expect(isTransient(kube(undefined))).toBe(true);
  });
  it('rethrows API refusals at once', () => {
    for (const s of [400, 401, 403, 405, 410, 422]) {
      expect(isTransient(raw(s)), `raw ${s}`).toBe(false);
      expect(isTransient(kube(s)), `KubeApiError ${s}`).toBe(false);
      expect(isTransient(new OrdinalError('wrapped', undefined, { cause: raw(s) })), `cause ${s}`).toBe(false);
    }
    // a call that is itself broken got no answer, but will not get one either
    expect(isTransient(kube(undefined, new TypeError("Cannot read properties of undefined (reading 'items')")))).toBe(false);
  });
  it('retries network errors, a nested call that ran out, and commands in pods', () => {
    expect(isTransient(coded('ECONNRESET'))).toBe(true);
    expect(isTransient(new TypeError('fetch failed'))).toBe(true);
    expect(isTransient(new Error('connection reset'))).toBe(true);
    expect(isTransient(new TimeoutError('the command to finish', 'Pod ns/a', 60_000, 'still running'))).toBe(true);
    expect(isTransient(new ExecError('`zk-cli get /a` in ns/zk-0 exited 1: ConnectionLoss', 1))).toBe(true);
    expect(isTransient(new ExecError('exec in ns/zk-0 (zk): Unexpected server response: 500', undefined))).toBe(true);
    // a command that is not in the container will not be there on the next try
    expect(isTransient(new ExecError("`getent ahostsv4 x` in ns/web-0 exited 127: getent: not found", 127))).toBe(false);
  });
  it('retries a plain OrdinalError (a state that may change), not one with a fix (the operator must act)', () => {
    expect(isTransient(new OrdinalError('k6 kafka-meta.js in ns/k6-x exited 107 (ScriptException): leader not available'))).toBe(true);
    expect(isTransient(new OrdinalError('cannot resolve names inside web-0: `getent` exited 127', 'set `resolve:` in fixture.yaml'))).toBe(false);
  });
  it('rethrows bad input, bugs, failed checks, Impossible and anything unknown at once', () => {
    expect(isTransient(new InputError('invalid fixture', 'fix it'))).toBe(false);
    expect(isTransient(new InputError('the API server is not reachable: connect ECONNREFUSED', 'check'))).toBe(false);
    expect(isTransient(new TypeError("Cannot read properties of undefined (reading 'status')"))).toBe(false);
    expect(isTransient(new ReferenceError('x is not defined'))).toBe(false);
    expect(isTransient(new SyntaxError('Unexpected token < in JSON'))).toBe(false);
    expect(isTransient(new RangeError('Invalid array length'))).toBe(false);
    expect(isTransient(new CheckFailure('web-1 has no PVC'))).toBe(false);
    expect(isTransient(Object.assign(new Error('from another copy of check.ts'), { name: 'CheckFailure' }))).toBe(false);
    expect(isTransient(new Impossible('pod Failed'))).toBe(false);
    expect(isTransient(new OrdinalError('ns: expected x, but pod Failed', undefined, { cause: new Impossible('pod Failed') }))).toBe(false);
    expect(isTransient(new CommandError(['docker', 'inspect', 'x'], 1, 'No such object'))).toBe(false);
    expect(isTransient(new Error('something else'))).toBe(false);
    expect(isTransient('a string')).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});
