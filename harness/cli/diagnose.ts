// `ordinal diagnose`: a read-only diagnosis of live StatefulSets (harness/diagnose/statefulset-rules.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { diagnosePage } from '../report/html/diagnose-page.ts';
import { writeHtml } from '../report/html/write.ts';
import { homedir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { InputError } from '../errors.ts';
import { checkReachable, loadKube } from '../kube/client.ts';
import { findStatefulSets, liveSnapshot } from '../diagnose/live-snapshot.ts';
import { diagnose } from '../diagnose/statefulset-rules.ts';
import { diagnoseJunit, findingLine, type Diagnosed } from '../diagnose/report.ts';
import { parse } from './args.ts';

const USAGE = `ordinal diagnose [--kubeconfig F] [--context C] [-n NS] [STATEFULSET] [--all-namespaces] [--report-dir D]

Reads StatefulSets, their Services, pods, claims, PodDisruptionBudgets, events, ConfigMaps and pod
logs, and reports what is wrong, one line per finding (severity, object, what, fix). It only gets,
lists and reads logs: no exec, create, patch or delete, so a read-only account is enough.
Exits 0 when no finding is an error.

  -n, --namespace NS   where to look (default: the kubeconfig context's namespace, else default)
  --all-namespaces     every namespace
  --kubeconfig F       default: $KUBECONFIG, else ~/.kube/config
  --context C          kubeconfig context (default: the current one)
  --report-dir D       also write findings.json, junit_01.xml (one testcase per rule) and report.html`;

export async function diagnoseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    namespace: { type: 'string', short: 'n' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    'report-dir': { type: 'string' },
  }, 'ordinal diagnose --help');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new InputError(`diagnose takes one StatefulSet name, got ${positionals.length}: ${positionals.join(' ')}`, 'name one, or none for all in the namespace');
  if (values.namespace && values['all-namespaces']) throw new InputError('-n and --all-namespaces both choose where to look', 'pass one of them');
  const cfg = loadConfig();
  const kubeconfig = path.resolve(values.kubeconfig ?? process.env.KUBECONFIG?.split(path.delimiter)[0] ?? path.join(homedir(), '.kube', 'config'));
  const kube = loadKube(kubeconfig, values.context);
  await checkReachable(kube);
  const ctxNs = kube.kc.getContextObject(kube.kc.getCurrentContext())?.namespace;
  const found = await findStatefulSets(kube, { namespace: values.namespace ?? ctxNs, allNamespaces: values['all-namespaces'], name: positionals[0] });
  const results: Diagnosed[] = [];
  for (const ns of [...new Set(found.map((s) => s.metadata!.namespace!))]) {
    const here = found.filter((s) => s.metadata!.namespace === ns);
    const findings = diagnose(await liveSnapshot(kube, ns, here), { stuckMs: cfg.timeouts.stuck });
    for (const s of here) {
      const mine = findings.filter((f) => f.statefulSet === s.metadata!.name);
      results.push({ statefulSet: `${ns}/${s.metadata!.name}`, findings: mine });
      if (!mine.length) console.log(`ok      StatefulSet/${ns}/${s.metadata!.name}  no findings`);
      for (const f of mine) console.log(findingLine(f));
    }
  }
  if (values['report-dir']) {
    const dir = path.resolve(values['report-dir']);
    await mkdir(dir, { recursive: true });
    const report = { schema: 'ordinal.diagnose/v1', at: new Date().toISOString(), server: kube.server, results };
    await writeFile(path.join(dir, 'findings.json'), JSON.stringify(report, null, 2) + '\n');
    await writeFile(path.join(dir, 'junit_01.xml'), diagnoseJunit(results));
    await writeHtml(dir, diagnosePage(report));
  }
  const errors = results.flatMap((r) => r.findings).filter((f) => f.severity === 'error').length;
  const warnings = results.flatMap((r) => r.findings).length - errors;
  console.error(`${results.length} StatefulSet${results.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return errors ? 1 : 0;
}

