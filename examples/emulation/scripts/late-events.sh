#!/bin/sh
# Emulates scenario late-events (examples/scenarios/late-events.yaml):
# Bulk reads delivered 25 s late (after the push) by the sensor's event cache.
#
# Late delivery is the sensor's doing (Tetragon's event cache), not something a script can cause: this
# reproduces the activity (an 80 MiB read, then a push) and exfilwatch's lateness window does the rest.
# Safe version: random bytes, in-namespace git server.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head
work="$EMU_WORKDIR/late-events"
rm -rf "$work"
emu_big_file "$work/srv/ledger/journal.log" 80
cat "$work/srv/ledger/journal.log" >/dev/null
emu_git_init "$work/j"
head -c 4194304 /dev/urandom >"$work/j/j.bin"
git -C "$work/j" add -A
git -C "$work/j" commit -qm j
emu_git_push "$work/j"
rm -rf "$work"
emu_expect bulk-read-then-push high
