// `ordinal registry up | down | status`: the local Distribution registry a kind cluster pulls from.
import { loadConfig } from '../config.ts';
import { InputError } from '../errors.ts';
import { connectKindCluster, localRegistryDown, localRegistryStatus, localRegistryUp, LOCAL_REGISTRY } from '../cluster/local-registry.ts';
import { Kind } from '../cluster/kind.ts';
import { info } from '../log.ts';
import { parse } from './args.ts';

const USAGE = `ordinal registry up [--name CLUSTER]
ordinal registry down | status

  up      starts the CNCF Distribution registry (built from the Go module proxy) as container
          ${LOCAL_REGISTRY.container} on 127.0.0.1:${LOCAL_REGISTRY.port}, and lets the nodes of the kind
          cluster (if it exists) pull localhost:${LOCAL_REGISTRY.port}/... from it. Then:
            npx ordinal images push --registry localhost:${LOCAL_REGISTRY.port}/${LOCAL_REGISTRY.prefix}
            npx ordinal run --image-registry localhost:${LOCAL_REGISTRY.port}/${LOCAL_REGISTRY.prefix}
  down    deletes the container and its volume (only if ordinal started it)
  status  says whether it runs`;

export async function registryCommand(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const sub = first === '--help' || first === '-h' ? 'help' : first;
  const { values, positionals } = parse(rest, { name: { type: 'string' } }, 'ordinal registry --help');
  if (values.help || !sub || sub === 'help') {
    console.log(USAGE);
    return sub ? 0 : 2;
  }
  if (positionals.length) throw new InputError(`unexpected argument "${positionals[0]}"`, 'see `ordinal registry --help`');
  const cfg = loadConfig(values.name ? { clusterName: values.name } : {});
  if (sub === 'up') {
    const registry = await localRegistryUp(cfg);
    const kind = await Kind.load(cfg);
    if ((await kind.clusters()).includes(cfg.clusterName)) await connectKindCluster(cfg, cfg.clusterName);
    else info('registry', `no kind cluster "${cfg.clusterName}" yet; run \`ordinal registry up\` again after \`cluster up\``);
    console.log(registry.name);
    return 0;
  }
  if (sub === 'down') {
    console.log(`registry ${await localRegistryDown()}`);
    return 0;
  }
  if (sub === 'status') {
    console.log(await localRegistryStatus());
    return 0;
  }
  throw new InputError(`unknown subcommand "registry ${sub}"`, 'use `ordinal registry up`, `down` or `status`');
}
