import { loadConfig } from '../config.ts';
import { InputError } from '../errors.ts';
import { clusterDown, clusterStatus, clusterUp } from '../cluster/cluster.ts';
import { Kind } from '../cluster/kind.ts';
import { requireDocker } from '../images/docker.ts';
import { parse } from './args.ts';

const USAGE = `ordinal cluster up|down|status|kubeconfig [--name NAME] [--config FILE] [options]

  up          create the kind cluster from kind-config.yaml (one control-plane, three workers by
              default), or reuse it when it exists and is healthy; returns when every node is
              Ready, CoreDNS answers a lookup and the default StorageClass provisions a PV
                --image-source auto|official|build   node image: official kindest/node, or built
                                                     from package registries (default auto)
                --keep                  keep a half-created cluster after a failure or Ctrl-C
                --export-kubeconfig     also merge the kubeconfig into ~/.kube/config
  down        delete the cluster (only one ordinal created; --force for others)
  status      nodes, versions and node image
  kubeconfig  print the path of the cluster's kubeconfig file (last line)

  --name NAME    cluster name (default: ordinal, or ORDINAL_CLUSTER_NAME)
  --config FILE  kind config (default: kind-config.yaml)`;

export async function clusterCommand(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  // `ordinal cluster --help` asks for help, not for a subcommand named --help
  const sub = first === '--help' || first === '-h' ? 'help' : first;
  const { values } = parse(rest, {
    name: { type: 'string' },
    config: { type: 'string' },
    'image-source': { type: 'string' },
    keep: { type: 'boolean' },
    'export-kubeconfig': { type: 'boolean' },
    force: { type: 'boolean' },
  }, 'ordinal cluster --help');
  if (values.help || !sub || sub === 'help') {
    console.log(USAGE);
    return sub ? 0 : 2;
  }
  const cfg = loadConfig({
    ...(values.name ? { clusterName: values.name } : {}),
    ...(values.config ? { kindConfigPath: values.config } : {}),
    ...(values['image-source'] ? { imageSource: values['image-source'] as 'auto' } : {}),
  });
  switch (sub) {
    case 'up': {
      const r = await clusterUp(cfg, { keep: values.keep, exportKubeconfig: values['export-kubeconfig'] });
      console.log(`cluster ${r.name} ${r.reused ? 'reused' : 'created'} (node image ${r.nodeImage}, ${r.images.source.node})`);
      console.log(r.kubeconfig);
      return 0;
    }
    case 'down': {
      const r = await clusterDown(cfg, { force: values.force });
      console.log(r === 'deleted' ? `cluster ${cfg.clusterName} deleted` : `no cluster named ${cfg.clusterName}`);
      return 0;
    }
    case 'status': {
      const s = await clusterStatus(cfg);
      if (!s.exists) {
        console.log(`no kind cluster named ${s.name} (create it with \`npx ordinal cluster up\`)`);
        return 1;
      }
      console.log(`cluster ${s.name}${s.createdByOrdinal ? '' : ' (not created by ordinal)'}  server ${s.server ?? '?'}`);
      console.log(`${'NODE'.padEnd(28)} ${'ROLE'.padEnd(14)} ${'CONTAINER'.padEnd(10)} ${'READY'.padEnd(6)} ${'KUBELET'.padEnd(9)} ${'RUNTIME'.padEnd(22)} IMAGE`);
      for (const n of s.nodes) {
        console.log(`${n.name.padEnd(28)} ${n.role.padEnd(14)} ${n.container.padEnd(10)} ${String(n.ready ?? '?').padEnd(6)} ${(n.kubelet ?? '?').padEnd(9)} ${(n.runtime ?? '?').padEnd(22)} ${n.image}`);
      }
      if (s.problem) console.log(`problem: ${s.problem}`);
      if (s.kubeconfig) console.log(`kubeconfig: ${s.kubeconfig}`);
      return s.problem || s.nodes.some((n) => !n.ready) ? 1 : 0;
    }
    case 'kubeconfig': {
      await requireDocker();
      const kind = await Kind.load(cfg);
      if (!(await kind.clusters()).includes(cfg.clusterName)) {
        throw new InputError(`no kind cluster named ${cfg.clusterName}`, 'create it with `npx ordinal cluster up`');
      }
      console.log(await kind.exportKubeconfig(cfg.clusterName));
      return 0;
    }
    default:
      throw new InputError(`unknown subcommand "cluster ${sub}"`, 'use up, down, status or kubeconfig');
  }
}
