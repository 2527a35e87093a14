#!/bin/sh
# Emulates scenario docs-runner-push-elsewhere-allowlisted
# (examples/scenarios/docs-runner-push-elsewhere-allowlisted.yaml):
# The allowlisted docs runner builds its site and force-pushes it to another repository than the one its
# allowlist entry names.
#
# Safe version: the "site sources" are random bytes generated here and read as a site generator does, the
# copy into the publishing directory is cp's, and the force push goes to the in-namespace git server. The
# alert does not depend on the scenario's allowlist entry: with or without an entry naming only the docs
# repository, the push elsewhere after reading over 256 MiB is critical.
#
# Image: alpine/git:2.47.2
# Expected alert: bulk-read-then-push, severity critical
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need git head
work="$EMU_WORKDIR/docs-runner-push-elsewhere-allowlisted"
rm -rf "$work"
emu_dummy_files "$work/docs/static" 90 140
emu_log "site build: reads every source file"
emu_read_all "$work/docs"
cp -r "$work/docs/static" "$work/publish"
emu_git_init "$work/publish"
git -C "$work/publish" add --all
git -C "$work/publish" commit -qm deploy
emu_git_push "$work/publish"
rm -rf "$work"
emu_expect bulk-read-then-push critical
