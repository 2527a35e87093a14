#!/bin/sh
# Emulates scenario archive-staging-then-push (examples/scenarios/archive-staging-then-push.yaml):
# Source tree staged with tar (800 small files, 40 MiB) and pushed over SSH.
#
# Safe version: 800 random files. The push goes over SSH to EMU_GIT_SSH_URL; the emulation namespace runs
# no SSH git server by default, so the transfer itself fails after the connection attempt. exfilwatch judges
# the push when ssh starts `git-receive-pack` (the alert does not need the bytes to arrive). Point
# EMU_GIT_SSH_URL at an SSH git server of your own to complete the transfer.
#
# Image: alpine/git:2.47.2
# Expected alert: push-after-moderate-reads, severity medium
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git ssh tar head
work="$EMU_WORKDIR/archive-staging-then-push"
rm -rf "$work"
emu_dummy_files "$work/monorepo/services/src" 800 40
mkdir -p "$work/s"
tar cf "$work/s/src.tar" -C "$work/monorepo" .
emu_git_init "$work/s"
git -C "$work/s" add src.tar
git -C "$work/s" commit -qm s
export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o ConnectTimeout=10"
emu_check_target "$EMU_GIT_SSH_URL"
git -C "$work/s" push "$EMU_GIT_SSH_URL" HEAD:refs/heads/main ||
  emu_log "push over SSH did not complete (expected without an SSH git server); the attempt is what exfilwatch judges"
rm -rf "$work"
emu_expect push-after-moderate-reads medium
