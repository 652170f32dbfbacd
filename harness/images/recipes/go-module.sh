#!/usr/bin/env bash
# A Go program from a published module version, built in a wrapper module so that modules with
# replace/exclude directives (etcd, for one) build the same way as the rest.
# in: MODULE (path@version) PACKAGE (import path of the main package) BIN (output name)
#     LDFLAGS (optional, extra -X flags)   out: $OUT/$BIN
source "$(dirname "$0")/lib.sh"
need MODULE PACKAGE BIN OUT WORK
step "go get $MODULE"
go_wrapper "$WORK/mod" "$MODULE"
step "go build $PACKAGE -> $BIN"
go build -trimpath -ldflags "-s -w ${LDFLAGS:-}" -o "$OUT/$BIN" "$PACKAGE"
go version -m "$OUT/$BIN" | sed -n '2p'   # the module it was built from, without running it
