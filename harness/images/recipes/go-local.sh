#!/usr/bin/env bash
# A Go program whose source is part of ordinal (harness/images/<dir>); its go.mod pins every
# dependency, which comes from the Go module proxy.
# in: SRC (directory with go.mod) BIN   out: $OUT/$BIN
source "$(dirname "$0")/lib.sh"
need SRC BIN OUT WORK
cp -r "$SRC/." "$WORK/src"; cd "$WORK/src"
step "go build ./ -> $BIN"
go build -trimpath -ldflags "-s -w" -o "$OUT/$BIN" .
