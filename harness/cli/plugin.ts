// `ordinal plugin sonobuoy`: a Sonobuoy plugin definition that runs ordinal's runner image as a Job
// plugin whose results Sonobuoy reads as JUnit. Its fields follow Sonobuoy's plugin manifest
// (sonobuoy-config, spec, podSpec; see docs/in-cluster.md); Sonobuoy itself is not served by the Go
// module proxy here, so plugin.test.ts checks the fields, not a Sonobuoy run.
import { stringify } from 'yaml';
import { InputError } from '../errors.ts';
import { RUNNER_IMAGE } from '../images/catalog.ts';
import { parseImageRegistry, relocate } from '../images/image-registry.ts';
import { parse, requireRegExp } from './args.ts';

/** Where Sonobuoy's worker sidecar looks for the done file and the results it names. */
export const SONOBUOY_RESULTS_DIR = '/tmp/sonobuoy/results';

export interface PluginOptions {
  image: string;
  focus?: string;
  skip?: string;
  extraArgs?: string;
  serviceAccount: string;
}

export function sonobuoyPlugin(o: PluginOptions): Record<string, unknown> {
  return {
    'sonobuoy-config': {
      driver: 'Job',
      'plugin-name': 'ordinal',
      'result-format': 'junit',
      'result-files': ['junit_01.xml'],
      description: 'ordinal: conformance of StatefulSets and the stateful apps on them (ordering, identity, storage, durability, ZooKeeper, Kafka)',
    },
    spec: {
      name: 'plugin',
      image: o.image,
      imagePullPolicy: 'IfNotPresent',
      env: [
        { name: 'E2E_FOCUS', value: o.focus ?? '' },
        { name: 'E2E_SKIP', value: o.skip ?? '' },
        { name: 'E2E_EXTRA_ARGS', value: o.extraArgs ?? '' },
        { name: 'RESULTS_DIR', value: SONOBUOY_RESULTS_DIR },
      ],
      securityContext: { runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      volumeMounts: [{ name: 'results', mountPath: SONOBUOY_RESULTS_DIR }],
    },
    podSpec: {
      restartPolicy: 'Never',
      serviceAccountName: o.serviceAccount,
      // SIGTERM gives ordinal time to delete its namespaces and write the report
      terminationGracePeriodSeconds: 300,
      containers: [],
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
    },
  };
}

const USAGE = `ordinal plugin sonobuoy [--image IMG | --image-registry R] [--focus RE] [--skip RE] [--extra-args="FLAGS"]
                        [--service-account NAME]

Prints a Sonobuoy plugin definition (a Job plugin, result-format junit) for ordinal's runner image:
  npx ordinal plugin sonobuoy --image-registry registry.example.com/ordinal > ordinal-plugin.yaml
  sonobuoy run --plugin ordinal-plugin.yaml --wait && sonobuoy results $(sonobuoy retrieve)

  --image IMG          the runner image (default ${RUNNER_IMAGE})
  --image-registry R   the runner image as \`ordinal images push --registry R\` put it; also passed
                       to ordinal, so the fixtures' pods pull from R
  --focus / --skip RE  regular expressions over check ids (E2E_FOCUS / E2E_SKIP)
  --extra-args=FLAGS   more \`ordinal run\` flags (E2E_EXTRA_ARGS), e.g. --extra-args="--suite kafka"
  --service-account N  the pod's ServiceAccount (default sonobuoy-serviceaccount, Sonobuoy's own);
                       ordinal needs what deploy/rbac.yaml grants`;

export async function pluginCommand(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const sub = first === '--help' || first === '-h' ? 'help' : first;
  const { values, positionals } = parse(rest, { image: { type: 'string' }, 'image-registry': { type: 'string' }, focus: { type: 'string' }, skip: { type: 'string' }, 'extra-args': { type: 'string' }, 'service-account': { type: 'string' } }, 'ordinal plugin --help');
  if (values.help || !sub || sub === 'help') {
    console.log(USAGE);
    return sub ? 0 : 2;
  }
  if (sub !== 'sonobuoy') throw new InputError(`unknown plugin format "${sub}"`, 'use `ordinal plugin sonobuoy`');
  if (positionals.length) throw new InputError(`unexpected argument "${positionals[0]}"`, 'see `ordinal plugin --help`');
  if (values.image && values['image-registry']) throw new InputError('--image and --image-registry both name the image', 'pass one of them');
  requireRegExp('focus', values.focus);
  requireRegExp('skip', values.skip);
  const registry = values['image-registry'] ? parseImageRegistry(values['image-registry']) : undefined;
  const extra = [values['extra-args'], registry ? `--image-registry ${registry.name}` : undefined].filter(Boolean).join(' ');
  process.stdout.write(stringify(sonobuoyPlugin({
    image: values.image ?? relocate(RUNNER_IMAGE, registry),
    focus: values.focus,
    skip: values.skip,
    extraArgs: extra,
    serviceAccount: values['service-account'] ?? 'sonobuoy-serviceaccount',
  })));
  return 0;
}
