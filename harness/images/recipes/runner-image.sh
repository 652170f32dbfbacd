#!/usr/bin/env bash
# ordinal's in-cluster runner image: Node from Debian (the BASE image), ordinal's sources, fixtures
# and suites, its production dependencies installed by `npm ci` from package-lock.json, and the
# conformance-image entrypoint (harness/images/runner/ordinal-conformance).
# in: BASE TAG KEY APP_FILES (paths under the project root)   out: docker image $TAG
source "$(dirname "$0")/lib.sh"
need BASE TAG KEY APP_FILES WORK
root=$(cd "$(dirname "$0")/../../.." && pwd)
ctx="$WORK/ctx"; mkdir -p "$ctx/app"
step "copying ordinal ($APP_FILES)"
for f in $APP_FILES; do cp -r "$root/$f" "$ctx/app/$f"; done
step "npm ci --omit=dev"
(cd "$ctx/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
cp "$root/harness/images/runner/ordinal-conformance" "$ctx/ordinal-conformance"
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $BASE
COPY app /opt/ordinal
COPY ordinal-conformance /usr/local/bin/ordinal-conformance
# the conformance contract runs the container as uid 65534: what vite and ordinal write goes to
# world-writable places
RUN chmod 0755 /usr/local/bin/ordinal-conformance && mkdir -p /opt/ordinal/node_modules/.vite /opt/ordinal/reports \
 && chmod 1777 /opt/ordinal/node_modules/.vite /opt/ordinal/reports && node --version
ENV HOME=/tmp NO_COLOR=1 CI=1 ORDINAL_STATE_DIR=/tmp/ordinal/state ORDINAL_CACHE_DIR=/tmp/ordinal/cache ORDINAL_TOOLS_DIR=/tmp/ordinal/tools
WORKDIR /opt/ordinal
ENTRYPOINT ["/usr/local/bin/ordinal-conformance"]
LABEL org.ordinal.key=$KEY
DOCKERFILE
step "docker build $TAG"
docker build -q -t "$TAG" "$ctx" >/dev/null
docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "    %s: %.0f MB\n", "'"$TAG"'", $1/1e6}'
