#!/usr/bin/env bash
# The pause container's binary, compiled from the C source shipped in the k8s.io/kubernetes module.
# in: K8S_VERSION PAUSE_VERSION   out: $OUT/pause
source "$(dirname "$0")/lib.sh"
need K8S_VERSION PAUSE_VERSION OUT
dir=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | jq -er .Dir)
step "gcc -static build/pause/linux/pause.c (v$PAUSE_VERSION)"
gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-ordinal" -o "$OUT/pause" "$dir/build/pause/linux/pause.c"
strip "$OUT/pause"
