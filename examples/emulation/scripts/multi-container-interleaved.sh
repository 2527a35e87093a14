#!/bin/sh
# Emulates scenario multi-container-interleaved (examples/scenarios/multi-container-interleaved.yaml):
# Three pods on one node at once: a bulk exfiltration, a small push, and a busy reader that never pushes.
#
# This script plays ONE role, chosen by EMU_ROLE: `miner` (archive 96 MiB, push it as an OCI artifact with
# oras: needs the oras image), `docs` (a small git push: git image) or `reader` (reads 150 MiB, never pushes:
# any image). The Job in k8s/ runs the three side by side in separate containers, as the scenario has them.
# Safe version: random bytes, in-namespace registry and git server.
#
# Image: ghcr.io/oras-project/oras:v1.2.2 (miner), alpine/git:2.47.2 (docs, reader)
# Expected alert: bulk-read-then-push, severity high
# Expected alert: push-without-reads, severity low
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${EMU_ROLE:?set EMU_ROLE to miner, docs or reader}"
work="$EMU_WORKDIR/multi-container-interleaved-$EMU_ROLE"
rm -rf "$work"
case "$EMU_ROLE" in
  miner)
    emu_need oras tar head
    emu_check_target "$EMU_REGISTRY"
    emu_dummy_files "$work/srv/cases" 300 96
    tar czf "$work/m.tgz" -C "$work/srv" cases
    cd "$work"
    emu_retry 12 oras push --plain-http "$EMU_REGISTRY/fs-exports/m:1" m.tgz
    cd /
    emu_expect bulk-read-then-push high
    ;;
  docs)
    emu_need git head
    emu_git_init "$work/src"
    head -c 40960 /dev/urandom >"$work/src/page.bin"
    git -C "$work/src" add -A
    git -C "$work/src" commit -qm docs
    emu_git_push "$work/src"
    emu_expect push-without-reads low
    ;;
  reader)
    emu_need head find
    emu_dummy_files "$work/data/in" 120 150
    emu_read_all "$work/data/in"
    emu_log "done. expected alert: none (reads without a push)"
    ;;
  *) emu_die "EMU_ROLE must be miner, docs or reader (got $EMU_ROLE)" ;;
esac
rm -rf "$work"
