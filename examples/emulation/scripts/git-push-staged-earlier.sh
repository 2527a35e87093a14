#!/bin/sh
# Emulates scenario git-push-staged-earlier (examples/scenarios/git-push-staged-earlier.yaml):
# Exports committed and packed into a repo, pushed 35 minutes later, after the read window.
#
# EMU_STAGE_WAIT (default 1920 s, 32 minutes) is the pause between staging and the push. It must outlast
# exfilwatch's 30-minute window (windowMs) for the scenario's point: shorter, the staging reads count and
# the push is bulk-read-then-push, high.
# Safe version: random bytes, in-namespace git server (git daemon, git://).
#
# Image: alpine/git:2.47.2
# Job: no — it waits 32 minutes: run it on its own, in any pod with git (README.md).
# Expected alert: bulk-push-without-reads, severity medium
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head
: "${EMU_STAGE_WAIT:=1920}"
work="$EMU_WORKDIR/git-push-staged-earlier"
rm -rf "$work"
emu_dummy_files "$work/exports/customers" 28 96

emu_git_init "$work/r"
emu_log "git add, commit and gc: the exports staged and packed"
git -C "$work/r" --work-tree="$work/exports/customers" add -A
git -C "$work/r" commit -qm sync
git -C "$work/r" gc -q
rm -rf "$work/exports"
emu_log "waiting ${EMU_STAGE_WAIT} s before the push"
sleep "$EMU_STAGE_WAIT"
emu_git_push "$work/r"

rm -rf "$work"
emu_expect bulk-push-without-reads medium
