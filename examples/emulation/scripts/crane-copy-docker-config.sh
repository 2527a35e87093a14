#!/bin/sh
# Emulates scenario crane-copy-docker-config (examples/scenarios/crane-copy-docker-config.yaml):
# A CI pod's registry credentials are used to copy an image out with crane.
#
# Safe version: the docker config.json crane reads holds fake credentials; the "private image" is a
# random one pushed to the in-namespace registry first, then copied to another repository there.
#
# Image: gcr.io/go-containerregistry/crane:debug
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need crane head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/crane-copy-docker-config"
rm -rf "$work"
emu_big_file "$work/layer.bin" 16
emu_retry 12 crane append --insecure -f "$work/layer.bin" -t "$EMU_REGISTRY/payments/billing-api:1.42.0"
HOME="$work/home"
emu_fake_secrets "$HOME"
DOCKER_CONFIG="$HOME/.docker" crane copy --insecure "$EMU_REGISTRY/payments/billing-api:1.42.0" "$EMU_REGISTRY/bl-mirror/billing-api:1.42.0"
rm -rf "$work"
emu_expect sensitive-read-then-push high
