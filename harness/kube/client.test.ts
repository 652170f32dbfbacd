import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeApiError, OrdinalError } from '../errors.ts';
import { api, apiMessage, isConflict, isNotFound } from './client.ts';

const raw = (code: number, reason: string, message: string) => new ApiException(code, 'x', JSON.stringify({ kind: 'Status', code, reason, message }), {});

describe('api', () => {
  it('throws a KubeApiError with what was attempted, the status, the reason and the API message', async () => {
    const err = await api('read Pod ns/web-0', () => Promise.reject(raw(404, 'NotFound', 'pods "web-0" not found'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ status: 404, reason: 'NotFound', message: 'read Pod ns/web-0: HTTP 404: pods "web-0" not found' });
    expect((err as KubeApiError).cause).toBeInstanceOf(ApiException);
  });
  it('has no status when no answer came', async () => {
    const err = await api('list pods', () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: undefined, message: 'list pods: connect ECONNREFUSED 127.0.0.1:6443' });
  });
  it('returns what the call returns', async () => {
    expect(await api('x', async () => 3)).toBe(3);
  });
});

describe('isNotFound / isConflict', () => {
  it('recognise a raw ApiException, a KubeApiError, and either as a cause', async () => {
    const wrapped = await api('read', () => Promise.reject(raw(404, 'NotFound', 'gone'))).catch((e: unknown) => e);
    expect(isNotFound(raw(404, 'NotFound', 'gone'))).toBe(true);
    expect(isNotFound(wrapped)).toBe(true);
    expect(isNotFound(new OrdinalError('outer', undefined, { cause: wrapped }))).toBe(true);
    expect(isNotFound(raw(409, 'Conflict', 'c'))).toBe(false);
    expect(isConflict(raw(409, 'Conflict', 'c'))).toBe(true);
    expect(isConflict(new KubeApiError('apply', 409, 'Conflict', 'HTTP 409: c'))).toBe(true);
    expect(isConflict(new OrdinalError('outer', undefined, { cause: raw(409, 'Conflict', 'c') }))).toBe(true);
    expect(isNotFound(new Error('not found'))).toBe(false);
    expect(isNotFound(undefined)).toBe(false);
  });
});

describe('apiMessage', () => {
  it('is the API message for API errors and the first line otherwise', () => {
    expect(apiMessage(raw(403, 'Forbidden', 'namespaces is forbidden'))).toBe('HTTP 403: namespaces is forbidden');
    expect(apiMessage(new ApiException(500, 'x', 'not json', {}))).toBe('HTTP 500: not json');
    expect(apiMessage(new Error('first\nsecond'))).toBe('first');
  });
});
