#!/usr/bin/env bash
# k6 with ordinal's extension, built by xk6 from the Go module proxy.
# in: XK6_VERSION K6_VERSION EXT (extension source dir) EXT_MODULE   out: $OUT/k6
source "$(dirname "$0")/lib.sh"
need XK6_VERSION K6_VERSION EXT EXT_MODULE OUT WORK
step "go build go.k6.io/xk6@$XK6_VERSION"
go_wrapper "$WORK/xk6mod" "go.k6.io/xk6@$XK6_VERSION"
go build -o "$WORK/xk6" go.k6.io/xk6
cp -r "$EXT/." "$WORK/ext"
cd "$WORK"
step "xk6 build $K6_VERSION --with $EXT_MODULE=./ext"
# (xk6 reads K6_VERSION from the environment too, so it is passed only as the flag)
# xk6 builds in a temporary module through the same GOPROXY; git must be on PATH (k6foundry checks)
env -u K6_VERSION "$WORK/xk6" build --k6-version "$K6_VERSION" --with "$EXT_MODULE=$WORK/ext" --output "$OUT/k6"
"$OUT/k6" version
