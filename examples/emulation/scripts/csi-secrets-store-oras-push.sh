#!/bin/sh
# Emulates scenario csi-secrets-store-oras-push (examples/scenarios/csi-secrets-store-oras-push.yaml):
# Secrets the Secrets Store CSI driver mounted, pushed to ghcr.io as an OCI artifact with oras.
#
# Safe version: no CSI driver. The Job mounts an emptyDir at /mnt/secrets-store (the driver's documented
# mount path) and this script writes obviously fake secrets there before archiving them; the push goes to the
# in-namespace registry.
#
# Image: ghcr.io/oras-project/oras:v1.2.2
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${EMU_SECRETS_STORE:=/mnt/secrets-store}"
emu_need oras tar
emu_check_target "$EMU_REGISTRY"
[ -w "$EMU_SECRETS_STORE" ] || emu_die "$EMU_SECRETS_STORE is not writable: mount an emptyDir there (k8s/job.yaml does)"
work="$EMU_WORKDIR/csi-secrets-store-oras-push"
rm -rf "$work"
mkdir -p "$work"
printf 'FAKE-DB-PASSWORD-EXAMPLE\n' >"$EMU_SECRETS_STORE/db-password"
printf 'sk_test_FAKEEXAMPLEKEY000000000000\n' >"$EMU_SECRETS_STORE/stripe-api-key"
tar czf "$work/c.tgz" -C "$EMU_SECRETS_STORE" db-password stripe-api-key
cd "$work"
emu_retry 12 oras push --plain-http "$EMU_REGISTRY/ldg-cache/cfg:1" c.tgz:application/vnd.oci.image.layer.v1.tar+gzip
cd /
rm -rf "$work" "$EMU_SECRETS_STORE/db-password" "$EMU_SECRETS_STORE/stripe-api-key"
emu_expect sensitive-read-then-push high
