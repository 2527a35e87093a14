#!/bin/sh
# Emulates scenario git-renamed-binary-no-reads (examples/scenarios/git-renamed-binary-no-reads.yaml):
# A copied git under a daemon-like name pushes a repository it brought along.
#
# Safe version: a small random repository, in-namespace git server.
#
# Image: alpine/git:2.47.2
# Expected alert: renamed-binary-push, severity medium
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head
work="$EMU_WORKDIR/git-renamed-binary-no-reads"
rm -rf "$work"
mkdir -p "$work/.w"
cp "$(command -v git)" "$work/.w/dbus-launch"
emu_git_init "$work/.w/repo"
head -c 614400 /dev/urandom >"$work/.w/repo/drop.bin"
git -C "$work/.w/repo" add -A
git -C "$work/.w/repo" commit -qm d
emu_git_push "$work/.w/repo" "$EMU_GIT_URL" "$work/.w/dbus-launch"
rm -rf "$work"
emu_expect renamed-binary-push medium
