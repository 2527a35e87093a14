#!/bin/sh
# Emulates scenario registry-mirror-crane-copy-out-allowlisted
# (examples/scenarios/registry-mirror-crane-copy-out-allowlisted.yaml):
# A registry-mirroring job's crane, reading the mounted registry login, copies an image out to another
# registry than the one its allowlist entry names.
#
# Safe version: the docker config.json crane reads holds fake credentials; the "internal image" is a random
# one pushed to the in-namespace registry first, then copied to another repository there. The alert does not
# depend on the scenario's allowlist entry: with or without an entry naming only the mirror's own
# registry, the copy to another destination is high.
#
# Image: gcr.io/go-containerregistry/crane:debug
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need crane head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/registry-mirror-crane-copy-out-allowlisted"
rm -rf "$work"
emu_big_file "$work/layer.bin" 16
emu_retry 12 crane append --insecure -f "$work/layer.bin" -t "$EMU_REGISTRY/payments/billing-api:1.42.0"
HOME="$work/home"
emu_fake_secrets "$HOME"
DOCKER_CONFIG="$HOME/.docker" crane copy --insecure "$EMU_REGISTRY/payments/billing-api:1.42.0" "$EMU_REGISTRY/mirror-out/billing-api:1.42.0"
rm -rf "$work"
emu_expect sensitive-read-then-push high
