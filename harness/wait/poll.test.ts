import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ExecError, InputError, KubeApiError, TimeoutError } from '../errors.ts';
import { poll } from './poll.ts';
import { fakeClock } from '../testing/fake-clock.ts';

const status = (code: number, message: string) => new ApiException(code, 'x', JSON.stringify({ kind: 'Status', code, message }), {});

describe('poll: which probe errors it retries', () => {
  it('rethrows a 403 at once, with the subject and the API message', async () => {
    const clock = fakeClock();
    let n = 0;
    const err = await poll('PVCs web-0', 'to be deleted', async () => {
      n++;
      throw status(403, 'persistentvolumeclaims is forbidden: User "ci" cannot list resource');
    }, { timeoutMs: 10_000, intervalMs: 1000, clock }).catch((e: unknown) => e);
    expect(n).toBe(1);
    expect(clock.t).toBe(0);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(403);
    expect((err as KubeApiError).message).toBe('PVCs web-0: HTTP 403: persistentvolumeclaims is forbidden: User "ci" cannot list resource');
  });

  it('retries a 503 until the probe passes', async () => {
    const clock = fakeClock();
    let n = 0;
    const v = await poll('PVCs web-0', 'to be deleted', async () => {
      if (++n < 3) throw status(503, 'the server is currently unable to handle the request');
      return { done: true, observed: 'deleted', value: 'ok' };
    }, { timeoutMs: 10_000, intervalMs: 1000, clock });
    expect(v).toBe('ok');
    expect(n).toBe(3);
    expect(clock.t).toBe(2000);
  });

  it('keeps the last error as the last observation when a retried error outlasts the bound', async () => {
    const p = poll('PVCs web-0', 'to be deleted', async () => {
      throw status(503, 'etcd leader changed');
    }, { timeoutMs: 3000, intervalMs: 1000, clock: fakeClock() });
    await expect(p).rejects.toThrow(TimeoutError);
    await expect(poll('PVCs web-0', 'to be deleted', async () => {
      throw new ExecError('`zk-cli get /a` in ns/zk-0 exited 1: ConnectionLoss', 1);
    }, { timeoutMs: 3000, clock: fakeClock() })).rejects.toThrow('PVCs web-0: expected to be deleted within 3s; last seen error: `zk-cli get /a` in ns/zk-0 exited 1: ConnectionLoss');
    await expect(poll('x', 'y', async () => {
      throw status(503, 'etcd leader changed');
    }, { timeoutMs: 1000, clock: fakeClock() })).rejects.toThrow('last seen error: HTTP 503: etcd leader changed');
  });

  it('rethrows bad input and bugs at once, as they are', async () => {
    const input = new InputError('invalid fixture', 'fix it');
    await expect(poll('x', 'y', async () => Promise.reject(input), { timeoutMs: 5000, clock: fakeClock() })).rejects.toBe(input);
    await expect(poll('x', 'y', async () => {
      const o = undefined as unknown as { items: unknown[] };
      return { done: o.items.length === 0, observed: '' };
    }, { timeoutMs: 5000, clock: fakeClock() })).rejects.toThrow(TypeError);
  });

  it('a probe still running at the deadline is a TimeoutError with the last observation', async () => {
    let n = 0;
    const p = poll('DNS name web-0', 'to resolve', async () => {
      if (++n === 1) return { done: false, observed: 'no answer' };
      return new Promise<never>(() => {});
    }, { timeoutMs: 50, intervalMs: 1 });
    await expect(p).rejects.toThrow('DNS name web-0: expected to resolve within 50ms; last seen no answer (the last probe was still running)');
  });
});
