#!/bin/sh
# Emulates scenario git-push-https-bulk-read (examples/scenarios/git-push-https-bulk-read.yaml):
# A compromised API pod copies 96 MiB of customer exports into a repo and pushes it.
#
# Safe version: the exports are random bytes generated here, no token is involved, and the remote is the
# bare git server of the exfilwatch-emulation namespace (git daemon, git://), not github.com over HTTPS:
# exfilwatch recognises the push by the git process tree either way.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head
work="$EMU_WORKDIR/git-push-https-bulk-read"
rm -rf "$work"
emu_dummy_files "$work/exports/customers" 28 96

emu_git_init "$work/r"
emu_log "git add: reads every export file"
git -C "$work/r" --work-tree="$work/exports/customers" add -A
git -C "$work/r" commit -qm sync
emu_git_push "$work/r"

rm -rf "$work"
emu_expect bulk-read-then-push high
