#!/usr/bin/env bash
# A base image from a Debian rootfs tarball (no registry: `docker import`, then a legacy build).
# in: ROOTFS (dir holding rootfs.tar) TAG KEY [IPTABLES_WRAPPER=1]   out: docker image $TAG
source "$(dirname "$0")/lib.sh"
need ROOTFS TAG KEY WORK
ctx="$WORK/ctx"; mkdir -p "$ctx"
step "docker import rootfs -> $TAG-rootfs"
trap 'docker rmi "$TAG-rootfs" >/dev/null 2>&1 || true' EXIT
docker import "$ROOTFS/rootfs.tar" "$TAG-rootfs" >/dev/null
extra=""
if [ "${IPTABLES_WRAPPER:-0}" = 1 ]; then
  cp "$(dirname "$0")/files/iptables-wrapper" "$ctx/"
  extra='COPY iptables-wrapper /usr/sbin/iptables-wrapper
RUN chmod 0755 /usr/sbin/iptables-wrapper && for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do ln -sf iptables-wrapper /usr/sbin/$n; done'
fi
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $TAG-rootfs
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
$extra
LABEL org.ordinal.key=$KEY
DOCKERFILE
step "docker build $TAG"
docker build -q -t "$TAG" "$ctx"
