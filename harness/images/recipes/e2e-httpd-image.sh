#!/usr/bin/env bash
# A stand-in for the e2e tests' httpd image (registry.k8s.io/e2e-test-images/httpd), with what the
# StatefulSet [Conformance] specs use of it: an HTTP server on :80 serving
# /usr/local/apache2/htdocs (their readiness probe GETs /index.html; they break and restore it with
# `mv -v` through /bin/sh), exiting promptly on SIGTERM. Debian's busybox httpd under tini (PID 1
# ignores a SIGTERM it has no handler for).
# in: ROOTFS TAG KEY ALSO_TAGS (space-separated tags of the same image)   out: docker image $TAG
source "$(dirname "$0")/lib.sh"
need ROOTFS TAG KEY WORK
ctx="$WORK/ctx"; mkdir -p "$ctx"
trap 'docker rmi "$TAG-rootfs" >/dev/null 2>&1 || true' EXIT
docker import "$ROOTFS/rootfs.tar" "$TAG-rootfs" >/dev/null
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $TAG-rootfs
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
RUN mkdir -p /usr/local/apache2/htdocs && echo '<html><body><h1>It works!</h1></body></html>' > /usr/local/apache2/htdocs/index.html
EXPOSE 80
CMD ["tini", "--", "busybox", "httpd", "-f", "-v", "-p", "80", "-h", "/usr/local/apache2/htdocs"]
LABEL org.ordinal.key=$KEY
DOCKERFILE
step "docker build $TAG"
docker build -q -t "$TAG" "$ctx" >/dev/null
for t in ${ALSO_TAGS:-}; do docker tag "$TAG" "$t"; done
