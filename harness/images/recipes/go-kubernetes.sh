#!/usr/bin/env bash
# Kubernetes binaries from the k8s.io/kubernetes Go module. That module requires its staging
# modules at v0.0.0 with replace directives, so `go install` refuses it; a wrapper module maps
# each staging module to its published v0.<minor>.<patch> release instead.
# in: K8S_VERSION (1.34.4) BINARIES (space-separated cmd names)   out: $OUT/<binary>
source "$(dirname "$0")/lib.sh"
need K8S_VERSION BINARIES OUT WORK
V=$K8S_VERSION; MINOR=$(echo "$V" | cut -d. -f2); PATCH=$(echo "$V" | cut -d. -f3)
step "go mod download k8s.io/kubernetes@v$V"
modfile=$(go mod download -json "k8s.io/kubernetes@v$V" | jq -er .GoMod)
rm -rf "$WORK/mod"; mkdir -p "$WORK/mod"; cd "$WORK/mod"
go mod init ordinal.local/k8sbuild >/dev/null 2>&1
staging=$(go mod edit -json "$modfile" | jq -er '.Require[] | select(.Version=="v0.0.0") | .Path')
for m in $staging; do
  go mod edit -replace="$m=$m@v0.$MINOR.$PATCH"
done
pkgs=(); for b in $BINARIES; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
step "go get ${pkgs[*]} @v$V"
go get "${pkgs[@]/%/@v$V}"
# the same version stamp hack/lib/version.sh applies, so kubeadm's skew logic and `kubectl version` work
LD="-s -w"
for kv in gitVersion=v$V gitMajor=1 gitMinor=$MINOR gitTreeState=clean \
          gitCommit=0000000000000000000000000000000000000000 buildDate=1970-01-01T00:00:00Z; do
  LD="$LD -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
done
step "go build ($BINARIES)"
go build -trimpath -tags notest -ldflags "$LD" -o "$OUT/" "${pkgs[@]}"
ls -la "$OUT"
