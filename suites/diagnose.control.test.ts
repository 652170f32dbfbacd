// `ordinal diagnose` on live fixtures, with a kubeconfig for a ServiceAccount that may only get, list
// and watch (and read pod logs): each negative control is deployed (its suite's deploy check, kept
// with --keep), and diagnose must name the fault its suite finds; on the healthy web and ZooKeeper
// fixtures, and on web-parallel and web-ondelete (choices the ordering and updates suites call not
// applicable), it must report no error. The seed (maxClientCnxns=2, brokers behind one address) is
// diagnosed from ZooKeeper's refusals and the brokers' restarts alone, polled until the brokers have
// failed at least once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, backstopMs, loadConfig } from '../harness/config.ts';
import type { Finding } from '../harness/diagnose/statefulset-rules.ts';
import { loadKube } from '../harness/kube/client.ts';
import { run } from '../harness/proc/command.ts';
import type { RunResults } from '../harness/report/results.ts';
import { runContext } from '../harness/suite/run-context.ts';
import { underClusterLock } from '../harness/testing/control.ts';
import { readOnlyKubeconfig } from '../harness/testing/read-only-account.ts';
import { poll } from '../harness/wait/poll.ts';

interface Case {
  fixture: string;
  suite: string;
  /** the finding diagnose must report (rule, severity, message); none: no error at all */
  expect?: { rule: string; severity: 'error' | 'warning'; message: RegExp };
  env?: Record<string, string>;
  /** poll diagnose until the finding shows (a fault that takes a crash or two to appear) */
  poll?: boolean;
}

const CASES: Case[] = [
  { fixture: 'negative/kafka-broker-id-off-by-one', suite: 'kafka', expect: { rule: 'kafka-identity', severity: 'warning', message: /^kafka-0 runs as broker id 1, not its ordinal 0/ } },
  { fixture: 'web', suite: 'identity' },
  { fixture: 'negative/web-clusterip-service', suite: 'identity', expect: { rule: 'governing-service', severity: 'error', message: /governing Service nginx is not headless/ } },
  { fixture: 'zookeeper', suite: 'zookeeper' },
  { fixture: 'negative/kafka-ip-listener', suite: 'kafka', expect: { rule: 'kafka-identity', severity: 'error', message: /advertises PLAINTEXT:\/\/[0-9.]+:9092, an IP address/ } },
  { fixture: 'negative/web-missing-service', suite: 'identity', expect: { rule: 'governing-service', severity: 'error', message: /governing Service \S+ does not exist/ } },
  { fixture: 'negative/web-never-ready', suite: 'identity', env: { ORDINAL_TIMEOUT_ROLLOUT: '70s' }, expect: { rule: 'pods-ready', severity: 'error', message: /web-0 is Running and not Ready for \d+s; last readiness probe failure: .*404/ } },
  { fixture: 'negative/zookeeper-fixed-myid', suite: 'zookeeper', env: { ORDINAL_TIMEOUT_QUORUM: '30s' }, expect: { rule: 'zookeeper-myid', severity: 'error', message: /claim the same id/ } },
  { fixture: 'negative/kafka-weak-acks', suite: 'kafka', expect: { rule: 'kafka-durability', severity: 'error', message: /min\.insync\.replicas=1/ } },
  { fixture: 'negative/web-image-not-pullable', suite: 'identity', env: { ORDINAL_TIMEOUT_ROLLOUT: '40s' }, expect: { rule: 'pods-ready', severity: 'error', message: /cannot pull image/ } },
  { fixture: 'negative/web-emptydir', suite: 'storage', expect: { rule: 'data-on-emptydir', severity: 'warning', message: /mounts emptyDir volumes/ } },
  { fixture: 'negative/web-scaled-delete', suite: 'storage', expect: { rule: 'retention', severity: 'warning', message: /deletes the claims whenScaled/ } },
  { fixture: 'negative/kafka-zk-limit-2-shared-address', suite: 'connection-limits', poll: true, expect: { rule: 'zookeeper-connection-limit', severity: 'error', message: /maxClientCnxns=2 per source address from [0-9.]+ \(pod zk-nat-[a-z0-9-]+\); clients failing because of it: kafka-\d/ } },
  { fixture: 'negative/web-deleted-delete', suite: 'storage', expect: { rule: 'retention', severity: 'warning', message: /deletes the claims whenDeleted/ } },
  { fixture: 'negative/web-parallel', suite: 'ordering' },
  { fixture: 'negative/web-ondelete', suite: 'updates' },
  { fixture: 'negative/web-partition-leftover', suite: 'updates', expect: { rule: 'rollout', severity: 'warning', message: /^updateStrategy\.rollingUpdate\.partition is 1: pod web-0 is never updated/ } },
];

const cli = (args: string[], env?: Record<string, string>) => run(['node', path.join(PROJECT_ROOT, 'bin/ordinal.js'), ...args], { allowFailure: true, timeoutMs: backstopMs(), env });

describe('ordinal diagnose, read-only, on live fixtures', () => {
  const ctx = runContext();
  let ro = '';
  let limited = '';
  beforeAll(async () => {
    const admin = loadKube(ctx.kubeconfig);
    ro = await readOnlyKubeconfig(admin, ctx.runId, ctx.runDir);
    limited = await readOnlyKubeconfig(admin, ctx.runId, ctx.runDir, [{ apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch'] }]);
  });

  // two cases at a time (the controls project's maxConcurrency), each in its own namespace (a
  // deploy, then read-only diagnoses); the Kafka and ZooKeeper cases are spread through the list so
  // that mostly no more than two of them deploy at once
  for (const c of CASES) {
    it.concurrent(`${c.fixture}: ${c.expect ? `${c.expect.severity} ${c.expect.rule}` : 'no error'}`, () => underClusterLock('shared', `the diagnose control's ${c.fixture}`, async (lock) => {
      // shared hold over deploy and diagnoses: no drain or node restart changes what is diagnosed
      const cfg = loadConfig();
      const admin = loadKube(ctx.kubeconfig);
      let ns: string | undefined;
      try {
        const dir = path.join(ctx.runDir, 'diagnose', c.fixture.replace('/', '-'));
        const deployed = await cli(['run', '--fixture', path.join(PROJECT_ROOT, 'fixtures', c.fixture), '--suite', c.suite, '--focus', `${c.suite}/deploy`, '--keep', '--kubeconfig', ctx.kubeconfig, '--report-dir', path.join(dir, 'run')], { ...c.env, ...lock });
        const results = JSON.parse(readFileSync(path.join(dir, 'run', 'results.json'), 'utf8')) as RunResults;
        ns = results.checks[0]?.namespace;
        expect(ns, `${c.fixture}: no namespace deployed\n${deployed.stderr}`).toBeTruthy();
        const diagnoseOnce = async () => {
          const r = await cli(['diagnose', '--kubeconfig', ro, '-n', ns!, '--report-dir', path.join(dir, 'diagnose')]);
          const findings = (JSON.parse(readFileSync(path.join(dir, 'diagnose', 'findings.json'), 'utf8')) as { results: Array<{ findings: Finding[] }> }).results.flatMap((x) => x.findings);
          return { r, findings };
        };
        let { r, findings } = await diagnoseOnce();
        const hit = (fs: Finding[]) => fs.find((f) => f.rule === c.expect?.rule && f.severity === c.expect.severity && c.expect.message.test(f.message));
        if (c.poll && !hit(findings)) {
          ({ r, findings } = (await poll(`diagnose of ${ns}`, `to report ${c.expect!.rule}`, async () => {
            const d = await diagnoseOnce();
            return { done: !!hit(d.findings), observed: d.findings.map((f) => `${f.rule}: ${f.message}`).join('; ') || 'no findings', value: d };
          }, { timeoutMs: cfg.timeouts.quorum, intervalMs: 5000 }))!);
        }
        const out = `${c.fixture} (namespace ${ns}):\n${r.stdout}\n${r.stderr}`;
        expect(r.stderr, out).not.toMatch(/permission denied|error:/);
        if (!c.expect) {
          expect(findings.filter((f) => f.severity === 'error'), out).toEqual([]);
          expect(r.exitCode, out).toBe(0);
        } else {
          expect(hit(findings), out).toBeDefined();
          expect(r.exitCode, out).toBe(findings.some((f) => f.severity === 'error') ? 1 : 0);
          // one line per finding, each with its fix
          for (const f of findings) expect(r.stdout, out).toContain(`${f.object}  ${f.rule}: ${f.message} — fix: ${f.fix}`);
        }
        if (c.fixture === 'web') {
          // an account that may list StatefulSets and nothing else: one line naming the verb and the resource
          const denied = await cli(['diagnose', '--kubeconfig', limited, '-n', ns!]);
          expect(denied.exitCode, denied.stderr).toBe(1);
          expect(denied.stderr.trim().split('\n')[0], denied.stderr).toMatch(new RegExp(`^error: permission denied: user \\S+ cannot list (services|pods|persistentvolumeclaims|poddisruptionbudgets\\.policy|events) in namespace ${ns}$`));
        }
      } finally {
        if (ns) await admin.core.deleteNamespace({ name: ns }).catch(() => undefined);
      }
    }));
  }

  it('an unknown StatefulSet is one line, too', async () => {
    const unknown = await cli(['diagnose', '--kubeconfig', ro, '--all-namespaces', 'nope']);
    expect(unknown.exitCode, unknown.stderr).toBe(2);
    expect(unknown.stderr).toMatch(/^error: no StatefulSet named nope in any namespace\n {2}fix: /);
  });
});
