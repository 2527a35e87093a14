#!/bin/sh
# Emulates scenario git-push-mmap-large-files (examples/scenarios/git-push-mmap-large-files.yaml):
# A repo of large staged files pushed with real git, which reads them through mmap, not read().
#
# Safe version: the reports are random bytes generated here and the remote is the bare git server of the
# exfilwatch-emulation namespace (git daemon, git://). Every file is 3-4 MiB, far over git's 32 KiB
# threshold, so `git add` and `git pack-objects` map them: only the security_mmap_file hook of the shipped
# TracingPolicy sees the volume. With Falco alone, the files are seen opened, without bytes: only what the
# push sent (96 MiB) speaks.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity high (with tetragon)
# Expected alert: bulk-push-without-reads, severity medium (with falco)
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head
work="$EMU_WORKDIR/git-push-mmap-large-files"
rm -rf "$work"
emu_dummy_files "$work/reports" 28 96

emu_git_init "$work/r"
emu_log "git add: maps every report (files over 32 KiB are hashed through mmap)"
git -C "$work/r" --work-tree="$work/reports" add -A
git -C "$work/r" commit -qm reports
emu_git_push "$work/r"

rm -rf "$work"
emu_expect bulk-read-then-push "high with Tetragon (bulk-push-without-reads medium with Falco alone)"
