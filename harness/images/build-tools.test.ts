import { describe, expect, it } from 'vitest';
import { OrdinalError } from '../errors.ts';
import { missingToolsError, planBuildTools } from './build-tools.ts';

describe('planBuildTools', () => {
  it('maps each missing tool to its Debian package, once', () => {
    expect(planBuildTools(['debootstrap', 'mvn', 'gcc', 'jq', 'git'])).toEqual({ packages: ['debootstrap', 'maven', 'build-essential', 'jq', 'git'], notes: [] });
    expect(planBuildTools([])).toEqual({ packages: [], notes: [] });
  });
  it('names Go (and Docker) instead of installing them', () => {
    expect(planBuildTools(['go', 'mvn'])).toEqual({ packages: ['maven'], notes: ['Go ≥ 1.24 is required: apt-get install golang-go, or see https://go.dev/doc/install'] });
    expect(planBuildTools(['docker']).packages).toEqual([]);
    expect(planBuildTools(['docker']).notes[0]).toMatch(/Docker engine/);
  });
});

describe('missingToolsError', () => {
  it('names the missing tools and the exact apt-get command, one line each', () => {
    const e = missingToolsError(['mvn', 'jq', 'go']);
    expect(e).toBeInstanceOf(OrdinalError);
    expect(e.message).toBe('image builds need tools that are not on PATH: mvn, jq, go');
    expect(e.fix).toBe('run `apt-get install maven jq` (as root); Go ≥ 1.24 is required: apt-get install golang-go, or see https://go.dev/doc/install');
    expect(`${e.message}${e.fix}`).not.toContain('\n');
  });
  it('has no apt-get command when only Go is missing', () => {
    expect(missingToolsError(['go']).fix).toBe('Go ≥ 1.24 is required: apt-get install golang-go, or see https://go.dev/doc/install');
  });
});
