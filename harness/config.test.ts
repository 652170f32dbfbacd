import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, TimeoutError } from './errors.ts';
import { DEFAULT_TIMEOUTS, PROJECT_ROOT, loadConfig, parseDuration, timeoutEnvName, timeoutEnvNames } from './config.ts';
import { poll } from './wait/poll.ts';
import { Impossible } from './errors.ts';
import { fakeClock } from './testing/fake-clock.ts';

describe('parseDuration', () => {
  it('parses units and combinations', () => {
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
  });
  it('rejects anything else with the fix', () => {
    expect(() => parseDuration('5 minutes')).toThrow(InputError);
    expect(() => parseDuration('10')).toThrow(/invalid duration "10"/);
  });
});

describe('loadConfig', () => {
  it('layers defaults < env < overrides, and freezes', () => {
    const cfg = loadConfig({ clusterName: 'mine' }, { ORDINAL_CLUSTER_NAME: 'fromenv', ORDINAL_TIMEOUT_POD_READY: '45s' });
    expect(cfg.clusterName).toBe('mine');
    expect(cfg.timeouts.podReady).toBe(45_000);
    expect(Object.isFrozen(cfg)).toBe(true);
  });
  it('names the variable of a bad timeout', () => {
    expect(() => loadConfig({}, { ORDINAL_TIMEOUT_ROLLOUT: 'soon' })).toThrow(/ORDINAL_TIMEOUT_ROLLOUT/);
  });
  it('refuses an unknown ORDINAL_TIMEOUT_* in one line, listing the valid names', () => {
    const err = (() => {
      try {
        loadConfig({}, { ORDINAL_TIMEOUT_POD_REDY: '5m', ORDINAL_TIMEOUT_POD_READY: '5m' });
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err!.message).toBe('unknown timeout variable ORDINAL_TIMEOUT_POD_REDY');
    expect(err!.fix).toBe(`use one of: ${timeoutEnvNames().join(', ')}`);
    expect(err!.fix).toContain('ORDINAL_TIMEOUT_POD_READY, ');
    expect(`${err!.message}${err!.fix}`).not.toContain('\n');
    expect(() => loadConfig({}, { ORDINAL_TIMEOUT_A: '1s', ORDINAL_TIMEOUT_B: '1s' })).toThrow('unknown timeout variables ORDINAL_TIMEOUT_A, ORDINAL_TIMEOUT_B');
  });
});

describe('timeout table', () => {
  it('derives one variable per kind', () => {
    expect(timeoutEnvName('podReady')).toBe('ORDINAL_TIMEOUT_POD_READY');
    expect(timeoutEnvName('k6Script')).toBe('ORDINAL_TIMEOUT_K6_SCRIPT');
    expect(timeoutEnvNames()).toHaveLength(Object.keys(DEFAULT_TIMEOUTS).length);
    expect(loadConfig({}, { ORDINAL_TIMEOUT_K6_SCRIPT: '45s' }).timeouts.k6Script).toBe(45_000);
  });
  it('the README names every kind', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `ORDINAL_TIMEOUT_<KIND>` |'))!;
    const kinds = /\(kinds: ([^;)]+)/.exec(row)![1]!.split(', ');
    expect(kinds).toEqual(Object.keys(DEFAULT_TIMEOUTS));
  });
  it('every k6 script with a maxDuration takes it from MAX_DURATION, with its literal only as the fallback', () => {
    const dir = path.join(PROJECT_ROOT, 'fixtures/k6');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.js'))) {
      const src = readFileSync(path.join(dir, f), 'utf8');
      for (const m of src.matchAll(/maxDuration:\s*([^,}]+)/g)) expect(m[1]!.trim(), f).toMatch(/^__ENV\.MAX_DURATION \|\| /);
    }
  });
});

describe('poll', () => {
  it('probes at once, then every interval, and returns the value', async () => {
    const clock = fakeClock();
    let n = 0;
    const v = await poll('thing', 'to be 3', async () => ({ done: ++n === 3, observed: `n=${n}`, value: n }), { timeoutMs: 10_000, intervalMs: 1000, clock });
    expect(v).toBe(3);
    expect(clock.t).toBe(2000);
  });
  it('times out with what, which object, the bound and the last observation', async () => {
    const clock = fakeClock();
    const p = poll('StatefulSet ns/web', '3 ready replicas', async () => ({ done: false, observed: 'ready=2' }), { timeoutMs: 5000, intervalMs: 1000, clock });
    await expect(p).rejects.toThrow(TimeoutError);
    await expect(poll('StatefulSet ns/web', '3 ready replicas', async () => ({ done: false, observed: 'ready=2' }), { timeoutMs: 5000, clock: fakeClock() })).rejects.toThrow('StatefulSet ns/web: expected 3 ready replicas within 5s; last seen ready=2');
  });
  it('counts transient errors as observations and stops early on Impossible', async () => {
    let n = 0;
    await expect(poll('pod x', 'Running', async () => {
      if (++n === 1) throw new Error('connection reset');
      throw new Impossible('pod x is Failed');
    }, { timeoutMs: 5000, clock: fakeClock() })).rejects.toThrow('pod x: expected Running, but pod x is Failed');
  });
});

describe('README configuration table', () => {
  it('lists every variable of ENV_DOC', async () => {
    const { ENV_DOC, PROJECT_ROOT } = await import('./config.ts');
    const readme = (await import('node:fs')).readFileSync(`${PROJECT_ROOT}/README.md`, 'utf8');
    for (const [name] of ENV_DOC) expect(readme, name).toContain(`| \`${name}\` |`);
  });
});
