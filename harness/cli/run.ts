import { parseLoadValue } from '../apps/load-settings.ts';
import { loadConfig } from '../config.ts';
import { InputError } from '../errors.ts';
import { availableSuites, runSuites } from '../run/runner.ts';
import { parse, list, requireRegExp } from './args.ts';
import { defaultParallelism, parseParallel } from '../run/parallelism.ts';

const USAGE = `ordinal run [--suite a,b] [--focus REGEX] [--skip REGEX] [--fixture DIR] [--kubeconfig FILE [--context NAME] | --in-cluster]
            [--image-registry R] [--report-dir DIR] [--e2e-log FILE] [--keep] [--parallel N]
            [--load-rate N] [--load-vus N]

Runs the conformance suites and writes report.html, junit_01.xml, results.json, e2e.log and the
recorded timelines.
Exits 0 only when every applicable check passed.

  --suite a,b        suites to run (default: all; with --fixture, the ones it declares)
                     available: ${availableSuites().join(', ')}
  --focus REGEX      run only the checks whose id matches (e.g. 'kafka/broker-.*'; the deploy
                     step of a suite always runs); the others are left out of the reports
  --skip REGEX       leave out the checks whose id matches (after --focus)
  --fixture DIR      run on your own fixture (manifests + fixture.yaml, see docs/fixtures.md)
  --kubeconfig FILE  use an existing cluster instead of creating or reusing the kind cluster;
                     ordinal never deletes it, only the namespaces it creates
  --context NAME     kubeconfig context (default: the current one)
  --in-cluster       use the pod's ServiceAccount (ordinal's runner image; see deploy/rbac.yaml)
  --image-registry R HOST[:PORT][/PREFIX]: the nodes pull every ordinal.local/ image (built-in and
                     your fixtures') from R instead of having them loaded; put them there first
                     with \`ordinal images push --registry R\` (also ORDINAL_IMAGE_REGISTRY)
  --report-dir DIR   where to write reports (default: reports/<run-id>)
  --e2e-log FILE     also write the conformance image's e2e.log (Ginkgo-style header, one line
                     per check) for Hydrophone and Sonobuoy (the report folder always has one)
  --load-rate N      the k6 producer's messages per second in the kafka, disruption, partition
                     and upgrade suites (default: the fixture's app.kafka.load.rate, else 40)
  --load-vus N       its pre-allocated virtual users (default: app.kafka.load.vus, else 4; k6
                     adds up to 4× as many when they cannot keep the rate)
  --keep             keep the namespaces after the run, for inspection
  --parallel N       run N suites at once, each in its own namespace (default ${defaultParallelism()} here: one
                     per two cores, at most 3; 1 runs them one after the other); a suite
                     that restarts or drains nodes (durability, disruption) always runs alone
  --name NAME        kind cluster name (default: ordinal)
  --image-source S   auto|official|build for the node image (see \`ordinal cluster --help\`)`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    suite: { type: 'string' },
    focus: { type: 'string' },
    skip: { type: 'string' },
    'in-cluster': { type: 'boolean' },
    'e2e-log': { type: 'string' },
    fixture: { type: 'string' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    'report-dir': { type: 'string' },
    keep: { type: 'boolean' },
    parallel: { type: 'string' },
    name: { type: 'string' },
    'image-source': { type: 'string' },
    'image-registry': { type: 'string' },
    'load-rate': { type: 'string' },
    'load-vus': { type: 'string' },
  }, 'ordinal run --help');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length) throw new InputError(`unexpected argument "${positionals[0]}"`, 'see `ordinal run --help`');
  requireRegExp('focus', values.focus);
  requireRegExp('skip', values.skip);
  const parallel = parseParallel(values.parallel) ?? defaultParallelism();
  const load = { rate: parseLoadValue('rate', values['load-rate'], '--load-rate'), vus: parseLoadValue('vus', values['load-vus'], '--load-vus') };
  if (values['in-cluster'] && values.kubeconfig) throw new InputError('--in-cluster and --kubeconfig both name the cluster', 'pass one of them');
  if (values.context && !values.kubeconfig) throw new InputError('--context needs --kubeconfig', 'pass the kubeconfig file that holds the context, e.g. --kubeconfig ~/.kube/config --context NAME');
  const cfg = loadConfig({
    ...(values.name ? { clusterName: values.name } : {}),
    ...(values['image-source'] ? { imageSource: values['image-source'] as 'auto' } : {}),
    ...(values['image-registry'] !== undefined ? { imageRegistry: values['image-registry'] } : {}),
  });
  const out = await runSuites(cfg, {
    suites: list(values.suite),
    focus: values.focus,
    skip: values.skip,
    inCluster: values['in-cluster'],
    e2eLog: values['e2e-log'],
    fixture: values.fixture,
    kubeconfig: values.kubeconfig,
    context: values.context,
    reportDir: values['report-dir'],
    keep: values.keep || process.env.ORDINAL_KEEP === '1',
    parallel,
    load,
  });
  console.log(out.runDir);
  return out.passed ? 0 : 1;
}
