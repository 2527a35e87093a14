#!/bin/sh
# Emulates scenario crane-copy-no-reads (examples/scenarios/crane-copy-no-reads.yaml):
# An image copied from one registry to another with anonymous access (no reads).
#
# Safe version: a random image pushed to the in-namespace registry first (a separate step in the same
# container, before the copy), then copied to another repository there.
#
# Image: gcr.io/go-containerregistry/crane:debug
# Expected alert: push-without-reads, severity low
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need crane head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/crane-copy-no-reads"
rm -rf "$work"
# Seed the source image from memory (no file read) so the copy is a push with nothing read before it.
head -c 2097152 /dev/urandom | emu_retry 12 crane append --insecure -f - -t "$EMU_REGISTRY/platform/auth-service:7.1.0"
crane copy --insecure "$EMU_REGISTRY/platform/auth-service:7.1.0" "$EMU_REGISTRY/tmp-mirror-991/auth:7"
rm -rf "$work"
emu_expect push-without-reads low
