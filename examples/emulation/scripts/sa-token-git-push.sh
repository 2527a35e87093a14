#!/bin/sh
# Emulates scenario sa-token-git-push (examples/scenarios/sa-token-git-push.yaml):
# The pod's service-account token committed to a small repo and pushed.
#
# The script reads the pod's real service-account token (that read is what exfilwatch flags) but commits
# a FAKE placeholder instead of it: the token never leaves the pod. Run it under a ServiceAccount without
# permissions (the Job in k8s/ uses one). Safe version: in-namespace git server.
#
# Image: alpine/git:2.47.2
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git
emu_read_sa_token
work="$EMU_WORKDIR/sa-token-git-push"
rm -rf "$work"
emu_git_init "$work/t"
printf 'FAKE-SERVICE-ACCOUNT-TOKEN-EXAMPLE\n' >"$work/t/t"
git -C "$work/t" add t
git -C "$work/t" commit -qm t
emu_git_push "$work/t"
rm -rf "$work"
emu_expect sensitive-read-then-push high
