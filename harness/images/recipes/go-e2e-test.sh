#!/usr/bin/env bash
# e2e.test, the Kubernetes end-to-end test binary, from test/e2e of the k8s.io/kubernetes Go module
# (as `make WHAT=test/e2e/e2e.test` builds it), for `ordinal bench --against-e2e`.
# in: K8S_VERSION   out: $OUT/e2e.test
source "$(dirname "$0")/lib.sh"; source "$(dirname "$0")/k8s-module.sh"
need K8S_VERSION OUT WORK
V=$K8S_VERSION
k8s_wrapper "$WORK/mod" "$V"
# -t: also the modules test/e2e's _test.go files import (ginkgo, the suites' packages), else go.sum lacks them
step "go get -t k8s.io/kubernetes/test/e2e@v$V"
go get -t "k8s.io/kubernetes/test/e2e@v$V"
step "go test -c k8s.io/kubernetes/test/e2e -> e2e.test"
go test -c -trimpath -tags selinux,notest,grpcnotrace -ldflags "$(k8s_ldflags "$V")" -o "$OUT/e2e.test" k8s.io/kubernetes/test/e2e
ls -la "$OUT"
