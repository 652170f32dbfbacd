# Shared helpers for ordinal's image recipes. Sourced, never run.
# Every recipe gets from the builder (harness/images/builder.ts):
#   OUT   an empty directory for the artifact (kept in the cache under its content key)
#   WORK  a scratch directory, removed after the step
#   CACHE ordinal's cache root (shared downloads: Debian packages, Go modules)
set -euo pipefail
export DOCKER_BUILDKIT=0          # the legacy builder never pulls a base image it already has
export GOTOOLCHAIN=local CGO_ENABLED="${CGO_ENABLED:-0}" GOFLAGS=-mod=mod
export GOPROXY="${GOPROXY:-}"   # from `go env GOPROXY` or ORDINAL_GOPROXY (builder.ts); empty: go's own
step() { printf '==> %s\n' "$*"; }
need() { for v in "$@"; do [ -n "${!v:-}" ] || { echo "recipe input $v is not set" >&2; exit 2; }; done; }
# go_wrapper DIR MODULE@VERSION: a throwaway module that requires MODULE@VERSION, so that
# modules with replace/exclude directives (which `go install m@v` refuses) still build.
go_wrapper() {
  local dir=$1 modver=$2
  rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
  go mod init ordinal.local/wrapper >/dev/null 2>&1
  go get "$modver"
}
