#!/bin/sh
# Emulates scenario ssh-key-then-push (examples/scenarios/ssh-key-then-push.yaml):
# A developer container's SSH private key read and pushed to a repository.
#
# Safe version: the "private key" is a fake one written here; the push goes to the in-namespace git
# server instead of bitbucket.org.
#
# Image: alpine/git:2.47.2
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git
work="$EMU_WORKDIR/ssh-key-then-push"
rm -rf "$work"
HOME="$work/home"
emu_fake_secrets "$HOME"
cp "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_rsa"
emu_git_init "$work/k"
cp "$HOME/.ssh/id_rsa" "$work/k/k"
git -C "$work/k" add k
git -C "$work/k" commit -qm k
emu_git_push "$work/k"
rm -rf "$work"
emu_expect sensitive-read-then-push high
