// Everything ordinal builds, as a graph of content-addressed artifacts. An artifact's key hashes its
// recipe script, its extra input files, its pinned inputs and the keys of what it is built from,
// so an unchanged artifact is never rebuilt and a changed pin rebuilds exactly its dependents.
import { readFileSync } from 'node:fs';
import { VERSIONS as V } from './versions.ts';

/** ordinal's own version (package.json): the runner image's tag */
export const ORDINAL_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const GROUPS = ['cluster', 'web', 'apps', 'registry', 'runner', 'upgrade', 'e2e'] as const;
/** what `images build` builds unless asked: the second Kubernetes release only for `ordinal upgrade`, e2e.test only for `ordinal bench --against-e2e` */
export const DEFAULT_GROUPS: readonly Group[] = ['cluster', 'web', 'apps', 'registry', 'runner'];
export type Group = (typeof GROUPS)[number];

export interface Artifact {
  id: string;
  /** one line for `ordinal images list` and the build log */
  description: string;
  group: Group;
  /** script in harness/images/recipes/ */
  recipe: string;
  /** extra inputs, relative to harness/images/ (files or directories) */
  files?: string[];
  /** pinned inputs, passed to the recipe as environment variables */
  env: Record<string, string>;
  /** recipe env var → artifact id; the value passed is the dependency's output dir or image tag */
  deps?: Record<string, string>;
  /** an image artifact is done when this tag carries its key as label org.ordinal.key */
  image?: string;
  /** where a registry is reachable, this official image may stand in (see OFFICIAL_IMAGES) */
  official?: 'node' | 'nginx';
}

const SLIM_PACKAGES = 'iptables,conntrack,nftables,iproute2,ca-certificates,netcat-openbsd,procps';
const NODE_PACKAGES = [
  'systemd,dbus,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz',
  'bash,ca-certificates,curl,jq,procps,e2fsprogs,socat,ebtables,hostname',
  'containerd,runc,containernetworking-plugins',
].join(',');

const debian = (packages: string) => ({ SUITE: V.debianSuite, VARIANT: 'minbase', PACKAGES: packages });
const goModule = (module: string, pkg: string, bin: string, ldflags = '') => ({ MODULE: module, PACKAGE: pkg, BIN: bin, LDFLAGS: ldflags });

export const NODE_IMAGE = `ordinal.local/node:v${V.kubernetes}`;
/** the node image of the release `ordinal upgrade` goes to */
export const UPGRADE_NODE_IMAGE = `ordinal.local/node:v${V.upgradeTo}`;
export const NGINX_IMAGE = 'ordinal.local/nginx:fixture';
export const SLIM_IMAGE = 'ordinal.local/base/slim:bookworm';
export const JRE_IMAGE = 'ordinal.local/base/jre:17';
export const ZOOKEEPER_IMAGE = `ordinal.local/zookeeper:${V.zookeeper}`;
export const KAFKA_IMAGE = `ordinal.local/kafka:${V.kafka}`;
export const K6_IMAGE = `ordinal.local/k6:${V.k6}`;
export const NODE_RUNTIME_IMAGE = `ordinal.local/base/node:${V.runnerDebianSuite}`;
export const RUNNER_IMAGE = `ordinal.local/ordinal:${ORDINAL_VERSION}`;
/** what the runner image holds of the project (the recipe copies these; their content is the key) */
const RUNNER_APP_FILES = ['bin', 'harness', 'suites', 'fixtures', 'package.json', 'package-lock.json', 'vitest.config.ts', 'tsconfig.json', 'kind-config.yaml'];
/** the e2e tests' httpd image as KUBE_TEST_REPO_LIST maps it (promoterE2eRegistry: E2E_IMAGE_REPO) */
export const E2E_IMAGE_REPO = 'ordinal.local/e2e-test-images';
/** the two httpd tags the StatefulSet [Conformance] specs use (the rolling update moves from one to the other) */
export const E2E_HTTPD_IMAGES = [`${E2E_IMAGE_REPO}/httpd:2.4.38-4`, `${E2E_IMAGE_REPO}/httpd:2.4.39-4`] as const;
export const REGISTRY_IMAGE = `ordinal.local/registry:${V.distribution}`;

/** A Java application image: the JRE base, the app's Maven jars, and its scripts from harness/images/apps/<app>. */
function jvmAppImage(app: 'zookeeper' | 'kafka', image: string, start: string, description: string, tools: Record<string, { artifact: string; bin: string }> = {}): Artifact {
  const toolCopies = Object.entries(tools).map(([v, t]) => ` ${v}/${t.bin}:/usr/local/bin/${t.bin}`).join('');
  return {
    id: `image/${app}`,
    description,
    group: 'apps',
    recipe: 'layer-image.sh',
    files: [`apps/${app}`],
    deps: { BASE: 'image/jre', JARS: `maven/${app}`, ...Object.fromEntries(Object.entries(tools).map(([v, t]) => [v, t.artifact])) },
    env: { FILES: `apps/${app}`, COPIES: `JARS/lib:/opt/${app}/lib FILES/bin:/usr/local/bin FILES/conf:/opt/${app}/conf${toolCopies}`, CMD: `["${start}"]` },
    image,
  };
}

/**
 * Every component image a node of Kubernetes `version` runs, tagged as kubeadm and the node's
 * manifests expect (etcd, CoreDNS, pause, netd and local-path are the same builds for both releases).
 */
function componentImages(id: string, version: string, binaries: string, group: Group, description: string): Artifact {
  return {
    id,
    description,
    group,
    recipe: 'k8s-images.sh',
    env: {
      K8S_VERSION: version,
      ETCD_TAG: V.etcdImageTag,
      COREDNS_TAG: `v${V.coredns}`,
      PAUSE_TAGS: V.pauseTags.join(' '),
      LPP_IMAGE: `ordinal.local/local-path-provisioner:${V.localPathProvisioner}`,
      HELPER_IMAGE: 'ordinal.local/local-path-helper:bookworm',
      NETD_IMAGE: 'ordinal.local/netd:v1',
    },
    deps: {
      K8S_BIN: binaries,
      ETCD_BIN: 'go/etcd',
      COREDNS_BIN: 'go/coredns',
      PAUSE_BIN: 'c/pause',
      LPP_BIN: 'go/local-path-provisioner',
      NETD_BIN: 'go/netd',
      SLIM_BASE: 'image/slim',
    },
  };
}

/** The kind node image of Kubernetes `version`: the node rootfs, its binaries, crictl, its component images preloaded. */
function nodeImage(id: string, version: string, binaries: string, images: string, tag: string, group: Group, description: string): Artifact {
  return {
    id,
    description,
    group,
    recipe: 'node-image.sh',
    files: ['node'],
    env: { KIND_VERSION: V.kind, K8S_VERSION: version, MANIFESTS: 'node' },
    deps: { ROOTFS: 'rootfs/node', K8S_BIN: binaries, CRICTL_BIN: 'go/crictl', K8S_IMAGES: images },
    image: tag,
  };
}

export const ARTIFACTS: readonly Artifact[] = [
  // ---- Go programs, from the Go module proxy ----
  {
    id: 'go/kubernetes',
    description: `kubeadm, kubelet, kubectl, kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy v${V.kubernetes} (k8s.io/kubernetes)`,
    group: 'cluster',
    recipe: 'go-kubernetes.sh',
    files: ['recipes/k8s-module.sh'],
    env: { K8S_VERSION: V.kubernetes, BINARIES: 'kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy' },
  },
  {
    id: 'go/etcd',
    description: `etcd v${V.etcd} (go.etcd.io/etcd/server/v3)`,
    group: 'cluster',
    recipe: 'go-module.sh',
    env: goModule(`go.etcd.io/etcd/server/v3@v${V.etcd}`, 'go.etcd.io/etcd/server/v3', 'etcd'),
  },
  {
    id: 'go/coredns',
    description: `CoreDNS v${V.coredns} (github.com/coredns/coredns)`,
    group: 'cluster',
    recipe: 'go-module.sh',
    env: goModule(`github.com/coredns/coredns@v${V.coredns}`, 'github.com/coredns/coredns', 'coredns'),
  },
  {
    id: 'go/crictl',
    description: `crictl ${V.crictl} (sigs.k8s.io/cri-tools)`,
    group: 'cluster',
    recipe: 'go-module.sh',
    env: goModule(`sigs.k8s.io/cri-tools@${V.crictl}`, 'sigs.k8s.io/cri-tools/cmd/crictl', 'crictl', `-X sigs.k8s.io/cri-tools/pkg/version.Version=${V.crictl}`),
  },
  {
    id: 'go/local-path-provisioner',
    description: `local-path-provisioner ${V.localPathProvisioner} (github.com/rancher/local-path-provisioner)`,
    group: 'cluster',
    recipe: 'go-module.sh',
    env: goModule(`github.com/rancher/local-path-provisioner@${V.localPathProvisioner}`, 'github.com/rancher/local-path-provisioner', 'local-path-provisioner'),
  },
  {
    id: 'go/kind',
    description: `kind ${V.kind} (sigs.k8s.io/kind), installed into the project's tools folder`,
    group: 'cluster',
    recipe: 'go-module.sh',
    env: goModule(`sigs.k8s.io/kind@${V.kind}`, 'sigs.k8s.io/kind', 'kind'),
  },
  {
    id: 'go/netd',
    description: 'ordinal-netd, the pod network of offline node images (harness/images/netd, on client-go)',
    group: 'cluster',
    recipe: 'go-local.sh',
    files: ['netd'],
    env: { SRC: 'netd', BIN: 'ordinal-netd' },
  },
  {
    id: 'c/pause',
    description: 'pause, compiled from build/pause/linux/pause.c in the k8s.io/kubernetes module',
    group: 'cluster',
    recipe: 'pause.sh',
    env: { K8S_VERSION: V.kubernetes, PAUSE_VERSION: V.pauseTags[0] },
  },
  // ---- Debian root filesystems, from the Debian mirror ----
  {
    id: 'rootfs/node',
    description: 'Debian bookworm rootfs for kind nodes: systemd 252, containerd 1.6, runc, CNI plugins',
    group: 'cluster',
    recipe: 'rootfs.sh',
    env: debian(NODE_PACKAGES),
  },
  {
    id: 'rootfs/slim',
    description: 'Debian bookworm minbase with iptables, conntrack, iproute2 (kube-proxy, netd, local-path, tools)',
    group: 'cluster',
    recipe: 'rootfs.sh',
    env: debian(SLIM_PACKAGES),
  },
  {
    id: 'image/slim',
    description: `${SLIM_IMAGE}: base image for networking and helper images`,
    group: 'cluster',
    recipe: 'base-image.sh',
    files: ['recipes/files/iptables-wrapper'],
    env: { IPTABLES_WRAPPER: '1' },
    deps: { ROOTFS: 'rootfs/slim' },
    image: SLIM_IMAGE,
  },
  // ---- the node image ----
  componentImages('tar/k8s-images', V.kubernetes, 'go/kubernetes', 'cluster', 'component images tagged as kubeadm and the node manifests expect, saved for preloading'),
  { ...nodeImage('image/node', V.kubernetes, 'go/kubernetes', 'tar/k8s-images', NODE_IMAGE, 'cluster', `${NODE_IMAGE}: kind node image, every component image preloaded`), official: 'node' },
  // ---- the release `ordinal upgrade` goes to: its binaries, its component images, its node image ----
  {
    id: 'go/kubernetes-upgrade',
    description: `the same seven binaries at v${V.upgradeTo}, the release \`ordinal upgrade\` goes to`,
    group: 'upgrade',
    recipe: 'go-kubernetes.sh',
    files: ['recipes/k8s-module.sh'],
    env: { K8S_VERSION: V.upgradeTo, BINARIES: 'kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy' },
  },
  componentImages('tar/k8s-images-upgrade', V.upgradeTo, 'go/kubernetes-upgrade', 'upgrade', `component images of v${V.upgradeTo} (etcd, CoreDNS, pause and the rest as in tar/k8s-images), saved for loading into upgraded nodes`),
  nodeImage('image/node-upgrade', V.upgradeTo, 'go/kubernetes-upgrade', 'tar/k8s-images-upgrade', UPGRADE_NODE_IMAGE, 'upgrade', `${UPGRADE_NODE_IMAGE}: kind node image of the release \`ordinal upgrade\` goes to`),
  // ---- the web fixture ----
  {
    id: 'rootfs/nginx',
    description: 'Debian bookworm minbase with nginx',
    group: 'web',
    recipe: 'rootfs.sh',
    env: debian('nginx,procps'),
  },
  {
    id: 'image/nginx',
    description: `${NGINX_IMAGE}: nginx for the built-in web fixture`,
    group: 'web',
    recipe: 'nginx-image.sh',
    deps: { ROOTFS: 'rootfs/nginx' },
    env: {},
    image: NGINX_IMAGE,
    official: 'nginx',
  },
  // ---- ZooKeeper, Kafka and k6 (the apps suites) ----
  {
    id: 'rootfs/jre',
    description: 'Debian bookworm minbase with OpenJDK 17 headless, curl, netcat, socat',
    group: 'apps',
    recipe: 'rootfs.sh',
    env: debian('openjdk-17-jre-headless,procps,netcat-openbsd,curl,socat,ca-certificates'),
  },
  {
    id: 'image/jre',
    description: `${JRE_IMAGE}: base image for ZooKeeper and Kafka`,
    group: 'apps',
    recipe: 'base-image.sh',
    deps: { ROOTFS: 'rootfs/jre' },
    env: {},
    image: JRE_IMAGE,
  },
  {
    id: 'maven/zookeeper',
    description: `ZooKeeper ${V.zookeeper} server jars as its binary release ships them (with Jetty for the AdminServer, Jackson, metrics, Snappy, commons-cli), from Maven Central`,
    group: 'apps',
    recipe: 'maven-jars.sh',
    env: {
      // the jars of ZooKeeper's binary release lib/: its "provided" dependencies at the versions of its parent pom
      COORDS: [
        `org.apache.zookeeper:zookeeper:${V.zookeeper}`,
        `org.eclipse.jetty:jetty-server:${V.jetty}`,
        `org.eclipse.jetty:jetty-servlet:${V.jetty}`,
        'com.fasterxml.jackson.core:jackson-databind:2.15.2',
        'io.dropwizard.metrics:metrics-core:4.1.12.1',
        'org.xerial.snappy:snappy-java:1.1.10.5',
        'commons-cli:commons-cli:1.5.0',
        'jline:jline:2.14.6',
      ].join(' '),
    },
  },
  {
    id: 'maven/kafka',
    description: `Kafka ${V.kafka} (Scala ${V.scala}) broker and tools jars with reload4j, from Maven Central`,
    group: 'apps',
    recipe: 'maven-jars.sh',
    env: { COORDS: `org.apache.kafka:kafka_${V.scala}:${V.kafka} org.apache.kafka:kafka-tools:${V.kafka} ch.qos.reload4j:reload4j:1.2.25 org.slf4j:slf4j-reload4j:1.7.36` },
  },
  jvmAppImage('zookeeper', ZOOKEEPER_IMAGE, 'zk-start', `${ZOOKEEPER_IMAGE}: ZooKeeper on OpenJDK 17 with ordinal's start and readiness scripts`),
  {
    id: 'go/kafka-ready',
    description: `kafka-ready, the Kafka fixture's readiness probe: Ready once the broker is in the ISR of every partition it replicates (harness/images/kafka-probe, on kafka-go ${V.kafkaGo})`,
    group: 'apps',
    recipe: 'go-local.sh',
    files: ['kafka-probe'],
    env: { SRC: 'kafka-probe', BIN: 'kafka-ready' },
  },
  jvmAppImage('kafka', KAFKA_IMAGE, 'kafka-start', `${KAFKA_IMAGE}: Kafka (ZooKeeper mode) on OpenJDK 17 with ordinal's start script and readiness probe (kafka-ready)`, { READY: { artifact: 'go/kafka-ready', bin: 'kafka-ready' } }),
  {
    id: 'go/k6',
    description: `k6 ${V.k6} built by xk6 ${V.xk6} with ordinal's extension k6/x/ordinal (Kafka on kafka-go ${V.kafkaGo}, ZooKeeper sessions)`,
    group: 'apps',
    recipe: 'k6.sh',
    files: ['xk6-ordinal'],
    env: { XK6_VERSION: V.xk6, K6_VERSION: V.k6, EXT: 'xk6-ordinal', EXT_MODULE: 'ordinal.local/xk6-ordinal' },
  },
  {
    id: 'image/k6',
    description: `${K6_IMAGE}: k6 for in-cluster Jobs (load, read-back, ZooKeeper probes)`,
    group: 'apps',
    recipe: 'layer-image.sh',
    deps: { BASE: 'image/slim', K6_BIN: 'go/k6' },
    env: { COPIES: 'K6_BIN/k6:/usr/local/bin/k6', ENVS: 'K6_AUTO_EXTENSION_RESOLUTION=false K6_NO_USAGE_REPORT=true', CMD: '["k6","version"]' },
    image: K6_IMAGE,
  },
  // ---- the registry kind clusters pull fixture images from (`ordinal registry up`) ----
  {
    id: 'go/registry',
    description: `CNCF Distribution registry ${V.distribution} (github.com/distribution/distribution/v3)`,
    group: 'registry',
    recipe: 'go-module.sh',
    env: goModule(`github.com/distribution/distribution/v3@${V.distribution}`, 'github.com/distribution/distribution/v3/cmd/registry', 'registry', `-X github.com/distribution/distribution/v3/version.version=${V.distribution}`),
  },
  {
    id: 'image/registry',
    description: `${REGISTRY_IMAGE}: the Distribution registry serving plain HTTP on :5000`,
    group: 'registry',
    recipe: 'layer-image.sh',
    files: ['registry'],
    deps: { BASE: 'image/slim', REGISTRY_BIN: 'go/registry' },
    env: { FILES: 'registry', COPIES: 'REGISTRY_BIN/registry:/usr/local/bin/registry FILES/config.yml:/etc/distribution/config.yml', CMD: '["registry","serve","/etc/distribution/config.yml"]' },
    image: REGISTRY_IMAGE,
  },
  // ---- ordinal itself, for running inside the cluster (Hydrophone, Sonobuoy, a Job) ----
  {
    id: 'go/hydrophone',
    description: `Hydrophone ${V.hydrophone} (sigs.k8s.io/hydrophone): the conformance client ordinal's tests run its runner image with`,
    group: 'runner',
    recipe: 'go-module.sh',
    env: goModule(`sigs.k8s.io/hydrophone@${V.hydrophone}`, 'sigs.k8s.io/hydrophone', 'hydrophone'),
  },
  {
    id: 'rootfs/node-runtime',
    description: `Debian ${V.runnerDebianSuite} minbase with Node.js (Debian's nodejs, >= 20.12 as ordinal needs)`,
    group: 'runner',
    recipe: 'rootfs.sh',
    env: { SUITE: V.runnerDebianSuite, VARIANT: 'minbase', PACKAGES: 'nodejs,ca-certificates,tar,gzip,procps' },
  },
  {
    id: 'image/node-runtime',
    description: `${NODE_RUNTIME_IMAGE}: base image of the runner`,
    group: 'runner',
    recipe: 'base-image.sh',
    deps: { ROOTFS: 'rootfs/node-runtime' },
    env: {},
    image: NODE_RUNTIME_IMAGE,
  },
  {
    id: 'image/ordinal',
    description: `${RUNNER_IMAGE}: ordinal with the conformance-image entrypoint (E2E_FOCUS, E2E_SKIP, E2E_EXTRA_ARGS, /tmp/results, done)`,
    group: 'runner',
    recipe: 'runner-image.sh',
    files: RUNNER_APP_FILES.map((f) => `../../${f}`),
    deps: { BASE: 'image/node-runtime' },
    env: { APP_FILES: RUNNER_APP_FILES.join(' ') },
    image: RUNNER_IMAGE,
  },
  // ---- the upstream e2e tests, for `ordinal bench --against-e2e` ----
  {
    id: 'go/e2e-test',
    description: `e2e.test v${V.kubernetes}, the Kubernetes end-to-end tests (k8s.io/kubernetes/test/e2e), for the side-by-side benchmark`,
    group: 'e2e',
    recipe: 'go-e2e-test.sh',
    files: ['recipes/k8s-module.sh'],
    env: { K8S_VERSION: V.kubernetes },
  },
  {
    id: 'rootfs/e2e-httpd',
    description: 'Debian bookworm minbase with busybox-static (httpd) and tini',
    group: 'e2e',
    recipe: 'rootfs.sh',
    env: debian('busybox-static,tini'),
  },
  {
    id: 'image/e2e-httpd',
    description: `${E2E_HTTPD_IMAGES.join(', ')}: busybox httpd standing in for the e2e tests' httpd image in the StatefulSet specs`,
    group: 'e2e',
    recipe: 'e2e-httpd-image.sh',
    deps: { ROOTFS: 'rootfs/e2e-httpd' },
    env: { ALSO_TAGS: E2E_HTTPD_IMAGES.slice(1).join(' ') },
    image: E2E_HTTPD_IMAGES[0],
  },
];

export function artifact(id: string): Artifact {
  const a = ARTIFACTS.find((x) => x.id === id);
  if (!a) throw new Error(`no artifact ${id}`);
  return a;
}

/** The artifact and everything it is built from, dependencies first. */
export function closure(ids: readonly string[]): Artifact[] {
  const out: Artifact[] = [];
  const visit = (id: string) => {
    if (out.some((a) => a.id === id)) return;
    const a = artifact(id);
    for (const dep of Object.values(a.deps ?? {})) visit(dep);
    out.push(a);
  };
  ids.forEach(visit);
  return out;
}
