#!/usr/bin/env bash
# Every image a kind node runs, tagged exactly as kubeadm and the node's manifests expect, saved
# into one tarball for the node image to preload (nothing is pulled inside the node).
# in: K8S_BIN ETCD_BIN COREDNS_BIN PAUSE_BIN LPP_BIN NETD_BIN (dirs)  SLIM_BASE (image tag)
#     K8S_VERSION ETCD_TAG COREDNS_TAG PAUSE_TAGS LPP_IMAGE HELPER_IMAGE NETD_IMAGE KEY
# out: $OUT/images.tar, $OUT/images.txt (one tag per line)
source "$(dirname "$0")/lib.sh"
need K8S_BIN ETCD_BIN COREDNS_BIN PAUSE_BIN LPP_BIN NETD_BIN SLIM_BASE K8S_VERSION ETCD_TAG COREDNS_TAG \
     PAUSE_TAGS LPP_IMAGE HELPER_IMAGE NETD_IMAGE KEY OUT WORK
tags=()
# Tags under registry.k8s.io may already exist on this engine (other kind or minikube setups): note
# their image IDs and put them back after saving, so this recipe never takes a tag away from anyone.
declare -A previous=()
remember() { local id; id=$(docker image inspect -f '{{.Id}}' "$1" 2>/dev/null) && previous[$1]=$id || true; }
restore() {
  docker rmi "${tags[@]}" >/dev/null
  for t in "${!previous[@]}"; do docker tag "${previous[$t]}" "$t"; done
}
# build_image TAG BASE SRC_FILE DEST_PATH [ENTRYPOINT_JSON]
build_image() {
  local tag=$1 base=$2 src=$3 dest=$4 entry=${5:-}
  local ctx; ctx=$(mktemp -d "$WORK/ctx.XXXX")
  cp "$src" "$ctx/bin"; mkdir -m 1777 "$ctx/tmp"
  {
    echo "FROM $base"
    echo "COPY bin $dest"
    [ "$base" = scratch ] && echo "COPY tmp /tmp" && echo "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    [ -n "$entry" ] && echo "ENTRYPOINT $entry"
    echo "LABEL org.ordinal.key=$KEY"
  } > "$ctx/Dockerfile"
  step "docker build $tag"
  remember "$tag"
  docker build -q -t "$tag" "$ctx" >/dev/null
  tags+=("$tag")
}
R=registry.k8s.io
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  build_image "$R/$c:v$K8S_VERSION" scratch "$K8S_BIN/$c" "/usr/local/bin/$c"
done
build_image "$R/kube-proxy:v$K8S_VERSION" "$SLIM_BASE" "$K8S_BIN/kube-proxy" /usr/local/bin/kube-proxy
build_image "$R/etcd:$ETCD_TAG" scratch "$ETCD_BIN/etcd" /usr/local/bin/etcd
build_image "$R/coredns/coredns:$COREDNS_TAG" scratch "$COREDNS_BIN/coredns" /coredns '["/coredns"]'
first=""
for t in $PAUSE_TAGS; do
  if [ -z "$first" ]; then build_image "$R/pause:$t" scratch "$PAUSE_BIN/pause" /pause '["/pause"]'; first="$R/pause:$t"
  else remember "$R/pause:$t"; docker tag "$first" "$R/pause:$t"; tags+=("$R/pause:$t"); fi
done
build_image "$LPP_IMAGE" "$SLIM_BASE" "$LPP_BIN/local-path-provisioner" /usr/local/bin/local-path-provisioner
remember "$HELPER_IMAGE"; docker tag "$SLIM_BASE" "$HELPER_IMAGE"; tags+=("$HELPER_IMAGE")
build_image "$NETD_IMAGE" "$SLIM_BASE" "$NETD_BIN/ordinal-netd" /usr/local/bin/ordinal-netd '["/usr/local/bin/ordinal-netd"]'
step "docker save ${#tags[@]} images"
docker save -o "$OUT/images.tar" "${tags[@]}"
printf '%s\n' "${tags[@]}" > "$OUT/images.txt"
restore
du -sh "$OUT/images.tar"
