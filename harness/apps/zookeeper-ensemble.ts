// A ZooKeeper ensemble seen through its members: `srvr` on each member's client port (over exec,
// so from 127.0.0.1 inside the pod), a quorum wait, and zkCli for znode reads and writes.
import { ExecError, OrdinalError } from '../errors.ts';
import { execInPod, execPathFailed } from '../kube/exec.ts';
import type { SuiteSession } from '../suite/session.ts';
import { poll } from '../wait/poll.ts';
import { parseSrvr, type Srvr } from './zookeeper.ts';
import type { QuorumSample } from './zookeeper-quorum.ts';

export interface ZkSettings {
  statefulSet: string;
  service: string;
  container: string;
  clientPort: number;
  adminPort: number;
  replicas: number;
  /** spec.ordinals.start: the members are <sts>-K … <sts>-(K+replicas-1) */
  firstOrdinal: number;
  myidFile: string;
  /** the zoo.cfg the members run with */
  configFile: string;
}

/** The ZooKeeper settings of a fixture (app.zookeeper in fixture.yaml). */
export function zkSettings(session: SuiteSession): ZkSettings {
  const z = (session.fixture.app.zookeeper ?? {}) as Partial<ZkSettings>;
  const sts = session.fixture.objects.find((o) => o.kind === 'StatefulSet' && o.metadata?.name === (z.statefulSet ?? 'zk')) as { spec?: { replicas?: number; ordinals?: { start?: number }; template?: { spec?: { containers?: Array<{ name: string }> } } } } | undefined;
  if (!sts) throw new OrdinalError(`fixture ${session.fixture.name} has no ZooKeeper StatefulSet "${z.statefulSet ?? 'zk'}" (set app.zookeeper.statefulSet)`);
  return {
    statefulSet: z.statefulSet ?? 'zk',
    service: z.service ?? 'zk-hs',
    container: z.container ?? sts.spec?.template?.spec?.containers?.[0]?.name ?? 'zookeeper',
    clientPort: z.clientPort ?? 2181,
    adminPort: z.adminPort ?? 8080,
    replicas: sts.spec?.replicas ?? 3,
    firstOrdinal: sts.spec?.ordinals?.start ?? 0,
    myidFile: z.myidFile ?? '/var/lib/zookeeper/data/myid',
    configFile: z.configFile ?? '/tmp/zoo.cfg',
  };
}

export const memberNames = (z: ZkSettings) => Array.from({ length: z.replicas }, (_, i) => `${z.statefulSet}-${z.firstOrdinal + i}`);

export interface Member {
  pod: string;
  srvr?: Srvr;
  error?: string;
  /** its exec never reached the container (the API server or the kubelet failed it, or it ran out of its bound: `execPathFailed`), which says nothing of the member */
  unanswered?: true;
}

/** `srvr` on one member; its exec bounded by `timeoutMs` (one that runs out is `unanswered`, like any exec that never reached the member). */
export async function srvr(session: SuiteSession, z: ZkSettings, pod: string, timeoutMs = session.cfg.timeouts.exec): Promise<Member> {
  const r = await execInPod(session.kube, { namespace: session.namespace, pod, container: z.container }, ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${z.clientPort} && printf srvr >&3 && timeout ${Math.ceil(session.cfg.timeouts.probe / 1000)} cat <&3`], { timeoutMs })
    .catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message, message: e.message, pathFailed: execPathFailed(e) }));
  const error = (r.stderr || r.message || `exit ${r.exitCode}`).trim().split('\n')[0];
  const pathFailed = 'pathFailed' in r ? r.pathFailed : r.exitCode === 126 && !!r.message && execPathFailed(r.message);
  if (r.exitCode !== 0) return { pod, error, ...(pathFailed ? { unanswered: true as const } : {}) };
  return { pod, srvr: parseSrvr(r.stdout) };
}

/** Each member's answer; an unreachable one with why its exec failed (the API server, the kubelet, the container). */
export function describeMembers(ms: Member[]): string {
  return ms.map((m) => `${m.pod}=${m.srvr ? (m.srvr.serving ? m.srvr.mode : 'not serving') : `${m.unanswered ? 'no answer, the exec path failed' : 'unreachable'} (${m.error})`}`).join(', ');
}

export function quorumOf(ms: Member[]): { leader?: string; followers: string[]; ok: boolean } {
  const leaders = ms.filter((m) => m.srvr?.serving && m.srvr.mode === 'leader').map((m) => m.pod);
  const followers = ms.filter((m) => m.srvr?.serving && m.srvr.mode === 'follower').map((m) => m.pod);
  return { leader: leaders[0], followers, ok: leaders.length === 1 && followers.length === ms.length - 1 };
}

/** One sample of the ensemble: `srvr` on each of `pods` at once, stamped with when it began; a member whose exec is not back within `boundMs` is `unanswered`. */
export async function quorumSample(session: SuiteSession, z: ZkSettings, pods: string[], boundMs = session.cfg.timeouts.exec): Promise<QuorumSample> {
  const at = Date.now();
  return { at, members: await Promise.all(pods.map((p) => srvr(session, z, p, boundMs))) };
}

/** Polls `srvr` on the given members until exactly one leads and the others follow. */
export async function waitForQuorum(session: SuiteSession, z: ZkSettings, pods: string[], timeoutMs: number, intervalMs = 1000): Promise<Member[]> {
  return poll(`ZooKeeper ensemble ${session.namespace}/${z.statefulSet} (${pods.join(', ')})`, 'one leader and the others followers', async () => {
    const ms = await Promise.all(pods.map((p) => srvr(session, z, p)));
    return { done: quorumOf(ms).ok, observed: describeMembers(ms), value: ms };
  }, { timeoutMs, intervalMs });
}

/** Runs zkCli against the member itself; returns stdout. */
export async function zkCli(session: SuiteSession, z: ZkSettings, pod: string, args: string[]): Promise<string> {
  const r = await execInPod(session.kube, { namespace: session.namespace, pod, container: z.container }, ['zk-cli', ...args], { timeoutMs: session.cfg.timeouts.exec });
  if (r.exitCode !== 0) throw new ExecError(`zkCli ${args.join(' ')} on ${pod} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`, r.exitCode);
  return r.stdout;
}

/** The znode's value, undefined when it does not exist; other zkCli failures throw. */
export async function readZnode(session: SuiteSession, z: ZkSettings, pod: string, path: string): Promise<string | undefined> {
  try {
    const out = await zkCli(session, z, pod, ['get', path]);
    return out.trim().split('\n').filter((l) => l && !l.startsWith('WatchedEvent')).at(-1);
  } catch (err) {
    // the Java API's NoNodeException, or zkCli's own "Node does not exist: <path>"
    if (/NoNode|Node does not exist/.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** Every znode of `znodes` (path → value written) reads back with its value through `pod`; else `fail`. */
export async function expectZnodes(session: SuiteSession, z: ZkSettings, znodes: ReadonlyMap<string, string>, pod: string, after: string, fail: (d: string) => never): Promise<void> {
  for (const [path, want] of znodes) {
    let last = '';
    const got = await poll(`znode ${path} via ${pod}`, `to read "${want}"`, async () => {
      const v = await readZnode(session, z, pod, path);
      last = v ?? 'absent';
      return { done: v === want, observed: last, value: v };
    }, { timeoutMs: session.cfg.timeouts.exec, intervalMs: 500 }).catch((e: Error) => (last = last || e.message, undefined));
    if (got !== want) fail(`znode ${path} written before ${after} does not read back through ${pod} (expected "${want}", last read: ${last})`);
  }
}
