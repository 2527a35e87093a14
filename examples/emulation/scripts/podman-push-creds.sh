#!/bin/sh
# Emulates scenario podman-push-creds (examples/scenarios/podman-push-creds.yaml):
# Rootless podman in a build pod bakes a data directory into an image and pushes it.
#
# Podman needs a pod that may build images: the Job runs it as root with the vfs storage driver and no
# RUN steps (COPY only), which works in most clusters without privileges; where it does not, the
# container log says why and the other scripts still run. Safe version: random "snapshots", fake
# credentials, in-namespace registry.
#
# Image: quay.io/podman/stable:v5.3.1
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need podman head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/podman-push-creds"
rm -rf "$work"
emu_dummy_files "$work/data/snapshots" 40 72
printf 'FROM scratch\nCOPY snapshots /snapshots\n' >"$work/Containerfile"
podman --storage-driver vfs build --isolation chroot -t "$EMU_REGISTRY/ops-cache/snap:1" -f "$work/Containerfile" "$work/data"
emu_retry 12 podman --storage-driver vfs push --tls-verify=false --creds fake-robot:FAKE-PASSWORD-EXAMPLE "$EMU_REGISTRY/ops-cache/snap:1"
podman --storage-driver vfs rmi -f "$EMU_REGISTRY/ops-cache/snap:1" >/dev/null 2>&1 || true
rm -rf "$work"
emu_expect bulk-read-then-push high
