# Helpers for building from the k8s.io/kubernetes Go module. Sourced after lib.sh, never run.
# k8s_wrapper DIR VERSION: a module for building from k8s.io/kubernetes@vVERSION. That module
# requires its staging modules at v0.0.0 with replace directives, so `go install` refuses it; the
# wrapper maps each staging module to its published v0.<minor>.<patch> release instead.
k8s_wrapper() {
  local dir=$1 v=$2 modfile m minor patch
  minor=$(echo "$v" | cut -d. -f2); patch=$(echo "$v" | cut -d. -f3)
  step "go mod download k8s.io/kubernetes@v$v"
  modfile=$(go mod download -json "k8s.io/kubernetes@v$v" | jq -er .GoMod)
  rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
  go mod init ordinal.local/k8sbuild >/dev/null 2>&1
  for m in $(go mod edit -json "$modfile" | jq -er '.Require[] | select(.Version=="v0.0.0") | .Path'); do
    go mod edit -replace="$m=$m@v0.$minor.$patch"
  done
}
# k8s_ldflags VERSION: the version stamp hack/lib/version.sh applies, so kubeadm's skew logic,
# `kubectl version` and e2e.test see the release they were built from
k8s_ldflags() {
  local v=$1 kv ld="-s -w"
  for kv in "gitVersion=v$v" gitMajor=1 "gitMinor=$(echo "$v" | cut -d. -f2)" gitTreeState=clean \
            gitCommit=0000000000000000000000000000000000000000 buildDate=1970-01-01T00:00:00Z; do
    ld="$ld -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
  done
  echo "$ld"
}
