#!/bin/sh
# Emulates scenario egress-split-over-processes (examples/scenarios/egress-split-over-processes.yaml):
# An export archived, split into 800 KiB pieces and uploaded to a registry by one process per piece.
#
# Safe version: 48 MiB of random "exports", tarred and split; a small Python script file (not inline code,
# so not a recognised push tool) POSTs each piece to the in-namespace registry's upload endpoint, one
# python3 process per piece, none sending 1 MiB. Uses the standard library (urllib) so the stock python
# image is enough.
#
# Image: python:3.12-alpine
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need python3 tar split head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/egress-split-over-processes"
rm -rf "$work"
mkdir -p "$work/.cache/p"
emu_dummy_files "$work/srv/exports" 48 48
tar cf "$work/.cache/o.tar" -C "$work/srv" exports
split -b 800k "$work/.cache/o.tar" "$work/.cache/p/x"
cat >"$work/.cache/u.py" <<'PY'
import sys, urllib.request
url, part = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, data=open(part, "rb").read(), method="POST",
                             headers={"Content-Type": "application/octet-stream"})
try:
    urllib.request.urlopen(req, timeout=30).read()
except Exception as e:  # the registry refuses an upload it did not start; the bytes are sent by then
    print(f"{part}: {e}", file=sys.stderr)
PY
for part in "$work"/.cache/p/x*; do
  python3 "$work/.cache/u.py" "http://$EMU_REGISTRY/v2/orders-cache/blobs/uploads/" "$part"
done
emu_log "uploaded $(find "$work/.cache/p" -type f | wc -l) pieces, one process each"
rm -rf "$work"
emu_expect bulk-read-then-push high
