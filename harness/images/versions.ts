// Every pinned version ordinal builds from. Changing one changes the content keys of everything
// built from it, so the next `ordinal images build` rebuilds exactly what depends on it.
// docs/offline-images.md explains each pin and how to move to another Kubernetes release.
export const VERSIONS = {
  /** k8s.io/kubernetes module; 1.34 still runs on cgroup v1 hosts with Debian's containerd 1.6 */
  kubernetes: '1.34.4',
  /** tags kubeadm v1.34.4 asks for (`kubeadm config images list --kubernetes-version v1.34.4`) */
  /**
   * The release `ordinal upgrade` goes to (the next minor the module proxy serves). kubeadm v1.35.4
   * asks for etcd 3.6.6-0 and CoreDNS v1.13.1; the upgrade keeps etcd and CoreDNS at the pins below
   * (docs/upgrade.md), so this release adds only the Kubernetes build.
   */
  upgradeTo: '1.35.4',
  etcd: '3.6.5',
  etcdImageTag: '3.6.5-0',
  coredns: '1.12.1',
  /** kubeadm wants 3.10.1; kind's containerd config names 3.10 as the sandbox image: both are tagged */
  pauseTags: ['3.10.1', '3.10'],
  kind: 'v0.31.0',
  /** v1.31-v1.35 are refused or missing from the checksum database; crictl talks CRI v1 to any containerd >= 1.6 */
  crictl: 'v1.36.0',
  /** v0.0.31-33 are refused or unverifiable by the module proxy here; v0.0.30 verifies */
  localPathProvisioner: 'v0.0.30',
  debianSuite: 'bookworm',
  /** the runner image's Debian: bookworm's nodejs is 18, ordinal needs >= 20.12; trixie has 20.19 */
  runnerDebianSuite: 'trixie',
  /** Maven Central: Kafka 3.9.x is the last line with ZooKeeper mode; 3.9.2 uses the ZooKeeper 3.8.4 client */
  kafka: '3.9.2',
  scala: '2.13',
  zookeeper: '3.8.4',
  /** the Jetty ZooKeeper 3.8.4 is built against, for its AdminServer */
  jetty: '9.4.53.v20231009',
  /** go.k6.io/k6 v1 line, built with xk6 */
  k6: 'v1.8.1',
  xk6: 'v1.4.11',
  kafkaGo: 'v0.4.49',
  /** github.com/distribution/distribution/v3: the registry `ordinal registry up` runs */
  distribution: 'v3.1.0',
  /** sigs.k8s.io/hydrophone: runs ordinal's runner image as a conformance image in the tests */
  hydrophone: 'v0.8.0',
} as const;

/** Official images used when a registry is reachable (--image-source official|auto). */
export const OFFICIAL_IMAGES = {
  /** kind v0.30.0's published node image for Kubernetes 1.34 */
  node: 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a',
  nginx: 'docker.io/library/nginx:1.27',
} as const;
