#!/bin/sh
# Emulates scenario kargo-promotion-push-elsewhere-allowlisted
# (examples/scenarios/kargo-promotion-push-elsewhere-allowlisted.yaml):
# A promotion in the allowlisted Kargo controller pushes a small config repository to another repository
# than its allowlist entry names, git's store helper reading the login for it.
#
# Safe version: the login in the home directory's .git-credentials is a fake one written here (as Kargo's
# git client writes the repository Secret's), the push goes to the in-namespace git server over git://, so
# the store helper is run the way git-remote-https runs it (`git credential-store get`). The alert does not
# depend on the scenario's allowlist entry.
#
# Image: alpine/git:2.47.2
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git
work="$EMU_WORKDIR/kargo-promotion-push-elsewhere-allowlisted"
rm -rf "$work"
HOME="$work/home"
export HOME
mkdir -p "$HOME"
git config --global credential.helper store
printf 'https://kargo:FAKE-TOKEN-EXAMPLE@git.example.invalid\n' >"$HOME/.git-credentials"
emu_git_init "$work/out"
printf 'images:\n- name: guestbook\n  newTag: v1.4.2\n' >"$work/out/kustomization.yaml"
git -C "$work/out" add --all
git -C "$work/out" commit -qm "updated stage/prod to use new image"
emu_log "git's store helper reads the login, as git-remote-https makes it do"
printf 'protocol=https\nhost=git.example.invalid\n\n' | git -C "$work/out" credential-store get >/dev/null
emu_git_push "$work/out"
rm -rf "$work"
emu_expect sensitive-read-then-push high
