import { loadConfig } from '../config.ts';
import { InputError, formatMs } from '../errors.ts';
import { ARTIFACTS, DEFAULT_GROUPS, GROUPS, closure, type Group } from '../images/catalog.ts';
import { resolveSources, sourceOf } from '../images/sources.ts';
import { buildArtifacts, computeKeys, isBuilt, installTool } from '../images/builder.ts';
import { requireDocker } from '../images/docker.ts';
import { parse, list } from './args.ts';
import { loadFixture } from '../fixture/fixture.ts';
import { parseImageRegistry } from '../images/image-registry.ts';
import { pushImages } from '../images/push.ts';
import { suiteImages } from '../run/runner.ts';
import { VERSIONS as V } from '../images/versions.ts';

const USAGE = `ordinal images build [--group cluster,web,apps,registry,runner,upgrade] [--only ID,...] [--force] [--jobs N] [--print-sources]
ordinal images list
ordinal images push --registry HOST[:PORT][/PREFIX] [--fixture DIR]

  build   builds every image and tool ordinal needs from package registries (Debian, the Go
          module proxy, Maven Central), content-addressed: unchanged inputs are never rebuilt.
            --group   cluster (node image, kind), web (nginx fixture), apps (ZooKeeper, Kafka, k6),
                      registry (the Distribution registry of \`ordinal registry up\`),
                      runner (ordinal's in-cluster image), upgrade (the second Kubernetes
                      release, v${V.upgradeTo}, for \`ordinal upgrade\`; not built unless asked)
            --only    artifact ids (see \`images list\`) and what they depend on
            --force   rebuild even when cached
            --jobs    artifacts built at once (default 2)
            --print-sources  build nothing; show where each artifact downloads from: Debian
                      from the host's apt sources (or ORDINAL_DEBIAN_MIRROR), Go modules from
                      \`go env GOPROXY\` (or ORDINAL_GOPROXY), Maven through your settings.xml
                      mirrors, npm through its config. Cache keys do not include these addresses.
  list    every artifact, its content key and whether it is built
  push    pushes every image the suites need (the built-in fixtures', k6; with --fixture, also
          that fixture's ordinal.local/ images), building what is missing, to the registry, as
          --image-registry moves them: ordinal.local/kafka:3.9.2 -> HOST/PREFIX/kafka:3.9.2.
          An image whose digest the registry already has is skipped. Pushing is \`docker push\`,
          so \`docker login\` credentials and the engine's insecure-registries apply.
          For a kind cluster: \`ordinal registry up\`, then --registry localhost:5001/ordinal`;

export async function imagesCommand(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  // `ordinal images --help` asks for help, not for a subcommand named --help
  const sub = first === '--help' || first === '-h' ? 'help' : first;
  const { values } = parse(rest, { group: { type: 'string' }, only: { type: 'string' }, force: { type: 'boolean' }, 'print-sources': { type: 'boolean' }, jobs: { type: 'string' }, 'image-source': { type: 'string' }, registry: { type: 'string' }, fixture: { type: 'string' } }, 'ordinal images --help');
  if (values.help || !sub || sub === 'help') {
    console.log(USAGE);
    return sub ? 0 : 2;
  }
  const cfg = loadConfig();
  if (sub === 'build') {
    const groups = list(values.group) as Group[];
    for (const g of groups) if (!(GROUPS as readonly string[]).includes(g)) throw new InputError(`unknown group "${g}"`, `use ${GROUPS.join(', ')}`);
    const only = list(values.only);
    for (const id of only) if (!ARTIFACTS.some((a) => a.id === id)) throw new InputError(`unknown artifact "${id}"`, 'see `ordinal images list` for ids');
    if (values['print-sources']) {
      const sources = await resolveSources(cfg);
      const ids = only.length ? closure(only) : closure(ARTIFACTS.filter((a) => (groups.length ? groups : DEFAULT_GROUPS).includes(a.group)).map((a) => a.id));
      for (const a of ids) {
        const src = sourceOf(a, sources);
        console.log(`${a.id.padEnd(26)} ${src ? `${src.value}  (${src.from})` : 'from the artifacts above (no download)'}`);
      }
      return 0;
    }
    const jobs = values.jobs === undefined ? 2 : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new InputError(`--jobs must be a whole number of at least 1, got "${values.jobs}"`, 'e.g. --jobs 2');
    const t0 = performance.now();
    const reports = await buildArtifacts(cfg, { groups: groups.length ? groups : undefined, only, force: values.force, concurrency: jobs });
    if (reports.some((r) => r.id === 'go/kind')) await installTool(cfg, 'go/kind', 'kind');
    const built = reports.filter((r) => r.status === 'built').length;
    console.log(`${reports.length} artifacts: ${built} built, ${reports.length - built} cached, in ${formatMs(performance.now() - t0)}`);
    return 0;
  }
  if (sub === 'list') {
    await requireDocker();
    const keys = await computeKeys(ARTIFACTS);
    for (const a of ARTIFACTS) {
      const key = keys.get(a.id)!;
      const built = await isBuilt(cfg, a, key);
      console.log(`${a.id.padEnd(26)} ${key.slice(0, 12)}  ${(built ? 'built' : 'missing').padEnd(7)}  ${a.description}`);
    }
    return 0;
  }
  if (sub === 'push') {
    if (!values.registry) throw new InputError('images push needs --registry', 'e.g. `ordinal images push --registry localhost:5001/ordinal` (after `ordinal registry up`)');
    const registry = parseImageRegistry(values.registry, '--registry');
    const fixtures = values.fixture ? [loadFixture(values.fixture)] : [];
    const t0 = performance.now();
    const reports = await pushImages(cfg, registry, suiteImages(fixtures));
    const pushed = reports.filter((r) => r.status === 'pushed').length;
    console.log(`${reports.length} images in ${registry.name}: ${pushed} pushed, ${reports.length - pushed} up to date, in ${formatMs(performance.now() - t0)}`);
    return 0;
  }
  throw new InputError(`unknown subcommand "images ${sub}"`, 'use `ordinal images build`, `images list` or `images push`');
}
