import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { E2eLog } from './e2e-log.ts';

// Hydrophone v0.8.0 (pkg/conformance/client/logs.go) cats e2e.log every --progress-status-interval
// and gives up on the first non-empty read without this line
const HYDROPHONE_START = /Will run (0|[1-9]\d{0,3}|10000) of (0|[1-9]\d{0,3}|10000) specs/;

describe('E2eLog', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'ordinal-e2e-log-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('is never non-empty without the spec count: progress lines before the header wait for it and follow it', () => {
    const file = path.join(tmp, 'e2e.log');
    const log = new E2eLog(file, file);
    log.progress('11:34:22 | run | could not check the images from this pod');
    log.progress('\u001b[33m11:34:22 | run | using the cluster of in-cluster.kubeconfig\u001b[0m');
    expect(existsSync(file)).toBe(false);
    log.start(7, 'identity on the built-in fixtures');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(HYDROPHONE_START);
    const lines = text.split('\n');
    expect(lines.findIndex((l) => l.includes('Will run 7 of 7 specs'))).toBeLessThan(lines.findIndex((l) => l.includes('could not check')));
    expect(text.indexOf('could not check')).toBeLessThan(text.indexOf('using the cluster'));
    expect(text).not.toContain('\u001b[');
    log.progress('11:34:30 | run | later');
    log.check('✓ pass identity/deploy');
    expect(readFileSync(file, 'utf8')).toMatch(/later\n• ✓ pass identity\/deploy\n$/);
  });

  it('a run that stops before its header still leaves its progress lines on close, and nothing twice', () => {
    const file = path.join(tmp, 'e2e.log');
    const log = new E2eLog(file);
    log.progress('11:34:22 | run | the cluster did not answer');
    log.close();
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('11:34:22 | run | the cluster did not answer\n');
  });

  it('a run refused before any line leaves no file', () => {
    const file = path.join(tmp, 'e2e.log');
    new E2eLog(file).close();
    expect(existsSync(file)).toBe(false);
  });
});
