// `ordinal` command line: dispatches subcommands, turns errors into one-line causes with fixes.
import { describeForUser } from '../errors.ts';
import { clusterCommand } from './cluster.ts';
import { imagesCommand } from './images.ts';
import { registryCommand } from './registry.ts';
import { pluginCommand } from './plugin.ts';
import { diagnoseCommand } from './diagnose.ts';
import { runCommand } from './run.ts';
import { testCommand } from './test.ts';
import { benchCommand } from './bench.ts';
import { gateCommand } from './gate.ts';
import { reportCommand } from './report.ts';
import { upgradeCommand } from './upgrade.ts';
import { interruptSignal, ownSignals, untilCleanedUp } from '../lifecycle.ts';

const USAGE = `ordinal — conformance suite for stateful workloads on Kubernetes

usage: npx ordinal <command> [options]     (each command takes --help)

  run [--suite a,b] [--fixture DIR] [--kubeconfig F] [--image-registry R]
                                                        run the conformance suites, write reports
  cluster up|down|status|kubeconfig                     manage the kind cluster ordinal runs on
  images build|list|push                                build the images ordinal needs from package registries; push them
  registry up|down|status                               a local registry the kind cluster pulls from
  plugin sonobuoy                                       print a Sonobuoy plugin definition for the runner image
  diagnose [-n NS] [STATEFULSET] [--all-namespaces]     read-only diagnosis of live StatefulSets
  gate BASELINE CANDIDATE                               compare two runs' results; exit 1 on a regression
  report DIR                                            write a report folder's report.html again
  upgrade --to VERSION [--suite a,b]                    rehearse an in-place kubeadm upgrade under load: run, upgrade, run, gate
  test [--project unit,integration,suites,controls]     ordinal's own tests (npm test)
  bench [--cold-cluster] | --against-e2e                figures for docs/benchmarks.md; side by side with e2e.test
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  images: imagesCommand,
  registry: registryCommand,
  plugin: pluginCommand,
  diagnose: diagnoseCommand,
  cluster: clusterCommand,
  run: runCommand,
  test: testCommand,
  bench: benchCommand,
  gate: gateCommand,
  report: reportCommand,
  upgrade: upgradeCommand,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  const handler = COMMANDS[cmd];
  if (!handler) {
    console.error(`error: unknown command "${cmd}"\n  fix: run \`npx ordinal --help\` for the list of commands`);
    return 2;
  }
  return handler(rest);
}

// Exit explicitly: the Kubernetes client keeps API connections alive, which would hold the process.
async function exit(code: number): Promise<never> {
  // interrupted: the interrupt handler exits (130/143) once what ordinal created is cleaned up
  if (interruptSignal.aborted) await untilCleanedUp();
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}

ownSignals();
main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err) => {
    const { text, exitCode } = describeForUser(err);
    console.error(text);
    if (process.env.ORDINAL_DEBUG && err instanceof Error) console.error(err.stack);
    return exit(exitCode);
  },
);
