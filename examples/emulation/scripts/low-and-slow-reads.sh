#!/bin/sh
# Emulates scenario low-and-slow-reads (examples/scenarios/low-and-slow-reads.yaml):
# Low and slow: 72 MiB read in 6 MiB bursts over 26 minutes, then pushed.
#
# EMU_SLOW_SLEEP (default 120 s) is the pause between the twelve bursts: the scenario's 26 minutes. Set it
# lower for a quick check; keep it so the whole run stays inside exfilwatch's 30-minute window.
# Safe version: random bytes, in-namespace git server.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head find
: "${EMU_SLOW_SLEEP:=120}"
work="$EMU_WORKDIR/low-and-slow-reads"
rm -rf "$work"
batch=1
while [ "$batch" -le 12 ]; do
  emu_dummy_files "$work/srv/hr/records/batch-$batch" 20 6
  emu_read_all "$work/srv/hr/records/batch-$batch"
  [ "$batch" -lt 12 ] && sleep "$EMU_SLOW_SLEEP"
  batch=$((batch + 1))
done
emu_git_init "$work/repo"
head -c 18874368 /dev/urandom >"$work/repo/r.bin"
git -C "$work/repo" add -A
git -C "$work/repo" commit -qm r
emu_git_push "$work/repo"
rm -rf "$work"
emu_expect bulk-read-then-push high
