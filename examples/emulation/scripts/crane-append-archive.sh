#!/bin/sh
# Emulates scenario crane-append-archive (examples/scenarios/crane-append-archive.yaml):
# A home directory archived and appended as a layer to an image with crane.
#
# Safe version: random "trial data", appended to an empty base image on the in-namespace registry.
#
# Image: gcr.io/go-containerregistry/crane:debug
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need crane tar head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/crane-append-archive"
rm -rf "$work"
emu_dummy_files "$work/home/work" 260 92
tar czf "$work/l.tgz" -C "$work/home" work
emu_retry 12 crane append --insecure -f "$work/l.tgz" -t "$EMU_REGISTRY/trial-data/static:latest"
rm -rf "$work"
emu_expect bulk-read-then-push high
