#!/bin/sh
# Emulates scenario container-exits-after-push (examples/scenarios/container-exits-after-push.yaml):
# A one-shot Job reads 100 MiB, pushes it and its container exits at once.
#
# Safe version: 100 MiB of random "events" generated here, pushed to the in-namespace git server; the
# container ends right after the push, as the Job's did.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head find
work="$EMU_WORKDIR/container-exits-after-push"
rm -rf "$work"
emu_dummy_files "$work/data/events" 50 100
emu_read_all "$work/data/events"
emu_git_init "$work/e"
head -c 1048576 /dev/urandom >"$work/e/summary.bin"
git -C "$work/e" add -A
git -C "$work/e" commit -qm e
emu_git_push "$work/e"
rm -rf "$work"
emu_expect bulk-read-then-push high
