#!/bin/sh
# Emulates scenario kubectl-cp-from-pod (examples/scenarios/kubectl-cp-from-pod.yaml):
# A compromised pod uses its service-account token to `kubectl cp` files out of another pod.
#
# kubectl reads the pod's service-account token and copies from the git-server pod of the emulation
# namespace. The Job's ServiceAccount has no RBAC permissions, so the API server refuses the exec
# (kubectl cp is an exec of tar); exfilwatch judges the push when kubectl starts after the token read.
# Grant `pods/exec` in the namespace only if you want the copy to complete.
#
# Image: bitnami/kubectl:1.31.4
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need kubectl
work="$EMU_WORKDIR/kubectl-cp-from-pod"
rm -rf "$work"
mkdir -p "$work"
pod=$(kubectl -n "$EMU_NAMESPACE" get pods -l app.kubernetes.io/name=git-server -o name 2>/dev/null | head -n 1 || true)
kubectl cp "$EMU_NAMESPACE/${pod#pod/}:/srv/git" "$work/v" 2>&1 ||
  emu_log "kubectl cp was refused (expected without pods/exec); the attempt is what exfilwatch judges"
rm -rf "$work"
emu_expect sensitive-read-then-push high
