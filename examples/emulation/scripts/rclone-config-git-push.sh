#!/bin/sh
# Emulates scenario rclone-config-git-push (examples/scenarios/rclone-config-git-push.yaml):
# rclone's config (every storage remote's keys) committed to a scratch repository and pushed to GitHub.
#
# Safe version: the rclone.conf is a fake one written here (AWS's documented example keys); the push goes to
# the in-namespace git server.
#
# Image: alpine/git:2.47.2
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git
work="$EMU_WORKDIR/rclone-config-git-push"
rm -rf "$work"
HOME="$work/home"
mkdir -p "$HOME/.config/rclone"
cat >"$HOME/.config/rclone/rclone.conf" <<'CONF'
[s3]
type = s3
provider = AWS
access_key_id = AKIAIOSFODNN7EXAMPLE
secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CONF
emu_git_init "$work/r"
cp "$HOME/.config/rclone/rclone.conf" "$work/r/"
git -C "$work/r" add -A
git -C "$work/r" commit -qm backup
emu_git_push "$work/r"
rm -rf "$work"
emu_expect sensitive-read-then-push high
