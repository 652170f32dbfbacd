#!/usr/bin/env bash
# The kind node image, assembled without a registry:
#   1. a Debian bookworm rootfs (systemd 252, Debian's containerd 1.6, runc, CNI plugins),
#   2. kind's base files (entrypoint, units, containerd config) from the sigs.k8s.io/kind module zip,
#      adapted to Debian's paths; containerd clamps pods' oom_score_adj to its own
#      (restrict_oom_score_adj), as some sandboxed hosts refuse negative values even to root,
#      which kills runc for every pod (a no-op where containerd itself runs at -999),
#   3. kubeadm/kubelet/kubectl/crictl, /kind/version, the CNI and storage manifests,
#   4. every component image preloaded into the node's containerd (k8s.io namespace).
# in: ROOTFS KIND_VERSION K8S_VERSION K8S_BIN CRICTL_BIN K8S_IMAGES (dir with images.tar)
#     MANIFESTS (dir with default-cni.yaml, default-storage.yaml) TAG KEY
# out: docker image $TAG
source "$(dirname "$0")/lib.sh"
need ROOTFS KIND_VERSION K8S_VERSION K8S_BIN CRICTL_BIN K8S_IMAGES MANIFESTS TAG KEY WORK
ctx="$WORK/ctx"; mkdir -p "$ctx"
kind_dir=$(go mod download -json "sigs.k8s.io/kind@$KIND_VERSION" | jq -er .Dir)
[ -d "$kind_dir/images/base/files" ] || { echo "no images/base/files in sigs.k8s.io/kind@$KIND_VERSION" >&2; exit 1; }
cp -r --no-preserve=mode "$kind_dir/images/base/files" "$ctx/files"

rootfs_tag="ordinal.local/build/node-rootfs:$KEY"
name="ordinal-node-build-$$"
cleanup() {
  docker rm -f -v "$name" >/dev/null 2>&1 || true
  docker rmi "$rootfs_tag" "ordinal.local/build/node-base:$KEY" "ordinal.local/build/node-assembled:$KEY" >/dev/null 2>&1 || true
}
trap cleanup EXIT
step "docker import node rootfs"
docker import "$ROOTFS/rootfs.tar" "$rootfs_tag" >/dev/null

cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $rootfs_tag
COPY files/ /
RUN chmod 0755 /usr/local/bin/* /kind/bin /kind/bin/* \\
 && ln -sf /usr/bin/containerd /usr/local/bin/containerd \\
 && mkdir -p /opt/cni && rm -rf /opt/cni/bin && ln -s /usr/lib/cni /opt/cni/bin \\
 && find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete \\
 && rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \\
          /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \\
          /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/* \\
 && echo ReadKMsg=no >> /etc/systemd/journald.conf \\
 && ln -sf /usr/lib/systemd/systemd /sbin/init \\
 && systemctl enable kubelet.service containerd.service undo-mount-hacks.service \\
 && systemctl mask systemd-binfmt.service \\
 && mkdir -p /etc/kubernetes/manifests /kind/manifests \\
 && sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml \\
 && grep -q 'restrict_oom_score_adj = true' /etc/containerd/config.toml \\
 && ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer|length] |= .+{"path":"/kind/bin/mount-product-files.sh"}' \\
        | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json
DOCKERFILE
step "docker build kind base"
docker build -q -t "ordinal.local/build/node-base:$KEY" "$ctx" >/dev/null

step "assembling node: binaries, manifests, preloaded images"
docker run -d --init --name "$name" --entrypoint=sleep --security-opt seccomp=unconfined \
  "ordinal.local/build/node-base:$KEY" infinity >/dev/null
for b in kubeadm kubelet kubectl; do docker cp "$K8S_BIN/$b" "$name:/usr/bin/$b"; done
docker cp "$CRICTL_BIN/crictl" "$name:/usr/local/bin/crictl"
docker exec "$name" chmod 0755 /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl /usr/local/bin/crictl
docker exec "$name" sh -c "printf %s v$K8S_VERSION > /kind/version"
docker cp "$MANIFESTS/default-cni.yaml" "$name:/kind/manifests/default-cni.yaml"
docker cp "$MANIFESTS/default-storage.yaml" "$name:/kind/manifests/default-storage.yaml"
docker exec "$name" bash -c 'nohup containerd >/tmp/containerd.log 2>&1 &
  for i in $(seq 1 50); do ctr version >/dev/null 2>&1 && exit 0; sleep 0.2; done; cat /tmp/containerd.log; exit 1'
docker exec -i "$name" ctr -n k8s.io images import --all-platforms --no-unpack --digests - < "$K8S_IMAGES/images.tar" >/dev/null
# --digests also leaves "import-<date>@sha256:…" references; only the tags matter
docker exec "$name" sh -c 'ctr -n k8s.io images ls -q | grep "^import-" | xargs -r ctr -n k8s.io images rm >/dev/null'
got=$(docker exec "$name" ctr -n k8s.io images ls -q | grep -v '^sha256:' | sort)
missing=$(comm -23 <(sed 's#^\([^/]*\)$#docker.io/library/\1#' "$K8S_IMAGES/images.txt" | sort) <(echo "$got"))
if [ -n "$missing" ]; then echo "images missing from the node after import:"; echo "$missing"; exit 1; fi
echo "$got" | sed 's/^/    preloaded /'
docker exec "$name" sh -c 'pkill containerd; for i in $(seq 1 50); do pgrep containerd >/dev/null || exit 0; sleep 0.2; done; exit 1'
docker exec "$name" rm -rf /tmp/containerd.log /var/log/* /run/containerd
docker commit "$name" "ordinal.local/build/node-assembled:$KEY" >/dev/null
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM ordinal.local/build/node-assembled:$KEY
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
LABEL org.ordinal.key=$KEY org.ordinal.kubernetes=v$K8S_VERSION
DOCKERFILE
step "docker build $TAG"
docker build -q -t "$TAG" "$ctx" >/dev/null
docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "    node image %.0f MB\n", $1/1e6}'
