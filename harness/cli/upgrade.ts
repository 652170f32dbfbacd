// `ordinal upgrade --to VERSION`: the upgrade rehearsal. On the kind cluster ordinal creates (or one
// it created before, still on the first release): the suites run (the baseline), the upgrade suite
// upgrades the cluster in place under load (suites/upgrade), the suites run again on the upgraded
// cluster (the candidate), and `ordinal gate` compares the two runs. Four report folders under one.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, loadConfig } from '../config.ts';
import { InputError, OrdinalError, formatMs } from '../errors.ts';
import { Kind } from '../cluster/kind.ts';
import { kubeletVersions, upgradeRelease } from '../cluster/upgrade.ts';
import { VERSIONS } from '../images/versions.ts';
import { loadKube } from '../kube/client.ts';
import { ensureWritableDir } from '../report/report-dir.ts';
import { availableSuites, newRunId, runSuites } from '../run/runner.ts';
import { OPT_IN_SUITES } from '../fixture/fixture.ts';
import { info } from '../log.ts';
import { gateCommand } from './gate.ts';
import { parse, list } from './args.ts';

const USAGE = `ordinal upgrade --to VERSION [--suite a,b] [--report-dir DIR] [--keep] [--name NAME]

The upgrade rehearsal, on the kind cluster ordinal creates (v${VERSIONS.kubernetes}):
  1. before    the suites run on the cluster as it is (default: all of a full run)
  2. upgrade   the upgrade suite: ZooKeeper and Kafka under k6 load while the control plane is
               upgraded with \`kubeadm upgrade apply\` inside its node, then each worker in place
               (drained through the Eviction API, \`kubeadm upgrade node\`, new kubelet, uncordoned);
               per step the acknowledged share, quorum and ISR; at the end every acknowledged
               message and znode read back
  3. after     the same suites on the upgraded cluster
  4. gate      \`ordinal gate\` before after: exits 1 on a regression
Exits 0 only when the upgrade suite passed, the after run passed and the gate found no regression.
The cluster stays on the new release: \`ordinal cluster down\` to rehearse again.

  --to VERSION      the release to upgrade to: ${VERSIONS.upgradeTo} (built from package registries,
                    \`ordinal images build --group upgrade\`; harness/images/versions.ts pins it)
  --suite a,b       the suites run before and after (default: every suite of a full run)
                    available: ${availableSuites().filter((s) => !OPT_IN_SUITES.includes(s)).join(', ')}
  --report-dir DIR  where the four folders go (default: reports/upgrade-<id>)
  --keep            keep the namespaces after each run
  --name NAME       kind cluster name (default: ordinal)`;

export async function upgradeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { to: { type: 'string' }, suite: { type: 'string' }, 'report-dir': { type: 'string' }, keep: { type: 'boolean' }, name: { type: 'string' } }, 'ordinal upgrade --help');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length) throw new InputError(`unexpected argument "${positionals[0]}"`, 'see `ordinal upgrade --help`');
  if (!values.to) throw new InputError('upgrade needs --to VERSION', `e.g. \`ordinal upgrade --to ${VERSIONS.upgradeTo}\``);
  const to = values.to.replace(/^v/, '');
  if (to !== VERSIONS.upgradeTo) throw new InputError(`ordinal rehearses the upgrade from v${VERSIONS.kubernetes} to v${VERSIONS.upgradeTo}, not to v${to}`, `use --to ${VERSIONS.upgradeTo} (another release: change upgradeTo in harness/images/versions.ts)`);
  const suites = list(values.suite);
  const bad = suites.filter((s) => OPT_IN_SUITES.includes(s as never));
  if (bad.length) throw new InputError(`--suite ${bad.join(',')}: the upgrade suite is the rehearsal's own step`, 'name the suites to run before and after it');
  const cfg = loadConfig(values.name ? { clusterName: values.name } : {});

  // before anything is created or run: the cluster, if there is one, must be ordinal's and on the first release
  const kind = await Kind.load(cfg);
  if ((await kind.clusters()).includes(cfg.clusterName)) {
    if (!kind.record(cfg.clusterName)) throw new InputError(`kind cluster ${cfg.clusterName} was not created by ordinal; an upgrade replaces its control plane and kubelets`, 'rehearse on a cluster ordinal creates: pass --name NEW (it is created), or delete this one yourself');
    const kube = loadKube(await kind.exportKubeconfig(cfg.clusterName));
    const versions = [...kubeletVersions((await kube.core.listNode()).items).values()];
    if (versions.some((v) => v !== `v${VERSIONS.kubernetes}`)) throw new InputError(`kind cluster ${cfg.clusterName} runs ${[...new Set(versions)].join(', ')}, not v${VERSIONS.kubernetes}`, '`ordinal cluster down`, then rehearse again: the upgrade starts from a cluster on the first release');
  }
  const id = newRunId();
  const dir = await ensureWritableDir(values['report-dir'] ?? path.join(PROJECT_ROOT, 'reports', `upgrade-${id}`), 'report folder');
  const t0 = performance.now();
  // the second release first: a build that fails should not come after a half-hour baseline
  info('upgrade', `building v${to} (content-addressed; cached after the first time)`);
  await upgradeRelease(cfg);

  const keep = Boolean(values.keep);
  const times: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>) => {
    const s = performance.now();
    try {
      return await fn();
    } finally {
      times[name] = performance.now() - s;
    }
  };
  info('upgrade', `1/4 before: ${suites.join(', ') || 'every suite'} on v${VERSIONS.kubernetes}`);
  const before = await timed('before', () => runSuites(cfg, { suites, reportDir: path.join(dir, 'before'), keep }));
  info('upgrade', `2/4 upgrade to v${to} under load`);
  process.env.ORDINAL_UPGRADE_TO = to;
  const upgrade = await timed('upgrade', () => runSuites(loadConfig({ ...(values.name ? { clusterName: values.name } : {}), upgradeTo: to }), { suites: ['upgrade'], reportDir: path.join(dir, 'upgrade'), keep })).finally(() => {
    delete process.env.ORDINAL_UPGRADE_TO;
  });
  const upgraded = upgrade.results.checks.some((c) => c.id === 'upgrade/versions' && c.verdict === 'passed');
  if (!upgraded) {
    console.error(`the upgrade did not complete (see ${upgrade.runDir}); the after run and the gate are not run`);
    return 1;
  }
  info('upgrade', `3/4 after: the same suites on v${to}`);
  const after = await timed('after', () => runSuites(cfg, { suites, reportDir: path.join(dir, 'after'), keep }));
  info('upgrade', '4/4 gate: before against after');
  const gate = await timed('gate', () => gateCommand([path.join(before.runDir, 'results.json'), path.join(after.runDir, 'results.json'), '--report-dir', path.join(dir, 'gate')]));
  if (!existsSync(path.join(dir, 'gate', 'gate.json'))) throw new OrdinalError('the gate wrote no gate.json', `see ${dir}`);
  const line = (name: string, ok: boolean) => `  ${name.padEnd(8)} ${ok ? 'passed' : 'FAILED'}  ${formatMs(times[name] ?? 0)}`;
  console.log([
    `upgrade rehearsal v${VERSIONS.kubernetes} → v${to} in ${formatMs(performance.now() - t0)} (${dir})`,
    line('before', before.passed), line('upgrade', upgrade.passed), line('after', after.passed), line('gate', gate === 0),
  ].join('\n'));
  return upgrade.passed && after.passed && gate === 0 ? 0 : 1;
}
