#!/usr/bin/env bash
# nginx for the web fixture: Debian's nginx serving /usr/share/nginx/html on port 80, in the
# foreground, logging to the container's stdout and stderr.
# in: ROOTFS TAG KEY   out: docker image $TAG
source "$(dirname "$0")/lib.sh"
need ROOTFS TAG KEY WORK
ctx="$WORK/ctx"; mkdir -p "$ctx"
trap 'docker rmi "$TAG-rootfs" >/dev/null 2>&1 || true' EXIT
docker import "$ROOTFS/rootfs.tar" "$TAG-rootfs" >/dev/null
cat > "$ctx/default.conf" <<'CONF'
server {
  listen 80 default_server;
  root /usr/share/nginx/html;
  index index.html;
  location / { try_files $uri $uri/ =404; }
}
CONF
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $TAG-rootfs
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
COPY default.conf /etc/nginx/sites-enabled/default
RUN mkdir -p /usr/share/nginx/html && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
LABEL org.ordinal.key=$KEY
DOCKERFILE
step "docker build $TAG"
docker build -q -t "$TAG" "$ctx" >/dev/null
