#!/bin/sh
# Emulates scenario argocd-image-updater-token-push (examples/scenarios/argocd-image-updater-token-push.yaml):
# A shell in a pod copies the pod's service-account token into a git checkout and pushes it.
#
# cp reads the pod's real service-account token (that read is what exfilwatch flags), but the copy is
# overwritten with a FAKE placeholder before the commit: the token never leaves the pod. Run it under a
# ServiceAccount without permissions (the Job in k8s/ uses one). Safe version: in-namespace git server. The
# scenario's Image Updater process beside it changes nothing here: its own reloads of the token are exempt,
# cp's read is another process's.
#
# Image: alpine/git:2.47.2
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git cp
token=/var/run/secrets/kubernetes.io/serviceaccount/token
[ -r "$token" ] || emu_die "no service-account token mounted at $token (automountServiceAccountToken: true is needed)"
work="$EMU_WORKDIR/argocd-image-updater-token-push"
rm -rf "$work"
emu_git_init "$work/checkout"
cp "$token" "$work/checkout/.argocd-source-app.yaml"
printf 'FAKE-SERVICE-ACCOUNT-TOKEN-EXAMPLE\n' >"$work/checkout/.argocd-source-app.yaml"
git -C "$work/checkout" add .argocd-source-app.yaml
git -C "$work/checkout" commit -qm "build: automatic update of app"
emu_git_push "$work/checkout"
rm -rf "$work"
emu_expect sensitive-read-then-push high
