// Bad input reaches the operator as one line of cause and one of fix, exit code 2, no stack trace,
// and before anything is created.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config.ts';
import { run } from '../proc/command.ts';

const cli = (...args: string[]) => run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), ...args], { allowFailure: true, timeoutMs: 30_000, env: { ORDINAL_DEBUG: undefined } });
const td = (f: string) => path.join(PROJECT_ROOT, 'harness/cli/testdata', f);

function expectUserError(r: { exitCode: number | null; stderr: string }, cause: RegExp, fix: RegExp, code = 2) {
  expect(r.exitCode, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'));
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(cause);
  expect(lines.at(-1)).toMatch(/^ {2}fix: /);
  expect(lines.at(-1)).toMatch(fix);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('ordinal CLI input errors', { timeout: 30_000 }, () => {
  it('unknown command', async () => {
    const r = await cli('frobnicate');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('unknown suite', async () => {
    expectUserError(await cli('run', '--suite', 'ordering,nope'), /unknown suite "nope"/, /ordering, identity/);
  });

  it('unknown flag', async () => {
    expectUserError(await cli('run', '--sweet', 'x'), /Unknown option '--sweet'/, /ordinal run --help/);
  });

  it('--parallel that is not a number of suites', async () => {
    expectUserError(await cli('run', '--parallel', '0'), /--parallel "0" is not a number of suites from 1 to 8/, /--parallel 1 to run the suites one after the other/);
  });

  it('--focus that is not a regular expression', async () => {
    expectUserError(await cli('run', '--focus', 'kafka/(broker'), /--focus "kafka\/\(broker" is not a regular expression/, /regular expression over check ids/);
  });

  it('--image-registry, ORDINAL_IMAGE_REGISTRY and images push --registry that name no registry host', async () => {
    expectUserError(await cli('run', '--image-registry', 'ordinal'), /--image-registry "ordinal" does not start with a registry host/, /localhost:5001\/ordinal/);
    const env = await run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'run'], { allowFailure: true, timeoutMs: 30_000, env: { ORDINAL_DEBUG: undefined, ORDINAL_IMAGE_REGISTRY: 'localhost:5001/Upper' } });
    expectUserError(env, /ORDINAL_IMAGE_REGISTRY "localhost:5001\/Upper": "Upper" is not a valid repository path component/, /e\.g\./);
    expectUserError(await cli('images', 'push'), /images push needs --registry/, /ordinal registry up/);
  });

  it('diagnose: two StatefulSet names, -n with --all-namespaces, a kubeconfig that does not exist', async () => {
    expectUserError(await cli('diagnose', 'a', 'b'), /diagnose takes one StatefulSet name, got 2: a b/, /name one/);
    expectUserError(await cli('diagnose', '-n', 'x', '--all-namespaces'), /-n and --all-namespaces both choose where to look/, /pass one of them/);
    expectUserError(await cli('diagnose', '--kubeconfig', '/nonexistent/kubeconfig'), /kubeconfig \/nonexistent\/kubeconfig does not exist/, /--kubeconfig/);
  });

  it('report directory that cannot be written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ordinal-cli-'));
    writeFileSync(path.join(dir, 'file'), '');
    try {
      expectUserError(await cli('run', '--suite', 'identity', '--report-dir', path.join(dir, 'file', 'reports')), /report directory .* is not writable/, /--report-dir/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gate: one argument, a file that is not a results file, a folder without one, runs of different fixtures', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ordinal-gate-'));
    const results = (fixture: string) => JSON.stringify({ schema: 'ordinal.results/v1', runId: fixture, startedAt: '', cluster: {}, checks: [{ id: 'identity/dns', suite: 'identity', title: 'dns', verdict: 'passed', durationMs: 1, clusterWaitMs: 0, fixture, measurements: {}, notes: [] }] });
    try {
      writeFileSync(path.join(dir, 'web.json'), results('web'));
      writeFileSync(path.join(dir, 'zk.json'), results('zookeeper'));
      writeFileSync(path.join(dir, 'findings.json'), JSON.stringify({ schema: 'ordinal.diagnose/v1', results: [] }));
      writeFileSync(path.join(dir, 'junit_01.xml'), '<testsuites/>');
      expectUserError(await cli('gate', path.join(dir, 'web.json')), /gate compares two runs, got 1 argument$/, /ordinal gate BASELINE CANDIDATE/);
      expectUserError(await cli('gate', path.join(dir, 'web.json'), path.join(dir, 'findings.json')), /candidate .*findings\.json is not an ordinal results file \(a diagnose report; expected schema "ordinal\.results\/v1"\)/, /results\.json of an `ordinal run`/);
      expectUserError(await cli('gate', path.join(dir, 'junit_01.xml'), path.join(dir, 'web.json')), /baseline .*junit_01\.xml is not JSON/, /results\.json/);
      expectUserError(await cli('gate', tmpdir(), path.join(dir, 'web.json')), /baseline .* is a folder without a results\.json/, /report folder/);
      expectUserError(await cli('gate', path.join(dir, 'web.json'), path.join(dir, 'zk.json')), /the runs are of different fixtures: the baseline ran web, the candidate zookeeper/, /same fixtures/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('gate on a recorded run: exit 0 against itself, exit 1 naming an injected regression, junit_01.xml and gate.json written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ordinal-gate-'));
    const recorded = path.join(PROJECT_ROOT, 'harness/gate/testdata/kafka.results.json');
    try {
      const same = await cli('gate', recorded, recorded, '--report-dir', path.join(dir, 'same'));
      expect(same.exitCode, same.stderr).toBe(0);
      expect(same.stdout).toMatch(/^kafka\/write-availability\s+passed\s+passed$/m);
      expect(same.stderr).toMatch(/^gate passed: no regression/);
      const r = JSON.parse(readFileSync(recorded, 'utf8'));
      const wa = r.checks.find((c: { id: string }) => c.id === 'kafka/write-availability');
      Object.assign(wa, { verdict: 'failed', diagnosis: 'rolling restart: 1369/1494 acknowledged (91.6 %)' });
      writeFileSync(path.join(dir, 'candidate.json'), JSON.stringify(r));
      const worse = await cli('gate', recorded, path.join(dir, 'candidate.json'), '--report-dir', path.join(dir, 'worse'));
      expect(worse.exitCode, worse.stderr).toBe(1);
      expect(worse.stdout).toMatch(/^kafka\/write-availability\s+passed\s+failed\s+REGRESSED\n {4}passed → failed: rolling restart: 1369\/1494 acknowledged \(91\.6 %\)$/m);
      expect(worse.stderr).toMatch(/gate failed: 1 regression:\n {2}kafka\/write-availability: passed → failed/);
      expect(readFileSync(path.join(dir, 'worse', 'junit_01.xml'), 'utf8')).toMatch(/failures="1"/);
      expect(JSON.parse(readFileSync(path.join(dir, 'worse', 'gate.json'), 'utf8')).passed).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('unknown ORDINAL_TIMEOUT_* variable', async () => {
    const r = await run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'run', '--suite', 'identity'], { allowFailure: true, timeoutMs: 30_000, env: { ORDINAL_DEBUG: undefined, ORDINAL_TIMEOUT_PODREADY: '5m' } });
    expectUserError(r, /unknown timeout variable ORDINAL_TIMEOUT_PODREADY/, /ORDINAL_TIMEOUT_POD_READY/);
  });

  it('malformed fixture', async () => {
    expectUserError(await cli('run', '--fixture', td('bad-fixture')), /statefulSet "db" is not among the manifests \(found: web\)/, /fix statefulSet/);
  });

  it('fixture directory that does not exist', async () => {
    expectUserError(await cli('run', '--fixture', td('nope')), /is not a directory/, /--fixture DIR/);
  });

  it('kubeconfig that does not exist or does not parse', async () => {
    expectUserError(await cli('run', '--suite', 'ordering', '--kubeconfig', td('missing-kubeconfig')), /kubeconfig .* does not exist/, /--kubeconfig/);
    expectUserError(await cli('run', '--suite', 'ordering', '--kubeconfig', td('bad-kubeconfig/config')), /is not a valid kubeconfig/, /kubectl --kubeconfig FILE config view/);
  });

  it('invalid kind-config.yaml names the field', async () => {
    expectUserError(await cli('cluster', 'up', '--name', 'ordinal-never-created', '--config', td('bad-kind-config.yaml')), /nodes\[0\]\.role must be control-plane or worker, got "master"/, /fix nodes\[0\]\.role/);
  });

  it('invalid cluster name and image source', async () => {
    expectUserError(await cli('cluster', 'status', '--name', 'Bad_Name'), /invalid cluster name "Bad_Name"/, /lowercase/);
    expectUserError(await cli('cluster', 'up', '--image-source', 'maybe'), /invalid image source "maybe"/, /auto, official or build/);
  });

  it('no Docker engine', async () => {
    const r = await run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), 'images', 'list'], { allowFailure: true, timeoutMs: 30_000, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expectUserError(r, /no Docker engine is running \(docker at unix:\/\/\/nonexistent\/docker.sock\)/, /docker-engine-up|systemctl start docker/, 1);
  });

  it('before `npm ci`: dependencies not installed, in one line, with the fix', async () => {
    // a fresh clone: bin/ordinal.js and package.json, no node_modules (and none above it in the tmp dir)
    const clone = realpathSync(mkdtempSync(path.join(tmpdir(), 'ordinal-fresh-clone-')));
    try {
      mkdirSync(path.join(clone, 'bin'));
      copyFileSync(path.join(PROJECT_ROOT, 'bin/ordinal.js'), path.join(clone, 'bin/ordinal.js'));
      writeFileSync(path.join(clone, 'package.json'), JSON.stringify({ name: 'ordinal', type: 'module', bin: { ordinal: 'bin/ordinal.js' } }));
      const r = await run(['node', path.join(clone, 'bin/ordinal.js'), 'run'], { allowFailure: true, timeoutMs: 30_000, cwd: clone });
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toBe(`error: ordinal's dependencies are not installed (node_modules/tsx is missing)\n  fix: run \`npm ci\` in ${clone} first\n`);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
