#!/usr/bin/env bash
# Kubernetes binaries from the k8s.io/kubernetes Go module, in a wrapper module (k8s-module.sh).
# in: K8S_VERSION (1.34.4) BINARIES (space-separated cmd names)   out: $OUT/<binary>
source "$(dirname "$0")/lib.sh"; source "$(dirname "$0")/k8s-module.sh"
need K8S_VERSION BINARIES OUT WORK
V=$K8S_VERSION
k8s_wrapper "$WORK/mod" "$V"
pkgs=(); for b in $BINARIES; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
step "go get ${pkgs[*]} @v$V"
go get "${pkgs[@]/%/@v$V}"
step "go build ($BINARIES)"
go build -trimpath -tags notest -ldflags "$(k8s_ldflags "$V")" -o "$OUT/" "${pkgs[@]}"
ls -la "$OUT"
