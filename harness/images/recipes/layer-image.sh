#!/usr/bin/env bash
# An image made of a base image plus files: dependency outputs and ordinal's own scripts.
# in: BASE (image tag) TAG KEY COPIES (space-separated VAR[/subpath]:dest pairs; VAR names an env
#     var holding a source directory) [CMD] (JSON array) [WORKDIR] [ENVS] (space-separated K=V)
# out: docker image $TAG
source "$(dirname "$0")/lib.sh"
need BASE TAG KEY COPIES WORK
ctx="$WORK/ctx"; mkdir -p "$ctx"
lines=""
i=0
for pair in $COPIES; do
  ref=${pair%%:*}; dest=${pair#*:}; var=${ref%%/*}; sub=${ref#"$var"}; src=${!var}$sub
  i=$((i+1)); cp -r "$src" "$ctx/c$i"
  lines="${lines}COPY c$i $dest
"
done
{
  echo "FROM $BASE"
  printf '%s' "$lines"
  for kv in ${ENVS:-}; do echo "ENV $kv"; done
  [ -n "${WORKDIR:-}" ] && echo "WORKDIR $WORKDIR"
  [ -n "${CMD:-}" ] && echo "CMD $CMD"
  echo "LABEL org.ordinal.key=$KEY"
} > "$ctx/Dockerfile"
step "docker build $TAG"
docker build -q -t "$TAG" "$ctx" >/dev/null
docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "    %s: %.0f MB\n", "'"$TAG"'", $1/1e6}'
