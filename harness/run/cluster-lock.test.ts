import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../errors.ts';
import { acquireClusterLock, acquireSuiteLocks, heldEnv, lockDir, lockModeOf } from './cluster-lock.ts';

const SERVER = 'https://127.0.0.1:6443';
const fresh = () => mkdtempSync(path.join(tmpdir(), 'ordinal-lock-test-'));
const opts = (root: string, who: string, timeoutMs = 5000) => ({ root, who, timeoutMs, env: {} });
const settled = async (p: Promise<unknown>) => Promise.race([p.then(() => true, () => true), new Promise((r) => setTimeout(() => r(false), 700))]);

describe('cluster lock', () => {
  it('exclusive for suites that restart or drain nodes, shared for the others', () => {
    expect(lockModeOf(['identity', 'kafka'])).toBe('shared');
    expect(lockModeOf(['durability'])).toBe('exclusive');
    expect(lockModeOf(['storage', 'disruption'])).toBe('exclusive');
    // the upgrade suite holds the cluster alone only with a release to go to; without one it is not applicable
    expect(lockModeOf(['upgrade'])).toBe('shared');
    expect(lockModeOf(['upgrade'], '1.35.4')).toBe('exclusive');
  });

  it('timing-bound suites run one at a time, each beside any other suite; under a parent\'s hold they take nothing more', async () => {
    const root = fresh();
    const zk = await acquireSuiteLocks(SERVER, 'zookeeper', opts(root, 'zk'));
    expect(await settled(acquireSuiteLocks(SERVER, 'identity', opts(root, 'identity')).then((rel) => rel()))).toBe(true);
    const kafka = acquireSuiteLocks(SERVER, 'kafka', opts(root, 'kafka'));
    expect(await settled(kafka)).toBe(false);
    const held = { root, who: 'partition, in a control', timeoutMs: 5000, env: heldEnv(SERVER, 'shared', root) };
    expect(await settled(acquireSuiteLocks(SERVER, 'partition', held).then((rel) => rel()))).toBe(true);
    await zk();
    await (await kafka)();
    expect(readdirSync(lockDir(SERVER, root))).toEqual([]);
  });

  it('readers share it; a writer waits for them, and readers after it wait for the writer', async () => {
    const root = fresh();
    const r1 = await acquireClusterLock(SERVER, 'shared', opts(root, 'r1'));
    const r2 = await acquireClusterLock(SERVER, 'shared', opts(root, 'r2'));
    const order: string[] = [];
    const w = acquireClusterLock(SERVER, 'exclusive', opts(root, 'w')).then((rel) => (order.push('w'), rel));
    expect(await settled(w)).toBe(false);
    // the writer has claimed it: a new reader waits behind it
    const r3 = acquireClusterLock(SERVER, 'shared', opts(root, 'r3')).then((rel) => (order.push('r3'), rel));
    expect(await settled(r3)).toBe(false);
    await r1();
    await r2();
    const wRelease = await w;
    expect(await settled(r3)).toBe(false);
    await wRelease();
    await (await r3)();
    expect(order).toEqual(['w', 'r3']);
    expect(readdirSync(lockDir(SERVER, root))).toEqual([]);
  });

  it('two writers take turns; the bound ends a wait with who holds it', async () => {
    const root = fresh();
    const w1 = await acquireClusterLock(SERVER, 'exclusive', opts(root, 'suite disruption of run A'));
    const err = await acquireClusterLock(SERVER, 'exclusive', opts(root, 'w2', 1200)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/held exclusively by suite disruption of run A \(pid \d+\)/);
    await w1();
    await (await acquireClusterLock(SERVER, 'exclusive', opts(root, 'w2')))();
  });

  it("a dead process's hold is stale and removed", async () => {
    const root = fresh();
    const dir = lockDir(SERVER, root);
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = await new Promise<number>((r) => child.on('exit', () => r(child.pid!)));
    await (await acquireClusterLock(SERVER, 'shared', opts(root, 'setup')))();
    writeFileSync(path.join(dir, 'exclusive'), JSON.stringify({ pid, who: 'gone' }));
    writeFileSync(path.join(dir, `shared-${pid}-0-1`), JSON.stringify({ pid, who: 'gone' }));
    const w = await acquireClusterLock(SERVER, 'exclusive', opts(root, 'w', 3000));
    await w();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a holder's children take nothing (the DNS control's `ordinal run`)", async () => {
    const root = fresh();
    const w = await acquireClusterLock(SERVER, 'exclusive', opts(root, 'control'));
    const child = await acquireClusterLock(SERVER, 'shared', { ...opts(root, 'child', 1000), env: heldEnv(SERVER, 'exclusive', root) });
    await child();
    await (await acquireClusterLock(SERVER, 'exclusive', { ...opts(root, 'child', 1000), env: heldEnv(SERVER, 'exclusive', root) }))();
    await w();
    // under a shared hold, a child that needs the cluster alone would wait on its parent: an error instead
    const r = await acquireClusterLock(SERVER, 'shared', opts(root, 'parent'));
    await expect(acquireClusterLock(SERVER, 'exclusive', { ...opts(root, 'suite durability', 1000), env: heldEnv(SERVER, 'shared', root) })).rejects.toThrow(/needs cluster .* alone, but runs under a shared hold/);
    await r();
  });
});
