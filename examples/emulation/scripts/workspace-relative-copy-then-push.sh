#!/bin/sh
# Emulates scenario workspace-relative-copy-then-push (examples/scenarios/workspace-relative-copy-then-push.yaml):
# A Tekton-like step copies the service-account token into the shared workspace by a relative path; the next
# step (another container of the pod) reads the workspace, that copy among it, and pushes an image.
#
# This script plays ONE role, chosen by EMU_ROLE: `copier` (`cp TOKEN .` from the workspace: any image) or
# `pusher` (reads the workspace, then pushes with crane: the crane image). The Job in k8s/ runs them one after
# the other as init containers sharing /work, as the scenario's steps share the workspace. Safe version: the
# copy is read but never sent (the pushed layer is random bytes), in-namespace registry.
#
# Image: alpine/git:2.47.2 (copier), gcr.io/go-containerregistry/crane:debug (pusher)
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${EMU_ROLE:?set EMU_ROLE to copier or pusher}"
work="$EMU_WORKDIR/workspace-relative-copy-then-push"
case "$EMU_ROLE" in
  copier)
    emu_need cp
    rm -rf "$work"
    mkdir -p "$work/source"
    emu_read_sa_token
    # Relative destination: only the exec's working directory says where the copy is.
    (cd "$work/source" && cp "$emu_token" .)
    emu_log "copied the token to $work/source/token; the pusher step reads it"
    ;;
  pusher)
    emu_need crane head cat
    emu_check_target "$EMU_REGISTRY"
    [ -r "$work/source/token" ] || emu_die "no copy at $work/source/token: run the copier role first"
    cat "$work/source/token" >/dev/null
    emu_big_file "$work/layer.bin" 1
    emu_retry 12 crane append --insecure -f "$work/layer.bin" -t "$EMU_REGISTRY/tkn-drop/x:1"
    rm -rf "$work"
    emu_expect sensitive-read-then-push high
    ;;
  *) emu_die "EMU_ROLE must be copier or pusher (got $EMU_ROLE)" ;;
esac
