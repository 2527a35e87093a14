#!/bin/sh
# Emulates scenario buildah-push-dockerhub (examples/scenarios/buildah-push-dockerhub.yaml):
# buildah copies an application's data volume into an image and pushes it.
#
# Runs like the podman script: root, vfs storage, chroot isolation, no RUN steps.
# Safe version: random "warehouse" files, in-namespace registry.
#
# Image: quay.io/buildah/stable:v1.38.1
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need buildah head
emu_check_target "$EMU_REGISTRY"
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
work="$EMU_WORKDIR/buildah-push-dockerhub"
rm -rf "$work"
emu_dummy_files "$work/mnt/warehouse/orders" 96 84
ctr=$(buildah from --name ship scratch)
buildah copy "$ctr" "$work/mnt/warehouse" /data
buildah commit -q "$ctr" localhost/ship:1
emu_retry 12 buildah push --tls-verify=false localhost/ship:1 "docker://$EMU_REGISTRY/warehouse-sync/ship:1"
buildah rm "$ctr" >/dev/null
rm -rf "$work"
emu_expect bulk-read-then-push high
